"""The saved model, the explanation's arithmetic against Splink's, and the intake register."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest

from harbour.matching import model, synthetic
from harbour.matching.features import FEATURE_COLUMNS, features_frame, records_frame
from harbour.matching.records import FieldEvidence
from harbour.matching.register import Register


@pytest.fixture(scope="module")
def frame() -> object:
    records = synthetic.synthetic_children(children=400, seed=5)
    table = features_frame(records_frame(item.record for item in records))
    table["person_id"] = table["unique_id"]
    return table


def test_shipped_model_is_versioned_json_with_its_provenance() -> None:
    current = model.load_current()
    payload = json.loads(current.path.read_text()) if current.path else {}
    meta = payload["harbour_model"]
    assert meta["version"] >= 1
    assert meta["trained_on"]["records"] > 10_000
    assert "synthetic" in meta["trained_on"]["source"] or "register" in meta["trained_on"]["source"]
    assert meta["splink_version"] == "5.0.0"
    names = [c["output_column_name"] for c in payload["splink"]["comparisons"]]
    assert names.count("address") == 1
    assert "postcode" not in names
    # EM blocks on name, then on date of birth with households (same postcode) left out.
    assert model.TRAINING_BLOCKS[0].startswith("l.first_name = r.first_name")
    assert model.TRAINING_BLOCKS[1].startswith("l.dob = r.dob AND NOT")


def test_newest_version_wins(tmp_path: Path, settings: object) -> None:
    settings.HARBOUR_MATCHING = {"BACKEND": "duckdb", "MODEL_DIR": tmp_path}
    shipped = model.load_current()
    newer = model.TrainedModel(
        version=shipped.version + 1,
        trained_at="2026-01-01T00:00:00+00:00",
        trained_on={"records": 1, "source": "test"},
        splink=shipped.splink,
    )
    newer.save(tmp_path)
    assert model.load_current().version == shipped.version + 1
    assert model.next_version() == shipped.version + 2


def test_unknown_backend_is_a_clear_error(settings: object) -> None:
    settings.HARBOUR_MATCHING = {"BACKEND": "oracle", "MODEL_DIR": "/nonexistent"}
    with pytest.raises(ValueError, match="supported: 'duckdb'"):
        model.make_db_api()


def test_register_scores_exactly_as_splink(frame: object) -> None:
    """Intake's scoring (Splink's CASE statements, our weights) equals Splink's score_pairs."""
    from splink import Linker

    current = model.load_current()
    register = Register(current, frame)
    query = frame.iloc[7].to_dict()
    rows = register.candidate_rows(query)
    assert len(rows) >= 2
    ours = register.score(query, rows).sort_values("unique_id_r")
    db_api = model.make_db_api()
    linker = Linker(
        db_api.register(frame.head(1)[list(FEATURE_COLUMNS)]),
        current.settings_for("dedupe_only"),
        log_level=logging.WARNING,
    )
    splinks = (
        linker.inference.score_pairs(
            [{c: query[c] for c in FEATURE_COLUMNS}], rows[list(FEATURE_COLUMNS)].to_dict("records")
        )
        .as_pandas_dataframe()
        .sort_values("unique_id_r")
    )
    assert np.allclose(ours["match_weight"].to_numpy(), splinks["match_weight"].to_numpy())


def test_register_put_and_drop(frame: object) -> None:
    register = Register(model.load_current(), frame)
    query = frame.iloc[3].to_dict()
    person = query["person_id"]
    assert register.match(query, minimum_probability=0.5, limit=3)[0].person_id == person
    register.drop([person])
    assert all(
        s.person_id != person for s in register.match(query, minimum_probability=0.0, limit=50)
    )
    renamed = frame.iloc[[3]].copy()
    renamed["person_id"] = "someone-new"
    register.put(renamed)
    best = register.match(query, minimum_probability=0.5, limit=3)[0]
    assert best.person_id == "someone-new"
    assert any(isinstance(e, FieldEvidence) and e.match_weight > 0 for e in best.explanation)


def test_field_evidence_bar() -> None:
    assert FieldEvidence("Date of birth", "matches", 12.0).bar_step == 80
    assert FieldEvidence("Date of birth", "matches", 40.0).bar_step == 100
    assert FieldEvidence("Sex", "differs", -0.2).bar_step == 10
    assert FieldEvidence("Sex", "differs", -0.2).direction == "against"
    assert FieldEvidence("Sex", "n/a", 0.0).bar_step == 0
