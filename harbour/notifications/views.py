"""A user's notifications. Users only ever see their own."""

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from harbour.accounts.auth import signed_in_user
from harbour.notifications.models import Notification
from harbour.notifications.services import notification_mark_read


def inbox(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(recipient=signed_in_user(request)).order_by(
        "-created_at"
    )
    page = Paginator(notifications, 50).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@require_POST
def open_notification(request: HttpRequest, notification_id: Any) -> HttpResponse:
    notification = Notification.objects.filter(
        pk=notification_id, recipient=signed_in_user(request)
    ).first()
    if notification is None:
        raise Http404
    notification_mark_read(notification=notification, actor=request.user)
    if notification.link_url and url_has_allowed_host_and_scheme(
        notification.link_url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.link_url)
    return redirect("notifications:inbox")
