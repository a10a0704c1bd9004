"""Five years of synthetic panel history for the panels benchmark (``bench/panels.py``).

On top of a seeded partnership (``seed_demo``: areas, agencies, staff, children, referrals with
triage decisions, risk assessments, missing episodes), ``seed_panels`` writes, in bulk (``COPY``
through ``insert_rows``, no service calls per row):

- per area a child-focused MACE (``child-mace`` v1) meeting every 14 days for ``years`` years, and
  one pan-area strategic MACE (``strategic-mace`` v1) meeting quarterly, each with members;
- per held meeting 10 to 20 agenda items (children of the area, themes for the strategic MACE)
  with reasons, pre-reads and discussion summaries; 1 to 3 decisions and 1 to 3 actions per item,
  owned by staff of the area's agencies; actions mostly done in the past, some open and overdue,
  overdue ones escalated (``Escalation`` with recipients); one update per finished action;
- attendance and confidentiality confirmations per meeting; agency discussion requests (most
  closed by the meeting that heard them, a few open for the next one);
- repeat-missing alerts on a share of the seeded missing episodes;
- per child-focused panel, the next meeting (in three days) as a draft with no items: the one
  ``agenda_propose`` is measured on.

The most recent held meeting of every child-focused panel has exactly 20 items (the minutes
benchmark). Deterministic for a seed; all names invented.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from typing import Any

from django.db import models, transaction
from django.utils import timezone

MEETING_HOUR = 10
NEXT_MEETING_IN_DAYS = 3
MINUTES_ITEMS = 20

_SUMMARIES = (
    "Agencies shared what they know since the last meeting. School reports attendance has dropped "
    "and the child has been seen with older young people near the station after dark. Police "
    "described a stop in a car with adults from out of area. The social worker said the carer is "
    "worried and wants help to keep the child at home in the evenings.",
    "The child has been missing twice since the last meeting, each time returning the next "
    "morning. The return interviews were offered within 72 hours; one was accepted. Health noted "
    "an injury explained as a fall. The panel agreed the picture suggests criminal exploitation.",
    "Positive progress: the child is engaging with the youth worker and has started a college "
    "taster course. No missing episodes since the last meeting. The family say things are calmer. "
    "Agencies agreed to keep the plan as it is and review at the next meeting.",
)
_DECISIONS = (
    ("risk_level_agreed", "The panel agreed the risk level after hearing every agency."),
    ("plan_changes", "Add evening youth work and a safety plan for the journey to school."),
    ("strategy_discussion", "Refer for a strategy discussion within five working days."),
    ("disruption", "Police to consider disruption of the adults seen with the child."),
    ("no_further_panel", "Risk reduced: no further panel discussion needed for now."),
    ("other", "Ask the school to share attendance weekly with the lead professional."),
)
_ACTIONS = (
    "Share the latest attendance and exclusion records with the lead professional.",
    "Arrange a joint visit with the youth worker and agree a safety plan with the child.",
    "Carry out licensing checks on the premises where the child was found.",
    "Offer the carer a parenting support session about online risks.",
    "Request a health review of the injury noted at the last appointment.",
    "Update the disruption plan and share it with the panel before the next meeting.",
)
_THEMES = (
    "Fast-food outlets near the bus station: children reported there after school",
    "Short-let flats used for cuckooing: licensing and housing response",
    "Online recruitment through gaming chats: schools' awareness sessions",
    "County lines from out of area: the railway corridor",
    "Return interviews declined: patterns and the offer",
    "Care homes with repeat missing: provider meetings",
)


def _local(day: datetime.date, hour: int = MEETING_HOUR) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _pre_read(name: str, reasons: Sequence[str], rng: random.Random) -> str:
    return "\n".join(
        [
            name,
            f"On the agenda: {', '.join(reasons).replace('_', ' ')}.",
            f"Current risk: {rng.choice(['High', 'Medium'])}; review due in "
            f"{rng.randint(1, 12)} weeks.",
            f"Missing {rng.randint(0, 6)} times in the last 90 days.",
            "Latest referral from the school about associations with older young people.",
        ]
    )


class _Rows:
    """Rows to write, by model, in dependency order."""

    def __init__(self) -> None:
        self.by_model: dict[type[models.Model], list[Any]] = {}

    def add(self, obj: models.Model) -> Any:
        self.by_model.setdefault(type(obj), []).append(obj)
        return obj

    def count(self, model: type[models.Model]) -> int:
        return len(self.by_model.get(model, []))


def seed_panels(*, now: datetime.datetime, years: float = 5.0, seed: int = 6) -> dict[str, int]:
    """Write the panels history (if no panel exists yet); returns the rows written per kind."""
    from harbour.accounts.models import Area, Membership, Role, User
    from harbour.assessments.models import Assessment
    from harbour.core.bulk import insert_rows
    from harbour.demo.services import explicit_timestamps
    from harbour.missing.models import MissingEpisode, RepeatMissingAlert
    from harbour.panels.models import (
        AgencyDiscussionRequest,
        AgendaItem,
        AgendaReason,
        Attendance,
        AttendanceStatus,
        ConfidentialityConfirmation,
        Decision,
        Escalation,
        Meeting,
        MeetingStatus,
        Panel,
        PanelAction,
        PanelActionStatus,
        PanelActionUpdate,
        PanelMember,
    )
    from harbour.people.models import Person

    if Panel.objects.exists():
        return {}
    rng = random.Random(f"harbour-bench-panels:{seed}")
    today = timezone.localdate(now)
    rows = _Rows()
    areas = list(Area.objects.order_by("name"))
    line_manager = dict(User.objects.values_list("pk", "line_manager_id"))

    def staff_of(area: Any) -> list[tuple[Any, Any, str]]:
        """(user id, agency id, role) of active memberships in agencies serving ``area``."""
        return list(
            Membership.objects.filter(is_active=True, agency__areas=area)
            .order_by("agency__name", "user__username")
            .values_list("user_id", "agency_id", "role")
        )

    def user_named(username: str) -> Any:
        return User.objects.filter(username=username).values_list("pk", flat=True).first()

    reason_values = list(AgendaReason.values)
    meetings_by_panel: dict[Any, list[Meeting]] = {}
    chair_of: dict[Any, Any] = {}
    members_of: dict[Any, list[tuple[Any, Any]]] = {}
    owners_of: dict[Any, list[tuple[Any, Any]]] = {}
    with explicit_timestamps(
        (
            Panel,
            PanelMember,
            Meeting,
            AgendaItem,
            AgencyDiscussionRequest,
            Attendance,
            ConfidentialityConfirmation,
            Decision,
            PanelAction,
            PanelActionUpdate,
            Escalation,
            RepeatMissingAlert,
        )
    ):
        start = now - datetime.timedelta(days=round(365 * years))

        def stamps(moment: datetime.datetime) -> dict[str, datetime.datetime]:
            return {"created_at": moment, "updated_at": moment}

        # Panels and their members.
        pan_members: list[tuple[Any, Any]] = []
        for area in areas:
            staff = staff_of(area)
            chair = user_named(f"panel.{area.code}") or staff[0][0]
            chair_agency = next(agency for user, agency, _ in staff if user == chair)
            members: dict[Any, Any] = {chair: chair_agency}
            coordinator = user_named(f"coordinator.{area.code}")
            for user, agency, role in staff:
                if user == coordinator or (
                    role in (Role.PANEL_MEMBER, Role.POLICE_EXPLOITATION, Role.LEAD_PROFESSIONAL)
                    and agency not in members.values()
                ):
                    members.setdefault(user, agency)
            panel = rows.add(
                Panel(
                    type_key="child-mace",
                    type_version=1,
                    area=area,
                    name=f"{area.name} child-focused MACE",
                    chair_id=chair,
                    terms_of_reference=(
                        f"Agree multi-agency plans for children at risk of exploitation in "
                        f"{area.name}, and hold agencies to the actions agreed."
                    ),
                    **stamps(start),
                )
            )
            chair_of[panel.pk] = chair
            members_of[panel.pk] = list(members.items())
            owners_of[panel.pk] = [
                (user, agency)
                for user, agency, role in staff
                if role
                in (
                    Role.LEAD_PROFESSIONAL,
                    Role.POLICE_EXPLOITATION,
                    Role.PANEL_MEMBER,
                    Role.RETURN_INTERVIEW,
                    Role.LICENSING,
                    Role.COORDINATOR,
                )
            ] or [(user, agency) for user, agency, _ in staff]
            pan_members.extend(list(members.items())[:2])
        strategic_chair = user_named("panel.chair") or pan_members[0][0]
        strategic_agency = (
            Membership.objects.filter(user_id=strategic_chair)
            .values_list("agency_id", flat=True)
            .first()
        )
        strategic = rows.add(
            Panel(
                type_key="strategic-mace",
                type_version=1,
                area=None,
                name="Partnership strategic MACE",
                chair_id=strategic_chair,
                terms_of_reference="Themes, places and persons of interest across the partnership.",
                **stamps(start),
            )
        )
        chair_of[strategic.pk] = strategic_chair
        members_of[strategic.pk] = list(
            dict([(strategic_chair, strategic_agency), *pan_members]).items()
        )
        owners_of[strategic.pk] = list(pan_members)
        panels: list[Panel] = rows.by_model[Panel]
        for panel in panels:
            for user, agency in members_of[panel.pk]:
                rows.add(PanelMember(panel=panel, user_id=user, agency_id=agency, **stamps(start)))

        # Meetings: the child-focused every 14 days back from the next one; strategic quarterly.
        next_day = today + datetime.timedelta(days=NEXT_MEETING_IN_DAYS)
        for panel in panels:
            interval = 14 if panel.area_id else 91
            day = next_day if panel.area_id else next_day + datetime.timedelta(days=7)
            series: list[Meeting] = []
            while _local(day) > start:
                starts_at = _local(day)
                held = starts_at < now
                series.append(
                    rows.add(
                        Meeting(
                            panel=panel,
                            starts_at=starts_at,
                            place="Committee room 2, Civic Centre",
                            call_details="Video call link sent with the agenda",
                            status=MeetingStatus.HELD if held else MeetingStatus.DRAFT,
                            agenda_published_at=(
                                starts_at - datetime.timedelta(days=5) if held else None
                            ),
                            **stamps(starts_at - datetime.timedelta(days=21)),
                        )
                    )
                )
                day -= datetime.timedelta(days=interval)
            series.reverse()
            meetings_by_panel[panel.pk] = series

        # Agenda items, decisions, actions, escalations, attendance, confirmations, requests.
        for panel in panels:
            children: list[Any] = []
            if panel.area_id:
                at_risk = list(
                    Assessment.objects.filter(area_id=panel.area_id)
                    .order_by("person_id")
                    .values_list("person_id", flat=True)
                    .distinct()[:3000]
                )
                others = list(
                    Person.objects.filter(
                        kind="child", home_area_id=panel.area_id, merged_into__isnull=True
                    )
                    .order_by("pk")
                    .values_list("pk", flat=True)[:3000]
                )
                children = list(dict.fromkeys(at_risk + others))
            chair = chair_of[panel.pk]
            owners = owners_of[panel.pk]
            agencies_present = members_of[panel.pk]
            series = meetings_by_panel[panel.pk]
            held = [meeting for meeting in series if meeting.status == MeetingStatus.HELD]
            for index, meeting in enumerate(held):
                day = timezone.localdate(meeting.starts_at)
                last = index == len(held) - 1
                for user, agency in agencies_present:
                    roll = rng.random()
                    presence = (
                        AttendanceStatus.PRESENT
                        if roll < 0.85 or user == chair
                        else AttendanceStatus.APOLOGIES
                        if roll < 0.95
                        else AttendanceStatus.ABSENT
                    )
                    rows.add(
                        Attendance(
                            meeting=meeting,
                            agency_id=agency,
                            user_id=user,
                            status=presence,
                            **stamps(meeting.starts_at),
                        )
                    )
                    if presence == AttendanceStatus.PRESENT:
                        confirmed = meeting.starts_at - datetime.timedelta(hours=rng.randint(1, 96))
                        rows.add(
                            ConfidentialityConfirmation(
                                meeting=meeting,
                                user_id=user,
                                agreement_version=1,
                                confirmed_at=confirmed,
                                **stamps(confirmed),
                            )
                        )
                if panel.area_id:
                    size = MINUTES_ITEMS if last else rng.randint(10, 20)
                    chosen = rng.sample(children, size)
                else:
                    size = rng.randint(3, 6)
                    chosen = [None] * size
                for order, person in enumerate(chosen, start=1):
                    if person is None:
                        reasons: list[str] = []
                        title = rng.choice(_THEMES)
                        pre_read = title
                    else:
                        reasons = sorted(
                            rng.sample(reason_values, rng.randint(1, 2)), key=reason_values.index
                        )
                        title = ""
                        pre_read = _pre_read(f"Child {str(person)[:8]}", reasons, rng)
                    item = rows.add(
                        AgendaItem(
                            meeting=meeting,
                            person_id=person,
                            title=title,
                            reasons=reasons,
                            pre_read=pre_read,
                            order=order,
                            discussion_summary=rng.choice(_SUMMARIES),
                            child_attended=rng.random() < 0.05,
                            carers_attended=rng.random() < 0.1,
                            views_given_how=(
                                "The lead professional shared the child's views, gathered at "
                                "a home visit the week before."
                            ),
                            **stamps(meeting.starts_at - datetime.timedelta(days=7)),
                        )
                    )
                    if AgendaReason.AGENCY_REQUEST in reasons:
                        owner, agency = rng.choice(owners)
                        requested = meeting.starts_at - datetime.timedelta(days=rng.randint(2, 13))
                        request = rows.add(
                            AgencyDiscussionRequest(
                                person_id=person,
                                area_id=panel.area_id,
                                agency_id=agency,
                                requested_by_id=owner,
                                reason="Worried about new associations and late nights out.",
                                requested_at=requested,
                                closed_at=meeting.starts_at,
                                **stamps(requested),
                            )
                        )
                        item.requested_by_agency_id = agency
                        item.requested_by_id = owner
                        item.request_reason = request.reason
                        rows.add(
                            AgendaItem.discussion_requests.through(
                                agendaitem_id=item.pk, agencydiscussionrequest_id=request.pk
                            )
                        )
                    recorded = meeting.starts_at + datetime.timedelta(minutes=15 * order)
                    for kind, detail in rng.sample(_DECISIONS, rng.randint(1, 3)):
                        rows.add(
                            Decision(
                                item=item,
                                kind=kind,
                                risk_level=(
                                    rng.choice(["high", "medium"])
                                    if kind == "risk_level_agreed"
                                    else ""
                                ),
                                detail=detail,
                                recorded_by_id=chair,
                                recorded_at=recorded,
                                **stamps(recorded),
                            )
                        )
                    for description in rng.sample(_ACTIONS, rng.randint(1, 3)):
                        owner, agency = rng.choice(owners)
                        due = day + datetime.timedelta(days=rng.choice((7, 14, 14, 28, 42)))
                        age = (today - due).days
                        roll = rng.random()
                        if age > 28:
                            status = (
                                PanelActionStatus.DONE
                                if roll < 0.88
                                else PanelActionStatus.CANCELLED
                                if roll < 0.92
                                else PanelActionStatus.IN_PROGRESS
                                if roll < 0.96
                                else PanelActionStatus.NOT_STARTED
                            )
                        elif age > 0:
                            status = (
                                PanelActionStatus.DONE
                                if roll < 0.5
                                else PanelActionStatus.CANCELLED
                                if roll < 0.55
                                else PanelActionStatus.IN_PROGRESS
                                if roll < 0.8
                                else PanelActionStatus.NOT_STARTED
                            )
                        else:
                            status = (
                                PanelActionStatus.DONE
                                if roll < 0.2
                                else PanelActionStatus.IN_PROGRESS
                                if roll < 0.6
                                else PanelActionStatus.NOT_STARTED
                            )
                        completed = None
                        if status == PanelActionStatus.DONE:
                            completed = min(
                                now,
                                meeting.starts_at
                                + datetime.timedelta(
                                    days=rng.randint(1, max(2, (due - day).days + 10))
                                ),
                            )
                        action = rows.add(
                            PanelAction(
                                item=item,
                                meeting=meeting,
                                panel=panel,
                                description=description,
                                owner_id=owner,
                                owner_agency_id=agency,
                                due_on=due,
                                status=status,
                                completed_at=completed,
                                created_by_id=chair,
                                **stamps(recorded),
                            )
                        )
                        finished_at = completed or (
                            recorded + datetime.timedelta(days=3)
                            if status == PanelActionStatus.CANCELLED
                            else None
                        )
                        if finished_at is not None:
                            rows.add(
                                PanelActionUpdate(
                                    action=action,
                                    from_status=PanelActionStatus.IN_PROGRESS,
                                    to_status=status,
                                    note="Done and shared with the lead professional.",
                                    changed_at=finished_at,
                                    changed_by_id=owner,
                                    **stamps(finished_at),
                                )
                            )
                        late_done = completed is not None and timezone.localdate(completed) > due
                        if (action.is_open and due < today) or late_done:
                            escalated_on = due + datetime.timedelta(days=1)
                            escalated_at = _local(escalated_on, 7)
                            resolved = late_done or (age > 60 and rng.random() < 0.7)
                            manager = line_manager.get(owner)
                            escalation = rows.add(
                                Escalation(
                                    action=action,
                                    due_on=due,
                                    escalated_on=escalated_on,
                                    escalated_at=escalated_at,
                                    area_id=panel.area_id,
                                    owner_agency_id=agency,
                                    owner_id=owner,
                                    owner_manager_id=manager,
                                    chair_id=chair,
                                    resolution=(
                                        "Spoke to the owner's manager: the action is back on "
                                        "track with a new date."
                                        if resolved
                                        else ""
                                    ),
                                    resolved_at=(
                                        min(
                                            now,
                                            escalated_at
                                            + datetime.timedelta(days=rng.randint(1, 14)),
                                        )
                                        if resolved
                                        else None
                                    ),
                                    resolved_by_id=chair if resolved else None,
                                    **stamps(escalated_at),
                                )
                            )
                            for recipient in {manager, chair} - {None}:
                                rows.add(
                                    Escalation.recipients.through(
                                        escalation_id=escalation.pk, user_id=recipient
                                    )
                                )
            # Open requests for the next (draft) meeting.
            if panel.area_id:
                for _ in range(6):
                    owner, agency = rng.choice(owners)
                    requested = now - datetime.timedelta(hours=rng.randint(2, 240))
                    rows.add(
                        AgencyDiscussionRequest(
                            person_id=rng.choice(children),
                            area_id=panel.area_id,
                            agency_id=agency,
                            requested_by_id=owner,
                            reason="Medium risk but worrying new associations: please discuss.",
                            requested_at=requested,
                            **stamps(requested),
                        )
                    )

        # Repeat-missing alerts on a share of the seeded episodes (person, area, time).
        episodes = list(
            MissingEpisode.objects.filter(person__merged_into__isnull=True)
            .order_by("pk")
            .values_list("pk", "person_id", "area_id", "reported_at")
        )
        for episode, person, area, reported_at in episodes:
            if rng.random() < 0.12:
                fired = reported_at + datetime.timedelta(hours=1)
                rows.add(
                    RepeatMissingAlert(
                        person_id=person,
                        area_id=area,
                        episode_id=episode,
                        trigger_id="three_in_30_days",
                        policy_version=1,
                        episode_count=3,
                        window_days=30,
                        fired_at=fired,
                        **stamps(fired),
                    )
                )

        with transaction.atomic():
            for model, objects in rows.by_model.items():
                insert_rows(model, objects, batch_size=5000)
    return {
        "panels": rows.count(Panel),
        "panel members": rows.count(PanelMember),
        "meetings": rows.count(Meeting),
        "agenda items": rows.count(AgendaItem),
        "decisions": rows.count(Decision),
        "actions": rows.count(PanelAction),
        "action updates": rows.count(PanelActionUpdate),
        "escalations": rows.count(Escalation),
        "attendance": rows.count(Attendance),
        "confidentiality confirmations": rows.count(ConfidentialityConfirmation),
        "discussion requests": rows.count(AgencyDiscussionRequest),
        "repeat-missing alerts": rows.count(RepeatMissingAlert),
    }
