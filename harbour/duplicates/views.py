"""Duplicates pages. Thin: read through selectors (which audit), call one service, render.

Only reviewers (``policy.may_review_duplicates``) who may see both records reach a pair; anything
else is a 404 like a pair that does not exist. No page needs JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from harbour.core.errors import NotFoundOrForbidden, ServiceValidationError
from harbour.core.service_errors import add_service_errors
from harbour.duplicates import selectors, services
from harbour.duplicates.forms import (
    MERGE_DECISIONS,
    DecisionForm,
    MergeConfirmForm,
    UnmergeForm,
)
from harbour.duplicates.models import DuplicateCandidate

#: The explanation figure: width of the drawing, and where "no evidence" sits.
CHART_WIDTH = 360
CHART_ZERO = 180
CHART_ROW = 28
#: Room on the left of the figure for each comparison's name.
CHART_LABELS = 150


@dataclass(frozen=True)
class Bar:
    """One comparison, in words and as a bar of the match weight figure."""

    field: str
    outcome: str
    weight: float
    strength: str
    x: float
    width: float
    y: int
    is_for: bool


def _strength(weight: float) -> str:
    if weight >= 4:
        return "Strong evidence they are the same child"
    if weight >= 1:
        return "Some evidence they are the same child"
    if weight > -1:
        return "Little evidence either way"
    if weight > -4:
        return "Some evidence they are different children"
    return "Strong evidence they are different children"


#: How the matching model's comparison names read on the page (others: "first_names" ->
#: "First names").
FIELD_LABELS = {
    "nhs_number": "NHS number",
    "upn": "Unique pupil number",
    "police_ref": "Police reference",
    "council_ref": "Local authority reference",
    "dob": "Date of birth",
}


def _field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


def explanation_bars(explanation: list[dict[str, Any]]) -> list[Bar]:
    """The pair's evidence as bars: for the same child to the right of the line, against to the
    left, each as long as its match weight (scaled so the largest fills its half)."""
    largest = max((abs(float(row["match_weight"])) for row in explanation), default=0.0) or 1.0
    half = CHART_ZERO - 10
    bars = []
    for index, row in enumerate(explanation):
        weight = float(row["match_weight"])
        length = abs(weight) / largest * half
        bars.append(
            Bar(
                field=_field_label(str(row["field"])),
                outcome=str(row["outcome"]),
                weight=round(weight, 1),
                strength=_strength(weight),
                x=round(CHART_LABELS + (CHART_ZERO if weight >= 0 else CHART_ZERO - length), 1),
                width=round(max(length, 1.0), 1),
                y=index * CHART_ROW,
                is_for=weight >= 0,
            )
        )
    return bars


def queue(request: HttpRequest) -> HttpResponse:
    page = selectors.queue_page(
        viewer=request.user, page_number=request.GET.get("page", 1), request=request
    )
    labels, ranks = selectors.risk_labels(), selectors.risk_ranks()
    rows = []
    for pair in page:
        # The higher of the two children's current risk levels (the queue is ordered by it).
        levels = [level for level in (pair.level_l, pair.level_r) if level]
        highest = max(levels, key=lambda level: ranks.get(level, 0)) if levels else ""
        rows.append((pair, labels.get(highest)))
    return render(request, "duplicates/queue.html", {"page": page, "rows": rows})


@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    """Check the whole register for duplicates now (a background task)."""
    services.refresh_queue_request(actor=request.user, request=request)
    messages.success(
        request,
        "Harbour is checking the whole register for duplicates. New pairs appear here when it "
        "has finished, usually within a minute.",
    )
    return redirect("duplicates:queue")


def _pair_context(request: HttpRequest, pair: DuplicateCandidate, form: Any) -> dict[str, Any]:
    bars = explanation_bars(pair.explanation)
    return {
        "pair": pair,
        "left": selectors.person_summary(pair.person_l),
        "right": selectors.person_summary(pair.person_r),
        "bars": bars,
        "chart_width": CHART_LABELS + CHART_WIDTH,
        "chart_zero": CHART_LABELS + CHART_ZERO,
        "chart_height": max(len(bars), 1) * CHART_ROW + 8,
        "form": form,
    }


@require_http_methods(["GET", "POST"])
def pair(request: HttpRequest, candidate_id: Any) -> HttpResponse:
    """Both records side by side, the evidence, and the decision form."""
    candidate = selectors.candidate_get(
        viewer=request.user, candidate_id=candidate_id, request=request
    )
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        left=candidate.person_l,
        right=candidate.person_r,
    )
    if request.method == "POST" and form.is_valid():
        decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
        if decision in MERGE_DECISIONS:
            return _confirm_page(request, candidate, decision, reason)
        try:
            services.candidate_decide(
                actor=request.user,
                candidate=candidate,
                decision=decision,
                reason=reason,
                request=request,
            )
        except PermissionDenied as error:
            raise NotFoundOrForbidden from error
        except ServiceValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "Recorded: not the same child. The pair will not be proposed again."
                if decision == "not_same"
                else "The pair stays in the queue, undecided.",
            )
            return redirect("duplicates:queue")
    return render(request, "duplicates/pair.html", _pair_context(request, candidate, form))


def _survivor_and_merged(candidate: DuplicateCandidate, decision: str) -> tuple[Any, Any]:
    if MERGE_DECISIONS[decision] == "left":
        return candidate.person_l, candidate.person_r
    return candidate.person_r, candidate.person_l


def _confirm_page(
    request: HttpRequest,
    candidate: DuplicateCandidate,
    decision: str,
    reason: str,
    form: MergeConfirmForm | None = None,
) -> HttpResponse:
    survivor, merged = _survivor_and_merged(candidate, decision)
    try:
        preview = services.merge_preview(viewer=request.user, survivor=survivor, merged=merged)
    except PermissionDenied as error:
        raise NotFoundOrForbidden from error
    form = form or MergeConfirmForm(initial={"decision": decision, "reason": reason})
    for refusal in preview.refusals:
        if not form.is_bound:
            form = MergeConfirmForm({"decision": decision, "reason": reason})
            form.is_valid()
        form.add_error(None, refusal)
    return render(
        request,
        "duplicates/merge_confirm.html",
        {
            "pair": candidate,
            "survivor": survivor,
            "merged": merged,
            "preview": preview,
            "decision": decision,
            "reason": reason,
            "form": form,
        },
    )


@require_POST
def pair_merge(request: HttpRequest, candidate_id: Any) -> HttpResponse:
    """The confirmed merge."""
    candidate = selectors.candidate_get(
        viewer=request.user, candidate_id=candidate_id, request=request
    )
    form = MergeConfirmForm(request.POST)
    if not form.is_valid():
        return redirect("duplicates:pair", candidate.pk)
    decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
    try:
        merge = services.candidate_merge(
            actor=request.user,
            candidate=candidate,
            keep=MERGE_DECISIONS[decision],
            reason=reason,
            request=request,
        )
    except PermissionDenied as error:
        raise NotFoundOrForbidden from error
    except ServiceValidationError as error:
        add_service_errors(form, error)
        return _confirm_page(request, candidate, decision, reason, form=form)
    messages.success(request, f"Records merged into {merge.survivor.full_name}'s record.")
    return redirect("duplicates:merge", merge.pk)


def merge_detail(request: HttpRequest, merge_id: Any) -> HttpResponse:
    merge = selectors.merge_get(viewer=request.user, merge_id=merge_id, request=request)
    return render(
        request,
        "duplicates/merge_detail.html",
        {"merge": merge, "moved": _moved_counts(merge.changes)},
    )


def _moved_counts(changes: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """How many rows of each kind the merge moved, by plural name (the person row excluded)."""
    from django.apps import apps

    counts: dict[str, int] = {}
    for change in changes:
        model = apps.get_model(change["model"])
        if change["model"] == "people.person" and change["old"] is None:
            continue  # the merged-away record itself
        field = model._meta.get_field(change["field"])
        if not field.is_relation:
            continue  # a demotion, not a move
        plural = str(model._meta.verbose_name_plural)
        counts[plural] = counts.get(plural, 0) + 1
    return sorted(counts.items())


def person_merges(request: HttpRequest, person_id: Any) -> HttpResponse:
    """A record's "merged from": every merge into it, with an undo action on the live ones."""
    person, merges = selectors.merges_into(
        viewer=request.user, person_id=person_id, request=request
    )
    return render(request, "duplicates/person_merges.html", {"person": person, "merges": merges})


@require_http_methods(["GET", "POST"])
def unmerge(request: HttpRequest, merge_id: Any) -> HttpResponse:
    merge = selectors.merge_get(viewer=request.user, merge_id=merge_id, request=request)
    if not merge.is_live:
        return redirect("duplicates:merge", merge.pk)
    form = UnmergeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.unmerge_persons(
                actor=request.user,
                merge=merge,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except PermissionDenied as error:
            raise NotFoundOrForbidden from error
        except ServiceValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Merge undone: {merge.merged.full_name}'s record is separate again.",
            )
            return redirect("duplicates:merge", merge.pk)
    return render(request, "duplicates/unmerge.html", {"merge": merge, "form": form})
