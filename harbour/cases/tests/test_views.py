"""Case pages through Django's test client: opening, the case page, each form, "my cases"."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from harbour.accounts.models import Membership, Role
from harbour.accounts.tests.factories import user_with_role
from harbour.cases import services
from harbour.cases.models import ActionStatus, Case, CaseStatus
from harbour.cases.tests.factories import (
    CaseWorld,
    decided_referral,
    in_days,
    make_assessment,
    make_case,
)

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response: Any) -> str:
    return response.content.decode()


def _date(prefix: str, day: Any) -> dict[str, str]:
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def _lead_choice(world: CaseWorld) -> str:
    membership = Membership.objects.get(user=world.lead, role=Role.LEAD_PROFESSIONAL)
    return str(membership.pk)


def _assert_clean_page(body: str) -> None:
    """No inline styles or scripts without the nonce (the CSP refuses them)."""
    assert ' style="' not in body
    assert re.search(r"<script(?![^>]*nonce=)", body) is None


# Opening a case ---------------------------------------------------------------------------


def _open_url(world: CaseWorld, referral: Any = None) -> str:
    return f"{reverse('cases:create')}?referral={(referral or world.referral).pk}"


def test_the_open_page_offers_the_areas_lead_professionals(world: CaseWorld) -> None:
    response = _client(world.north.front_door).get(_open_url(world))
    assert response.status_code == 200
    body = _text(response)
    assert "Open a case for Amelia Ashdown" in body
    assert escape(f"{world.lead}, {world.north.csc}") in body
    assert "Northbrook Police" in body
    # The referral's concerns are ticked already.
    assert response.context["form"].initial["exploitation_types"] == ["criminal_exploitation"]
    _assert_clean_page(body)


def test_open_a_case_through_the_page(world: CaseWorld) -> None:
    data = {
        "lead_professional": _lead_choice(world),
        "exploitation_types": ["criminal_exploitation", "missing"],
        "agencies": [str(world.police.pk)],
        **_date("plan_review_due_on", in_days(28)),
    }
    response = _client(world.north.front_door).post(_open_url(world), data)
    case = Case.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("cases:detail", args=[case.pk])
    assert case.plan_review_due_on == in_days(28)
    assert set(case.agency_memberships.values_list("agency__name", flat=True)) == {
        world.north.csc.name,
        world.police.name,
    }


def test_open_page_errors_are_summarised(world: CaseWorld) -> None:
    response = _client(world.north.front_door).post(_open_url(world), {})
    body = _text(response)
    assert response.status_code == 200
    assert "<title>Error: " in body
    assert "There is a problem" in body
    assert '<a href="#id_lead_professional">Choose a lead professional</a>' in body
    assert "Select the types of exploitation" in body
    assert not Case.objects.exists()


def test_a_service_error_reaches_the_summary(world: CaseWorld) -> None:
    data = {
        "lead_professional": _lead_choice(world),
        "exploitation_types": ["criminal_exploitation"],
        **_date("plan_review_due_on", in_days(0)),
    }
    response = _client(world.north.front_door).post(_open_url(world), data)
    body = _text(response)
    assert "govuk-error-summary" in body
    assert "The date of the first plan review must be in the future" in body
    assert not Case.objects.exists()


def test_a_referral_that_cannot_open_a_case_says_why(world: CaseWorld) -> None:
    referral = decided_referral(world.north, route="no_further_action", first_names="Sam")
    response = _client(world.north.front_door).get(_open_url(world, referral))
    body = _text(response)
    assert "The front door decided no further action on this referral" in body
    assert "Open case</button>" not in body


def test_a_child_with_a_case_is_pointed_to_it(world: CaseWorld) -> None:
    case = make_case(world)
    from harbour.cases.tests.factories import referral_about

    again = referral_about(world.north, world.person)
    body = _text(_client(world.north.front_door).get(_open_url(world, again)))
    assert reverse("cases:detail", args=[case.pk]) in body
    assert "already has an open case: add to it instead" in body


@pytest.mark.parametrize("query", ["", "?referral=", "?referral=not-a-uuid"])
def test_open_page_without_a_referral_is_404(world: CaseWorld, query: str) -> None:
    assert _client(world.north.front_door).get(reverse("cases:create") + query).status_code == 404


def test_open_page_is_for_case_managers_who_can_see_the_referral(world: CaseWorld) -> None:
    assert _client(world.north.referrer).get(_open_url(world)).status_code == 404
    assert _client(world.officer).get(_open_url(world)).status_code == 404
    from harbour.referrals.tests.factories import front_door_setup

    south = front_door_setup("southmere", "Southmere")
    assert _client(south.front_door).get(_open_url(world)).status_code == 404


# The case page ----------------------------------------------------------------------------


def test_the_case_page_flags_a_missing_assessment(world: CaseWorld) -> None:
    case = make_case(world, agencies=[world.police])
    response = _client(world.lead).get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    body = _text(response)
    assert "No assessment yet" in body
    assert "Every child with an open case has a current assessment" in body
    assert f'href="/assessments/new/?person={world.person.pk}&amp;case={case.pk}"' in body
    assert "Child criminal exploitation (county lines)" in body
    assert str(world.lead) in body
    assert world.referral.reference in body
    assert "Northbrook Police" in body
    _assert_clean_page(body)


def test_the_case_page_shows_the_current_risk_level(world: CaseWorld) -> None:
    case = make_case(world)
    make_assessment(world, world.person, level="high", review_due_on=in_days(30), case=case)
    body = _text(_client(world.lead).get(reverse("cases:detail", args=[case.pk])))
    assert "No assessment yet" not in body
    assert ">High</strong>" in body


def test_the_case_page_shows_the_plan(world: CaseWorld) -> None:
    case = make_case(world, agencies=[world.police])
    goal = services.goal_add(
        actor=world.lead,
        case=case,
        description="Safe from the line.",
        agreed_with_child="yes",
        child_words="I don't want to go back there.",
    )
    services.action_add(
        actor=world.lead,
        case=case,
        description="Disruption visit.",
        owner=world.officer,
        due_on=in_days(5),
        goal=goal,
    )
    body = _text(_client(world.lead).get(reverse("cases:detail", args=[case.pk])))
    assert "Agreed with the child" in body
    assert "I don&#x27;t want to go back there." in body
    assert "Disruption visit." in body
    assert "Pat Officer" in body


def test_who_sees_which_links_on_the_case_page(world: CaseWorld) -> None:
    case = make_case(world, agencies=[world.police])
    action = services.action_add(
        actor=world.lead, case=case, description="Visit.", owner=world.officer, due_on=in_days(5)
    )
    url = reverse("cases:detail", args=[case.pk])
    lead_body = _text(_client(world.lead).get(url))
    assert reverse("cases:goal_add", args=[case.pk]) in lead_body
    assert reverse("cases:close", args=[case.pk]) in lead_body
    assert reverse("cases:agency_leave", args=[case.pk, world.police.pk]) in lead_body
    # The lead agency cannot leave, so it has no "Remove" link.
    assert reverse("cases:agency_leave", args=[case.pk, world.north.csc.pk]) not in lead_body
    officer_body = _text(_client(world.officer).get(url))
    assert reverse("cases:goal_add", args=[case.pk]) not in officer_body
    assert reverse("cases:close", args=[case.pk]) not in officer_body
    # ...but the officer may update the action they own, and may assess.
    assert reverse("cases:action_update", args=[case.pk, action.pk]) in officer_body
    assert "Start an assessment" in officer_body
    assert "Start an assessment" in lead_body
    services.case_agency_join(actor=world.lead, case=case, agency=world.north.school)
    assert "Start an assessment" not in _text(_client(world.north.referrer).get(url))


# The forms --------------------------------------------------------------------------------


FORM_PAGES = [
    "agency_join",
    "lead_change",
    "goal_add",
    "action_add",
    "review_add",
    "step_down",
    "close",
    "reopen",
]


@pytest.mark.parametrize("name", FORM_PAGES)
def test_each_form_page_shows_an_error_summary(world: CaseWorld, name: str) -> None:
    case = make_case(world)
    url = reverse(f"cases:{name}", args=[case.pk])
    client = _client(world.lead)
    page = client.get(url)
    assert page.status_code == 200
    _assert_clean_page(_text(page))
    response = client.post(url, {})
    body = _text(response)
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "<title>Error: " in body


@pytest.mark.parametrize("name", FORM_PAGES)
def test_form_pages_are_404_for_those_who_may_not_change_the_case(
    world: CaseWorld, name: str
) -> None:
    case = make_case(world, agencies=[world.police])
    url = reverse(f"cases:{name}", args=[case.pk])
    assert _client(world.officer).get(url).status_code == 404
    assert _client(world.officer).post(url, {}).status_code == 404
    assert _client(world.nurse).get(url).status_code == 404


def test_add_an_agency(world: CaseWorld) -> None:
    case = make_case(world)
    url = reverse("cases:agency_join", args=[case.pk])
    page = _text(_client(world.lead).get(url))
    assert "Northbrook Health" in page
    assert f'value="{world.north.csc.pk}"' not in page  # already in the case
    response = _client(world.lead).post(url, {"agency": str(world.health.pk)})
    assert response.status_code == 302
    assert case.agency_memberships.filter(agency=world.health, left_at__isnull=True).exists()


def test_remove_an_agency(world: CaseWorld) -> None:
    case = make_case(world, agencies=[world.police])
    url = reverse("cases:agency_leave", args=[case.pk, world.police.pk])
    assert "Remove Northbrook Police from the case" in _text(_client(world.lead).get(url))
    response = _client(world.lead).post(url, {"reason": ""})
    assert "Enter why the agency is leaving the case" in _text(response)
    response = _client(world.lead).post(url, {"reason": "Investigation closed."})
    assert response.status_code == 302
    assert not case.agency_memberships.filter(agency=world.police, left_at__isnull=True).exists()
    # It is no longer in the case: nothing to remove.
    assert _client(world.lead).get(url).status_code == 404


def test_the_lead_agency_cannot_be_removed(world: CaseWorld) -> None:
    case = make_case(world)
    url = reverse("cases:agency_leave", args=[case.pk, world.north.csc.pk])
    assert "The lead agency cannot leave the case" in _text(_client(world.lead).get(url))
    response = _client(world.lead).post(url, {"reason": "Leaving."})
    assert "change the lead professional first" in _text(response)
    assert "govuk-error-summary" in _text(response)


def test_change_the_lead_professional(world: CaseWorld) -> None:
    case = make_case(world)
    new_lead = user_with_role(Role.LEAD_PROFESSIONAL, world.north.csc, first_name="Nel")
    membership = Membership.objects.get(user=new_lead)
    url = reverse("cases:lead_change", args=[case.pk])
    response = _client(world.lead).post(url, {"lead_professional": str(membership.pk)})
    assert "Enter why the lead professional is changing" in _text(response)
    same = _client(world.lead).post(
        url, {"lead_professional": _lead_choice(world), "reason": "No change."}
    )
    assert "is already the lead professional" in _text(same)
    response = _client(world.lead).post(
        url, {"lead_professional": str(membership.pk), "reason": "Handover."}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.lead_professional == new_lead


def test_add_a_goal_needs_the_childs_words_when_agreed(world: CaseWorld) -> None:
    case = make_case(world)
    url = reverse("cases:goal_add", args=[case.pk])
    data = {"description": "Stay in school.", "agreed_with_child": "yes", "child_words": ""}
    response = _client(world.lead).post(url, data)
    assert '<a href="#id_child_words">Enter the child&#x27;s words about this goal</a>' in _text(
        response
    )
    data["child_words"] = "I want to do my GCSEs."
    assert _client(world.lead).post(url, data).status_code == 302
    assert case.goals.get().child_words == "I want to do my GCSEs."


def test_add_an_action(world: CaseWorld) -> None:
    case = make_case(world, agencies=[world.police])
    url = reverse("cases:action_add", args=[case.pk])
    page = _text(_client(world.lead).get(url))
    assert "Pat Officer, Northbrook Police" in page
    assert "Nia Nurse" not in page  # health is not in the case
    data = {
        "description": "Disruption visit.",
        "owner": str(world.officer.pk),
        **_date("due_on", in_days(-1)),
    }
    response = _client(world.lead).post(url, data)
    assert "The due date must be today or in the future" in _text(response)
    data.update(_date("due_on", in_days(3)))
    assert _client(world.lead).post(url, data).status_code == 302
    assert case.actions.get().owner == world.officer


def test_the_owner_updates_their_action(world: CaseWorld) -> None:
    case = make_case(world, agencies=[world.police])
    action = services.action_add(
        actor=world.lead, case=case, description="Visit.", owner=world.officer, due_on=in_days(5)
    )
    url = reverse("cases:action_update", args=[case.pk, action.pk])
    client = _client(world.officer)
    assert client.get(url).status_code == 200
    response = client.post(url, {"status": "cancelled", "note": ""})
    assert "Enter why the action is cancelled" in _text(response)
    assert client.post(url, {"status": "done", "note": "Visited."}).status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    # Someone else in the case, who neither owns it nor manages the case, may not.
    assert _client(user_with_role(Role.REFERRER, world.police)).get(url).status_code == 404


def test_record_a_review(world: CaseWorld) -> None:
    case = make_case(world)
    url = reverse("cases:review_add", args=[case.pk])
    data = {
        **_date("reviewed_on", in_days(0)),
        "outcome": "continue",
        "summary": "Attending school.",
        "child_views": "Says it is going better.",
    }
    response = _client(world.lead).post(url, data)
    assert "Enter the date of the next review" in _text(response)
    data.update(_date("next_review_due_on", in_days(42)))
    assert _client(world.lead).post(url, data).status_code == 302
    case.refresh_from_db()
    assert case.plan_review_due_on == in_days(42)


def test_step_down_close_and_reopen_pages(world: CaseWorld) -> None:
    case = make_case(world)
    client = _client(world.lead)
    response = client.post(
        reverse("cases:step_down", args=[case.pk]),
        {**_date("monitoring_until", in_days(60)), "reason": "Goals met."},
    )
    assert response.status_code == 302
    response = client.post(reverse("cases:close", args=[case.pk]), {"reason": "other"})
    assert "Explain why the case is closing" in _text(response)
    response = client.post(
        reverse("cases:close", args=[case.pk]), {"reason": "other", "note": "Emigrated."}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    body = _text(client.get(reverse("cases:detail", args=[case.pk])))
    assert "Reopen the case" in body
    assert reverse("cases:goal_add", args=[case.pk]) not in body
    response = client.post(reverse("cases:reopen", args=[case.pk]), {"reason": "Back."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


# My cases ---------------------------------------------------------------------------------


def test_my_cases_page_marks_what_is_overdue(world: CaseWorld) -> None:
    overdue = make_case(world)  # no assessment: overdue
    fine = make_case(world, referral=decided_referral(world.north, first_names="Eve"))
    make_assessment(world, fine.person, level="low", review_due_on=in_days(60))
    response = _client(world.lead).get(reverse("cases:mine"))
    assert response.status_code == 200
    body = _text(response)
    assert '<strong class="govuk-tag app-tag--overdue">No assessment yet</strong>' in body
    assert "<strong>1 with something overdue</strong>" in body
    assert body.index(overdue.person.full_name) < body.index(fine.person.full_name)
    assert "Low" in body
    _assert_clean_page(body)


def test_my_cases_page_for_someone_leading_nothing(world: CaseWorld) -> None:
    body = _text(_client(world.officer).get(reverse("cases:mine")))
    assert "You do not lead any open cases." in body


def test_my_cases_page_is_for_casework_roles(world: CaseWorld) -> None:
    board = user_with_role(Role.BOARD_MEMBER, world.north.csc)
    assert _client(board).get(reverse("cases:mine")).status_code == 404


def test_my_cases_shows_a_child_missing_now(client, world) -> None:
    """The lead professional's list shows their children's missing episodes."""
    import datetime

    from django.utils import timezone

    from harbour.cases.tests.factories import make_case
    from harbour.missing.models import MissingEpisode

    case = make_case(world)
    MissingEpisode.objects.create(
        person=case.person,
        area=case.area,
        missing_from="home",
        category="missing",
        reported_at=timezone.now() - datetime.timedelta(hours=2),
        reported_by=world.officer,
        reported_by_agency=world.police,
        last_seen_at=timezone.now() - datetime.timedelta(hours=3),
    )
    client.force_login(world.lead)
    page = client.get("/cases/mine/").content.decode()
    assert "Missing now" in page
    assert "1 episode in 90 days" in page
