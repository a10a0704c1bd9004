"""Minutes pages through Django's test client: the viewer's own copy as a page and as a PDF,
the chair sending the minutes, and the log of copies; everyone else gets "not found"."""

from __future__ import annotations

import io
import re
from typing import Any

import pypdf
import pytest
from django.test import Client
from django.urls import reverse

from harbour.audit.models import AuditEvent
from harbour.notifications.models import Notification
from harbour.panels.models import MeetingStatus, MinutesCopy, MinutesFormat
from harbour.panels.tests.factories import PanelWorld
from harbour.panels.tests.minutes_factories import MinutesWorld, minutes_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def mw(north: PanelWorld) -> MinutesWorld:
    return minutes_world(north)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(name: str, mw: MinutesWorld) -> str:
    return reverse(f"panels:{name}", args=[mw.meeting.pk])


def _assert_clean_page(body: str) -> None:
    """No inline styles or scripts without the nonce (the CSP refuses them)."""
    assert ' style="' not in body
    assert re.search(r"<script(?![^>]*nonce=)", body) is None


def test_the_urls() -> None:
    meeting_id = "8d1c5bb4-1f0e-4a38-9a43-0a0b7b1c2d3e"
    assert reverse("panels:minutes", args=[meeting_id]) == (
        f"/panels/meetings/{meeting_id}/minutes/"
    )
    assert reverse("panels:minutes_pdf", args=[meeting_id]) == (
        f"/panels/meetings/{meeting_id}/minutes.pdf"
    )
    assert reverse("panels:minutes_distribute", args=[meeting_id]) == (
        f"/panels/meetings/{meeting_id}/minutes/send/"
    )
    assert reverse("panels:minutes_copies", args=[meeting_id]) == (
        f"/panels/meetings/{meeting_id}/minutes/copies/"
    )


def test_the_minutes_page_shows_the_viewers_own_copy_and_records_it(mw: MinutesWorld) -> None:
    response = _client(mw.health_member).get(_url("minutes", mw))
    assert response.status_code == 200
    body = response.content.decode()
    _assert_clean_page(body)
    assert "Restricted: prepared for Hana Health on" in body
    assert "Amara Brightwell" in body
    assert "Item 2: withheld from this copy" in body
    assert "Bethany" not in body
    assert "Hollowmere" not in body
    assert _url("minutes_pdf", mw) in body
    assert "Download as PDF" in body
    assert _url("minutes_distribute", mw) not in body  # not the chair
    assert response["Cache-Control"] == "no-store"

    copy = MinutesCopy.objects.get()
    assert (copy.recipient, copy.format, copy.withheld_items) == (
        mw.health_member,
        MinutesFormat.HTML,
        1,
    )
    _client(mw.health_member).get(_url("minutes", mw))
    assert MinutesCopy.objects.count() == 2  # each opening is a copy


def test_the_chair_sees_links_to_send_and_to_the_copies(mw: MinutesWorld) -> None:
    body = _client(mw.chair).get(_url("minutes", mw)).content.decode()
    assert "Bethany Hollowmere" in body
    assert _url("minutes_distribute", mw) in body
    assert _url("minutes_copies", mw) in body


def test_the_pdf_download(mw: MinutesWorld) -> None:
    response = _client(mw.health_member).get(_url("minutes_pdf", mw))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="minutes-northbrook-mace-2026-03-05.pdf"'
    )
    assert response["Cache-Control"] == "no-store"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Amara Brightwell" in text
    assert "withheld" in text
    assert "Bethany" not in text
    copy = MinutesCopy.objects.get()
    assert (copy.recipient, copy.format) == (mw.health_member, MinutesFormat.PDF)


@pytest.mark.parametrize("name", ["minutes", "minutes_pdf"])
def test_someone_who_may_not_have_the_minutes_gets_not_found(mw: MinutesWorld, name: str) -> None:
    response = _client(mw.world.front_door).get(_url(name, mw))
    assert response.status_code == 404
    assert not MinutesCopy.objects.exists()
    assert AuditEvent.objects.filter(
        action="panels.minutes_refused", actor=mw.world.front_door
    ).exists()


def test_a_meeting_not_held_has_no_minutes_page(north: PanelWorld) -> None:
    mw = minutes_world(north, status=MeetingStatus.PUBLISHED)
    client = _client(mw.chair)
    for name in ("minutes", "minutes_pdf", "minutes_distribute", "minutes_copies"):
        assert client.get(_url(name, mw)).status_code == 404
    assert not MinutesCopy.objects.exists()


def test_an_unknown_meeting_is_not_found(mw: MinutesWorld) -> None:
    url = reverse("panels:minutes", args=["8d1c5bb4-1f0e-4a38-9a43-0a0b7b1c2d3e"])
    assert _client(mw.chair).get(url).status_code == 404


def test_the_chair_sends_the_minutes(mw: MinutesWorld) -> None:
    client = _client(mw.chair)
    page = client.get(_url("minutes_distribute", mw))
    assert page.status_code == 200
    body = page.content.decode()
    _assert_clean_page(body)
    assert "Hana Health, Northbrook Health" in body
    assert "Sam School, Northbrook Academy" in body
    assert "Fran" not in body  # the front door is no possible recipient

    response = client.post(
        _url("minutes_distribute", mw),
        {"recipients": [str(mw.health_member.pk), str(mw.action_owner.pk)]},
    )
    assert response.status_code == 302
    assert response["Location"] == _url("minutes_copies", mw)
    copies = MinutesCopy.objects.filter(produced_by=mw.chair)
    assert {copy.recipient for copy in copies} == {mw.health_member, mw.action_owner}
    assert Notification.objects.filter(recipient=mw.health_member).count() == 1
    assert Notification.objects.filter(recipient=mw.action_owner).count() == 1
    assert AuditEvent.objects.filter(action="panels.minutes_distributed").count() == 1


def test_sending_to_nobody_shows_the_error_summary(mw: MinutesWorld) -> None:
    response = _client(mw.chair).post(_url("minutes_distribute", mw), {})
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "Select at least one person to send the minutes to" in body
    assert "<title>Error: " in body
    assert not MinutesCopy.objects.exists()


def test_sending_to_someone_not_on_the_list_is_an_error(mw: MinutesWorld) -> None:
    response = _client(mw.chair).post(
        _url("minutes_distribute", mw), {"recipients": [str(mw.world.front_door.pk)]}
    )
    assert response.status_code == 200
    assert "Select only people on the list" in response.content.decode()
    assert not Notification.objects.exists()


def test_only_the_chair_sends_or_sees_the_copies(mw: MinutesWorld) -> None:
    client = _client(mw.health_member)
    assert client.get(_url("minutes_distribute", mw)).status_code == 404
    assert (
        client.post(
            _url("minutes_distribute", mw), {"recipients": [str(mw.health_member.pk)]}
        ).status_code
        == 404
    )
    assert client.get(_url("minutes_copies", mw)).status_code == 404
    assert not MinutesCopy.objects.exists()
    assert (
        AuditEvent.objects.filter(action="panels.minutes_refused", actor=mw.health_member).count()
        == 3
    )


def test_the_log_of_copies(mw: MinutesWorld) -> None:
    _client(mw.health_member).get(_url("minutes", mw))
    _client(mw.action_owner).get(_url("minutes_pdf", mw))
    response = _client(mw.chair).get(_url("minutes_copies", mw))
    assert response.status_code == 200
    body = response.content.decode()
    _assert_clean_page(body)
    assert "2 copies, newest first" in body
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', body, re.S)[1:]
    cells = [re.findall(r">\s*([^<]*?)\s*</t[hd]>", row) for row in rows]
    by_recipient = {row[0]: row for row in cells}
    assert by_recipient["Hana Health"][1] == "Web page"
    assert by_recipient["Hana Health"][3:] == ["1, 3", "1"]
    assert by_recipient["Sam School"][1] == "PDF"
    assert by_recipient["Sam School"][3:] == ["2, 3", "1"]
    assert "Bethany" not in body
    assert "Amara" not in body
    assert AuditEvent.objects.filter(action="panels.minutes_copies_viewed", actor=mw.chair).exists()


# In Debian's Chromium: axe-core checks every minutes page -----------------------------------


def _sign_in(page: Any, live_server: Any, user: Any) -> None:
    page.context.clear_cookies()
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_minutes_pages_are_accessible(page: Any, live_server: Any, north: PanelWorld) -> None:
    from tests.browser.conftest import assert_accessible

    mw = minutes_world(north)
    base = live_server.url
    _sign_in(page, live_server, mw.health_member)
    page.goto(base + _url("minutes", mw))
    assert page.get_by_role("heading", name="Item 2: withheld from this copy").is_visible()
    assert_accessible(page)

    _sign_in(page, live_server, mw.chair)
    page.goto(base + _url("minutes", mw))
    assert_accessible(page)
    page.get_by_role("link", name="Send the minutes").click()
    assert_accessible(page)
    page.get_by_role("button", name="Send the minutes").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
    page.get_by_label("Hana Health, Northbrook Health").check()
    page.get_by_role("button", name="Send the minutes").click()
    page.wait_for_url(base + _url("minutes_copies", mw))
    assert "Minutes sent to 1 person." in page.content()
    assert_accessible(page)
