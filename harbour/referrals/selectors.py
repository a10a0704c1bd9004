"""Reads of referrals, always scoped by the viewer through the access policy."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone

from harbour.access import policy
from harbour.audit.services import record_event
from harbour.core.errors import NotFoundOrForbidden
from harbour.referrals.models import Referral, ReferralStatus

QUEUE_PAGE_SIZE = 50


def _with_display_relations(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    return referrals.select_related(
        "area", "referrer_agency", "receiving_agency", "decision"
    ).prefetch_related("concerns")


def triage_queue(*, viewer: Any, page_number: Any = 1, request: Any = None) -> Page[Referral]:
    """Referrals awaiting a decision in the viewer's front-door areas: urgent first, then the
    oldest first ("urgent" sorts after "standard", so descending urgency puts it on top)."""
    areas = policy.areas_user_triages(viewer)
    referrals = (
        policy.referral_visible_to(viewer)
        .filter(area_id__in=areas, status=ReferralStatus.AWAITING_TRIAGE)
        .order_by("-urgency", "received_at")
    )
    page = Paginator(_with_display_relations(referrals), QUEUE_PAGE_SIZE).get_page(page_number)
    record_event(
        actor=viewer,
        action="referral.queue_viewed",
        subject_type="referrals.referral",
        after={"page": page.number, "referral_ids": [str(r.pk) for r in page.object_list]},
        request=request,
    )
    return page


def overdue_count(*, viewer: Any) -> int:
    areas = policy.areas_user_triages(viewer)
    return (
        policy.referral_visible_to(viewer)
        .filter(
            area_id__in=areas,
            status=ReferralStatus.AWAITING_TRIAGE,
            decision_due_at__lt=timezone.now(),
        )
        .count()
    )


def referrals_made_by(*, viewer: Any, page_number: Any = 1, request: Any = None) -> Page[Referral]:
    """The viewer's own referrals, newest first, with their outcomes."""
    referrals = policy.referral_visible_to(viewer).filter(referrer=viewer).order_by("-received_at")
    page = Paginator(_with_display_relations(referrals), QUEUE_PAGE_SIZE).get_page(page_number)
    record_event(
        actor=viewer,
        action="referral.list_viewed",
        subject_type="referrals.referral",
        after={"page": page.number, "referral_ids": [str(r.pk) for r in page.object_list]},
        request=request,
    )
    return page


def referral_get(*, viewer: Any, referral_id: Any, request: Any = None) -> Referral:
    """One referral the viewer may see, read audited. Forbidden and missing look alike."""
    referral = (
        _with_display_relations(policy.referral_visible_to(viewer))
        .select_related("person", "referrer", "decision__decided_by")
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        record_event(
            actor=viewer,
            action="referral.view_refused",
            subject_type="referrals.referral",
            subject_id=str(referral_id),
            request=request,
        )
        raise NotFoundOrForbidden
    record_event(actor=viewer, action="referral.viewed", subject=referral, request=request)
    return referral


def referral_for_action(*, viewer: Any, referral_id: Any) -> Referral:
    """A referral the viewer may see, for a write (the write's own event audits it)."""
    referral = policy.referral_visible_to(viewer).filter(pk=referral_id).first()
    if referral is None:
        raise NotFoundOrForbidden
    return referral
