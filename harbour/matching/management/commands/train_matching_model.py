"""``manage.py train_matching_model``: retrain the person model on the partnership's register."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from harbour.matching.model import next_version, train
from harbour.matching.sources import register_frame, reset_register


class Command(BaseCommand):
    help = (
        "Train the matching model on the persons held (with aliases, addresses, identifiers and "
        "the agencies holding them) and save it as the next version in HARBOUR_MATCHING's "
        "MODEL_DIR. The newest version is used from then on."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        frame = register_frame()
        persons = frame["person_id"].nunique() if len(frame) else 0
        try:
            model = train(
                frame,
                source=f"partnership register: {persons} persons, {len(frame)} rows",
                version=next_version(),
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        path = model.save(Path(settings.HARBOUR_MATCHING["MODEL_DIR"]))
        reset_register()
        self.stdout.write(f"Model v{model.version} trained on {len(frame)} rows, saved to {path}.")
