"""Reads for imports, scoped to the agencies in which the viewer may import; every page that
shows a batch's rows is audited as a read."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from harbour.access.policy import person_matchable_by
from harbour.audit.services import record_read
from harbour.core.errors import NotFoundOrForbidden
from harbour.imports import rules
from harbour.imports.models import ImportBatch, ImportRow, ImportSource, RowOutcome
from harbour.people.models import Person

PAGE_SIZE = 50


def sources_for(*, viewer: Any) -> QuerySet[ImportSource]:
    return ImportSource.objects.filter(
        agency_id__in=rules.import_agency_ids(viewer)
    ).select_related("agency")


def source_get(*, viewer: Any, source_id: Any) -> ImportSource:
    source = sources_for(viewer=viewer).filter(pk=source_id).first()
    if source is None or not rules.may_import(viewer, source):
        raise NotFoundOrForbidden
    return source


def batches_for(*, viewer: Any) -> QuerySet[ImportBatch]:
    return (
        ImportBatch.objects.filter(source__in=sources_for(viewer=viewer))
        .select_related("source", "uploaded_by")
        .defer("content")
    )


def batch_get(
    *, viewer: Any, batch_id: Any, request: Any = None, audit: bool = True
) -> ImportBatch:
    """The batch, if the viewer may import for its source; its reading is audited."""
    batch = (
        ImportBatch.objects.select_related("source__agency", "uploaded_by", "committed_by")
        .defer("content")
        .filter(pk=batch_id)
        .first()
    )
    if batch is None or not rules.may_import(viewer, batch.source):
        raise NotFoundOrForbidden
    if audit:
        record_read(actor=viewer, action="imports.batch_viewed", subject=batch, request=request)
    return batch


def rows_page(
    *, batch: ImportBatch, outcome: str = "", problems_only: bool = False, page_number: Any = 1
) -> Page[ImportRow]:
    rows = batch.rows.order_by("row_number")
    if problems_only:
        rows = rows.exclude(errors=[])
    if outcome in RowOutcome.values:
        rows = rows.filter(outcome=outcome)
    return Paginator(rows.select_related("person"), PAGE_SIZE).get_page(page_number)


def row_get(*, viewer: Any, row_id: Any, request: Any = None) -> ImportRow:
    row = ImportRow.objects.select_related("batch__source__agency").filter(pk=row_id).first()
    if row is None or not rules.may_import(viewer, row.batch.source):
        raise NotFoundOrForbidden
    record_read(actor=viewer, action="imports.batch_viewed", subject=row.batch, request=request)
    return row


def candidates_of(*, viewer: Any, row: ImportRow) -> list[tuple[Person, dict[str, Any]]]:
    """The row's candidates the viewer may be shown, best first, with their evidence."""
    ids = [candidate["person_id"] for candidate in row.candidates]
    persons = person_matchable_by(viewer).in_bulk(ids, field_name="pk")
    by_text = {str(pk): person for pk, person in persons.items()}
    return [
        (by_text[candidate["person_id"]], candidate)
        for candidate in row.candidates
        if candidate["person_id"] in by_text
    ]
