"""Batch runs of the model with Splink: de-duplicate one table, or link two, in one call each.

Splink generates the candidate pairs with the model's blocking rules and scores them on the
configured backend (``model.make_db_api``); pairs below the threshold never leave the database.
Used for the nightly de-duplication, for imports and by ``link_files``.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import pandas as pd  # type: ignore[import-untyped]

from harbour.matching.explain import Weights
from harbour.matching.features import FEATURE_COLUMNS
from harbour.matching.model import TrainedModel, make_db_api
from harbour.matching.records import ProbableDuplicate, RegisterMatch


def _settings(model: TrainedModel, link_type: str) -> dict[str, Any]:
    settings = model.settings_for(link_type)
    settings["retain_matching_columns"] = False
    settings["retain_intermediate_calculation_columns"] = True
    return settings


def predict(
    left: pd.DataFrame,
    right: pd.DataFrame | None = None,
    *,
    model: TrainedModel,
    threshold: float,
) -> pd.DataFrame:
    """Scored pairs at or above ``threshold``: ``unique_id_l`` (from ``left``), ``unique_id_r``,
    ``match_probability``, ``match_weight`` and each comparison's ``mw_*`` weight, most probable
    first.

    One table is de-duplicated; with ``right``, pairs are only between the two tables.
    """
    from splink import Linker

    db_api = make_db_api()
    columns = list(FEATURE_COLUMNS)
    if right is None:
        linker = Linker(
            db_api.register(left[columns]),
            _settings(model, "dedupe_only"),
            log_level=logging.WARNING,
        )
    else:
        linker = Linker(
            [
                db_api.register(left[columns], dataset_display_name="extract_l"),
                db_api.register(right[columns], dataset_display_name="extract_r"),
            ],
            _settings(model, "link_only"),
            log_level=logging.WARNING,
        )
    result = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
    frame = result.as_pandas_dataframe()  # type: ignore[no-untyped-call]
    result.drop_table_from_database_and_remove_from_cache()
    if right is not None and len(frame):
        flipped = frame["source_dataset_l"] == "extract_r"
        if flipped.any():
            for name in ("unique_id", "source_dataset"):
                frame.loc[flipped, [f"{name}_l", f"{name}_r"]] = frame.loc[
                    flipped, [f"{name}_r", f"{name}_l"]
                ].to_numpy()
    keep = ["unique_id_l", "unique_id_r", "match_probability", "match_weight"] + [
        c for c in frame.columns if c.startswith(("gamma_", "mw_"))
    ]
    frame = frame[keep].sort_values(
        ["match_probability", "match_weight", "unique_id_l", "unique_id_r"],
        ascending=[False, False, True, True],
    )
    return frame.reset_index(drop=True)


def _person(row_id: str) -> str:
    return row_id.split("#", 1)[0]


def probable_duplicates(
    register: pd.DataFrame, *, model: TrainedModel, threshold: float
) -> list[ProbableDuplicate]:
    """Persons in the register (rows with ``person_id``) who are probably one child."""
    if len(register) < 2:
        return []
    pairs = predict(register, model=model, threshold=threshold)
    weights = Weights(model)
    best: dict[tuple[str, str], dict[str, Any]] = {}
    for row in pairs.to_dict("records"):
        left, right = _person(row["unique_id_l"]), _person(row["unique_id_r"])
        if left == right:
            continue
        key = (min(left, right), max(left, right))
        if key not in best:  # pairs arrive most probable first
            best[key] = row
    out = [
        ProbableDuplicate(
            person_id_l=uuid.UUID(left),
            person_id_r=uuid.UUID(right),
            match_probability=float(row["match_probability"]),
            match_weight=round(float(row["match_weight"]), 2),
            explanation=weights.explanation(row),
        )
        for (left, right), row in best.items()
    ]
    out.sort(key=lambda d: (-d.match_probability, -d.match_weight, d.person_id_l, d.person_id_r))
    return out


def register_matches(
    records: pd.DataFrame, register: pd.DataFrame, *, model: TrainedModel, threshold: float
) -> dict[str, list[RegisterMatch]]:
    """Incoming records (features) -> probable persons of the register, best first."""
    if len(records) == 0 or len(register) == 0:
        return {}
    pairs = predict(records, register, model=model, threshold=threshold)
    weights = Weights(model)
    out: dict[str, list[RegisterMatch]] = {}
    seen: set[tuple[str, str]] = set()
    for row in pairs.to_dict("records"):
        record_id, person_id = str(row["unique_id_l"]), _person(str(row["unique_id_r"]))
        if (record_id, person_id) in seen:
            continue
        seen.add((record_id, person_id))
        out.setdefault(record_id, []).append(
            RegisterMatch(
                person_id=uuid.UUID(person_id),
                match_probability=float(row["match_probability"]),
                match_weight=round(float(row["match_weight"]), 2),
                explanation=weights.explanation(row),
            )
        )
    return out
