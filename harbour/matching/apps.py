"""Matching: "who already knows this child?" – a trained probabilistic model (Splink) over persons.

The only package that imports a record-linkage library. Intake
(``services.match_child_for_viewer``), batch de-duplication and import matching
(``find_probable_duplicates``, ``match_records_to_register``) and ``manage.py link_files`` all
score with the same saved model (``model``). See ADR 0010.
"""

from typing import Any

from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "harbour.matching"
    label = "matching"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from harbour.matching.sources import mark_changed
        from harbour.people.models import Address, Alias, Identifier, Involvement, Person

        def person_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
            mark_changed(instance.pk)

        def part_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
            mark_changed(instance.person_id)

        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(
                person_saved, sender=Person, weak=False, dispatch_uid=f"matching-person-{name}"
            )
            for model in (Alias, Address, Identifier, Involvement):
                signal.connect(
                    part_saved,
                    sender=model,
                    weak=False,
                    dispatch_uid=f"matching-{model.__name__}-{name}",
                )
