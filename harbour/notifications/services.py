"""Sending notifications: a record in Harbour, then an e-mail once the transaction commits."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from harbour.audit.services import record_event
from harbour.notifications.models import Notification


def _email(notification_id: Any) -> None:
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    address = notification.recipient.email
    if not address:
        return
    link = (
        f"\n\n{settings.HARBOUR_BASE_URL}{notification.link_url}" if notification.link_url else ""
    )
    send_mail(
        notification.subject,
        f"{notification.body}{link}",
        settings.DEFAULT_FROM_EMAIL,
        [address],
    )
    Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now())


@transaction.atomic
def notification_send(
    *,
    recipient: Any,
    subject: str,
    body: str,
    link_url: str = "",
    about: Any = None,
    actor: Any = None,
) -> Notification:
    """Create a notification for ``recipient`` and e-mail it after commit."""
    notification = Notification.objects.create(
        recipient=recipient,
        subject=subject,
        body=body,
        link_url=link_url,
        subject_type=about._meta.label_lower if about is not None else "",
        subject_id=str(about.pk) if about is not None else "",
    )
    record_event(
        actor=actor,
        action="notification.created",
        subject=notification,
        after={"recipient": str(recipient.pk), "subject": subject},
    )
    transaction.on_commit(partial(_email, notification.pk))
    return notification


@transaction.atomic
def notification_mark_read(*, notification: Notification, actor: Any) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
        record_event(actor=actor, action="notification.read", subject=notification)
