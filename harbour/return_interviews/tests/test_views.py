"""The pages through Django's test client: the queue, the interview page (shared people 200,
everyone else 404), and every form with every message it can show."""

from __future__ import annotations

import datetime
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from harbour.accounts.models import Role
from harbour.accounts.tests.factories import user_with_role
from harbour.return_interviews import services
from harbour.return_interviews.forms import parse_time
from harbour.return_interviews.intelligence import (
    KIND_MESSAGE,
    PHONE_MESSAGE,
    PLATFORM_MESSAGE,
    VALUE_MESSAGE,
    VEHICLE_MESSAGE,
)
from harbour.return_interviews.models import IntelligenceItem, InterviewOutcome, ReturnInterview
from harbour.return_interviews.tests.factories import (
    COMPLETE_DEFAULTS,
    HOUR,
    RhiWorld,
    complete,
    make_episode,
    offered,
)

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response: Any) -> str:
    return response.content.decode()


def _assert_clean_page(body: str) -> None:
    """No inline styles or scripts without the nonce (the CSP refuses them)."""
    assert ' style="' not in body
    assert re.search(r"<script(?![^>]*nonce=)", body) is None


def _moment(prefix: str, moment: datetime.datetime) -> dict[str, str]:
    local = moment.astimezone(LONDON)
    return {
        f"{prefix}_day": str(local.day),
        f"{prefix}_month": str(local.month),
        f"{prefix}_year": str(local.year),
        f"{prefix}_time": local.strftime("%H:%M"),
    }


def _assert_error(response: Any, message: str) -> None:
    assert response.status_code == 200
    body = _text(response)
    assert "There is a problem" in body
    assert escape(message) in body
    assert "<title>Error: " in body


def _returned(world: RhiWorld, hours_ago: int = 5):
    return make_episode(world, returned_at=timezone.now() - hours_ago * HOUR)


# Parsing times ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14:30", datetime.time(14, 30)),
        ("2:30pm", datetime.time(14, 30)),
        ("2.30 PM", datetime.time(14, 30)),
        ("2pm", datetime.time(14, 0)),
        ("12am", datetime.time(0, 0)),
        ("12pm", datetime.time(12, 0)),
        ("midday", datetime.time(12, 0)),
        ("midnight", datetime.time(0, 0)),
        ("09:05", datetime.time(9, 5)),
        ("14", None),
        ("25:00", None),
        ("13pm", None),
        ("10:75", None),
        ("teatime", None),
    ],
)
def test_parse_time(text: str, expected: datetime.time | None) -> None:
    assert parse_time(text) == expected


# The queue --------------------------------------------------------------------------------


def test_the_queue_page(world: RhiWorld) -> None:
    overdue = make_episode(world, returned_at=timezone.now() - 80 * HOUR)
    response = _client(world.worker).get(reverse("return_interviews:queue"))
    assert response.status_code == 200
    body = _text(response)
    assert "Overdue: not offered in time (1)" in body
    assert world.person.full_name in body
    assert reverse("return_interviews:offer", args=[overdue.pk]) in body
    assert reverse("return_interviews:not_offered", args=[overdue.pk]) in body
    _assert_clean_page(body)
    # The coordinator sees the queue without the worker's links; a lead professional gets 404.
    coordinator_body = _text(_client(world.coordinator).get(reverse("return_interviews:queue")))
    assert world.person.full_name in coordinator_body
    assert reverse("return_interviews:offer", args=[overdue.pk]) not in coordinator_body
    assert _client(world.lead).get(reverse("return_interviews:queue")).status_code == 404


# The offer --------------------------------------------------------------------------------


def test_offer_through_the_page(world: RhiWorld) -> None:
    episode = _returned(world)
    url = reverse("return_interviews:offer", args=[episode.pk])
    page = _client(world.worker).get(url)
    assert page.status_code == 200
    _assert_clean_page(_text(page))
    moment = (timezone.now() - HOUR).replace(second=0, microsecond=0)
    response = _client(world.worker).post(url, _moment("offered_at", moment))
    interview = ReturnInterview.objects.get(episode=episode)
    assert response.status_code == 302
    assert response["Location"] == reverse("return_interviews:detail", args=[interview.pk])
    assert interview.offered_at == moment


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"offered_at_time": "10:00"}, "Enter the date the interview was offered"),
        (
            {"offered_at_day": "1", "offered_at_month": "3", "offered_at_year": "2026"},
            "Enter the time the interview was offered",
        ),
        (
            {
                "offered_at_day": "1",
                "offered_at_month": "3",
                "offered_at_year": "2026",
                "offered_at_time": "teatime",
            },
            "Enter the time the interview was offered as a real time, like 2:30pm or 14:30",
        ),
    ],
)
def test_offer_form_messages(world: RhiWorld, data: dict[str, str], message: str) -> None:
    episode = _returned(world)
    response = _client(world.worker).post(
        reverse("return_interviews:offer", args=[episode.pk]), data
    )
    _assert_error(response, message)
    assert not ReturnInterview.objects.exists()


def test_offer_page_shows_service_messages(world: RhiWorld) -> None:
    episode = _returned(world)
    url = reverse("return_interviews:offer", args=[episode.pk])
    client = _client(world.worker)
    before = client.post(url, _moment("offered_at", episode.returned_at - HOUR))
    _assert_error(before, "The interview cannot be offered before the child returned")
    future = client.post(url, _moment("offered_at", timezone.now() + 2 * HOUR))
    _assert_error(future, "The time the interview was offered cannot be in the future")
    missing = make_episode(world, returned_at=None)
    response = client.post(
        reverse("return_interviews:offer", args=[missing.pk]),
        _moment("offered_at", timezone.now() - HOUR),
    )
    _assert_error(response, "The child has not returned yet")
    assert not ReturnInterview.objects.exists()


def test_offer_page_is_404_for_anyone_but_a_worker_for_the_area(world: RhiWorld) -> None:
    episode = _returned(world)
    url = reverse("return_interviews:offer", args=[episode.pk])
    for user in (world.lead, world.coordinator, world.officer, world.south_officer):
        assert _client(user).get(url).status_code == 404
    elsewhere = user_with_role(Role.RETURN_INTERVIEW, world.south.csc)
    assert _client(elsewhere).get(url).status_code == 404


# Not offered and refusal ------------------------------------------------------------------


def test_not_offered_through_the_page(world: RhiWorld) -> None:
    episode = _returned(world)
    url = reverse("return_interviews:not_offered", args=[episode.pk])
    _assert_error(_client(world.worker).post(url, {"reason": ""}), services.REASON_MISSING)
    response = _client(world.worker).post(url, {"reason": "Could not be contacted."})
    assert response.status_code == 302
    interview = ReturnInterview.objects.get(episode=episode)
    assert interview.outcome == InterviewOutcome.NOT_OFFERED
    again = _client(world.worker).post(url, {"reason": "Again"})
    _assert_error(again, "A return interview is already recorded for this episode")


def test_refusal_through_the_page(world: RhiWorld) -> None:
    interview = offered(world, _returned(world))
    url = reverse("return_interviews:refusal", args=[interview.pk])
    page = _client(world.worker).get(url)
    assert page.status_code == 200
    _assert_clean_page(_text(page))
    _assert_error(
        _client(world.worker).post(url, {"carers_know": " "}),
        "Enter what the child's parents or carers know",
    )
    response = _client(world.worker).post(url, {"carers_know": "Foster carer knows."})
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.outcome == InterviewOutcome.REFUSED
    again = _client(world.worker).post(url, {"carers_know": "x"})
    _assert_error(again, "This interview's outcome is already recorded")


def test_refusal_page_is_404_for_a_non_worker_who_can_see_it(world: RhiWorld) -> None:
    interview = complete(world, offered(world, _returned(world)))
    for user in (world.lead, world.officer, world.coordinator):
        url = reverse("return_interviews:refusal", args=[interview.pk])
        assert _client(user).get(url).status_code == 404


# Completion -------------------------------------------------------------------------------


def _complete_data(interview: ReturnInterview, **overrides: Any) -> dict[str, Any]:
    assert interview.offered_at is not None
    data: dict[str, Any] = {
        **_moment("conducted_at", interview.offered_at + HOUR),
        **{
            key: value
            for key, value in COMPLETE_DEFAULTS.items()
            if key not in {"push_factors", "pull_factors"}
        },
        "push_factors": COMPLETE_DEFAULTS["push_factors"],
        "pull_factors": COMPLETE_DEFAULTS["pull_factors"],
    }
    data.update(overrides)
    return data


def test_complete_through_the_page(world: RhiWorld) -> None:
    interview = offered(world, _returned(world, hours_ago=10))
    url = reverse("return_interviews:complete", args=[interview.pk])
    page = _client(world.worker).get(url)
    assert page.status_code == 200
    body = _text(page)
    assert "An older boyfriend or girlfriend" in body
    assert 'name="intel_5_value"' in body
    _assert_clean_page(body)
    data = _complete_data(
        interview,
        intel_1_kind="vehicle",
        intel_1_value="ab12cde",
        intel_1_detail="Black Audi",
        intel_3_kind="online_account",
        intel_3_value="@bigz",
        intel_3_platform="Snapchat",
    )
    response = _client(world.worker).post(url, data)
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.outcome == InterviewOutcome.ACCEPTED
    assert list(IntelligenceItem.objects.values_list("kind", "value", "platform")) == [
        ("vehicle", "AB12 CDE", ""),
        ("online_account", "bigz", "Snapchat"),
    ]
    detail = _text(_client(world.worker).get(response["Location"]))
    assert "AB12 CDE" in detail
    assert "Snapchat: bigz" in detail
    assert "Conflict or arguments at home" in detail
    _assert_clean_page(detail)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"conducted_at_day": "", "conducted_at_month": "", "conducted_at_year": ""},
            "Enter the date of the interview",
        ),
        ({"conducted_at_time": ""}, "Enter the time of the interview"),
        (
            {"conducted_at_time": "25:00"},
            "Enter the time of the interview as a real time, like 2:30pm or 14:30",
        ),
        ({"conducted_where": ""}, "Enter where the interview took place"),
        ({"where_child_was": ""}, "Enter where the child was, or that they did not say"),
        ({"safety_information": ""}, "Enter the safety information and helplines given"),
        ({"child_wishes": ""}, "Enter what the child wants to happen, or that they did not say"),
        ({"push_factors": ["made_up"]}, "Choose push factors from the list"),
        ({"pull_factors": ["bullying"]}, "Choose pull factors from the list"),
        ({"intel_2_value": "Bigz"}, KIND_MESSAGE),
        ({"intel_2_kind": "name"}, VALUE_MESSAGE),
        ({"intel_2_kind": "vehicle", "intel_2_value": "black audi"}, VEHICLE_MESSAGE),
        ({"intel_2_kind": "phone", "intel_2_value": "12345"}, PHONE_MESSAGE),
        ({"intel_2_kind": "online_account", "intel_2_value": "bigz"}, PLATFORM_MESSAGE),
    ],
)
def test_complete_form_messages(world: RhiWorld, overrides: dict[str, Any], message: str) -> None:
    interview = offered(world, _returned(world, hours_ago=10))
    url = reverse("return_interviews:complete", args=[interview.pk])
    response = _client(world.worker).post(url, _complete_data(interview, **overrides))
    _assert_error(response, message)
    interview.refresh_from_db()
    assert interview.outcome == ""
    _assert_clean_page(_text(response))


def test_complete_page_shows_service_messages(world: RhiWorld) -> None:
    episode = _returned(world, hours_ago=10)
    interview = offered(world, episode, after=2 * HOUR)
    url = reverse("return_interviews:complete", args=[interview.pk])
    client = _client(world.worker)
    before_return = _complete_data(interview, **_moment("conducted_at", episode.returned_at - HOUR))
    _assert_error(client.post(url, before_return), services.CONDUCTED_BEFORE_RETURN)
    before_offer = _complete_data(interview, **_moment("conducted_at", episode.returned_at + HOUR))
    _assert_error(client.post(url, before_offer), services.CONDUCTED_BEFORE_OFFER)
    future = _complete_data(interview, **_moment("conducted_at", timezone.now() + 2 * HOUR))
    _assert_error(client.post(url, future), services.CONDUCTED_IN_FUTURE)
    assert ReturnInterview.objects.get(pk=interview.pk).outcome == ""


# Who can open the interview ---------------------------------------------------------------


def test_the_shared_people_open_the_interview_and_others_get_404(world: RhiWorld) -> None:
    interview = complete(world, offered(world, _returned(world)))
    url = reverse("return_interviews:detail", args=[interview.pk])
    for insider in (world.officer, world.coordinator, world.lead, world.worker):
        response = _client(insider).get(url)
        assert response.status_code == 200, insider
        assert "Where the child was" in _text(response)
    for outsider in (
        world.south_officer,
        world.south_coordinator,
        world.south_lead,
        user_with_role(Role.RETURN_INTERVIEW, world.south.csc),
    ):
        assert _client(outsider).get(url).status_code == 404, outsider
    unknown = reverse("return_interviews:detail", args=["00000000-0000-0000-0000-000000000000"])
    assert _client(world.officer).get(unknown).status_code == 404


def test_the_interview_page_offers_the_worker_the_next_steps(world: RhiWorld) -> None:
    interview = offered(world, _returned(world))
    url = reverse("return_interviews:detail", args=[interview.pk])
    body = _text(_client(world.worker).get(url))
    assert reverse("return_interviews:complete", args=[interview.pk]) in body
    assert reverse("return_interviews:refusal", args=[interview.pk]) in body
    assert "Offered in time" in body
    _assert_clean_page(body)
