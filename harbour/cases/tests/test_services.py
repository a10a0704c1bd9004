"""Case services: every validation message, who may write, audit and chronology, no half-writes."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from harbour.accounts.models import Agency, Role
from harbour.accounts.tests.factories import AgencyFactory, MembershipFactory, user_with_role
from harbour.audit.models import AuditEvent
from harbour.cases import services
from harbour.cases.models import (
    ActionStatus,
    Case,
    CaseAgency,
    CaseExploitationType,
    CaseStatus,
    CaseStatusChange,
    PlanAction,
    PlanActionUpdate,
)
from harbour.cases.tests.factories import (
    CaseWorld,
    decided_referral,
    in_days,
    make_case,
    referral_about,
)
from harbour.core.errors import ServiceValidationError
from harbour.notifications.models import Notification
from harbour.people.models import ChronologyEntry, Involvement
from harbour.referrals.tests.factories import front_door_setup, make_public_referral

pytestmark = pytest.mark.django_db


def _errors(excinfo: pytest.ExceptionInfo[ServiceValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def _counts() -> dict[str, int]:
    return {
        "cases": Case.objects.count(),
        "types": CaseExploitationType.objects.count(),
        "memberships": CaseAgency.objects.count(),
        "status_changes": CaseStatusChange.objects.count(),
        "actions": PlanAction.objects.count(),
        "involvements": Involvement.objects.count(),
        "chronology": ChronologyEntry.objects.count(),
        "audit": AuditEvent.objects.count(),
        "notifications": Notification.objects.count(),
    }


def _actions(case: Case) -> list[str]:
    return list(
        AuditEvent.objects.filter(subject_type="cases.case", subject_id=str(case.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def _chronology(case: Case) -> list[str]:
    return list(
        ChronologyEntry.objects.filter(source_type="cases.case", source_id=str(case.pk))
        .order_by("occurred_at", "created_at")
        .values_list("event_type", flat=True)
    )


# Opening a case ---------------------------------------------------------------------------


def test_open_a_case_from_a_triage_decision(world: CaseWorld) -> None:
    case = make_case(
        world,
        agencies=[world.police, world.north.csc],
        exploitation_types=["criminal_exploitation", "sexual_exploitation"],
        plan_review_due_on=in_days(28),
    )

    assert case.person == world.person
    assert case.area == world.north.area
    assert case.referral == world.referral
    assert case.status == CaseStatus.OPEN
    assert case.lead_professional == world.lead
    assert case.opened_by == world.north.front_door
    assert case.plan_review_due_on == in_days(28)
    assert sorted(t.category for t in case.exploitation_types.all()) == [
        "criminal_exploitation",
        "sexual_exploitation",
    ]
    # The lead agency and the chosen agencies join, once each.
    members = case.agency_memberships.filter(left_at__isnull=True)
    assert sorted(m.agency.name for m in members) == sorted(
        [world.north.csc.name, world.police.name]
    )
    # Each agency's case involvement is what gives its staff access.
    involvements = Involvement.objects.filter(
        person=world.person, kind="case", source_type="cases.case", source_id=str(case.pk)
    )
    assert {i.agency_id for i in involvements} == {world.north.csc.pk, world.police.pk}
    assert all(i.ended_on is None for i in involvements)
    # The status history starts with the opening.
    change = case.status_changes.get()
    assert (change.from_status, change.to_status) == ("", CaseStatus.OPEN)
    assert world.referral.reference in change.reason
    # Audited, on the chronology, and the lead professional is told.
    assert _actions(case) == ["case.opened", "case.agency_joined", "case.agency_joined"]
    entry = ChronologyEntry.objects.get(event_type="case.opened")
    assert entry.agency == world.north.csc
    assert entry.person == world.person
    assert entry.source_id == str(case.pk)
    assert world.referral.reference in entry.summary
    notification = Notification.objects.get(recipient=world.lead)
    assert world.person.last_name not in notification.body  # no child's name in an e-mail


@pytest.mark.parametrize(
    "route",
    ["early_help", "exploitation_screening", "strategy_discussion", "panel_discussion"],
)
def test_any_route_but_no_further_action_can_open_a_case(world: CaseWorld, route: str) -> None:
    referral = decided_referral(world.north, route=route, first_names="Robin")
    assert make_case(world, referral=referral).status == CaseStatus.OPEN


def test_a_referral_not_yet_decided_cannot_open_a_case(world: CaseWorld) -> None:
    from harbour.referrals.services import referral_link_new_person
    from harbour.referrals.tests.factories import make_referral

    referral = make_referral(actor=world.north.referrer, first_names="Sam")
    referral_link_new_person(actor=world.north.front_door, referral=referral)
    referral.refresh_from_db()
    with pytest.raises(ServiceValidationError) as excinfo:
        make_case(world, referral=referral)
    assert _errors(excinfo)["referral"] == ["The front door has not decided this referral yet"]


def test_no_further_action_cannot_open_a_case(world: CaseWorld) -> None:
    referral = decided_referral(world.north, route="no_further_action", first_names="Sam")
    with pytest.raises(ServiceValidationError) as excinfo:
        make_case(world, referral=referral)
    assert _errors(excinfo)["referral"] == [
        "The front door decided no further action on this referral: a case cannot be opened from it"
    ]


def test_a_referral_without_a_child_cannot_open_a_case(world: CaseWorld) -> None:
    from harbour.referrals.services import referral_triage

    referral = make_public_referral(area=world.north.area, first_names="", last_name="")
    referral_triage(
        actor=world.north.front_door,
        referral=referral,
        route="police_intelligence",
        rationale="No child named: passed to police as intelligence.",
    )
    with pytest.raises(ServiceValidationError) as excinfo:
        make_case(world, referral=referral)
    assert _errors(excinfo)["referral"] == ["Link the referral to a child before opening a case"]


def test_a_child_has_one_live_case(world: CaseWorld) -> None:
    make_case(world)
    second = referral_about(world.north, world.person)
    with pytest.raises(ServiceValidationError) as excinfo:
        make_case(world, referral=second)
    assert _errors(excinfo)["person"] == [
        f"{world.person.full_name} already has an open case: add to it instead"
    ]


def test_a_stepped_down_case_also_blocks_a_new_one(world: CaseWorld) -> None:
    case = make_case(world)
    services.case_step_down(
        actor=world.lead, case=case, monitoring_until=in_days(60), reason="Goals largely met."
    )
    with pytest.raises(ServiceValidationError) as excinfo:
        make_case(world, referral=referral_about(world.north, world.person))
    assert "already has an open case: add to it instead" in _errors(excinfo)["person"][0]


def test_a_referral_opens_at_most_one_case(world: CaseWorld) -> None:
    case = make_case(world)
    services.case_close(actor=world.lead, case=case, reason="risk_reduced", note="")
    with pytest.raises(ServiceValidationError) as excinfo:
        make_case(world)
    assert _errors(excinfo)["referral"] == [
        "A case was opened from this referral before: reopen that case instead"
    ]


def test_a_closed_case_does_not_stop_a_new_one_from_another_referral(world: CaseWorld) -> None:
    case = make_case(world)
    services.case_close(actor=world.lead, case=case, reason="risk_reduced", note="")
    again = make_case(world, referral=referral_about(world.north, world.person))
    assert again.status == CaseStatus.OPEN


def test_the_lead_professional_is_required(world: CaseWorld) -> None:
    with pytest.raises(ServiceValidationError) as excinfo:
        services.case_open(
            actor=world.north.front_door,
            referral=world.referral,
            lead_professional=None,
            lead_agency=None,
            exploitation_types=["criminal_exploitation"],
            agencies=[],
        )
    assert _errors(excinfo)["lead_professional"] == ["Choose a lead professional"]


NOT_A_LEAD = (
    "Choose a lead professional from the list: someone with the lead professional role in the "
    "lead agency"
)


def test_the_lead_professional_must_hold_the_role_in_the_lead_agency(world: CaseWorld) -> None:
    # A user without the role.
    with pytest.raises(ServiceValidationError) as excinfo:
        make_case(world, lead=world.north.front_door)
    assert _errors(excinfo)["lead_professional"] == [NOT_A_LEAD]
    # The role, but in another agency.
    with pytest.raises(ServiceValidationError) as excinfo:
        make_case(world, lead_agency=world.police)
    assert _errors(excinfo)["lead_professional"] == [NOT_A_LEAD]


def test_an_inactive_lead_professional_is_refused(world: CaseWorld) -> None:
    world.lead.is_active = False
    world.lead.save()
    with pytest.raises(ServiceValidationError) as excinfo:
        make_case(world)
    assert _errors(excinfo)["lead_professional"] == [NOT_A_LEAD]


def test_a_lead_professional_whose_role_has_ended_is_refused(world: CaseWorld) -> None:
    world.lead.memberships.update(is_active=False)
    with pytest.raises(ServiceValidationError) as excinfo:
        make_case(world)
    assert _errors(excinfo)["lead_professional"] == [NOT_A_LEAD]


def test_exploitation_types_are_required_and_from_the_list(world: CaseWorld) -> None:
    with pytest.raises(ServiceValidationError) as excinfo:
        make_case(world, exploitation_types=[])
    assert _errors(excinfo)["exploitation_types"] == ["Select the types of exploitation"]
    with pytest.raises(ServiceValidationError) as excinfo:
        make_case(world, exploitation_types=["gangs"])
    assert _errors(excinfo)["exploitation_types"] == [
        "Select the types of exploitation from the list"
    ]


def test_inactive_agencies_cannot_join(world: CaseWorld) -> None:
    closed: Agency = AgencyFactory(name="Closed Charity", is_active=False, areas=[world.north.area])
    with pytest.raises(ServiceValidationError) as excinfo:
        make_case(world, agencies=[closed])
    assert _errors(excinfo)["agencies"] == ["Choose agencies from the list"]


def test_the_first_plan_review_is_in_the_future(world: CaseWorld) -> None:
    with pytest.raises(ServiceValidationError) as excinfo:
        make_case(world, plan_review_due_on=in_days(0))
    assert _errors(excinfo)["plan_review_due_on"] == [
        "The date of the first plan review must be in the future"
    ]


def test_every_problem_is_reported_at_once_and_nothing_is_written(world: CaseWorld) -> None:
    before = _counts()
    with pytest.raises(ServiceValidationError) as excinfo:
        services.case_open(
            actor=world.north.front_door,
            referral=world.referral,
            lead_professional=None,
            lead_agency=None,
            exploitation_types=[],
            agencies=[],
            plan_review_due_on=in_days(-1),
        )
    assert set(_errors(excinfo)) == {
        "lead_professional",
        "exploitation_types",
        "plan_review_due_on",
    }
    assert _counts() == before


def test_only_case_managing_roles_open_cases(world: CaseWorld) -> None:
    with pytest.raises(PermissionDenied):
        make_case(world, actor=world.north.referrer)
    with pytest.raises(PermissionDenied):
        make_case(world, actor=world.officer)


def test_a_case_opens_only_from_a_referral_the_actor_can_see(world: CaseWorld) -> None:
    south = front_door_setup("southmere", "Southmere")
    with pytest.raises(PermissionDenied):
        make_case(world, actor=south.front_door)


def test_the_lead_professional_can_open_a_case_from_a_referral_they_can_see(
    world: CaseWorld,
) -> None:
    coordinator = user_with_role(Role.COORDINATOR, world.north.csc)
    case = make_case(world, actor=coordinator)
    assert case.opened_by == coordinator


def test_a_failure_part_way_leaves_nothing_half_written(
    world: CaseWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _counts()

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("the chronology is down")

    monkeypatch.setattr(services, "chronology_record", broken)
    with pytest.raises(RuntimeError):
        make_case(world, agencies=[world.police])
    assert _counts() == before


# Agencies joining and leaving -------------------------------------------------------------


def test_an_agency_joins(world: CaseWorld) -> None:
    case = make_case(world)
    membership = services.case_agency_join(actor=world.lead, case=case, agency=world.health)
    assert membership.left_at is None
    assert Involvement.objects.filter(
        person=world.person, agency=world.health, kind="case", ended_on__isnull=True
    ).exists()
    assert _actions(case)[-1] == "case.agency_joined"
    assert _chronology(case)[-1] == "case.agency_joined"


def test_join_validation(world: CaseWorld) -> None:
    case = make_case(world, agencies=[world.police])
    with pytest.raises(ServiceValidationError) as excinfo:
        services.case_agency_join(actor=world.lead, case=case, agency=world.police)
    assert _errors(excinfo)["agency"] == ["Northbrook Police is already in this case"]
    with pytest.raises(ServiceValidationError) as excinfo:
        services.case_agency_join(actor=world.lead, case=case, agency=None)
    assert _errors(excinfo)["agency"] == ["Select the agency joining the case"]
    closed = AgencyFactory(name="Closed Charity", is_active=False)
    with pytest.raises(ServiceValidationError) as excinfo:
        services.case_agency_join(actor=world.lead, case=case, agency=closed)
    assert _errors(excinfo)["agency"] == ["Choose an agency from the list"]
    services.case_close(actor=world.lead, case=case, reason="risk_reduced", note="")
    with pytest.raises(ServiceValidationError) as excinfo:
        services.case_agency_join(actor=world.lead, case=case, agency=world.health)
    assert _errors(excinfo)["case"] == ["This case is closed: reopen it first"]


def test_an_agency_leaves_and_its_case_involvement_ends(world: CaseWorld) -> None:
    case = make_case(world, agencies=[world.police])
    membership = services.case_agency_leave(
        actor=world.lead, case=case, agency=world.police, reason="Investigation closed."
    )
    assert membership.left_at is not None
    assert membership.left_reason == "Investigation closed."
    involvement = Involvement.objects.get(
        person=world.person, agency=world.police, kind="case", source_id=str(case.pk)
    )
    assert involvement.ended_on is not None
    # The lead agency's involvement is untouched.
    assert Involvement.objects.filter(
        person=world.person, agency=world.north.csc, kind="case", ended_on__isnull=True
    ).exists()
    event = AuditEvent.objects.filter(action="case.agency_left").get()
    assert event.reason == "Investigation closed."
    assert event.after["involvements_ended"] == 1
    assert _chronology(case)[-1] == "case.agency_left"


def test_an_agency_can_leave_and_join_again(world: CaseWorld) -> None:
    case = make_case(world, agencies=[world.police])
    services.case_agency_leave(actor=world.lead, case=case, agency=world.police, reason="Done.")
    services.case_agency_join(actor=world.lead, case=case, agency=world.police)
    assert case.agency_memberships.filter(agency=world.police).count() == 2
    involvement = Involvement.objects.get(
        person=world.person, agency=world.police, kind="case", source_id=str(case.pk)
    )
    assert involvement.ended_on is None
    assert AuditEvent.objects.filter(action="case.agency_joined").last().after["rejoined"]


def test_leave_validation(world: CaseWorld) -> None:
    case = make_case(world)
    with pytest.raises(ServiceValidationError) as excinfo:
        services.case_agency_leave(actor=world.lead, case=case, agency=world.police, reason="x")
    assert _errors(excinfo)["agency"] == ["Northbrook Police is not in this case"]
    with pytest.raises(ServiceValidationError) as excinfo:
        services.case_agency_leave(
            actor=world.lead, case=case, agency=world.north.csc, reason="Leaving."
        )
    assert _errors(excinfo)["agency"] == [
        "The lead agency cannot leave the case: change the lead professional first"
    ]
    services.case_agency_join(actor=world.lead, case=case, agency=world.police)
    with pytest.raises(ServiceValidationError) as excinfo:
        services.case_agency_leave(actor=world.lead, case=case, agency=world.police, reason=" ")
    assert _errors(excinfo)["reason"] == ["Enter why the agency is leaving the case"]


def test_an_agency_may_leave_a_closed_case(world: CaseWorld) -> None:
    case = make_case(world, agencies=[world.police])
    services.case_close(actor=world.lead, case=case, reason="risk_reduced", note="")
    services.case_agency_leave(actor=world.lead, case=case, agency=world.police, reason="Closed.")
    assert not case.agency_memberships.filter(agency=world.police, left_at__isnull=True).exists()


# The lead professional --------------------------------------------------------------------


def test_change_the_lead_professional_to_another_agency(world: CaseWorld) -> None:
    case = make_case(world)
    new_lead = user_with_role(Role.LEAD_PROFESSIONAL, world.health, first_name="Hal")
    services.case_change_lead(
        actor=world.lead,
        case=case,
        lead_professional=new_lead,
        lead_agency=world.health,
        reason="Health leads the work now.",
    )
    case.refresh_from_db()
    assert case.lead_professional == new_lead
    assert case.lead_agency == world.health
    # The new lead agency joins; the previous one stays until it leaves.
    active = set(
        case.agency_memberships.filter(left_at__isnull=True).values_list("agency_id", flat=True)
    )
    assert active == {world.north.csc.pk, world.health.pk}
    event = AuditEvent.objects.get(action="case.lead_changed")
    assert event.before["lead_professional_id"] == str(world.lead.pk)
    assert event.after["lead_professional_id"] == str(new_lead.pk)
    assert event.reason == "Health leads the work now."
    assert Notification.objects.filter(recipient=new_lead).exists()
    assert _actions(case)[-2:] == ["case.lead_changed", "case.agency_joined"]
    assert _chronology(case)[-1] == "case.lead_changed"
    # Now the previous lead agency may leave.
    services.case_agency_leave(actor=new_lead, case=case, agency=world.north.csc, reason="Moved.")


def test_change_lead_validation(world: CaseWorld) -> None:
    case = make_case(world)
    with pytest.raises(ServiceValidationError) as excinfo:
        services.case_change_lead(
            actor=world.lead, case=case, lead_professional=None, lead_agency=None, reason=""
        )
    assert _errors(excinfo) == {
        "lead_professional": ["Choose a lead professional"],
        "reason": ["Enter why the lead professional is changing"],
    }
    with pytest.raises(ServiceValidationError) as excinfo:
        services.case_change_lead(
            actor=world.lead,
            case=case,
            lead_professional=world.officer,
            lead_agency=world.police,
            reason="Police lead.",
        )
    assert _errors(excinfo)["lead_professional"] == [NOT_A_LEAD]
    with pytest.raises(ServiceValidationError) as excinfo:
        services.case_change_lead(
            actor=world.lead,
            case=case,
            lead_professional=world.lead,
            lead_agency=world.north.csc,
            reason="No change.",
        )
    assert _errors(excinfo)["lead_professional"] == [
        f"{world.lead} is already the lead professional"
    ]
    services.case_close(actor=world.lead, case=case, reason="risk_reduced", note="")
    other = user_with_role(Role.LEAD_PROFESSIONAL, world.north.csc)
    with pytest.raises(ServiceValidationError) as excinfo:
        services.case_change_lead(
            actor=world.lead,
            case=case,
            lead_professional=other,
            lead_agency=world.north.csc,
            reason="Handover.",
        )
    assert _errors(excinfo)["case"] == ["This case is closed: reopen it first"]


# Who may write ----------------------------------------------------------------------------


def test_who_may_change_a_case(world: CaseWorld) -> None:
    case = make_case(world, agencies=[world.police, world.health])
    coordinator = user_with_role(Role.COORDINATOR, world.north.csc)
    police_manager = user_with_role(Role.LEAD_PROFESSIONAL, world.police)
    allowed = [world.lead, world.north.front_door, coordinator, police_manager]
    for number, actor in enumerate(allowed):
        goal = services.goal_add(
            actor=actor,
            case=case,
            description=f"Goal {number}",
            agreed_with_child="not_known",
            child_words="",
        )
        assert goal.pk
    # In the case but without a case-managing role; a case manager in an agency not in it;
    # the front door of another area; a referrer.
    south = front_door_setup("southmere", "Southmere")
    outsider_manager = user_with_role(
        Role.LEAD_PROFESSIONAL, AgencyFactory(areas=[world.north.area])
    )
    refused = [world.officer, world.nurse, outsider_manager, south.front_door, world.north.referrer]
    for actor in refused:
        with pytest.raises(PermissionDenied):
            services.goal_add(
                actor=actor,
                case=case,
                description="Not allowed",
                agreed_with_child="not_known",
                child_words="",
            )


def test_a_case_manager_loses_write_access_when_their_agency_leaves(world: CaseWorld) -> None:
    case = make_case(world, agencies=[world.police])
    police_manager = user_with_role(Role.LEAD_PROFESSIONAL, world.police)
    services.goal_add(
        actor=police_manager,
        case=case,
        description="Disrupt the line.",
        agreed_with_child="not_known",
        child_words="",
    )
    services.case_agency_leave(actor=world.lead, case=case, agency=world.police, reason="Done.")
    with pytest.raises(PermissionDenied):
        services.goal_add(
            actor=police_manager,
            case=case,
            description="Too late.",
            agreed_with_child="not_known",
            child_words="",
        )


def test_a_lead_professional_whose_roles_ended_may_no_longer_write(world: CaseWorld) -> None:
    case = make_case(world)
    world.lead.memberships.update(is_active=False)
    with pytest.raises(PermissionDenied):
        services.case_close(actor=world.lead, case=case, reason="risk_reduced", note="")


# Goals ------------------------------------------------------------------------------------


def test_a_goal_agreed_with_the_child_keeps_their_words(world: CaseWorld) -> None:
    case = make_case(world)
    goal = services.goal_add(
        actor=world.lead,
        case=case,
        description="  Stay in school every day.  ",
        agreed_with_child="yes",
        child_words="I want to finish Year 10.",
    )
    assert goal.description == "Stay in school every day."
    assert goal.child_words == "I want to finish Year 10."
    assert _actions(case)[-1] == "case.goal_added"
    entry = ChronologyEntry.objects.filter(event_type="case.goal_added").get()
    assert entry.summary.startswith("Plan goal added, agreed with the child:")


def test_goal_validation(world: CaseWorld) -> None:
    case = make_case(world)

    def add(**overrides: Any) -> dict[str, list[str]]:
        arguments = {
            "description": "Stay safe online.",
            "agreed_with_child": "yes",
            "child_words": "OK.",
            **overrides,
        }
        with pytest.raises(ServiceValidationError) as excinfo:
            services.goal_add(actor=world.lead, case=case, **arguments)
        return _errors(excinfo)

    assert add(description=" ") == {"description": ["Describe the goal"]}
    assert add(agreed_with_child="maybe") == {
        "agreed_with_child": ["Select whether the goal was agreed with the child"]
    }
    assert add(child_words="") == {"child_words": ["Enter the child's words about this goal"]}
    assert add(agreed_with_child="no", child_words="") == {
        "child_words": ["Enter what the child said, or why the goal was not agreed"]
    }
    # Not yet discussed: the words may wait.
    goal = services.goal_add(
        actor=world.lead,
        case=case,
        description="Stay safe online.",
        agreed_with_child="not_known",
        child_words="",
    )
    assert goal.child_words == ""
    services.case_close(actor=world.lead, case=case, reason="risk_reduced", note="")
    assert add() == {"case": ["This case is closed: reopen it first"]}


# Actions ----------------------------------------------------------------------------------


def test_an_action_owned_by_someone_in_the_case(world: CaseWorld) -> None:
    case = make_case(world, agencies=[world.police])
    goal = services.goal_add(
        actor=world.lead,
        case=case,
        description="Safe from the line.",
        agreed_with_child="yes",
        child_words="I don't want to go back there.",
    )
    action = services.action_add(
        actor=world.lead,
        case=case,
        description="Disruption visit to the address.",
        owner=world.officer,
        due_on=in_days(0),
        goal=goal,
    )
    assert action.owner_agency == world.police
    assert action.status == ActionStatus.NOT_STARTED
    assert _actions(case)[-1] == "case.action_added"
    assert Notification.objects.filter(recipient=world.officer).exists()


def test_an_owner_in_two_agencies_owns_through_the_lead_agency(world: CaseWorld) -> None:
    case = make_case(world, agencies=[world.police])
    MembershipFactory(user=world.officer, agency=world.north.csc, role=Role.REFERRER)
    action = services.action_add(
        actor=world.lead, case=case, description="Visit.", owner=world.officer, due_on=in_days(3)
    )
    assert action.owner_agency == world.north.csc


def test_action_validation(world: CaseWorld) -> None:
    case = make_case(world)
    other_case = make_case(
        world, referral=decided_referral(world.north, first_names="Kit"), lead=world.lead
    )
    other_goal = services.goal_add(
        actor=world.lead,
        case=other_case,
        description="Another child's goal.",
        agreed_with_child="not_known",
        child_words="",
    )
    governance = user_with_role(Role.INFORMATION_GOVERNANCE, world.north.csc)

    def add(**overrides: Any) -> dict[str, list[str]]:
        arguments = {
            "description": "Weekly visit.",
            "owner": world.lead,
            "due_on": in_days(7),
            **overrides,
        }
        with pytest.raises(ServiceValidationError) as excinfo:
            services.action_add(actor=world.lead, case=case, **arguments)
        return _errors(excinfo)

    assert add(description="") == {"description": ["Describe the action"]}
    assert add(owner=None) == {"owner": ["Choose who owns the action"]}
    # Police are not in this case; information governance sees no case content.
    assert add(owner=world.officer) == {"owner": ["Choose someone from an agency in the case"]}
    assert add(owner=governance) == {"owner": ["Choose someone from an agency in the case"]}
    assert add(due_on=None) == {"due_on": ["Enter the due date"]}
    assert add(due_on=in_days(-1)) == {"due_on": ["The due date must be today or in the future"]}
    assert add(goal=other_goal) == {"goal": ["Choose a goal from this case's plan"]}
    # An owner whose account is closed.
    world.nurse.memberships.update(agency=world.north.csc)
    services.action_add(
        actor=world.lead,
        case=case,
        description="Health check.",
        owner=world.nurse,
        due_on=in_days(1),
    )
    world.nurse.is_active = False
    world.nurse.save()
    assert add(owner=world.nurse) == {"owner": ["Choose someone from an agency in the case"]}


def test_an_owner_whose_agency_left_cannot_be_given_actions(world: CaseWorld) -> None:
    case = make_case(world, agencies=[world.police])
    services.case_agency_leave(actor=world.lead, case=case, agency=world.police, reason="Done.")
    with pytest.raises(ServiceValidationError) as excinfo:
        services.action_add(
            actor=world.lead,
            case=case,
            description="Visit.",
            owner=world.officer,
            due_on=in_days(3),
        )
    assert _errors(excinfo)["owner"] == ["Choose someone from an agency in the case"]


def test_updating_an_action(world: CaseWorld) -> None:
    case = make_case(world, agencies=[world.police])
    action = services.action_add(
        actor=world.lead, case=case, description="Visit.", owner=world.officer, due_on=in_days(3)
    )
    # The owner may update their own action, though they may not otherwise change the case.
    services.action_update(actor=world.officer, action=action, status="in_progress", note="")
    services.action_update(actor=world.officer, action=action, status="done", note="Visited.")
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert action.completed_at is not None
    services.action_update(actor=world.lead, action=action, status="in_progress", note="Again.")
    action.refresh_from_db()
    assert action.completed_at is None
    updates = list(action.updates.values_list("from_status", "to_status", "note"))
    assert updates == [
        ("not_started", "in_progress", ""),
        ("in_progress", "done", "Visited."),
        ("done", "in_progress", "Again."),
    ]
    assert _actions(case).count("case.action_updated") == 3
    assert _chronology(case).count("case.action_updated") == 3


def test_action_update_validation(world: CaseWorld) -> None:
    case = make_case(world)
    action = services.action_add(
        actor=world.lead, case=case, description="Visit.", owner=world.lead, due_on=in_days(3)
    )

    def update(status: str, note: str = "") -> dict[str, list[str]]:
        with pytest.raises(ServiceValidationError) as excinfo:
            services.action_update(actor=world.lead, action=action, status=status, note=note)
        return _errors(excinfo)

    assert update("finished") == {"status": ["Select the action's status"]}
    assert update("cancelled") == {"note": ["Enter why the action is cancelled"]}
    assert update("not_started") == {"note": ["Change the status or add a note"]}
    # A note alone is an update.
    services.action_update(actor=world.lead, action=action, status="not_started", note="Rang.")
    assert PlanActionUpdate.objects.filter(action=action).count() == 1
    with pytest.raises(PermissionDenied):
        services.action_update(actor=world.officer, action=action, status="done", note="")
    services.case_close(actor=world.lead, case=case, reason="risk_reduced", note="")
    assert update("done") == {"case": ["This case is closed: reopen it first"]}


# Reviews ----------------------------------------------------------------------------------


def test_a_review_sets_the_plan_review_date(world: CaseWorld) -> None:
    case = make_case(world, plan_review_due_on=in_days(10))
    review = services.review_record(
        actor=world.lead,
        case=case,
        reviewed_on=in_days(0),
        outcome="continue",
        summary="Attending school; fewer missing episodes.",
        child_views="Says things are better at home.",
        next_review_due_on=in_days(42),
    )
    case.refresh_from_db()
    assert case.plan_review_due_on == in_days(42)
    assert review.reviewed_by == world.lead
    event = AuditEvent.objects.get(action="case.reviewed")
    assert event.before == {"plan_review_due_on": in_days(10).isoformat()}
    assert _chronology(case)[-1] == "case.reviewed"


def test_review_validation(world: CaseWorld) -> None:
    case = make_case(world)

    def review(**overrides: Any) -> dict[str, list[str]]:
        arguments = {
            "reviewed_on": in_days(0),
            "outcome": "continue",
            "summary": "Progress.",
            "child_views": "Fine.",
            "next_review_due_on": in_days(28),
            **overrides,
        }
        with pytest.raises(ServiceValidationError) as excinfo:
            services.review_record(actor=world.lead, case=case, **arguments)
        return _errors(excinfo)

    assert review(reviewed_on=None) == {"reviewed_on": ["Enter the date of the review"]}
    assert review(reviewed_on=in_days(1)) == {
        "reviewed_on": ["The date of the review must be today or in the past"]
    }
    assert review(reviewed_on=in_days(-1)) == {
        "reviewed_on": ["The date of the review must be on or after the case opened"]
    }
    assert review(outcome="") == {"outcome": ["Select the outcome of the review"]}
    assert review(summary="") == {"summary": ["Enter a summary of the review"]}
    assert review(child_views=" ") == {
        "child_views": ["Enter the child's views, or why they could not be given"]
    }
    for outcome in ("continue", "change_plan", "escalate"):
        assert review(outcome=outcome, next_review_due_on=None) == {
            "next_review_due_on": ["Enter the date of the next review"]
        }
    assert review(next_review_due_on=in_days(0)) == {
        "next_review_due_on": ["The date of the next review must be in the future"]
    }
    # Stepping down or closing needs no next review.
    services.review_record(
        actor=world.lead,
        case=case,
        reviewed_on=in_days(0),
        outcome="step_down",
        summary="Goals met.",
        child_views="Happy to stop meeting weekly.",
        next_review_due_on=None,
    )
    case.refresh_from_db()
    assert case.plan_review_due_on is None
    services.case_close(actor=world.lead, case=case, reason="risk_reduced", note="")
    assert review() == {"case": ["This case is closed: reopen it first"]}


# Status -----------------------------------------------------------------------------------


def test_step_down_close_and_reopen(world: CaseWorld) -> None:
    case = make_case(world, agencies=[world.police])
    services.case_step_down(
        actor=world.lead, case=case, monitoring_until=in_days(90), reason="Goals met."
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.STEPPED_DOWN
    assert case.monitoring_until == in_days(90)

    services.case_reopen(actor=world.lead, case=case, reason="Missing again.")
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert case.monitoring_until is None

    services.case_close(actor=world.lead, case=case, reason="moved_away", note="Moved to Leeds.")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.closed_at is not None
    assert (case.closure_reason, case.closure_note) == ("moved_away", "Moved to Leeds.")
    # Closing keeps the agencies in the case (ADR 0007).
    assert case.agency_memberships.filter(agency=world.police, left_at__isnull=True).exists()

    services.case_reopen(actor=world.lead, case=case, reason="Back in the area.")
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert (case.closed_at, case.closure_reason, case.closure_note) == (None, "", "")

    history = list(case.status_changes.values_list("from_status", "to_status"))
    assert history == [
        ("", "open"),
        ("open", "stepped_down"),
        ("stepped_down", "open"),
        ("open", "closed"),
        ("closed", "open"),
    ]
    closing = case.status_changes.get(to_status="closed")
    assert closing.reason == "Moved out of the partnership's area. Moved to Leeds."
    assert [a for a in _actions(case) if a.startswith("case.") and "agency" not in a] == [
        "case.opened",
        "case.stepped_down",
        "case.reopened",
        "case.closed",
        "case.reopened",
    ]
    assert _chronology(case) == [
        "case.opened",
        "case.stepped_down",
        "case.reopened",
        "case.closed",
        "case.reopened",
    ]


def test_step_down_validation(world: CaseWorld) -> None:
    case = make_case(world)

    def step_down(**overrides: Any) -> dict[str, list[str]]:
        arguments = {"monitoring_until": in_days(30), "reason": "Goals met.", **overrides}
        with pytest.raises(ServiceValidationError) as excinfo:
            services.case_step_down(actor=world.lead, case=case, **arguments)
        return _errors(excinfo)

    assert step_down(monitoring_until=None) == {
        "monitoring_until": ["Enter the date monitoring ends"]
    }
    assert step_down(monitoring_until=in_days(0)) == {
        "monitoring_until": ["The date monitoring ends must be in the future"]
    }
    assert step_down(reason="") == {"reason": ["Enter why the case is stepping down"]}
    services.case_step_down(
        actor=world.lead, case=case, monitoring_until=in_days(30), reason="Goals met."
    )
    assert step_down() == {"case": ["Only an open case can be stepped down"]}


def test_close_validation(world: CaseWorld) -> None:
    case = make_case(world)

    def close(reason: str, note: str = "") -> dict[str, list[str]]:
        with pytest.raises(ServiceValidationError) as excinfo:
            services.case_close(actor=world.lead, case=case, reason=reason, note=note)
        return _errors(excinfo)

    assert close("") == {"reason": ["Select why the case is closing"]}
    assert close("other") == {"note": ["Explain why the case is closing"]}
    services.case_close(actor=world.lead, case=case, reason="other", note="Family emigrated.")
    assert close("risk_reduced") == {"case": ["This case is already closed"]}


def test_reopen_validation(world: CaseWorld) -> None:
    case = make_case(world)
    with pytest.raises(ServiceValidationError) as excinfo:
        services.case_reopen(actor=world.lead, case=case, reason="Again.")
    assert _errors(excinfo) == {"case": ["This case is already open"]}
    services.case_close(actor=world.lead, case=case, reason="risk_reduced", note="")
    with pytest.raises(ServiceValidationError) as excinfo:
        services.case_reopen(actor=world.lead, case=case, reason="")
    assert _errors(excinfo) == {"reason": ["Enter why the case is reopening"]}
    # A newer live case for the child: add to it, do not reopen the old one.
    make_case(world, referral=referral_about(world.north, world.person))
    with pytest.raises(ServiceValidationError) as excinfo:
        services.case_reopen(actor=world.lead, case=case, reason="Again.")
    assert _errors(excinfo) == {
        "case": [f"{world.person.full_name} already has an open case: add to it instead"]
    }


def test_a_rejected_write_changes_nothing(world: CaseWorld) -> None:
    case = make_case(world)
    before = _counts()
    with pytest.raises(ServiceValidationError):
        services.case_close(actor=world.lead, case=case, reason="other", note="")
    with pytest.raises(PermissionDenied):
        services.case_close(actor=world.nurse, case=case, reason="risk_reduced", note="")
    assert _counts() == before
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
