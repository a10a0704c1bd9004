"""The generic merge engine: move every row that points at one person to another, reversibly.

It finds the rows through Django's model registry, not a list: every reverse relation to
``Person`` (``Person._meta.get_fields(include_hidden=True)``; ``related_objects`` would skip
relations declared with ``related_name="+"``), so records added by future apps are covered with no
change here. The duplicates app's own tables are the only ones left alone.

Uniqueness rules that mention the person (``UniqueConstraint``, ``unique_together``, a unique or
one-to-one field) are checked before anything is written: a row of the merged-away person that
would collide with one of the survivor's is handled as the merge policy says (left on the
merged-away record, or the older of two "current" rows demoted), and any other collision refuses
the whole merge with a message naming what to resolve first.

Every write is a ``QuerySet.update()``, which leaves ``updated_at`` (``auto_now``) alone, and is
recorded as (model, pk, field, old value, new value). Unmerge writes the old values back in reverse
order, after checking each field still holds what the merge wrote.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q

from harbour.duplicates.policy import DEMOTE_OLDER, KEEP_WITH_MERGED, MergePolicy
from harbour.people.models import Person

#: Apps whose tables record merges and decisions themselves: never moved by a merge.
EXCLUDED_APPS = frozenset({"duplicates"})


@dataclass(frozen=True)
class PersonLink:
    """One foreign key, on some model, that points at ``Person``."""

    model: type[models.Model]
    field: models.ForeignKey[Any, Any]

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)


@dataclass(frozen=True)
class UniqueRule:
    name: str
    fields: tuple[str, ...]
    condition: Q | None


@dataclass(frozen=True)
class Collision:
    link: PersonLink
    rule: UniqueRule
    merged_pk: Any
    survivor_pk: Any


@dataclass
class MergePlan:
    """What a merge would do, worked out without writing anything."""

    survivor: Person
    merged: Person
    moves: dict[PersonLink, list[Any]] = field(default_factory=dict)
    demotions: list[tuple[type[models.Model], Any, str]] = field(default_factory=list)
    kept: list[dict[str, Any]] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)

    def counts(self) -> list[tuple[str, int]]:
        """How many rows of each kind move, by plural name, for the confirmation page."""
        totals: dict[str, int] = defaultdict(int)
        for link, pks in self.moves.items():
            if pks:
                totals[link.plural] += len(pks)
        return sorted(totals.items())


def person_links() -> list[PersonLink]:
    """Every foreign key to ``Person`` outside the duplicates app (including hidden ones)."""
    links = []
    for relation in Person._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and relation.is_relation):
            continue
        if relation.many_to_many:
            continue  # Their rows live in a through model, whose own foreign key is listed.
        model = relation.related_model
        assert isinstance(model, type)
        if model._meta.app_label in EXCLUDED_APPS or model._meta.proxy or not model._meta.managed:
            continue
        assert isinstance(relation, models.ForeignObjectRel)
        assert isinstance(relation.field, models.ForeignKey)
        links.append(PersonLink(model=model, field=relation.field))
    return sorted(links, key=lambda link: (link.label, link.field.name))


def unique_rules(link: PersonLink) -> list[UniqueRule]:
    """The uniqueness rules of ``link.model`` that involve the person field."""
    name = link.field.name
    rules = []
    for constraint in link.model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and name in constraint.fields:
            rules.append(
                UniqueRule(constraint.name, tuple(constraint.fields), constraint.condition)
            )
    for together in link.model._meta.unique_together:
        if name in together:
            rules.append(UniqueRule(f"{link.label}:{'+'.join(together)}", tuple(together), None))
    if link.field.unique:
        rules.append(UniqueRule(f"{link.label}:{name}", (name,), None))
    return rules


def _collisions(link: PersonLink, survivor: Person, merged: Person) -> list[Collision]:
    manager = link.model._base_manager
    found = []
    for rule in unique_rules(link):
        others = [
            link.model._meta.get_field(name).attname  # type: ignore[union-attr]
            for name in rule.fields
            if name != link.field.name
        ]
        moving = manager.filter(**{link.field.name: merged})
        if rule.condition is not None:
            moving = moving.filter(rule.condition)
        for row in moving.values("pk", *others):
            if any(row[name] is None for name in others):
                continue  # NULLs never collide in a unique rule.
            held = manager.filter(**{link.field.name: survivor}, **{n: row[n] for n in others})
            if rule.condition is not None:
                held = held.filter(rule.condition)
            survivor_pk = held.values_list("pk", flat=True).first()
            if survivor_pk is not None:
                found.append(Collision(link, rule, row["pk"], survivor_pk))
    return found


def plan_merge(*, survivor: Person, merged: Person, policy: MergePolicy) -> MergePlan:
    """Everything the merge of ``merged`` into ``survivor`` would move, keep, demote or refuse."""
    plan = MergePlan(survivor=survivor, merged=merged)
    for link in person_links():
        staying: set[Any] = set()
        for collision in _collisions(link, survivor, merged):
            rule = policy.conflicts.get(collision.rule.name)
            if rule is None:
                plan.refusals.append(_refusal(policy, link, collision.rule))
            elif rule.action == KEEP_WITH_MERGED:
                staying.add(collision.merged_pk)
                plan.kept.append(
                    {"model": link.label, "pk": _json(collision.merged_pk), "rule": rule.action}
                )
            elif rule.action == DEMOTE_OLDER:
                older = _older(link.model, collision, rule.latest_by)
                plan.demotions.append((link.model, older, rule.flag))
        plan.moves[link] = [
            pk
            for pk in link.model._base_manager.filter(**{link.field.name: merged})
            .order_by("pk")
            .values_list("pk", flat=True)
            if pk not in staying
        ]
    plan.refusals = list(dict.fromkeys(plan.refusals))
    return plan


def _older(model: type[models.Model], collision: Collision, latest_by: str) -> Any:
    rows = dict(
        model._base_manager.filter(pk__in=[collision.merged_pk, collision.survivor_pk]).values_list(
            "pk", latest_by
        )
    )
    merged_at, survivor_at = rows[collision.merged_pk], rows[collision.survivor_pk]
    return collision.merged_pk if merged_at <= survivor_at else collision.survivor_pk


def _refusal(policy: MergePolicy, link: PersonLink, rule: UniqueRule) -> str:
    message = policy.refusals.get(rule.name)
    if message:
        return message
    return (
        f"Both records have {link.plural} that a child can have only one of (rule "
        f"“{rule.name}”). Change or close one of them before merging."
    )


def _json(value: Any) -> Any:
    """A value as JSON holds it (UUIDs and dates as text; numbers and booleans as they are)."""
    import json

    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _change(model: type[models.Model], pk: Any, name: str, old: Any, new: Any) -> dict[str, Any]:
    return {
        "model": model._meta.label_lower,
        "pk": _json(pk),
        "field": name,
        "old": _json(old),
        "new": _json(new),
    }


def apply_plan(plan: MergePlan) -> list[dict[str, Any]]:
    """Write the plan (call inside a transaction, after checking ``plan.refusals`` is empty).

    Demotions come first, so a "current" row can then move without breaking its rule. Returns
    the changes in the order applied, the merged person's own ``merged_into`` last.
    """
    assert not plan.refusals
    changes: list[dict[str, Any]] = []
    for model, pk, flag in plan.demotions:
        old = model._base_manager.filter(pk=pk).values_list(flag, flat=True).get()
        if old is False:
            continue
        model._base_manager.filter(pk=pk).update(**{flag: False})
        changes.append(_change(model, pk, flag, old, False))
    for link, pks in plan.moves.items():
        if not pks:
            continue
        link.model._base_manager.filter(pk__in=pks).update(**{link.field.attname: plan.survivor.pk})
        changes.extend(
            _change(link.model, pk, link.field.name, plan.merged.pk, plan.survivor.pk) for pk in pks
        )
    Person._base_manager.filter(pk=plan.merged.pk).update(merged_into=plan.survivor.pk)
    changes.append(_change(Person, plan.merged.pk, "merged_into", None, plan.survivor.pk))
    return changes


def live_record_id(person_id: Any) -> Any:
    """The record that now stands for ``person_id``: itself, or the end of its merge chain."""
    seen = set()
    while person_id not in seen:
        seen.add(person_id)
        into = Person._base_manager.filter(pk=person_id).values_list("merged_into_id", flat=True)
        following = into.first()
        if following is None:
            return person_id
        person_id = following
    raise RuntimeError("merge chain loops")  # pragma: no cover - merged_into never forms a loop


class ChangedSinceMerge(Exception):
    """A field the merge wrote no longer holds what it wrote: unmerge cannot put it back."""

    def __init__(self, model: type[models.Model], message: str) -> None:
        super().__init__(message)
        self.model = model


def reverse_changes(changes: list[dict[str, Any]], created: list[dict[str, Any]]) -> None:
    """Undo ``changes`` (last first) and remove the rows the merge ``created``.

    Raises ``ChangedSinceMerge`` (the caller's transaction then rolls back) when a changed row is
    gone or no longer holds the value the merge gave it.
    """
    for change in reversed(changes):
        model = apps.get_model(change["model"])
        model_field = model._meta.get_field(change["field"])
        assert isinstance(model_field, models.Field)
        pk = _pk(model, change["pk"])
        rows = model._base_manager.filter(pk=pk)
        current = rows.values_list(model_field.attname, flat=True).first()
        expected = _python(model_field, change["new"])
        if not rows.exists() or current != expected:
            raise ChangedSinceMerge(
                model,
                f"One of the {model._meta.verbose_name_plural} the merge moved has changed "
                "since, so the merge cannot be undone exactly.",
            )
        rows.update(**{model_field.attname: _python(model_field, change["old"])})
    for row in created:
        model = apps.get_model(row["model"])
        pk = _pk(model, row["pk"])
        model._base_manager.filter(pk=pk).delete()


def _pk(model: type[models.Model], value: Any) -> Any:
    pk_field = model._meta.pk
    assert pk_field is not None
    return pk_field.to_python(value)


def _python(model_field: models.Field[Any, Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(model_field, models.ForeignKey):
        return model_field.target_field.to_python(value)
    return model_field.to_python(value)
