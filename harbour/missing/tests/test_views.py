"""Missing-episode pages through Django's test client: reporting, the episode page and its clock,
the return, grading, closing, the open list; error summaries and access refusals."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from harbour.accounts.models import Role
from harbour.accounts.tests.factories import user_with_role
from harbour.audit.models import AuditEvent
from harbour.missing.forms import parse_time, uk_moment
from harbour.missing.models import EpisodeStatus, MissingEpisode
from harbour.missing.tests.factories import MissingWorld, frozen, london, record_return, report
from harbour.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

NOW = london(2026, 3, 28, 23, 45)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response: Any) -> str:
    return response.content.decode()


def _report_url(world: MissingWorld) -> str:
    return f"{reverse('missing:report')}?person={world.child.pk}"


def _report_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "missing_from": "care",
        "category": "away_from_placement",
        "last_seen_at_day": "28",
        "last_seen_at_month": "3",
        "last_seen_at_year": "2026",
        "last_seen_time": "21:00",
        "last_seen_where": "Northbrook bus station",
        "police_reference": "",
        "risk_grade": "",
        "placing_authority": "",
        "host_authority": "",
        "note": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _return_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "returned_at_day": "28",
        "returned_at_month": "3",
        "returned_at_year": "2026",
        "returned_time": "23:30",
        "returned_where": "Her placement",
        "returned_how": "Police found her",
        "returned_with_whom": "",
    }
    data.update(overrides)
    return data


# Reporting ---------------------------------------------------------------------------------


def test_police_report_an_episode_and_land_on_its_page(world):
    client = _client(world.officer)
    with frozen(NOW):
        response = client.post(
            _report_url(world), _report_data(risk_grade="high", police_reference="NB-1")
        )
    episode = MissingEpisode.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("missing:detail", args=[episode.pk])
    assert episode.last_seen_at == london(2026, 3, 28, 21, 0)
    assert episode.risk_grade == "high"
    with frozen(NOW):
        page = _text(client.get(response.url))
    assert "Missing episode reported" in page
    assert "Missing now" in page
    assert "Not started" in page


def test_a_second_report_joins_and_says_so(world):
    with frozen(NOW):
        _client(world.officer).post(_report_url(world), _report_data())
        response = _client(world.lead).post(_report_url(world), _report_data(), follow=True)
    assert MissingEpisode.objects.count() == 1
    assert (
        "This child was already reported missing: your report was added to the open episode"
        in _text(response)
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"missing_from": None}, "Select where the child is missing from"),
        ({"category": None}, "Select the category of absence"),
        (
            {"last_seen_at_day": "", "last_seen_at_month": "", "last_seen_at_year": ""},
            "Enter date last seen",
        ),
        ({"last_seen_time": ""}, "Enter the time, for example 14:30"),
        ({"last_seen_time": "25:00"}, "Enter a real time, for example 14:30 or 2:30pm"),
        ({"last_seen_where": ""}, "Enter where the child was last seen"),
        ({"last_seen_time": "23:59"}, "The time the child was last seen cannot be in the future"),
        (
            {"placed_out_of_area": "on", "host_authority": "Southmere"},
            "Enter the placing authority for a child placed out of area",
        ),
        (
            {"placed_out_of_area": "on", "placing_authority": "Eastvale"},
            "Enter the host authority for a child placed out of area",
        ),
    ],
)
def test_report_errors_show_in_the_summary(world, overrides, message):
    with frozen(NOW):
        response = _client(world.officer).post(_report_url(world), _report_data(**overrides))
    body = _text(response)
    assert response.status_code == 200
    assert "govuk-error-summary" in body
    assert message in body
    assert "<title>Error: " in body
    assert MissingEpisode.objects.count() == 0


def test_a_time_the_spring_change_skipped_is_refused(world):
    with frozen(london(2026, 3, 29, 12, 0)):
        response = _client(world.officer).post(
            _report_url(world), _report_data(last_seen_at_day="29", last_seen_time="01:30")
        )
    assert "That time did not exist in the UK: the clocks went forward an hour at 1am" in _text(
        response
    )


def test_the_police_grade_refused_to_others_shows_on_the_field(world):
    with frozen(NOW):
        response = _client(world.lead).post(_report_url(world), _report_data(risk_grade="high"))
    assert "Only the police can grade the risk of a missing episode" in _text(response)


def test_a_report_of_an_absence_already_returned_shows_the_refusal(world):
    with frozen(NOW):
        episode, _ = report(world, last_seen_at=london(2026, 3, 28, 20, 0))
        record_return(world, episode, returned_at=london(2026, 3, 28, 23, 0))
        response = _client(world.lead).post(_report_url(world), _report_data())
    assert "This absence is already recorded" in _text(response)


def test_the_report_page_is_404_for_an_unseen_child_a_bad_id_or_a_role_that_cannot_record(world):
    stranger = PersonFactory()
    client = _client(world.officer)
    assert client.get(f"{reverse('missing:report')}?person={stranger.pk}").status_code == 404
    assert client.get(f"{reverse('missing:report')}?person=nope").status_code == 404
    assert client.get(reverse("missing:report")).status_code == 404
    licensing = user_with_role(Role.LICENSING, world.referrer.memberships.get().agency)
    assert _client(licensing).get(_report_url(world)).status_code == 404


# The episode page -------------------------------------------------------------------------------


def test_the_episode_page_shows_the_clock_due_time_and_out_of_area_details(world):
    with frozen(NOW):
        episode, _ = report(
            world,
            last_seen_at=london(2026, 3, 28, 18, 0),
            placed_out_of_area=True,
            placing_authority="Eastvale Council",
            host_authority="Northbrook Council",
        )
        record_return(world, episode, returned_at=london(2026, 3, 28, 23, 30))
    with frozen(london(2026, 3, 30, 9, 0)):
        body = _text(_client(world.lead).get(reverse("missing:detail", args=[episode.pk])))
    assert "Due</strong> by 31 March 2026 at 11:30pm" not in body  # 72 real hours, not 23:30
    assert "Due</strong> by 1 April 2026 at 12:30am" in body
    assert "Time left" in body
    assert "1 day 15 hours" in body
    assert "Yes: placed by Eastvale Council, living in Northbrook Council" in body
    assert "Duration" in body
    assert "5 hours 30 minutes" in body
    assert AuditEvent.objects.filter(
        action="missing.episode_viewed", subject_id=str(episode.pk)
    ).exists()


def test_an_overdue_clock_is_shown(world):
    with frozen(NOW):
        episode, _ = report(world, last_seen_at=london(2026, 3, 28, 18, 0))
        record_return(world, episode, returned_at=london(2026, 3, 28, 23, 30))
    with frozen(london(2026, 4, 2, 9, 0)):
        body = _text(_client(world.lead).get(reverse("missing:detail", args=[episode.pk])))
    assert "Overdue</strong> since 1 April 2026 at 12:30am" in body


def test_an_episode_the_viewer_cannot_see_is_404_and_audited(world):
    with frozen(NOW):
        episode, _ = report(world, last_seen_at=london(2026, 3, 28, 18, 0))
    from harbour.accounts.models import Role
    from harbour.accounts.tests.factories import user_with_role

    outsider = user_with_role(Role.LEAD_PROFESSIONAL)
    for url in (
        reverse("missing:detail", args=[episode.pk]),
        reverse("missing:detail", args=[uuid.uuid4()]),
    ):
        assert _client(outsider).get(url).status_code == 404
    assert AuditEvent.objects.filter(action="missing.episode_view_refused").count() == 2
    for name in ("missing:return", "missing:grade", "missing:close"):
        assert _client(outsider).get(reverse(name, args=[episode.pk])).status_code == 404


# Return, grade, close ----------------------------------------------------------------------


def test_recording_the_return_starts_the_clock(world):
    with frozen(NOW):
        episode, _ = report(world, last_seen_at=london(2026, 3, 28, 18, 0))
        response = _client(world.lead).post(
            reverse("missing:return", args=[episode.pk]), _return_data(), follow=True
        )
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.RETURNED
    assert episode.interview_due_at == london(2026, 4, 1, 0, 30)
    assert "Return recorded: the return home interview clock started" in _text(response)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"returned_time": "23:50"}, "The return time cannot be in the future"),
        ({"returned_time": "17:00"}, "The return time cannot be before the child was last seen"),
        (
            {"returned_time": "18:10"},
            "The time the child was found or returned cannot be before they were reported missing",
        ),
        ({"returned_where": ""}, "Enter where the child was found or returned to"),
        ({"returned_how": ""}, "Enter who found the child or brought them back"),
        ({"returned_time": ""}, "Enter the time, for example 14:30"),
        ({"returned_at_year": "26"}, "Year must include 4 numbers"),
    ],
)
def test_return_errors_show_in_the_summary_and_nothing_changes(world, overrides, message):
    with frozen(NOW):
        episode, _ = report(world, last_seen_at=london(2026, 3, 28, 18, 0))  # reported 18:30
        response = _client(world.lead).post(
            reverse("missing:return", args=[episode.pk]), _return_data(**overrides)
        )
    body = _text(response)
    assert "govuk-error-summary" in body
    assert message in body
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.OPEN
    assert episode.returned_at is None


def test_grading_through_the_page(world):
    with frozen(NOW):
        episode, _ = report(world, last_seen_at=london(2026, 3, 28, 18, 0))
        url = reverse("missing:grade", args=[episode.pk])
        assert _client(world.lead).get(url).status_code == 404
        response = _client(world.officer).post(url, {"grade": "", "reason": ""})
        body = _text(response)
        assert "Select the police risk grading" in body
        assert "Enter the reason for the grading" in body
        response = _client(world.officer).post(
            url, {"grade": "high", "reason": "Known to associate with a county line"}, follow=True
        )
    assert "Risk grading recorded" in _text(response)
    assert "Known to associate with a county line" in _text(response)


def test_closing_through_the_page(world):
    with frozen(NOW):
        episode, _ = report(world, last_seen_at=london(2026, 3, 28, 18, 0))
        url = reverse("missing:close", args=[episode.pk])
        response = _client(world.lead).post(url)
        assert "Record the child&#x27;s return before closing the episode" in _text(response)
        record_return(world, episode, returned_at=london(2026, 3, 28, 23, 0))
        response = _client(world.lead).post(url, follow=True)
    assert "Missing episode closed" in _text(response)
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.CLOSED


def test_the_open_list_shows_only_what_the_viewer_may_see(world):
    with frozen(NOW):
        mine, _ = report(world, last_seen_at=london(2026, 3, 28, 18, 0))
        other_child = world.new_child()
        returned, _ = report(world, person=other_child, last_seen_at=london(2026, 3, 28, 18, 0))
        record_return(world, returned, returned_at=london(2026, 3, 28, 23, 0))
        body = _text(_client(world.coordinator).get(reverse("missing:open")))
    assert world.child.full_name in body
    assert other_child.full_name in body
    assert "Missing now" in body
    assert "Due</strong>" in body
    from harbour.accounts.models import Role
    from harbour.accounts.tests.factories import user_with_role

    outsider = user_with_role(Role.LEAD_PROFESSIONAL)
    with frozen(NOW):
        body = _text(_client(outsider).get(reverse("missing:open")))
    assert world.child.full_name not in body
    assert "No child you can see is missing" in body
    assert _client(world.referrer).get(reverse("missing:open")).status_code == 200
    assert AuditEvent.objects.filter(action="missing.open_list_viewed").count() == 3
    assert mine.pk


# Form helpers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14:30", datetime.time(14, 30)),
        ("9.05", datetime.time(9, 5)),
        ("2:30pm", datetime.time(14, 30)),
        ("12am", datetime.time(0, 0)),
        ("12pm", datetime.time(12, 0)),
        ("24:00", None),
        ("13pm", None),
        ("noon", None),
    ],
)
def test_times_parse_as_people_type_them(text, expected):
    assert parse_time(text) == expected


def test_an_autumn_repeated_hour_is_read_as_bst():
    moment = uk_moment(datetime.date(2026, 10, 25), datetime.time(1, 30))
    assert moment is not None
    assert moment.utcoffset() == datetime.timedelta(hours=1)
