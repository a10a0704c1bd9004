"""``manage.py import_extract --source <id or name> --user <username> FILE [--commit]``.

The same path as the pages: upload, the source's saved column mapping (or recognised column
names), every row checked and matched, a report printed in the same words; with ``--commit``
the batch is committed in one transaction. Runs in this process (no worker needed). Exits
non-zero when the file is refused, the mapping is incomplete or the commit fails.
"""

from __future__ import annotations

import contextlib
import uuid
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from harbour.core.errors import ServiceValidationError
from harbour.imports import services
from harbour.imports.fields import suggest_mapping
from harbour.imports.models import BatchStatus, ImportSource, RowOutcome
from harbour.imports.validation import describe

#: Problems printed before "and N more".
SHOWN_PROBLEMS = 50


class Command(BaseCommand):
    help = "Check (and with --commit, import) an agency extract through an import source."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", required=True, help="The source's id or exact name")
        parser.add_argument("--user", required=True, help="Username of the importing person")
        parser.add_argument(
            "--commit", action="store_true", help="Import the rows (default: check only)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user called {options['user']!r}")
        source = self._source(options["source"])
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file at {path}")
        try:
            batch = services.batch_upload(
                actor=user, source=source, filename=path.name, content=path.read_bytes()
            )
            mapping = batch.column_mapping or suggest_mapping(
                source.kind, batch.headers, source.column_mapping
            )
            if batch.status in (BatchStatus.MAPPING, BatchStatus.READY):
                services.batch_map_columns(actor=user, batch=batch, mapping=mapping, enqueue=False)
        except ServiceValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        batch = services.batch_validate(batch_id=batch.pk)
        if batch.status == BatchStatus.FAILED:
            raise CommandError(batch.error)
        self._report(batch)
        if not options["commit"]:
            self.stdout.write("Checked only: run again with --commit to import.")
            return
        try:
            services.batch_commit_request(actor=user, batch=batch, enqueue=False)
        except ServiceValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        batch = services.batch_commit(batch_id=batch.pk)
        if batch.status != BatchStatus.COMMITTED:
            raise CommandError(batch.error)
        self.stdout.write(self.style.SUCCESS(f"Imported: {self._counts(batch.counts)}"))

    def _source(self, value: str) -> ImportSource:
        query = Q(name=value)
        with contextlib.suppress(ValueError):
            query |= Q(pk=uuid.UUID(value))
        sources = list(ImportSource.objects.filter(query)[:2])
        if len(sources) != 1:
            raise CommandError(
                f"No import source called {value!r}"
                if not sources
                else f"More than one source is called {value!r}: give its id"
            )
        return sources[0]

    @staticmethod
    def _counts(counts: dict[str, int]) -> str:
        return ", ".join(
            f"{RowOutcome(outcome).label.lower()}: {count}"
            for outcome, count in sorted(counts.items())
        )

    def _report(self, batch: Any) -> None:
        self.stdout.write(f"{batch.original_filename}: {self._counts(batch.counts)}")
        shown = 0
        problems = batch.rows.exclude(errors=[]).order_by("row_number")
        for row in problems.iterator():
            for error in row.errors:
                if shown < SHOWN_PROBLEMS:
                    self.stdout.write(describe(row.row_number, error))
                shown += 1
        if shown > SHOWN_PROBLEMS:
            self.stdout.write(f"… and {shown - SHOWN_PROBLEMS} more problems")
