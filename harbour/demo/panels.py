"""Synthetic panels for the demo: each borough's child-focused MACE and the strategic MACE.

Line managers are recorded (so an overdue action has someone to escalate to). Northbrook's MACE
met two weeks ago: its agenda came from Harbour's proposal, members confirmed the confidentiality
agreement, attendance, discussions, decisions and actions are recorded (some done, one in
progress, one overdue and already escalated, one due next week). Every borough's next meeting is
scheduled a few days ahead with an empty draft agenda, so the chair can adopt Harbour's proposal.
Rows are written directly, in the shape the services write, and covered by the seed's one
``demo.seeded`` audit event.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from harbour.demo.partnership import AREAS

TERMS_OF_REFERENCE = (
    "The panel brings together the agencies working with children at risk of sexual or criminal "
    "exploitation in the borough. It agrees a shared view of each child's risk, the plan to "
    "reduce it and who does what by when; it hears any child an agency asks to discuss, whatever "
    "their risk level; and it escalates actions that slip."
)
STRATEGIC_TERMS = (
    "The strategic panel looks across the partnership at themes, places and persons of interest: "
    "patterns the borough panels see, locations where children are exploited, and disruption."
)

SUMMARIES = (
    "Agencies shared what each holds. School reports falling attendance; police link the older "
    "male seen with the child to a county line. The child says she feels safe with him.",
    "Missing three times this month, each time found in the city centre late at night. Carer "
    "reports new clothes and a second phone. Health saw the child at the sexual health clinic.",
    "Risk has reduced since the move to the new placement: no missing episodes for six weeks, "
    "attending college. The child asked for the same worker to stay with her.",
    "Seen with older males at the retail park; the retail park's security shared CCTV stills. "
    "Parents are worried and asked for help with setting boundaries.",
    "Disclosed being asked to carry a package by someone he owes money. Police to consider "
    "disruption; the youth service offers mentoring he says he would take up.",
)
VIEWS = (
    "The child met her social worker before the panel and asked for her words to be read out.",
    "The carer attended for this item; the child declined but wrote a short note.",
    "Views given through the independent return interview worker.",
)
ACTIONS = (
    ("Joint home visit with the police exploitation officer to talk to the child and carer.", 14),
    ("Share the CCTV stills with the neighbourhood team and the retail park.", 7),
    ("Offer the child a sexual health appointment with a worker she knows.", 21),
    ("Ask the school to put a safe adult in place at the end of the school day.", 10),
    ("Consider a child abduction warning notice against the older male.", -4),
)


def _set_line_managers(users: dict[str, Any]) -> int:
    """Who each demo account's overdue panel actions escalate to."""
    managers: dict[str, str] = {}
    for area in AREAS:
        code = area.code
        for username in users:
            if username.startswith(f"frontdoor.{code}"):
                managers[username] = f"mash.manager.{code}"
            elif username.startswith((f"socialworker.{code}", f"earlyhelp.{code}")):
                managers[username] = f"panel.{code}"
        managers[f"mash.manager.{code}"] = f"panel.{code}"
        managers[f"coordinator.{code}"] = f"panel.{code}"
    for username in users:
        if username.startswith(("police.exploitation", "police.analyst", "police.missing")):
            managers[username] = "police.inspector"
    managers["police.inspector"] = "police.superintendent"
    changed = 0
    for username, manager_name in managers.items():
        user, manager = users.get(username), users.get(manager_name)
        if user is not None and manager is not None and user != manager:
            user.line_manager = manager
            user.save(update_fields=["line_manager"])
            changed += 1
    return changed


def _local(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))


def seed_panels(*, seed: int, now: datetime.datetime) -> dict[str, int]:
    """Create the demo's panels, Northbrook's last meeting and every borough's next one."""
    from harbour.accounts.models import Agency, Area, Membership, User
    from harbour.panels.models import (
        AgendaItem,
        Attendance,
        AttendanceStatus,
        ConfidentialityConfirmation,
        Decision,
        DecisionKind,
        Escalation,
        Meeting,
        MeetingStatus,
        Panel,
        PanelAction,
        PanelActionStatus,
        PanelActionUpdate,
        PanelMember,
    )
    from harbour.panels.services import agenda_propose, panel_type_for, pre_read_text

    rng = random.Random(seed * 31 + 6)
    users = {user.username: user for user in User.objects.all()}
    counts = {"line managers recorded": _set_line_managers(users)}
    today = timezone.localdate(now)

    def agency_of(user: Any) -> Agency:
        membership = Membership.objects.filter(user=user, is_active=True).select_related("agency")
        first = membership.first()
        assert first is not None, f"{user.username} has no membership"
        return first.agency

    panels: list[Panel] = []
    for area_spec in AREAS:
        code = area_spec.code
        area = Area.objects.get(code=code)
        chair = users[f"panel.{code}"]
        panel = Panel.objects.create(
            type_key="child-mace",
            type_version=1,
            area=area,
            name=f"{area.name} MACE",
            chair=chair,
            terms_of_reference=TERMS_OF_REFERENCE,
        )
        short = "ne" if area_spec.health_trust == "health-north-east" else "south"
        for username in (
            f"panel.{code}",
            f"coordinator.{code}",
            f"mash.manager.{code}",
            f"socialworker.{code}",
            "police.inspector",
            "police.exploitation",
            f"safeguarding.nurse.{short}",
            f"referrer.school.{code}",
        ):
            user = users.get(username)
            if user is not None:
                PanelMember.objects.create(panel=panel, user=user, agency=agency_of(user))
        panels.append(panel)
    strategic = Panel.objects.create(
        type_key="strategic-mace",
        type_version=1,
        area=None,
        name="Partnership strategic MACE",
        chair=users["police.inspector"],
        terms_of_reference=STRATEGIC_TERMS,
    )
    coordinators = [f"coordinator.{area.code}" for area in AREAS]
    for username in ["police.inspector", "police.analyst", "safeguarding.nurse.ne", *coordinators]:
        user = users.get(username)
        if user is not None:
            PanelMember.objects.create(panel=strategic, user=user, agency=agency_of(user))
    counts["panels"] = len(panels) + 1

    # Every borough's next meeting: a draft agenda for the chair to prepare.
    next_day = today + datetime.timedelta(days=4)
    for panel in panels:
        Meeting.objects.create(
            panel=panel,
            starts_at=_local(next_day, 10),
            place=f"{panel.area.name if panel.area else ''} Civic Centre, Committee Room 2",
            call_details="Teams link sent with the calendar invitation",
        )
    Meeting.objects.create(
        panel=strategic,
        starts_at=_local(today + datetime.timedelta(days=30), 14),
        place="Police headquarters, Conference Room B",
    )

    # Northbrook's meeting two weeks ago, held and recorded.
    north = panels[0]
    held_day = today - datetime.timedelta(days=14)
    held_start = _local(held_day, 10)
    published_at = held_start - datetime.timedelta(days=5)
    meeting = Meeting.objects.create(
        panel=north,
        starts_at=held_start,
        place="Northbrook Civic Centre, Committee Room 2",
        status=MeetingStatus.HELD,
        agenda_published_at=published_at,
    )
    proposal = agenda_propose(meeting=meeting, now=published_at)[:5]
    members = list(north.members.select_related("user", "agency"))
    agreement = panel_type_for(north).confidentiality.version
    for member in members:
        ConfidentialityConfirmation.objects.create(
            meeting=meeting,
            user=member.user,
            agreement_version=agreement,
            confirmed_at=published_at + datetime.timedelta(hours=rng.randint(1, 90)),
        )
        Attendance.objects.create(
            meeting=meeting,
            agency=member.agency,
            user=member.user,
            status=AttendanceStatus.APOLOGIES
            if member.user.username.startswith("referrer.school")
            else AttendanceStatus.PRESENT,
        )
    owners = [
        member
        for member in members
        if member.user.username.startswith(
            ("socialworker.", "police.exploitation", "safeguarding.nurse", "coordinator.")
        )
    ]
    actions = 0
    for order, child in enumerate(proposal, start=1):
        item = AgendaItem.objects.create(
            meeting=meeting,
            person=child.person,
            reasons=list(child.reasons),
            order=order,
            discussion_summary=SUMMARIES[(order - 1) % len(SUMMARIES)],
            child_attended=False,
            carers_attended=order == 2,
            views_given_how=VIEWS[(order - 1) % len(VIEWS)],
        )
        if child.requests:
            first = child.requests[0]
            item.requested_by_agency = first.agency
            item.requested_by = first.requested_by
            item.request_reason = first.reason
            item.save()
            item.discussion_requests.add(*child.requests)
            for request in child.requests:
                request.closed_at = held_start + datetime.timedelta(hours=2)
                request.save(update_fields=["closed_at"])
        item.pre_read = pre_read_text(item=item, now=published_at)
        item.save()
        Decision.objects.create(
            item=item,
            kind=DecisionKind.RISK_LEVEL_AGREED,
            risk_level="high" if order % 2 else "medium",
            detail="Agencies agreed the level after hearing what each holds.",
            recorded_by=north.chair,
            recorded_at=held_start + datetime.timedelta(minutes=15 * order),
        )
        if order == 5:
            Decision.objects.create(
                item=item,
                kind=DecisionKind.DISRUPTION,
                detail="Police to consider a child abduction warning notice.",
                recorded_by=north.chair,
                recorded_at=held_start + datetime.timedelta(minutes=15 * order + 5),
            )
        description, due_in = ACTIONS[(order - 1) % len(ACTIONS)]
        owner = owners[(order - 1) % len(owners)]
        due_on = (
            today + datetime.timedelta(days=due_in)
            if due_in < 0
            else held_day + (datetime.timedelta(days=due_in))
        )
        status = (
            PanelActionStatus.DONE
            if order in (1, 2)
            else PanelActionStatus.IN_PROGRESS
            if order == 3
            else PanelActionStatus.NOT_STARTED
        )
        if order == 4:
            due_on = today + datetime.timedelta(days=7)
        action = PanelAction.objects.create(
            item=item,
            meeting=meeting,
            panel=north,
            description=description,
            owner=owner.user,
            owner_agency=owner.agency,
            due_on=due_on,
            status=status,
            completed_at=_local(held_day + datetime.timedelta(days=3), 15)
            if status == PanelActionStatus.DONE
            else None,
            created_by=north.chair,
        )
        actions += 1
        if status != PanelActionStatus.NOT_STARTED:
            PanelActionUpdate.objects.create(
                action=action,
                from_status=PanelActionStatus.NOT_STARTED,
                to_status=status,
                note="Visit done with the carer present; the child spoke to us on her own."
                if status == PanelActionStatus.DONE
                else "Started: the school has named a member of staff; meeting them next week.",
                changed_at=_local(held_day + datetime.timedelta(days=3), 15),
                changed_by=owner.user,
            )
        if due_on < today and status in (
            PanelActionStatus.NOT_STARTED,
            PanelActionStatus.IN_PROGRESS,
        ):
            manager = owner.user.line_manager
            escalation = Escalation.objects.create(
                action=action,
                due_on=due_on,
                escalated_on=due_on + datetime.timedelta(days=1),
                escalated_at=_local(due_on + datetime.timedelta(days=1), 7),
                area=north.area,
                owner_agency=owner.agency,
                owner=owner.user,
                owner_manager=manager,
                chair=north.chair,
            )
            escalation.recipients.add(*[user for user in (manager, north.chair) if user])
            counts["escalations"] = counts.get("escalations", 0) + 1
    counts["panel meetings"] = Meeting.objects.count()
    counts["panel actions"] = actions
    return counts


def wipe_panels() -> None:
    """Delete every panel record (an unused demo only: see ``wipe_unused_demo``)."""
    from harbour.accounts.models import User
    from harbour.panels.models import (
        AgencyDiscussionRequest,
        Escalation,
        Meeting,
        MinutesCopy,
        Panel,
        PanelAction,
    )

    Escalation.objects.all().delete()
    MinutesCopy.objects.all().delete()
    PanelAction.objects.all().delete()
    for meeting in Meeting.objects.all():
        meeting.confidentiality_confirmations.all().delete()
    Meeting.objects.all().delete()
    AgencyDiscussionRequest.objects.all().delete()
    Panel.objects.all().delete()
    User.objects.update(line_manager=None)
