"""Minutes: restricted distribution, one copy per recipient with no child they may not see,
every copy recorded and audited, distribution with notifications, and the PDF."""

from __future__ import annotations

import hashlib
import io
import time
from typing import Any

import pypdf
import pytest
from django.core.exceptions import ValidationError

from harbour.audit.models import AuditEvent
from harbour.core.errors import NotFoundOrForbidden
from harbour.notifications.models import Notification
from harbour.panels.minutes import (
    WITHHELD_TEXT,
    minutes_copy_produce,
    minutes_distribute,
    minutes_for,
    minutes_possible_recipients,
    minutes_recipients,
    render_minutes_html,
    render_minutes_pdf,
)
from harbour.panels.models import MeetingStatus, MinutesCopy, MinutesFormat, PanelMember
from harbour.panels.tests.factories import PanelWorld
from harbour.panels.tests.minutes_factories import (
    AFTER_MEETING,
    THEME_TITLE,
    UNSEEN_ACTION,
    UNSEEN_DECISION,
    UNSEEN_PRE_READ,
    UNSEEN_SUMMARY,
    MinutesWorld,
    many_items_meeting,
    minutes_world,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mw(north: PanelWorld) -> MinutesWorld:
    return minutes_world(north)


def _pdf_text(body: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(body))
    return "\n".join(page.extract_text() for page in reader.pages)


def _produce(mw: MinutesWorld, recipient: Any, format: str, actor: Any = None) -> Any:
    return minutes_copy_produce(
        actor=actor or recipient,
        meeting=mw.meeting,
        recipient=recipient,
        format=format,
        now=AFTER_MEETING,
    )


def _assert_unseen_child_absent(mw: MinutesWorld, text: str) -> None:
    for secret in (
        "Bethany",
        "Hollowmere",
        "3 February 2011",
        "03/02/2011",
        "2011-02-03",
        UNSEEN_SUMMARY,
        UNSEEN_PRE_READ.splitlines()[-1],
        UNSEEN_DECISION,
        UNSEEN_ACTION,
        "Quayside",
        "Sam School",  # the withheld item's action owner
        "foster carer",
    ):
        assert secret not in text, f"{secret!r} leaked into a copy that withholds the item"


# The rule at the heart of it --------------------------------------------------------------


def test_minutes_contain_no_child_a_recipient_may_not_see(mw: MinutesWorld) -> None:
    """The health member may see Amara (health is involved) but not Bethany (only the police
    and children's services know her): their copy names Amara and withholds Bethany's item, in
    the web page and in the PDF alike."""
    member = mw.health_member
    html = _produce(mw, member, MinutesFormat.HTML).body
    pdf = _produce(mw, member, MinutesFormat.PDF).body
    assert isinstance(html, str)
    assert isinstance(pdf, bytes)
    pdf_text = _pdf_text(pdf)
    for text in (html, pdf_text):
        assert "Amara Brightwell" in text
        assert "17 May 2010" in text
        assert f"Item 2: {WITHHELD_TEXT}" in text
        assert "withheld" in text
        assert THEME_TITLE in text
        _assert_unseen_child_absent(mw, text)


def test_an_action_owner_sees_the_item_they_own_an_action_on(mw: MinutesWorld) -> None:
    """The school referrer may not see Bethany's record, but owns an action on her item."""
    owner = mw.action_owner
    assert owner in minutes_recipients(mw.meeting)
    content = minutes_for(recipient=owner, meeting=mw.meeting, now=AFTER_MEETING)
    assert [item.withheld for item in content.items] == [True, False, False]
    html = str(render_minutes_html(content))
    assert "Bethany Hollowmere" in html
    assert UNSEEN_ACTION.replace("'", "&#x27;") in html
    assert f"Item 1: {WITHHELD_TEXT}" in html
    assert "Amara" not in html
    assert "Brightwell" not in html


def test_the_chairs_copy_has_every_item(mw: MinutesWorld) -> None:
    produced = _produce(mw, mw.chair, MinutesFormat.PDF)
    text = _pdf_text(produced.body)
    assert "Amara Brightwell" in text
    assert "Bethany Hollowmere" in text
    assert "3 February 2011" in text
    assert "withheld" not in text
    assert produced.copy.withheld_items == 0
    assert produced.copy.included_item_ids == [
        str(mw.seen_item.pk),
        str(mw.unseen_item.pk),
        str(mw.theme_item.pk),
    ]


def test_the_content_of_a_copy(mw: MinutesWorld) -> None:
    content = minutes_for(recipient=mw.chair, meeting=mw.meeting, now=AFTER_MEETING)
    assert content.panel_name == "Northbrook MACE"
    assert content.quorum_met is True
    assert content.restricted_notice == (
        "Restricted: prepared for Cara Coord on 6 March 2026. Do not copy or forward."
    )
    attendance = {(line.agency, line.status_label): line.people for line in content.attendance}
    assert attendance == {
        ("Northbrook Children's Services", "Present"): ("Cara Coord",),
        ("Northbrook Police", "Present"): ("Pat Officer",),
        ("Northbrook Academy", "Present"): (),
        ("Northbrook Health", "Apologies"): ("Hana Health",),
    }
    first, second, theme = content.items
    assert (first.number, first.heading, first.child_attended) == (1, "Amara Brightwell", True)
    assert first.reasons == ("Routed to the panel at triage",)
    assert [(d.kind_label, d.risk_level_label) for d in first.decisions] == [
        ("Risk level agreed", "Medium")
    ]
    assert [(a.owner, a.agency, a.status_label) for a in first.actions] == [
        ("Hana Health", "Northbrook Health", "Not started")
    ]
    assert second.carers_attended
    assert second.reasons == ("Repeat missing",)
    assert (theme.is_child, theme.heading, theme.withheld) == (False, THEME_TITLE, False)
    html = str(render_minutes_html(content))
    assert "Quorum met" in html
    assert "Teams: code 555 0101" in html
    assert "5 March 2026 at 2pm" in html
    assert html.index("Restricted: prepared for Cara Coord") < html.index("<h1")


def test_a_withheld_item_carries_nothing_but_its_number(mw: MinutesWorld) -> None:
    content = minutes_for(recipient=mw.health_member, meeting=mw.meeting, now=AFTER_MEETING)
    withheld = content.items[1]
    assert withheld.withheld
    assert withheld.number == 2
    assert (withheld.item_id, withheld.heading, withheld.born) == (None, "", "")
    assert not (withheld.decisions)
    assert not (withheld.actions)
    assert not (withheld.discussion_summary)
    assert content.withheld_count == 1
    assert content.included_item_ids == [str(mw.seen_item.pk), str(mw.theme_item.pk)]


# Who may have a copy ----------------------------------------------------------------------


def test_possible_recipients_are_the_chair_members_and_action_owners(mw: MinutesWorld) -> None:
    world = mw.world
    PanelMember.objects.filter(user=world.missing.lead).update(is_active=False)
    recipients = set(minutes_recipients(mw.meeting))
    assert recipients == {mw.chair, world.missing.officer, world.health_member, mw.action_owner}
    agencies = {entry.user: entry.agency for entry in minutes_possible_recipients(mw.meeting)}
    assert agencies[mw.action_owner] == "Northbrook Academy"
    assert agencies[world.health_member] == "Northbrook Health"


@pytest.mark.parametrize("who", ["front_door", "other_area_chair", "former_member"])
def test_anyone_else_is_refused_and_audited(mw: MinutesWorld, south: PanelWorld, who: str) -> None:
    outsider = {
        "front_door": lambda: mw.world.front_door,
        "other_area_chair": lambda: south.missing.coordinator,
        "former_member": lambda: _former_member(mw),
    }[who]()
    with pytest.raises(NotFoundOrForbidden):
        _produce(mw, outsider, MinutesFormat.HTML)
    with pytest.raises(NotFoundOrForbidden):
        minutes_for(recipient=outsider, meeting=mw.meeting, now=AFTER_MEETING)
    assert not MinutesCopy.objects.exists()
    refusal = AuditEvent.objects.get(action="panels.minutes_refused")
    assert refusal.actor == outsider
    assert refusal.subject_id == str(mw.meeting.pk)


def _former_member(mw: MinutesWorld) -> Any:
    lead = mw.world.missing.lead
    PanelMember.objects.filter(user=lead).update(is_active=False)
    return lead


def test_only_the_chair_produces_a_copy_for_someone_else(mw: MinutesWorld) -> None:
    officer = mw.world.missing.officer
    with pytest.raises(NotFoundOrForbidden):
        _produce(mw, mw.health_member, MinutesFormat.HTML, actor=officer)
    assert AuditEvent.objects.filter(action="panels.minutes_refused", actor=officer).count() == 1

    produced = _produce(mw, mw.health_member, MinutesFormat.HTML, actor=mw.chair)
    assert produced.copy.recipient == mw.health_member
    assert produced.copy.produced_by == mw.chair
    assert "Bethany" not in produced.body

    with pytest.raises(NotFoundOrForbidden):
        _produce(mw, mw.world.front_door, MinutesFormat.HTML, actor=mw.chair)


@pytest.mark.parametrize("status", [MeetingStatus.DRAFT, MeetingStatus.PUBLISHED])
def test_a_meeting_not_held_has_no_minutes(north: PanelWorld, status: str) -> None:
    mw = minutes_world(north, status=status)
    for actor in (mw.chair, mw.health_member):
        with pytest.raises(NotFoundOrForbidden):
            _produce(mw, actor, MinutesFormat.HTML)
    with pytest.raises(NotFoundOrForbidden):
        minutes_for(recipient=mw.chair, meeting=mw.meeting, now=AFTER_MEETING)
    with pytest.raises(NotFoundOrForbidden):
        minutes_distribute(
            actor=mw.chair, meeting=mw.meeting, recipients=[mw.chair], now=AFTER_MEETING
        )
    assert not MinutesCopy.objects.exists()
    assert AuditEvent.objects.filter(action="panels.minutes_refused").count() == 3


# Every copy recorded ----------------------------------------------------------------------


def test_each_copy_is_recorded_with_its_recipient_items_and_hash(mw: MinutesWorld) -> None:
    html = _produce(mw, mw.health_member, MinutesFormat.HTML)
    pdf = _produce(mw, mw.action_owner, MinutesFormat.PDF)

    copy = MinutesCopy.objects.get(pk=html.copy.pk)
    assert (copy.recipient, copy.produced_by, copy.format) == (
        mw.health_member,
        mw.health_member,
        MinutesFormat.HTML,
    )
    assert copy.produced_at == AFTER_MEETING
    assert copy.included_item_ids == [str(mw.seen_item.pk), str(mw.theme_item.pk)]
    assert copy.withheld_items == 1
    assert copy.content_sha256 == hashlib.sha256(html.body.encode()).hexdigest()

    copy = MinutesCopy.objects.get(pk=pdf.copy.pk)
    assert (copy.recipient, copy.format) == (mw.action_owner, MinutesFormat.PDF)
    assert copy.included_item_ids == [str(mw.unseen_item.pk), str(mw.theme_item.pk)]
    assert copy.withheld_items == 1
    assert copy.content_sha256 == hashlib.sha256(pdf.body).hexdigest()

    events = list(AuditEvent.objects.filter(action="panels.minutes_copy_produced").order_by("id"))
    assert [event.after["recipient"] for event in events] == [
        str(mw.health_member.pk),
        str(mw.action_owner.pk),
    ]
    assert events[0].after["included_item_ids"] == [str(mw.seen_item.pk), str(mw.theme_item.pk)]
    assert events[0].after["copy"] == str(html.copy.pk)
    assert events[1].after["format"] == "pdf"


# Distribution -----------------------------------------------------------------------------


def test_distribute_records_one_copy_per_recipient_and_notifies_each(mw: MinutesWorld) -> None:
    chosen = [mw.health_member, mw.action_owner, mw.world.missing.officer, mw.health_member]
    copies = minutes_distribute(
        actor=mw.chair, meeting=mw.meeting, recipients=chosen, now=AFTER_MEETING
    )
    assert [copy.recipient for copy in copies] == chosen[:3]
    assert all(copy.format == MinutesFormat.HTML for copy in copies)
    assert all(copy.produced_by == mw.chair for copy in copies)
    by_recipient = {copy.recipient: copy for copy in copies}
    assert by_recipient[mw.health_member].withheld_items == 1
    assert by_recipient[mw.world.missing.officer].withheld_items == 0

    link = f"/panels/meetings/{mw.meeting.pk}/minutes/"
    for recipient in chosen[:3]:
        notification = Notification.objects.get(recipient=recipient)
        assert notification.link_url == link
        assert notification.subject == "Minutes of Northbrook MACE, 5 March 2026"
        assert notification.subject_id == str(mw.meeting.pk)
        # The message names no child.
        assert "Amara" not in notification.body
        assert "Bethany" not in notification.body
    assert not Notification.objects.filter(recipient=mw.chair).exists()

    event = AuditEvent.objects.get(action="panels.minutes_distributed")
    assert event.actor == mw.chair
    assert event.after["recipients"] == [str(user.pk) for user in chosen[:3]]
    assert AuditEvent.objects.filter(action="panels.minutes_copy_produced").count() == 3


def test_distribute_names_who_cannot_receive_the_minutes(mw: MinutesWorld) -> None:
    front_door = mw.world.front_door
    with pytest.raises(ValidationError) as raised:
        minutes_distribute(
            actor=mw.chair,
            meeting=mw.meeting,
            recipients=[mw.health_member, front_door],
            now=AFTER_MEETING,
        )
    (message,) = raised.value.message_dict["recipients"]
    assert message.startswith("Fran ")
    assert "cannot receive these minutes" in message
    assert not MinutesCopy.objects.exists()
    assert not Notification.objects.exists()


def test_distribute_needs_someone_to_send_to(mw: MinutesWorld) -> None:
    with pytest.raises(ValidationError) as raised:
        minutes_distribute(actor=mw.chair, meeting=mw.meeting, recipients=[], now=AFTER_MEETING)
    assert raised.value.message_dict == {
        "recipients": ["Select at least one person to send the minutes to"]
    }


def test_only_the_chair_distributes(mw: MinutesWorld) -> None:
    with pytest.raises(NotFoundOrForbidden):
        minutes_distribute(
            actor=mw.health_member,
            meeting=mw.meeting,
            recipients=[mw.health_member],
            now=AFTER_MEETING,
        )
    assert not MinutesCopy.objects.exists()
    assert AuditEvent.objects.filter(
        action="panels.minutes_refused", actor=mw.health_member
    ).exists()


# The PDF ----------------------------------------------------------------------------------


def test_the_pdf_is_tagged_titled_and_restricted_on_every_page(north: PanelWorld) -> None:
    meeting = many_items_meeting(north, count=20)
    recipient = north.missing.coordinator
    content = minutes_for(recipient=recipient, meeting=meeting, now=AFTER_MEETING)
    started = time.perf_counter()
    body = render_minutes_pdf(content)
    elapsed = time.perf_counter() - started
    print(
        f"\n20-item minutes PDF: {elapsed:.2f}s, {len(body) // 1024} KiB"
    )  # measured, not asserted
    reader = pypdf.PdfReader(io.BytesIO(body))
    root = reader.root_object
    assert "/StructTreeRoot" in root
    assert str(root["/Lang"]) == "en-GB"
    assert root["/MarkInfo"]["/Marked"]
    assert reader.metadata is not None
    assert reader.metadata.title == "Minutes of Northbrook MACE, 2 April 2026"
    assert len(reader.pages) > 1
    notice = "Restricted: prepared for Cara Coord on 6 March 2026. Do not copy or forward."
    for page in reader.pages:
        assert notice in page.extract_text()
    text = _pdf_text(body)
    assert "Child01 Longlist" in text
    assert "Child20 Longlist" in text
