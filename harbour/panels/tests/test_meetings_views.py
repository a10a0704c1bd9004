"""The panels and meetings pages through Django's test client: the panels list, setting up and
changing a panel, members, scheduling, the agenda behind the confidentiality agreement, the
chair's draft agenda and an agency's request for discussion. What a user may not see is a 404."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from harbour.accounts.models import Role
from harbour.accounts.tests.factories import MembershipFactory, user_with_role
from harbour.audit.models import AuditEvent
from harbour.missing.tests.factories import frozen, london
from harbour.panels.models import (
    AgencyDiscussionRequest,
    AgendaItem,
    ConfidentialityConfirmation,
    Meeting,
    MeetingStatus,
    Panel,
    PanelMember,
)
from harbour.panels.tests.factories import PanelWorld
from harbour.panels.tests.meetings_factories import (
    MEETING_AT,
    NOW,
    agenda_titles,
    draft_with_themes,
)
from harbour.panels.tests.record_factories import ReadyMeeting, confirm_for, ready_meeting

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _body(response: Any) -> str:
    return str(response.content.decode())


def _assert_clean_page(body: str) -> None:
    """No inline styles or scripts without the nonce (the CSP refuses them)."""
    assert ' style="' not in body
    assert re.search(r"<script(?![^>]*nonce=)", body) is None


def _get(user: Any, url: str, at: datetime.datetime = NOW) -> Any:
    with frozen(at):
        return _client(user).get(url)


def _post(user: Any, url: str, data: dict[str, Any], at: datetime.datetime = NOW) -> Any:
    with frozen(at):
        return _client(user).post(url, data)


def _refusals(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_the_urls() -> None:
    some_id = "8d1c5bb4-1f0e-4a38-9a43-0a0b7b1c2d3e"
    assert reverse("panels:list") == "/panels/"
    assert reverse("panels:create") == "/panels/new/"
    assert reverse("panels:detail", args=[some_id]) == f"/panels/{some_id}/"
    assert reverse("panels:edit", args=[some_id]) == f"/panels/{some_id}/edit/"
    assert reverse("panels:member_add", args=[some_id]) == f"/panels/{some_id}/members/new/"
    assert reverse("panels:meeting_schedule", args=[some_id]) == (
        f"/panels/{some_id}/meetings/new/"
    )
    assert reverse("panels:meeting", args=[some_id]) == f"/panels/meetings/{some_id}/"
    assert reverse("panels:confirm", args=[some_id]) == (
        f"/panels/meetings/{some_id}/confidentiality/"
    )
    assert reverse("panels:agenda_edit", args=[some_id]) == f"/panels/meetings/{some_id}/agenda/"
    assert reverse("panels:discussion_request") == "/panels/requests/new/"


# The panels list ------------------------------------------------------------------------------


def test_the_panels_list_shows_each_users_panels(north: PanelWorld, south: PanelWorld) -> None:
    north.meeting(MEETING_AT)
    response = _get(north.missing.coordinator, reverse("panels:list"))
    assert response.status_code == 200
    body = _body(response)
    _assert_clean_page(body)
    assert "Northbrook MACE" in body
    assert "Southmere MACE" not in body
    assert "Set up a panel" in body
    assert "11 February 2027 at 10am" in body
    assert "Cara Coord" in body

    member_body = _body(_get(north.health_member, reverse("panels:list")))
    assert "Northbrook MACE" in member_body
    assert "Set up a panel" not in member_body

    outsider_body = _body(_get(south.missing.lead, reverse("panels:list")))
    assert "Northbrook MACE" not in outsider_body


def test_signing_in_is_required(north: PanelWorld) -> None:
    response = Client().get(reverse("panels:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# Setting up and changing a panel --------------------------------------------------------------


def test_a_coordinator_sets_up_a_panel(north: PanelWorld) -> None:
    url = reverse("panels:create")
    page = _get(north.missing.coordinator, url)
    assert page.status_code == 200
    _assert_clean_page(_body(page))
    assert "Child-focused MACE" in _body(page)
    assert "All areas" in _body(page)

    response = _post(
        north.missing.coordinator,
        url,
        {
            "type_key": "child-mace",
            "area": str(north.area.pk),
            "name": "Northbrook missing panel",
            "chair": str(north.missing.lead.pk),
            "terms_of_reference": "Children missing often from care.",
        },
    )
    panel = Panel.objects.get(name="Northbrook missing panel")
    assert response.status_code == 302
    assert response["Location"] == reverse("panels:detail", args=[panel.pk])
    assert AuditEvent.objects.filter(action="panels.panel_created").count() == 1


def test_setting_up_a_panel_shows_what_is_wrong(north: PanelWorld) -> None:
    response = _post(
        north.missing.coordinator,
        reverse("panels:create"),
        {
            "type_key": "strategic-mace",
            "area": str(north.area.pk),
            "name": "Northbrook MACE",
            "chair": str(north.missing.lead.pk),
            "terms_of_reference": "",
        },
    )
    assert response.status_code == 200
    body = _body(response)
    assert "<title>Error: " in body
    assert "There is a problem" in body
    assert "Enter terms of reference" in body

    response = _post(
        north.missing.coordinator,
        reverse("panels:create"),
        {
            "type_key": "strategic-mace",
            "area": str(north.area.pk),
            "name": "Northbrook MACE",
            "chair": str(north.missing.lead.pk),
            "terms_of_reference": "Themes.",
        },
    )
    body = _body(response)
    assert "serves every area" in body
    assert escape("There is already a panel called Northbrook MACE") in body


def test_people_who_may_not_set_up_panels_get_not_found(north: PanelWorld) -> None:
    assert _get(north.missing.lead, reverse("panels:create")).status_code == 404
    assert _refusals("panels.panel_change_refused") == 1


def test_the_chair_changes_the_panel_and_others_may_not(north: PanelWorld) -> None:
    url = reverse("panels:edit", args=[north.panel.pk])
    assert _get(north.missing.coordinator, url).status_code == 200
    assert _get(north.health_member, url).status_code == 404

    response = _post(
        north.missing.coordinator,
        url,
        {
            "name": "Northbrook exploitation panel",
            "chair": str(north.missing.coordinator.pk),
            "terms_of_reference": "New terms.",
        },
    )
    assert response.status_code == 302
    north.panel.refresh_from_db()
    assert north.panel.terms_of_reference == "New terms."


# A panel's page and members -------------------------------------------------------------------


def test_the_panel_page_for_its_chair_a_member_and_an_outsider(
    north: PanelWorld, south: PanelWorld
) -> None:
    north.meeting(MEETING_AT)
    north.meeting(london(2027, 1, 14, 10, 0))
    url = reverse("panels:detail", args=[north.panel.pk])

    chair_body = _body(_get(north.missing.coordinator, url))
    _assert_clean_page(chair_body)
    assert "Child-focused MACE" in chair_body
    assert "Northbrook Police" in chair_body
    assert "Pat Officer" in chair_body
    assert 'Remove<span class="govuk-visually-hidden"> Pat Officer</span>' in chair_body
    assert "Schedule a meeting" in chair_body
    assert "Edit the agenda" in chair_body
    assert "Upcoming meetings" in chair_body
    assert "Past meetings" in chair_body

    member_body = _body(_get(north.health_member, url))
    assert "Pat Officer" in member_body
    assert "Remove" not in member_body
    assert "Schedule a meeting" not in member_body

    assert _get(south.missing.coordinator, url).status_code == 404
    assert _refusals("panels.panel_view_refused") == 1


def test_a_manager_adds_and_removes_a_member(north: PanelWorld) -> None:
    url = reverse("panels:member_add", args=[north.panel.pk])
    referrer, school = north.missing.referrer, north.missing.school
    value = f"{referrer.pk}:{school.pk}"
    page = _body(_get(north.missing.coordinator, url))
    assert value in page
    assert "Sam School, Northbrook Academy" in page
    # Members already on the panel are not offered again.
    assert f"{north.missing.officer.pk}:" not in page

    empty = _post(north.missing.coordinator, url, {"member": ""})
    assert "Choose who is joining the panel" in _body(empty)

    added = _post(north.missing.coordinator, url, {"member": value})
    assert added.status_code == 302
    member = PanelMember.objects.get(panel=north.panel, user=referrer)
    assert member.is_active
    assert member.agency == school

    remove_url = reverse("panels:member_remove", args=[north.panel.pk, member.pk])
    assert _get(north.missing.coordinator, remove_url).status_code == 405
    assert _post(north.health_member, remove_url, {}).status_code == 404
    removed = _post(north.missing.coordinator, remove_url, {})
    assert removed.status_code == 302
    member.refresh_from_db()
    assert not member.is_active


def test_members_are_managed_only_by_managers(north: PanelWorld) -> None:
    url = reverse("panels:member_add", args=[north.panel.pk])
    assert _get(north.health_member, url).status_code == 404
    value = f"{north.missing.referrer.pk}:{north.missing.school.pk}"
    assert _post(north.health_member, url, {"member": value}).status_code == 404
    assert not PanelMember.objects.filter(user=north.missing.referrer).exists()


# Scheduling ----------------------------------------------------------------------------------


def test_scheduling_suggests_the_next_date_and_creates_the_meeting(north: PanelWorld) -> None:
    north.meeting(london(2027, 1, 28, 10, 0))
    url = reverse("panels:meeting_schedule", args=[north.panel.pk])
    page = _body(_get(north.missing.coordinator, url))
    _assert_clean_page(page)
    assert 'name="starts_at_day" type="text" value="11"' in page
    assert "every 14 days" in page

    response = _post(
        north.missing.coordinator,
        url,
        {
            "starts_at_day": "11",
            "starts_at_month": "2",
            "starts_at_year": "2027",
            "starts_time": "2:30pm",
            "place": "Civic Centre, Room 2",
            "call_details": "",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(panel=north.panel, starts_at__gt=NOW)
    assert meeting.starts_at == london(2027, 2, 11, 14, 30)
    assert meeting.status == MeetingStatus.DRAFT


def test_scheduling_says_what_is_missing(north: PanelWorld) -> None:
    url = reverse("panels:meeting_schedule", args=[north.panel.pk])
    no_place = _body(
        _post(
            north.missing.coordinator,
            url,
            {
                "starts_at_day": "11",
                "starts_at_month": "2",
                "starts_at_year": "2027",
                "starts_time": "10am",
                "place": "",
                "call_details": " ",
            },
        )
    )
    assert "There is a problem" in no_place
    assert "Enter where the meeting is held, or the details of the call, or both" in no_place

    in_the_past = _body(
        _post(
            north.missing.coordinator,
            url,
            {
                "starts_at_day": "1",
                "starts_at_month": "1",
                "starts_at_year": "2027",
                "starts_time": "25:00",
                "place": "Room 2",
            },
        )
    )
    assert "Enter the time the meeting starts, like 10am, 2:30pm or 14:30" in in_the_past

    past = _body(
        _post(
            north.missing.coordinator,
            url,
            {
                "starts_at_day": "1",
                "starts_at_month": "1",
                "starts_at_year": "2027",
                "starts_time": "10:00",
                "place": "Room 2",
            },
        )
    )
    assert "The meeting must start in the future" in past
    assert not Meeting.objects.exists()
    assert _get(north.health_member, url).status_code == 404


# The agenda behind the confidentiality agreement ---------------------------------------------


def _ready(world: PanelWorld) -> ReadyMeeting:
    ready = ready_meeting(world)
    item = ready.child_item
    item.requested_by_agency = world.missing.school
    item.request_reason = "Seen getting into cars with older men after school."
    item.save()
    return ready


READING = london(2027, 2, 8, 9, 0)


def test_a_member_confirms_the_agreement_before_reading_the_agenda(north: PanelWorld) -> None:
    ready = _ready(north)
    meeting_url = reverse("panels:meeting", args=[ready.meeting.pk])
    confirm_url = reverse("panels:confirm", args=[ready.meeting.pk])

    first = _get(north.health_member, meeting_url, READING)
    assert first.status_code == 302
    assert first["Location"] == confirm_url

    page = _body(_get(north.health_member, confirm_url, READING))
    _assert_clean_page(page)
    assert "version 1" in page
    assert "I will use what is shared at this meeting only to keep the children" in page

    unticked = _body(_post(north.health_member, confirm_url, {}, READING))
    assert "There is a problem" in unticked
    assert "Confirm that you will keep to the confidentiality agreement" in unticked
    assert not ConfidentialityConfirmation.objects.filter(user=north.health_member).exists()

    ticked = _post(north.health_member, confirm_url, {"confirmed": "on"}, READING)
    assert ticked.status_code == 302
    assert ticked["Location"] == meeting_url
    assert ConfidentialityConfirmation.objects.filter(user=north.health_member).exists()

    agenda = _get(north.health_member, meeting_url, READING)
    assert agenda.status_code == 200
    body = _body(agenda)
    _assert_clean_page(body)
    assert "1. Jade Example" in body
    assert "An agency asked to discuss" in body
    assert "Northbrook Academy: Seen getting into cars" in body
    assert "Jade Example. On the agenda: an agency asked to discuss." in body
    assert "until the end of 18 February 2027" in body
    assert "Room 2" in body
    assert AuditEvent.objects.filter(action="panels.pre_read_viewed").count() == 1

    # Once confirmed, the agreement page goes straight to the agenda.
    assert _get(north.health_member, confirm_url, READING)["Location"] == meeting_url


def test_after_access_ends_the_pre_read_says_so(north: PanelWorld) -> None:
    ready = _ready(north)
    confirm_for(north.health_member, ready.meeting)
    body = _body(
        _get(
            north.health_member,
            reverse("panels:meeting", args=[ready.meeting.pk]),
            london(2027, 2, 19, 9, 0),
        )
    )
    assert "Jade Example. On the agenda" not in body
    assert "your access to this pre-read ended at the end of 18 February 2027" in body


def test_non_members_get_not_found_for_the_agenda_and_the_agreement(
    north: PanelWorld, south: PanelWorld
) -> None:
    ready = _ready(north)
    for name in ("panels:meeting", "panels:confirm"):
        url = reverse(name, args=[ready.meeting.pk])
        assert _get(south.missing.coordinator, url, READING).status_code == 404
    assert (
        _post(
            south.missing.coordinator,
            reverse("panels:confirm", args=[ready.meeting.pk]),
            {"confirmed": "on"},
            READING,
        ).status_code
        == 404
    )
    assert _refusals("panels.agenda_view_refused") == 3
    assert not ConfidentialityConfirmation.objects.filter(user=south.missing.coordinator).exists()


def test_a_draft_agenda_opens_only_to_the_chair(north: PanelWorld) -> None:
    meeting = draft_with_themes(north, "Takeaways on the high street")
    url = reverse("panels:meeting", args=[meeting.pk])

    member = _get(north.health_member, url)
    assert member.status_code == 200
    member_body = _body(member)
    assert "The chair is preparing the agenda" in member_body
    assert "Takeaways" not in member_body

    chair = north.missing.coordinator
    assert _get(chair, url)["Location"] == reverse("panels:confirm", args=[meeting.pk])
    confirm_for(chair, meeting)
    chair_body = _body(_get(chair, url))
    assert "Edit the agenda" in chair_body
    assert "Takeaways on the high street" in chair_body
    assert "Agenda being prepared" in chair_body


# The chair's draft agenda --------------------------------------------------------------------


def _asked_about(world: PanelWorld) -> Any:
    child = world.child("Asha")
    AgencyDiscussionRequest.objects.create(
        person=child,
        area=world.area,
        agency=world.missing.school,
        requested_by=world.missing.referrer,
        reason="Missing lessons and seen with older men.",
        requested_at=NOW - datetime.timedelta(days=2),
    )
    return child


def test_the_chair_edits_the_draft_agenda(north: PanelWorld) -> None:
    meeting = draft_with_themes(north, "Parks", "Hotels")
    _asked_about(north)
    url = reverse("panels:agenda_edit", args=[meeting.pk])
    chair = north.missing.coordinator

    page = _body(_get(chair, url))
    _assert_clean_page(page)
    assert "Harbour proposes" in page
    assert "Asha Example" in page
    assert "An agency asked to discuss" in page
    assert 'Move down<span class="govuk-visually-hidden"> Parks</span>' in page
    assert 'Move up<span class="govuk-visually-hidden"> Hotels</span>' in page
    assert 'Move up<span class="govuk-visually-hidden"> Parks</span>' not in page
    assert "pre-read is written from their record as it stands now" in page
    assert AuditEvent.objects.filter(action="panels.agenda_draft_viewed").count() == 1

    hotels = AgendaItem.objects.get(meeting=meeting, title="Hotels")
    moved = _post(chair, reverse("panels:agenda_item_move", args=[hotels.pk]), {"direction": "up"})
    assert moved["Location"] == url
    assert agenda_titles(meeting) == [(1, "Hotels"), (2, "Parks")]

    adopt = _post(chair, reverse("panels:agenda_adopt", args=[meeting.pk]), {})
    assert adopt.status_code == 302
    assert agenda_titles(meeting) == [(1, "Hotels"), (2, "Parks"), (3, "Asha")]
    assert "Harbour proposes no other children" in _body(_get(chair, url))

    _post(chair, reverse("panels:agenda_item_remove", args=[hotels.pk]), {})
    assert agenda_titles(meeting) == [(1, "Parks"), (2, "Asha")]

    empty_theme = _post(chair, reverse("panels:agenda_theme_add", args=[meeting.pk]), {"title": ""})
    assert empty_theme.status_code == 200
    assert "There is a problem" in _body(empty_theme)
    assert "Enter the theme, place or person of interest to discuss" in _body(empty_theme)
    _post(chair, reverse("panels:agenda_theme_add", args=[meeting.pk]), {"title": "Taxi rank"})
    assert agenda_titles(meeting)[-1] == (3, "Taxi rank")

    published = _post(chair, reverse("panels:agenda_publish", args=[meeting.pk]), {})
    assert published["Location"] == reverse("panels:meeting", args=[meeting.pk])
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PUBLISHED
    # Published: no more editing.
    assert _get(chair, url).status_code == 404
    assert (
        _post(chair, reverse("panels:agenda_item_remove", args=[hotels.pk]), {}).status_code == 404
    )


def test_publishing_an_empty_agenda_says_why_not(north: PanelWorld) -> None:
    meeting = north.meeting(MEETING_AT)
    response = _post(
        north.missing.coordinator, reverse("panels:agenda_publish", args=[meeting.pk]), {}
    )
    assert response.status_code == 200
    assert "Add at least one item to the agenda before publishing it" in _body(response)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.DRAFT


def test_only_the_chair_edits_the_agenda(north: PanelWorld) -> None:
    meeting = draft_with_themes(north, "Parks")
    item = AgendaItem.objects.get(meeting=meeting)
    member = north.missing.lead
    assert _get(member, reverse("panels:agenda_edit", args=[meeting.pk])).status_code == 404
    for name, args, data in (
        ("panels:agenda_item_move", [item.pk], {"direction": "down"}),
        ("panels:agenda_item_remove", [item.pk], {}),
        ("panels:agenda_theme_add", [meeting.pk], {"title": "Hotels"}),
        ("panels:agenda_adopt", [meeting.pk], {}),
        ("panels:agenda_publish", [meeting.pk], {}),
    ):
        assert _post(member, reverse(name, args=args), data).status_code == 404
    assert agenda_titles(meeting) == [(1, "Parks")]
    assert _refusals("panels.agenda_change_refused") == 6


# An agency asks the panel to discuss a child --------------------------------------------------


def test_an_agency_asks_the_panel_to_discuss_a_child(north: PanelWorld) -> None:
    child = north.missing.child
    url = f"{reverse('panels:discussion_request')}?person={child.pk}"
    lead = north.missing.lead

    page = _get(lead, url)
    assert page.status_code == 200
    body = _body(page)
    _assert_clean_page(body)
    assert escape(child.full_name) in body
    assert "You are asking for Northbrook Children&#x27;s Services" in body
    assert 'type="hidden" name="agency"' in body
    assert "Northbrook MACE" in body

    empty = _body(_post(lead, url, {"agency": str(north.missing.csc.pk), "reason": ""}))
    assert "Explain why the panel should discuss this child" in empty

    sent = _post(
        lead,
        url,
        {
            "agency": str(north.missing.csc.pk),
            "reason": "Medium risk, but school sees her with older men every week.",
        },
    )
    assert sent.status_code == 302
    assert sent["Location"] == reverse("people:detail", args=[child.pk])
    request = AgencyDiscussionRequest.objects.get(person=child)
    assert request.agency == north.missing.csc
    assert request.requested_by == lead


def test_a_user_with_several_agencies_chooses_one(north: PanelWorld) -> None:
    worker = user_with_role(Role.LEAD_PROFESSIONAL, north.missing.csc, first_name="Wyn")
    MembershipFactory(user=worker, agency=north.missing.police, role=Role.POLICE_EXPLOITATION)
    child = north.missing.child
    body = _body(_get(worker, f"{reverse('panels:discussion_request')}?person={child.pk}"))
    assert '<select class="govuk-select" id="id_agency" name="agency"' in body
    assert "Northbrook Police" in body


def test_a_child_the_user_may_not_see_is_not_found(north: PanelWorld, south: PanelWorld) -> None:
    url = reverse("panels:discussion_request")
    assert _get(north.missing.lead, f"{url}?person={south.missing.child.pk}").status_code == 404
    assert _get(north.missing.lead, f"{url}?person=not-a-uuid").status_code == 404
    assert _get(north.missing.lead, url).status_code == 404
    assert (
        _post(
            north.missing.lead,
            f"{url}?person={south.missing.child.pk}",
            {"agency": str(north.missing.csc.pk), "reason": "A long enough reason here."},
        ).status_code
        == 404
    )
    assert not AgencyDiscussionRequest.objects.exists()
