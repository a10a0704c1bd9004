"""How far a batch has got, written where the progress page can read it.

Outside a transaction the batch row is simply updated. The commit runs in one transaction, whose
writes nobody else sees until it ends; on PostgreSQL its progress is written through a second,
autocommitting connection (the commit never locks the batch row until its very end, so this
cannot wait on itself). SQLite allows one writer at a time, so there the commit's progress
shows when it finishes.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError, connection, connections

from harbour.imports.models import ImportBatch

logger = logging.getLogger(__name__)

#: Rows between two progress writes, by default.
EVERY = 1000


class ProgressReporter:
    """Call with the number of rows done; writes at most every ``every`` rows.

    ``in_transaction``: the work runs inside the commit's transaction (see the module's note).
    """

    def __init__(
        self, batch: ImportBatch, *, total: int, in_transaction: bool = False, every: int = 0
    ) -> None:
        self.batch_id = batch.pk
        self.in_transaction = in_transaction
        self.total = total
        self.every = every or EVERY
        self.written = -1
        self._side: Any = None
        self.updates: list[int] = []
        self._write(0, direct=True)  # constructed before any transaction of the work

    def __call__(self, done: int) -> None:
        if done >= self.total or done - self.written >= self.every:
            self._write(min(done, self.total))

    def _write(self, done: int, *, direct: bool = False) -> None:
        self.written = done
        self.updates.append(done)
        if direct or not self.in_transaction:
            ImportBatch.objects.filter(pk=self.batch_id).update(
                progress_done=done, progress_total=self.total
            )
            return
        if connection.vendor != "postgresql":
            return
        try:
            if self._side is None:
                self._side = connections.create_connection("default")
                with self._side.cursor() as cursor:
                    cursor.execute("SET lock_timeout = '2s'")
            with self._side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ImportBatch._meta.db_table} "  # noqa: S608  the model's own table
                    "SET progress_done = %s, progress_total = %s WHERE id = %s",
                    [done, self.total, self.batch_id],
                )
        except DatabaseError:  # progress is a courtesy: never fail an import over it
            logger.warning("Could not record import progress", exc_info=True)

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None
