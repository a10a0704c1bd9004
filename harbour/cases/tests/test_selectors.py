"""Case reads: the audited fetch, the current risk level, a person's cases and "my cases"."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from harbour.accounts.models import Role
from harbour.accounts.tests.factories import user_with_role
from harbour.audit.models import AuditEvent
from harbour.cases import selectors, services
from harbour.cases.models import Case
from harbour.cases.tests.factories import (
    CaseWorld,
    decided_referral,
    in_days,
    make_assessment,
    make_case,
)
from harbour.core.errors import NotFoundOrForbidden

pytestmark = pytest.mark.django_db


def test_case_get_audits_the_read(world: CaseWorld) -> None:
    case = make_case(world)
    fetched = selectors.case_get(viewer=world.lead, case_id=case.pk)
    assert fetched == case
    event = AuditEvent.objects.filter(action="case.viewed").get()
    assert (event.actor, event.subject_id) == (world.lead, str(case.pk))


def test_case_get_refuses_alike_forbidden_and_missing(world: CaseWorld) -> None:
    case = make_case(world)
    missing = uuid.uuid4()
    for case_id in (case.pk, missing):
        with pytest.raises(NotFoundOrForbidden):
            selectors.case_get(viewer=world.officer, case_id=case_id)
    refused = AuditEvent.objects.filter(action="case.view_refused", actor=world.officer)
    assert sorted(refused.values_list("subject_id", flat=True)) == sorted(
        [str(case.pk), str(missing)]
    )
    assert not AuditEvent.objects.filter(action="case.viewed").exists()


def test_current_risk_level_is_the_latest_assessment(world: CaseWorld) -> None:
    case = make_case(world)
    assert selectors.current_risk_level(case) is None
    make_assessment(
        world,
        world.person,
        level="medium",
        review_due_on=in_days(90),
        completed_at=timezone.now() - datetime.timedelta(days=20),
    )
    make_assessment(world, world.person, level="high", review_due_on=in_days(30), case=case)
    make_assessment(
        world,
        world.person,
        level="low",
        review_due_on=in_days(90),
        completed_at=timezone.now() - datetime.timedelta(days=40),
    )
    assert selectors.current_risk_level(case) == "high"
    assessment = selectors.current_assessment(world.person)
    assert assessment is not None
    assert assessment.review_due_on == in_days(30)


def test_cases_for_person_are_those_the_viewer_may_see(world: CaseWorld) -> None:
    case = make_case(world)
    services.case_close(actor=world.lead, case=case, reason="risk_reduced", note="")
    from harbour.cases.tests.factories import referral_about

    newer = make_case(world, referral=referral_about(world.north, world.person))
    assert list(selectors.cases_for_person(viewer=world.lead, person=world.person)) == [
        newer,
        case,
    ]
    assert list(selectors.cases_for_person(viewer=world.officer, person=world.person)) == []
    assert selectors.live_case_for_person(viewer=world.lead, person=world.person) == newer
    assert selectors.live_case_for_person(viewer=world.officer, person=world.person) is None


# My cases ---------------------------------------------------------------------------------


def _open(world: CaseWorld, name: str, **kwargs: object) -> Case:
    return make_case(world, referral=decided_referral(world.north, first_names=name), **kwargs)


def _names(rows: list[selectors.MyCase]) -> list[str]:
    return [row.case.person.first_names for row in rows]


@pytest.fixture
def caseload(world: CaseWorld) -> dict[str, Case]:
    """The lead's cases, built today, to be looked at 30 days from now."""
    cases: dict[str, Case] = {}
    # Ada: no assessment at all, so overdue since the case opened (today).
    cases["Ada"] = _open(world, "Ada")
    # Ben: the latest assessment's review is due in 3 days (an older one was due later).
    cases["Ben"] = _open(world, "Ben")
    ben = cases["Ben"].person
    make_assessment(
        world,
        ben,
        level="medium",
        review_due_on=in_days(100),
        completed_at=timezone.now() - datetime.timedelta(days=10),
    )
    make_assessment(world, ben, level="high", review_due_on=in_days(3))
    # Cal: one action overdue from day 10; a done and a cancelled one do not count.
    cases["Cal"] = _open(world, "Cal")
    make_assessment(world, cases["Cal"].person, review_due_on=in_days(60))
    for due, status in ((10, "not_started"), (12, "in_progress"), (2, "done"), (1, "cancelled")):
        action = services.action_add(
            actor=world.lead,
            case=cases["Cal"],
            description=f"Action due on day {due}.",
            owner=world.lead,
            due_on=in_days(due),
        )
        if status != "not_started":
            services.action_update(actor=world.lead, action=action, status=status, note="Done.")
    # Dee: the plan review was due on day 20.
    cases["Dee"] = _open(world, "Dee", plan_review_due_on=in_days(20))
    make_assessment(world, cases["Dee"].person, review_due_on=in_days(60))
    # Fay: stepped down, monitoring ended on day 25.
    cases["Fay"] = _open(world, "Fay")
    make_assessment(world, cases["Fay"].person, review_due_on=in_days(60))
    services.case_step_down(
        actor=world.lead, case=cases["Fay"], monitoring_until=in_days(25), reason="Goals met."
    )
    # Eve: nothing overdue.
    cases["Eve"] = _open(world, "Eve", plan_review_due_on=in_days(60))
    make_assessment(world, cases["Eve"].person, level="low", review_due_on=in_days(60))
    # Not on the list: a closed case, and another lead professional's case.
    cases["Gus"] = _open(world, "Gus")
    services.case_close(actor=world.lead, case=cases["Gus"], reason="risk_reduced", note="")
    other_lead = user_with_role(Role.LEAD_PROFESSIONAL, world.north.csc, first_name="Olu")
    cases["Hal"] = _open(world, "Hal", lead=other_lead)
    return cases


def test_my_cases_lists_the_most_overdue_first(world: CaseWorld, caseload: dict[str, Case]) -> None:
    today = in_days(30)
    rows = selectors.my_cases(viewer=world.lead, today=today)
    assert _names(rows) == ["Ada", "Ben", "Cal", "Dee", "Fay", "Eve"]
    by_name = {row.case.person.first_names: row for row in rows}

    ada = by_name["Ada"]
    assert (ada.risk_level, ada.has_assessment, ada.assessment_overdue) == (None, False, True)
    assert ada.overdue_since == timezone.localdate()
    assert ada.days_overdue == 30

    ben = by_name["Ben"]
    assert (ben.risk_level, ben.assessment_review_due_on) == ("high", in_days(3))
    assert ben.assessment_overdue
    assert ben.overdue_since == in_days(3)

    cal = by_name["Cal"]
    assert not cal.assessment_overdue
    assert cal.overdue_action_count == 2
    assert cal.overdue_since == in_days(10)

    dee = by_name["Dee"]
    assert dee.plan_review_overdue
    assert not dee.assessment_overdue
    assert dee.overdue_action_count == 0
    assert dee.overdue_since == in_days(20)

    fay = by_name["Fay"]
    assert fay.monitoring_ended
    assert fay.overdue_since == in_days(25)

    eve = by_name["Eve"]
    assert not eve.has_overdue
    assert (eve.overdue_since, eve.days_overdue) == (None, 0)
    assert not eve.assessment_overdue
    assert not eve.plan_review_overdue
    assert not eve.monitoring_ended


def test_my_cases_on_the_day_they_were_built(world: CaseWorld, caseload: dict[str, Case]) -> None:
    """Today nothing is past due except Ada's missing assessment."""
    rows = selectors.my_cases(viewer=world.lead)
    assert _names(rows)[0] == "Ada"
    assert [row.case.person.first_names for row in rows if row.has_overdue] == ["Ada"]


def test_my_cases_reads_the_date_from_the_clock(
    world: CaseWorld, caseload: dict[str, Case], monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen = in_days(11)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: frozen)
    rows = selectors.my_cases(viewer=world.lead)
    by_name = {row.case.person.first_names: row for row in rows}
    assert by_name["Cal"].overdue_action_count == 1  # the day-12 action is not due yet
    assert not by_name["Dee"].plan_review_overdue
    assert _names(rows)[:3] == ["Ada", "Ben", "Cal"]


def test_my_cases_is_audited(world: CaseWorld, caseload: dict[str, Case]) -> None:
    rows = selectors.my_cases(viewer=world.lead)
    event = AuditEvent.objects.filter(action="case.list_viewed").get()
    assert event.actor == world.lead
    assert event.after["case_ids"] == [str(row.case.pk) for row in rows]


def test_my_cases_takes_the_same_queries_for_one_case_or_many(world: CaseWorld) -> None:
    _open(world, "Ada")
    selectors.my_cases(viewer=world.lead)  # warm the viewer cache
    with CaptureQueriesContext(connection) as one:
        assert len(selectors.my_cases(viewer=world.lead)) == 1
    for name in ("Ben", "Cal", "Dee", "Eve"):
        case = _open(world, name)
        make_assessment(world, case.person, review_due_on=in_days(5))
        services.action_add(
            actor=world.lead, case=case, description="Visit.", owner=world.lead, due_on=in_days(1)
        )
    with CaptureQueriesContext(connection) as many:
        rows = selectors.my_cases(viewer=world.lead, today=in_days(30))
        assert len(rows) == 5
        # Reading what the page shows costs nothing more.
        for row in rows:
            _ = (row.case.person.full_name, [t.category for t in row.case.exploitation_types.all()])
    assert len(many) == len(one)


def test_someone_leading_nothing_has_an_empty_list(world: CaseWorld) -> None:
    make_case(world)
    assert selectors.my_cases(viewer=world.officer) == []
