"""Imports, step by step: set up a source, upload a file, match its columns, check every row
(a background task), commit (a background task, one transaction), and decide held rows.

The same functions serve the pages, the ``import_extract`` command and the tasks. Each write is
audited in its own transaction; a commit that fails at any row writes nothing but the batch's
"failed" status and its reason.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from harbour.accounts.models import Agency
from harbour.audit.services import record_event
from harbour.core.errors import ServiceValidationError
from harbour.imports import committing, rules
from harbour.imports.fields import FIELDS, fields_for
from harbour.imports.models import (
    BatchStatus,
    ImportBatch,
    ImportedRecord,
    ImportKind,
    ImportRow,
    ImportSource,
    RowOutcome,
)
from harbour.imports.parsing import FileProblem, detect_format, read_headers, read_rows, sha256
from harbour.imports.progress import ProgressReporter
from harbour.imports.validation import (
    PlannedRow,
    check_ledger,
    person_details,
    plan_rows,
)
from harbour.people.models import Person
from harbour.people.services import identifier_add, involvement_record, person_create

logger = logging.getLogger(__name__)

MSG_NOT_ALLOWED = "You cannot import this kind of extract for that agency"
MSG_NAME = "Enter a name for the source, like 'Children's social care weekly extract'"
MSG_NAME_TAKEN = "Your agency already has a source with this name"
MSG_KIND = "Select what the extract contains"
MSG_ALREADY_IMPORTED = (
    "This file was already imported into '{source}' on {day}: importing it again would change "
    "nothing"
)
MSG_NOT_READY = "This import is not ready to commit: check its report first"
MSG_NOT_HELD = "This row is not waiting for a decision"
MSG_CHOOSE_CANDIDATE = "Select the person this child is, or say this is a new child"
MSG_DECISION = "Select whether this is a child Harbour already knows or a new child"
MSG_UNEXPECTED = (
    "The import stopped at an unexpected error ({error}) and nothing was imported. Try again; "
    "if it happens again, tell the service desk the import's reference, {batch}"
)


def _require(actor: Any, source: ImportSource) -> None:
    if not rules.may_import(actor, source):
        raise PermissionDenied(MSG_NOT_ALLOWED)


# Sources ----------------------------------------------------------------------------------


@transaction.atomic
def source_create(
    *, actor: Any, agency: Agency, name: str, kind: str, request: Any = None
) -> ImportSource:
    if kind not in rules.kinds_for(actor, agency.pk):
        raise PermissionDenied(MSG_NOT_ALLOWED)
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [MSG_NAME]
    elif ImportSource.objects.filter(agency=agency, name__iexact=name.strip()).exists():
        errors["name"] = [MSG_NAME_TAKEN]
    if kind not in ImportKind.values:
        errors["kind"] = [MSG_KIND]
    if errors:
        raise ServiceValidationError(errors)
    source = ImportSource.objects.create(
        agency=agency, name=name.strip(), kind=kind, created_by=actor
    )
    record_event(
        actor=actor,
        action="imports.source_created",
        subject=source,
        after={"agency_id": str(agency.pk), "name": source.name, "kind": kind},
        request=request,
    )
    return source


# Upload -----------------------------------------------------------------------------------


def batch_upload(
    *, actor: Any, source: ImportSource, filename: str, content: bytes, request: Any = None
) -> ImportBatch:
    """Accept a file for ``source``: its type, size and header row are checked, and a file
    already imported into this source is refused. Uploading again a file whose import is under
    way returns that import."""
    _require(actor, source)
    digest = sha256(content) if content else ""
    problem = ""
    extract = None
    try:
        file_format = detect_format(filename, content)
        extract = read_headers(file_format, content)
    except FileProblem as error:
        problem = str(error)
    if not problem:
        committed = source.batches.filter(
            content_sha256=digest, status=BatchStatus.COMMITTED
        ).first()
        if committed is not None and committed.committed_at is not None:
            problem = MSG_ALREADY_IMPORTED.format(
                source=source.name,
                day=timezone.localtime(committed.committed_at).strftime("%-d %B %Y"),
            )
    if problem or extract is None:
        record_event(
            actor=actor,
            action="imports.file_refused",
            subject=source,
            after={"filename": filename[:255], "sha256": digest, "size": len(content)},
            reason=problem,
            request=request,
        )
        raise ServiceValidationError({"file": [problem]})
    with transaction.atomic():
        under_way = (
            source.batches.filter(content_sha256=digest)
            .exclude(status__in=(BatchStatus.COMMITTED, BatchStatus.FAILED, BatchStatus.DISCARDED))
            .first()
        )
        if under_way is not None:
            return under_way
        batch = ImportBatch.objects.create(
            source=source,
            uploaded_by=actor,
            original_filename=filename[:255],
            content_sha256=digest,
            content=content,
            file_format=extract.file_format,
            headers=extract.headers,
        )
        record_event(
            actor=actor,
            action="imports.file_uploaded",
            subject=batch,
            after={
                "source_id": str(source.pk),
                "filename": batch.original_filename,
                "sha256": digest,
                "size": len(content),
                "format": extract.file_format,
                "columns": len(extract.headers),
            },
            request=request,
        )
    return batch


# Column mapping ---------------------------------------------------------------------------


def mapping_problems(kind: str, mapping: dict[str, str]) -> list[str]:
    """What is wrong with a mapping (their header → our field), in words."""
    specs = fields_for(kind)
    problems: list[str] = []
    used: dict[str, str] = {}
    for header, field in mapping.items():
        if not field:
            continue
        if field not in specs:
            problems.append(f"Column '{header}' is matched to a field Harbour does not have")
        elif field in used:
            problems.append(
                f"Columns '{used[field]}' and '{header}' are both matched to "
                f"'{specs[field].label}': match each field to one column"
            )
        else:
            used[field] = header
    for spec in FIELDS[kind]:
        if spec.required and spec.name not in used:
            problems.append(f"Match a column to '{spec.label}': every row needs it")
    if kind != ImportKind.PERSONS and not {"child_record_id", "child_nhs_number"} & set(used):
        problems.append("Match a column to the child's record id or the child's NHS number")
    if kind == ImportKind.PERSONS and not {"first_names", "last_name"} & set(used):
        problems.append("Match a column to the child's first names or last name")
    return problems


def batch_map_columns(
    *,
    actor: Any,
    batch: ImportBatch,
    mapping: dict[str, str],
    request: Any = None,
    enqueue: bool = True,
) -> ImportBatch:
    """Save the mapping (on the source too, for next time) and start checking the rows."""
    source = batch.source
    _require(actor, source)
    mapping = {
        header: field for header, field in mapping.items() if field and header in batch.headers
    }
    problems = mapping_problems(source.kind, mapping)
    if batch.status not in (BatchStatus.MAPPING, BatchStatus.READY):
        problems.insert(0, "This import's columns can no longer be changed")
    if problems:
        raise ServiceValidationError({"mapping": problems})
    with transaction.atomic():
        source = ImportSource.objects.select_for_update().get(pk=source.pk)
        saved = {h: f for h, f in source.column_mapping.items() if h not in batch.headers}
        saved.update({header: mapping.get(header, "") for header in batch.headers})
        source.column_mapping = saved
        source.save(update_fields=["column_mapping", "updated_at"])
        batch.column_mapping = mapping
        batch.status = BatchStatus.VALIDATING
        batch.progress_done = 0
        batch.progress_total = 0
        batch.error = ""
        batch.save(
            update_fields=[
                "column_mapping",
                "status",
                "progress_done",
                "progress_total",
                "error",
                "updated_at",
            ]
        )
        record_event(
            actor=actor,
            action="imports.mapping_saved",
            subject=source,
            after={"batch_id": str(batch.pk), "mapping": mapping},
            request=request,
        )
    if enqueue:
        from harbour.imports.tasks import validate_batch_task

        validate_batch_task.enqueue(str(batch.pk))
    return batch


# Checking every row (background) ----------------------------------------------------------


def _trial(batch: ImportBatch, actor: Any) -> Callable[[PlannedRow], Callable[[], Any]] | None:
    kind = batch.source.kind
    if kind == ImportKind.PERSONS:
        return None
    apply = committing.apply_referral if kind == ImportKind.REFERRALS else committing.apply_episode

    def for_row(row: PlannedRow) -> Callable[[], Any]:
        def run() -> Any:
            person = Person.objects.get(pk=row.person_id)
            return apply(batch=batch, actor=actor, values=row.values, person=person)

        return run

    return for_row


def _counts(batch: ImportBatch) -> dict[str, int]:
    return {
        row["outcome"]: row["n"]
        for row in batch.rows.values("outcome").annotate(n=Count("id")).order_by()
    }


def batch_validate(*, batch_id: Any) -> ImportBatch:
    """Read, check, match and plan every row; the batch is then ready for its preview."""
    batch = ImportBatch.objects.select_related("source__agency", "uploaded_by").get(pk=batch_id)
    if batch.status != BatchStatus.VALIDATING:
        return batch
    try:
        content = bytes(batch.content or b"")
        raw_rows = [(number, cells) for number, cells in read_rows(batch.file_format, content)]
        reporter = ProgressReporter(batch, total=len(raw_rows))
        planned = plan_rows(
            source=batch.source,
            mapping=batch.column_mapping,
            raw_rows=raw_rows,
            actor=batch.uploaded_by,
            trial=_trial(batch, batch.uploaded_by),
            progress=reporter,
        )
        with transaction.atomic():
            batch.rows.all().delete()
            ImportRow.objects.bulk_create(
                (
                    ImportRow(
                        batch=batch,
                        row_number=row.row_number,
                        raw={k: _json_cell(v) for k, v in row.raw.items()},
                        values=row.values,
                        errors=row.errors,
                        record_key=row.record_key,
                        content_hash=row.content_hash,
                        outcome=row.outcome,
                        candidates=row.candidates,
                        person_id=row.person_id,
                    )
                    for row in planned
                ),
                batch_size=2000,
            )
            batch.counts = _counts(batch)
            batch.status = BatchStatus.READY
            batch.validated_at = timezone.now()
            batch.progress_done = batch.progress_total = len(planned)
            batch.save(
                update_fields=[
                    "counts",
                    "status",
                    "validated_at",
                    "progress_done",
                    "progress_total",
                    "updated_at",
                ]
            )
            record_event(
                actor=batch.uploaded_by,
                action="imports.batch_validated",
                subject=batch,
                after={"rows": len(planned), "counts": batch.counts},
            )
    except FileProblem as error:
        return _fail(batch, batch.uploaded_by, str(error))
    except Exception as error:
        logger.exception("Import %s could not be checked", batch.pk)
        return _fail(
            batch,
            batch.uploaded_by,
            MSG_UNEXPECTED.format(error=type(error).__name__, batch=batch.pk),
        )
    return batch


def _json_cell(value: Any) -> Any:
    from harbour.imports.parsing import json_safe

    return json_safe(value)


# Committing (background, one transaction) -------------------------------------------------


def batch_commit_request(
    *, actor: Any, batch: ImportBatch, request: Any = None, enqueue: bool = True
) -> ImportBatch:
    """Claim the batch for committing (once, however many times the button is pressed)."""
    _require(actor, batch.source)
    claimed = ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.READY).update(
        status=BatchStatus.COMMITTING,
        committed_by=actor,
        progress_done=0,
        updated_at=timezone.now(),
    )
    if not claimed:
        raise ServiceValidationError({"batch": [MSG_NOT_READY]})
    batch.refresh_from_db()
    if enqueue:
        from harbour.imports.tasks import commit_batch_task

        commit_batch_task.enqueue(str(batch.pk))
    return batch


def _recheck_ledger(batch: ImportBatch, rows: list[ImportRow]) -> None:
    """Rows another import committed since this one was checked are not written twice."""
    planned = [
        PlannedRow(
            row_number=row.row_number,
            raw={},
            values=row.values,
            record_key=row.record_key,
            content_hash=row.content_hash,
            outcome=RowOutcome.CREATE,
        )
        for row in rows
    ]
    check_ledger(planned, batch.source)
    for row, plan in zip(rows, planned, strict=True):
        if plan.outcome != RowOutcome.CREATE:
            row.outcome = plan.outcome
            row.errors = plan.errors
            row.save(update_fields=["outcome", "errors"])


def _commit(batch: ImportBatch, actor: Any, reporter: ProgressReporter) -> None:
    rows = list(
        batch.rows.filter(outcome__in=(RowOutcome.CREATE, RowOutcome.HOLD)).order_by("row_number")
    )
    _recheck_ledger(batch, rows)
    rows = [row for row in rows if row.outcome in (RowOutcome.CREATE, RowOutcome.HOLD)]
    kind = batch.source.kind
    if kind == ImportKind.PERSONS:
        committing.commit_persons(batch=batch, actor=actor, rows=rows, progress=reporter)
    else:
        apply = (
            committing.apply_referral if kind == ImportKind.REFERRALS else committing.apply_episode
        )
        object_type = "referrals.referral" if kind == ImportKind.REFERRALS else "missing.episode"

        committing.commit_one_by_one(
            batch=batch,
            actor=actor,
            rows=rows,
            progress=reporter,
            apply=apply,
            object_type=object_type,
        )
    batch.counts = _counts(batch)
    batch.status = BatchStatus.COMMITTED
    batch.committed_at = timezone.now()
    batch.content = None
    batch.progress_done = batch.progress_total = len(rows)
    batch.save(
        update_fields=[
            "counts",
            "status",
            "committed_at",
            "content",
            "progress_done",
            "progress_total",
            "updated_at",
        ]
    )
    record_event(
        actor=actor,
        action="imports.batch_committed",
        subject=batch,
        after={
            "source_id": str(batch.source_id),
            "filename": batch.original_filename,
            "sha256": batch.content_sha256,
            "counts": batch.counts,
        },
    )


def batch_commit(*, batch_id: Any) -> ImportBatch:
    """Write the batch in one transaction. On any failure nothing is written: the batch is
    marked failed with the reason, in words."""
    batch = ImportBatch.objects.select_related("source__agency", "committed_by").get(pk=batch_id)
    if batch.status != BatchStatus.COMMITTING:
        return batch
    actor = batch.committed_by
    total = batch.rows.filter(outcome__in=(RowOutcome.CREATE, RowOutcome.HOLD)).count()
    reporter = ProgressReporter(batch, total=total, in_transaction=True)
    try:
        with transaction.atomic():
            _commit(batch, actor, reporter)
    except committing.RowFailed as error:
        return _fail(batch, actor, f"Nothing was imported. {error}")
    except IntegrityError:
        logger.exception("Import %s collided with another", batch.pk)
        return _fail(
            batch,
            actor,
            "Nothing was imported: another import of the same records finished first. "
            "Upload the file again to see what is left to import",
        )
    except Exception as error:
        logger.exception("Import %s failed", batch.pk)
        return _fail(
            batch, actor, MSG_UNEXPECTED.format(error=type(error).__name__, batch=batch.pk)
        )
    finally:
        reporter.close()
    return batch


def _fail(batch: ImportBatch, actor: Any, message: str) -> ImportBatch:
    """Mark the batch failed (its rows, if any, are kept for the report)."""
    with transaction.atomic():
        batch.refresh_from_db()
        batch.status = BatchStatus.FAILED
        batch.error = message
        batch.content = None
        batch.save(update_fields=["status", "error", "content", "updated_at"])
        record_event(
            actor=actor,
            action="imports.batch_failed",
            subject=batch,
            after={"sha256": batch.content_sha256},
            reason=message,
        )
    return batch


@transaction.atomic
def batch_discard(*, actor: Any, batch: ImportBatch, request: Any = None) -> ImportBatch:
    _require(actor, batch.source)
    if batch.status not in (BatchStatus.MAPPING, BatchStatus.READY):
        raise ServiceValidationError(
            {"batch": ["Only an import not yet committed can be discarded"]}
        )
    batch.status = BatchStatus.DISCARDED
    batch.content = None
    batch.save(update_fields=["status", "content", "updated_at"])
    batch.rows.all().delete()
    record_event(actor=actor, action="imports.batch_discarded", subject=batch, request=request)
    return batch


# Held rows: same child or new child -------------------------------------------------------


SAME_CHILD = "same"
NEW_CHILD = "new"


@transaction.atomic
def row_decide(
    *,
    actor: Any,
    row: ImportRow,
    decision: str,
    person_id: Any = None,
    request: Any = None,
) -> ImportRow:
    """A person decides a held row: the same child as a candidate (the agency's identifiers and
    its involvement are added to that person) or a new child (created as on screen)."""
    batch = row.batch
    _require(actor, batch.source)
    row = ImportRow.objects.select_for_update().get(pk=row.pk)
    errors: dict[str, list[str]] = {}
    if row.outcome != RowOutcome.HELD:
        errors["decision"] = [MSG_NOT_HELD]
    elif decision not in (SAME_CHILD, NEW_CHILD):
        errors["decision"] = [MSG_DECISION]
    elif decision == SAME_CHILD and str(person_id) not in {
        candidate["person_id"] for candidate in row.candidates
    }:
        errors["person"] = [MSG_CHOOSE_CANDIDATE]
    if errors:
        raise ServiceValidationError(errors)
    agency = batch.source.agency
    ledger = ImportedRecord.objects.select_for_update().get(
        source=batch.source, record_key=row.record_key
    )
    if decision == SAME_CHILD:
        person = Person.objects.get(pk=person_id)
        for kind, value in person_details(row.values).identifiers:
            identifier_add(
                actor=actor,
                person=person,
                kind=kind,
                value=value,
                issued_by=agency,
                request=request,
            )
        involvement_record(
            actor=actor,
            person=person,
            agency=agency,
            kind="holds_record",
            source_type="imports.record",
            source_id=str(ledger.pk),
            description=f"Holds a record ({row.record_key}, imported from {batch.source.name})",
            request=request,
        )
        row.outcome = RowOutcome.LINKED
    else:
        home_area = committing._home_area(batch)
        person = person_create(
            actor=actor,
            agency=agency,
            details=person_details(row.values, home_area=home_area),
            request=request,
        )
        row.outcome = RowOutcome.CREATED
    row.person = person
    row.object_type = "people.person"
    row.object_id = str(person.pk)
    row.reviewed_by = actor
    row.reviewed_at = timezone.now()
    row.save()
    ledger.person = person
    ledger.object_type = "people.person"
    ledger.object_id = str(person.pk)
    ledger.save(update_fields=["person", "object_type", "object_id"])
    batch.counts = _counts(batch)
    batch.save(update_fields=["counts", "updated_at"])
    record_event(
        actor=actor,
        action="imports.row_reviewed",
        subject=person,
        after={
            "batch_id": str(batch.pk),
            "row": row.row_number,
            "record_id": row.record_key,
            "decision": decision,
        },
        request=request,
    )
    return row


def actor_for(user_id: Any) -> Any:
    return get_user_model().objects.get(pk=user_id)
