"""Import pages. Thin: check the capability, read through selectors (which audit), call one
service, render. A source, batch or row of another agency is a 404 like a missing one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from harbour.accounts.models import Agency
from harbour.audit.services import record_event
from harbour.core.errors import NotFoundOrForbidden, ServiceValidationError
from harbour.core.service_errors import add_service_errors
from harbour.imports import rules, selectors, services
from harbour.imports.fields import fields_for, suggest_mapping
from harbour.imports.forms import DecisionForm, MappingForm, SourceForm, UploadForm
from harbour.imports.models import BatchStatus, RowOutcome
from harbour.imports.validation import describe

#: Seconds between refreshes of the progress page.
REFRESH_SECONDS = 2


def _require_importer(request: HttpRequest) -> None:
    if not rules.may_import_anything(request.user):
        raise NotFoundOrForbidden


def source_list(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    sources = list(selectors.sources_for(viewer=request.user))
    batches = list(selectors.batches_for(viewer=request.user)[:20])
    record_event(
        actor=request.user,
        action="imports.sources_listed",
        after={"sources": len(sources)},
        request=request,
    )
    return render(request, "imports/source_list.html", {"sources": sources, "batches": batches})


@require_http_methods(["GET", "POST"])
def source_new(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    agencies = Agency.objects.filter(pk__in=rules.import_agency_ids(request.user)).order_by("name")
    form = SourceForm(
        request.POST if request.method == "POST" else None,
        agencies=[(str(agency.pk), agency.name) for agency in agencies],
    )
    if request.method == "POST" and form.is_valid():
        agency = agencies.get(pk=form.cleaned_data["agency"])
        try:
            source = services.source_create(
                actor=request.user,
                agency=agency,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                request=request,
            )
        except PermissionDenied:
            form.add_error("kind", "Your role cannot import this kind of extract for that agency")
        except ServiceValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("imports:upload", source.pk)
    return render(request, "imports/source_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, source_id: Any) -> HttpResponse:
    source = selectors.source_get(viewer=request.user, source_id=source_id)
    form = UploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            batch = services.batch_upload(
                actor=request.user,
                source=source,
                filename=uploaded.name,
                content=uploaded.read(),
                request=request,
            )
        except ServiceValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("imports:columns", batch.pk)
    return render(
        request,
        "imports/upload.html",
        {"form": form, "source": source, "fields": fields_for(source.kind).values()},
    )


@require_http_methods(["GET", "POST"])
def columns(request: HttpRequest, batch_id: Any) -> HttpResponse:
    batch = selectors.batch_get(viewer=request.user, batch_id=batch_id, request=request)
    if batch.status not in (BatchStatus.MAPPING, BatchStatus.READY):
        return redirect("imports:batch", batch.pk)
    initial = batch.column_mapping or suggest_mapping(
        batch.source.kind, batch.headers, batch.source.column_mapping
    )
    form = MappingForm(
        request.POST if request.method == "POST" else None,
        kind=batch.source.kind,
        headers=batch.headers,
        initial_mapping=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.batch_map_columns(
                actor=request.user, batch=batch, mapping=form.mapping(), request=request
            )
        except ServiceValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            return redirect("imports:batch", batch.pk)
    return render(request, "imports/columns.html", {"form": form, "batch": batch})


def batch_detail(request: HttpRequest, batch_id: Any) -> HttpResponse:
    """Progress while a task works on the batch; then its preview, or what it did."""
    batch = selectors.batch_get(viewer=request.user, batch_id=batch_id, request=request)
    counts = [
        (RowOutcome(outcome).label, outcome, count)
        for outcome, count in sorted(batch.counts.items())
        if outcome in RowOutcome.values
    ]
    context = {
        "batch": batch,
        "counts": counts,
        "refresh_seconds": REFRESH_SECONDS if batch.is_running else None,
        "problem_rows": batch.rows.exclude(errors=[]).count(),
        "held_rows": batch.rows.filter(outcome=RowOutcome.HELD).count(),
        "writes": sum(
            batch.counts.get(outcome, 0) for outcome in (RowOutcome.CREATE, RowOutcome.HOLD)
        ),
    }
    return render(request, "imports/batch.html", context)


def batch_progress(request: HttpRequest, batch_id: Any) -> JsonResponse:
    """The batch's progress as JSON, for scripts that would rather poll than refresh."""
    batch = selectors.batch_get(viewer=request.user, batch_id=batch_id, audit=False)
    return JsonResponse(
        {
            "status": batch.status,
            "done": batch.progress_done,
            "total": batch.progress_total,
            "percent": batch.progress_percent,
        }
    )


def batch_rows(request: HttpRequest, batch_id: Any) -> HttpResponse:
    """The preview table (``?outcome=``) or the validation report (``?problems=1``)."""
    batch = selectors.batch_get(viewer=request.user, batch_id=batch_id, request=request)
    problems_only = request.GET.get("problems") == "1"
    outcome = request.GET.get("outcome", "")
    page = selectors.rows_page(
        batch=batch,
        outcome=outcome,
        problems_only=problems_only,
        page_number=request.GET.get("page"),
    )
    fields = [(name, spec.label) for name, spec in fields_for(batch.source.kind).items()]
    mapped = [(name, label) for name, label in fields if name in batch.column_mapping.values()]
    problems = [
        (row, error, describe(row.row_number, error)) for row in page for error in row.errors
    ]
    return render(
        request,
        "imports/rows.html",
        {
            "batch": batch,
            "page": page,
            "problems_only": problems_only,
            "problems": problems,
            "outcome_label": RowOutcome(outcome).label if outcome in RowOutcome.values else "",
            "fields": mapped,
        },
    )


@require_POST
def batch_commit(request: HttpRequest, batch_id: Any) -> HttpResponse:
    batch = selectors.batch_get(viewer=request.user, batch_id=batch_id, audit=False)
    try:
        services.batch_commit_request(actor=request.user, batch=batch, request=request)
    except ServiceValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("imports:batch", batch.pk)


@require_POST
def batch_discard(request: HttpRequest, batch_id: Any) -> HttpResponse:
    batch = selectors.batch_get(viewer=request.user, batch_id=batch_id, audit=False)
    try:
        services.batch_discard(actor=request.user, batch=batch, request=request)
    except ServiceValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The import of {batch.original_filename} was discarded")
    return redirect("imports:sources")


@require_http_methods(["GET", "POST"])
def row_decide(request: HttpRequest, row_id: Any) -> HttpResponse:
    row = selectors.row_get(viewer=request.user, row_id=row_id, request=request)
    candidates = selectors.candidates_of(viewer=request.user, row=row)
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        candidates=[
            (
                str(person.pk),
                f"{person.full_name}, born {person.date_of_birth:%-d %B %Y}"
                if person.date_of_birth
                else person.full_name,
            )
            for person, _candidate in candidates
        ],
    )
    if request.method == "POST" and form.is_valid():
        decision, _sep, person_id = form.cleaned_data["decision"].partition(":")
        try:
            services.row_decide(
                actor=request.user,
                row=row,
                decision=decision,
                person_id=person_id or None,
                request=request,
            )
        except ServiceValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Row {row.row_number} decided")
            return redirect(f"{_rows_url(row.batch_id)}?outcome={RowOutcome.HELD}")
    fields = [
        (spec.label, row.values.get(name))
        for name, spec in fields_for(row.batch.source.kind).items()
        if row.values.get(name) not in (None, "")
    ]
    return render(
        request,
        "imports/decide.html",
        {"row": row, "form": form, "candidates": candidates, "fields": fields},
    )


def _rows_url(batch_id: Any) -> str:
    from django.urls import reverse

    return reverse("imports:rows", args=[batch_id])
