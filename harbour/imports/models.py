"""Import sources (an agency's extract and its saved column mapping), batches (one uploaded
file), their rows, and the ledger of agency records already imported (what makes imports
idempotent)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from harbour.accounts.models import Agency
from harbour.core.models import BaseModel
from harbour.people.models import Person


class ImportKind(models.TextChoices):
    PERSONS = "persons", "Persons"
    REFERRALS = "referrals", "Referrals"
    MISSING_EPISODES = "missing_episodes", "Missing episodes"


class ImportSource(BaseModel):
    """One kind of extract from one agency's system, e.g. "Northbrook CSC children list"."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="import_sources")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    #: Their column header → our field name (``harbour.imports.fields``).
    column_mapping = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="import_source_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display().lower()})"


class BatchStatus(models.TextChoices):
    MAPPING = "mapping", "Needs its columns matched"
    VALIDATING = "validating", "Checking rows"
    READY = "ready", "Ready for preview"
    COMMITTING = "committing", "Importing"
    COMMITTED = "committed", "Imported"
    FAILED = "failed", "Failed: nothing was imported"
    DISCARDED = "discarded", "Discarded"


#: Statuses in which a background task is working on the batch.
RUNNING_STATUSES = (BatchStatus.VALIDATING, BatchStatus.COMMITTING)


class ImportBatch(BaseModel):
    """One uploaded file for one source."""

    source = models.ForeignKey(ImportSource, on_delete=models.PROTECT, related_name="batches")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    original_filename = models.CharField(max_length=255)
    content_sha256 = models.CharField(max_length=64)
    #: The uploaded bytes, kept until the batch is committed, failed or discarded.
    content = models.BinaryField(null=True, blank=True)
    file_format = models.CharField(max_length=4)  # "csv" or "xlsx"
    headers = models.JSONField(default=list, blank=True)
    #: The mapping used for this batch (their column → our field), frozen at validation.
    column_mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=20, choices=BatchStatus.choices, default=BatchStatus.MAPPING
    )
    #: Rows by planned or final outcome ({"create": 10, "held": 2, ...}).
    counts = models.JSONField(default=dict, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # The same file is committed once per source, whoever tries and however often.
            models.UniqueConstraint(
                fields=["source", "content_sha256"],
                condition=models.Q(status="committed"),
                name="import_batch_file_committed_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.original_filename} ({self.get_status_display()})"

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES


class RowOutcome(models.TextChoices):
    """What a row will do (after validation) and what it did (after commit)."""

    CREATE = "create", "Will create a new record"
    HOLD = "hold", "Will be held for review: probably someone already known"
    UNCHANGED = "unchanged", "Already imported with the same details: no change"
    CHANGED = "changed", "Already imported with different details: not overwritten"
    REJECTED = "rejected", "Has problems: will not be imported"
    CREATED = "created", "Created"
    HELD = "held", "Held for review"
    LINKED = "linked", "Linked to an existing person"


class ImportRow(models.Model):
    """One data row of a batch: as read, as understood, what is wrong, and what became of it."""

    id = models.BigAutoField(primary_key=True)
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    #: The row's number in the file as a spreadsheet shows it (the header is row 1).
    row_number = models.PositiveIntegerField()
    raw = models.JSONField(default=dict)
    values = models.JSONField(default=dict)
    #: ``[{"column": their header, "message": plain words}]``.
    errors = models.JSONField(default=list)
    record_key = models.CharField(max_length=120, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=12, choices=RowOutcome.choices)
    #: Probable existing persons: ``[{"person_id", "match_probability", "match_weight",
    #: "explanation": [{"field", "outcome", "match_weight"}]}]``.
    candidates = models.JSONField(default=list, blank=True)
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "row_number"]
        indexes = [
            models.Index(fields=["batch", "outcome", "row_number"], name="import_row_outcome_idx")
        ]
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="import_row_unique")
        ]

    def __str__(self) -> str:
        return f"Row {self.row_number} ({self.get_outcome_display()})"


class ImportedRecord(models.Model):
    """The ledger: this source's record ``record_key`` was imported with these details.

    One row per (source, agency record id), so importing the same record again is recognised,
    whichever file it comes in.
    """

    id = models.BigAutoField(primary_key=True)
    source = models.ForeignKey(ImportSource, on_delete=models.PROTECT, related_name="records")
    record_key = models.CharField(max_length=120)
    content_hash = models.CharField(max_length=64)
    values = models.JSONField(default=dict)
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="+")
    row_number = models.PositiveIntegerField()
    #: The person created or linked (empty while the row is held for review).
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["source", "record_key"]
        indexes = [
            models.Index(fields=["batch", "row_number"], name="imported_record_row_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "record_key"], name="imported_record_unique_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.record_key}"
