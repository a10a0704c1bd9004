"""``manage.py link_files LEFT.csv [RIGHT.csv] --out PAIRS.csv``: link or de-duplicate extracts."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harbour.matching.linking import LinkFileError, link_files
from harbour.matching.model import DEFAULT_THRESHOLD


class Command(BaseCommand):
    help = (
        "Link two person CSV files (or de-duplicate one) in the documented person CSV layout and "
        "write record_id_l, record_id_r, match_probability, match_weight, best first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, help="one file to de-duplicate, or two")
        parser.add_argument("--out", type=Path, required=True, help="where to write the pairs")
        parser.add_argument(
            "--threshold",
            type=float,
            default=DEFAULT_THRESHOLD,
            help=f"lowest match probability written (default {DEFAULT_THRESHOLD})",
        )
        parser.add_argument("--model", type=Path, help="a saved model JSON to use")
        training = parser.add_mutually_exclusive_group()
        training.add_argument(
            "--train",
            dest="train",
            action="store_true",
            default=None,
            help="train a model on the files themselves",
        )
        training.add_argument(
            "--no-train",
            dest="train",
            action="store_false",
            help="use the current saved model",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[Path] = options["files"]
        if len(files) > 2:
            raise CommandError("Give one file to de-duplicate or two files to link.")
        if not 0.0 <= options["threshold"] <= 1.0:
            raise CommandError("--threshold is a probability between 0 and 1.")
        started = time.perf_counter()
        try:
            result = link_files(
                files,
                options["out"],
                threshold=options["threshold"],
                model_path=options["model"],
                train_on_files=options["train"],
            )
        except LinkFileError as error:
            raise CommandError(
                "The files cannot be linked:\n" + "\n".join(error.problems)
            ) from None
        self.stdout.write(
            f"{result.pairs} pairs at or above {result.threshold} from {result.records} records "
            f"({result.model}) written to {options['out']} in "
            f"{time.perf_counter() - started:.1f} s."
        )
