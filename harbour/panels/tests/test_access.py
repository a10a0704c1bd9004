"""The confidentiality gate and the time-limited access to pre-reads (clock passed explicitly)."""

from __future__ import annotations

import datetime

import pytest

from harbour.accounts.models import Role
from harbour.accounts.tests.factories import AgencyFactory, user_with_role
from harbour.audit.models import AuditEvent
from harbour.core.errors import NotFoundOrForbidden
from harbour.missing.tests.factories import london
from harbour.panels import selectors, services
from harbour.panels.models import AgendaItem, AgendaReason, ConfidentialityConfirmation, Meeting
from harbour.panels.tests.factories import PanelWorld, published

MEETING = london(2027, 2, 11, 10, 0)
PUBLISHED = london(2027, 2, 4, 12, 0)


def agenda(world: PanelWorld, starts_at: datetime.datetime = MEETING) -> tuple[Meeting, AgendaItem]:
    meeting = world.meeting(starts_at)
    item = AgendaItem.objects.create(
        meeting=meeting,
        person=world.child("Jade"),
        reasons=[AgendaReason.AGENCY_REQUEST],
        pre_read="Jade Example. On the agenda: an agency asked to discuss.",
        order=1,
    )
    return meeting, item


@pytest.mark.django_db
def test_agenda_detail_opens_only_after_the_member_confirms(north: PanelWorld) -> None:
    meeting, item = agenda(north)
    published(meeting, PUBLISHED)
    member = north.health_member
    now = london(2027, 2, 5, 9, 0)

    with pytest.raises(NotFoundOrForbidden):
        selectors.agenda_detail_for(viewer=member, meeting=meeting, now=now)
    refusals = AuditEvent.objects.filter(
        action="panels.agenda_view_refused", actor=member, subject_id=str(meeting.pk)
    )
    assert refusals.count() == 1

    confirmation = services.confidentiality_confirm(actor=member, meeting=meeting, now=now)
    assert (confirmation.agreement_version, confirmation.confirmed_at) == (1, now)
    detail = selectors.agenda_detail_for(viewer=member, meeting=meeting, now=now)
    assert [entry.pre_read for entry in detail.entries] == [item.pre_read]
    assert AuditEvent.objects.filter(
        action="panels.pre_read_viewed", actor=member, subject_id=str(item.person_id)
    ).exists()

    # Confirming again keeps the first confirmation.
    later = services.confidentiality_confirm(
        actor=member, meeting=meeting, now=now + datetime.timedelta(hours=1)
    )
    assert later.confirmed_at == now
    assert ConfidentialityConfirmation.objects.filter(meeting=meeting).count() == 1


@pytest.mark.django_db
def test_confirmation_for_one_meeting_does_not_open_another(north: PanelWorld) -> None:
    first, _ = agenda(north)
    second = north.meeting(MEETING + datetime.timedelta(days=14))
    published(first, PUBLISHED)
    published(second, PUBLISHED + datetime.timedelta(days=14))
    member = north.missing.officer
    services.confidentiality_confirm(actor=member, meeting=first, now=PUBLISHED)
    with pytest.raises(NotFoundOrForbidden):
        selectors.agenda_detail_for(viewer=member, meeting=second, now=PUBLISHED)


@pytest.mark.django_db
def test_non_members_cannot_confirm_or_see_the_agenda(north: PanelWorld) -> None:
    meeting, _ = agenda(north)
    published(meeting, PUBLISHED)
    outsider = user_with_role(Role.PANEL_MEMBER, AgencyFactory(areas=[north.area]))
    with pytest.raises(NotFoundOrForbidden):
        services.confidentiality_confirm(actor=outsider, meeting=meeting, now=PUBLISHED)
    assert not ConfidentialityConfirmation.objects.exists()
    assert AuditEvent.objects.filter(action="panels.confidentiality_refused").count() == 1

    # A member who has left the panel is refused too, even having confirmed before leaving.
    member = north.health_member
    services.confidentiality_confirm(actor=member, meeting=meeting, now=PUBLISHED)
    north.panel.members.filter(user=member).update(is_active=False)
    with pytest.raises(NotFoundOrForbidden):
        selectors.agenda_detail_for(viewer=member, meeting=meeting, now=PUBLISHED)


@pytest.mark.django_db
def test_a_draft_agenda_opens_only_to_the_chair(north: PanelWorld) -> None:
    meeting, _ = agenda(north)
    for user in (north.missing.coordinator, north.health_member):
        services.confidentiality_confirm(actor=user, meeting=meeting, now=PUBLISHED)
    with pytest.raises(NotFoundOrForbidden):
        selectors.agenda_detail_for(viewer=north.health_member, meeting=meeting, now=PUBLISHED)
    detail = selectors.agenda_detail_for(
        viewer=north.missing.coordinator, meeting=meeting, now=PUBLISHED
    )
    # No pre-read before publication, even for the chair.
    assert [entry.pre_read for entry in detail.entries] == [None]


SECOND = datetime.timedelta(seconds=1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("meeting_at", "published_at", "closes_at"),
    [
        # 7 days after a meeting on Thursday 11 February: the 18th is the last day (GMT).
        (MEETING, PUBLISHED, london(2027, 2, 19, 0, 0)),
        # Across the clocks going forward on 28 March: midnight is BST midnight.
        (london(2027, 3, 25, 10, 0), london(2027, 3, 18, 9, 0), london(2027, 4, 2, 0, 0)),
    ],
)
def test_pre_read_opens_at_publication_and_closes_n_days_after_the_meeting(
    north: PanelWorld,
    meeting_at: datetime.datetime,
    published_at: datetime.datetime,
    closes_at: datetime.datetime,
) -> None:
    meeting, item = agenda(north, meeting_at)
    published(meeting, published_at)
    member = north.health_member  # on the panel, not otherwise involved with the child
    assert not selectors.pre_read_visible(viewer=member, item=item, now=published_at - SECOND)
    assert selectors.pre_read_visible(viewer=member, item=item, now=published_at)
    assert selectors.pre_read_visible(viewer=member, item=item, now=meeting_at)
    assert selectors.pre_read_visible(viewer=member, item=item, now=closes_at - SECOND)
    assert not selectors.pre_read_visible(viewer=member, item=item, now=closes_at)
    assert selectors.pre_read_access_ends_at(meeting) == closes_at


@pytest.mark.django_db
def test_closed_pre_read_is_withheld_from_the_agenda_and_not_audited(north: PanelWorld) -> None:
    meeting, _ = agenda(north)
    published(meeting, PUBLISHED)
    member = north.health_member
    services.confidentiality_confirm(actor=member, meeting=meeting, now=PUBLISHED)
    after = london(2027, 2, 19, 0, 0)
    detail = selectors.agenda_detail_for(viewer=member, meeting=meeting, now=after)
    assert [entry.pre_read for entry in detail.entries] == [None]
    assert not AuditEvent.objects.filter(action="panels.pre_read_viewed").exists()
    assert AuditEvent.objects.filter(action="panels.agenda_viewed", actor=member).count() == 1


@pytest.mark.django_db
def test_someone_involved_with_the_child_keeps_seeing_the_pre_read(north: PanelWorld) -> None:
    meeting, item = agenda(north)
    published(meeting, PUBLISHED)
    # The lead professional's agency holds the child's record: no time limit applies.
    later = london(2027, 6, 1, 9, 0)
    assert selectors.pre_read_visible(viewer=north.missing.lead, item=item, now=later)
    assert not selectors.pre_read_visible(viewer=north.health_member, item=item, now=later)
    # Before publication there is nothing to see, whoever asks.
    assert not selectors.pre_read_visible(
        viewer=north.missing.lead, item=item, now=PUBLISHED - SECOND
    )


@pytest.mark.django_db
def test_someone_neither_on_the_panel_nor_involved_never_sees_the_pre_read(
    north: PanelWorld,
) -> None:
    meeting, item = agenda(north)
    published(meeting, PUBLISHED)
    outsider = user_with_role(Role.PANEL_MEMBER, AgencyFactory(areas=[north.area]))
    assert not selectors.pre_read_visible(viewer=outsider, item=item, now=MEETING)
