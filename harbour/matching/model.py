"""The Splink person model: its comparisons, blocking, training, and the versioned JSON it lives in.

The only module (with ``register`` and ``linking``, which call it) that talks to Splink. Which
database Splink runs on is chosen in one place, ``make_db_api``, from
``settings.HARBOUR_MATCHING["BACKEND"]``: DuckDB in process by default.

A saved model is one JSON file ``person-model.v<N>.json``::

    {"harbour_model": {"version": N, "trained_at": ..., "trained_on": {...},
                       "splink_version": ..., "default_threshold": ...},
     "splink": <Splink's own settings, with the trained m and u probabilities>}

The default model ships in ``harbour/matching/trained/`` (trained on deterministic synthetic
children's records, so a fresh clone works offline); ``train_matching_model`` writes the next
version into ``MODEL_DIR``; the newest version of either wins at load.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd  # type: ignore[import-untyped]

#: Where the default, shipped model lives.
SHIPPED_DIR = Path(__file__).resolve().parent / "trained"
#: Pairs at or above this match probability are proposed (``link_files``, de-duplication).
DEFAULT_THRESHOLD = 0.9
_MODEL_FILE = re.compile(r"^person-model\.v(\d+)\.json$")

logging.getLogger("splink").setLevel(logging.WARNING)


def _identifier_comparison(column: str, label: str) -> dict[str, Any]:
    return {
        "output_column_name": column,
        "comparison_description": label,
        "comparison_levels": [
            _null(f"{column}_l IS NULL OR {column}_r IS NULL"),
            _level(f"{column}_l = {column}_r", "exact"),
            _level(f"damerau_levenshtein({column}_l, {column}_r) <= 1", "one character"),
            _else(),
        ],
    }


def _level(sql: str, label: str) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label}


def _null(sql: str) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": "null", "is_null_level": True}


def _else() -> dict[str, Any]:
    return {"sql_condition": "ELSE", "label_for_charts": "else"}


_SWAPPED = (
    "jaro_winkler_similarity(first_name_l, surname_1_r) >= 0.9"
    " AND jaro_winkler_similarity(surname_1_l, first_name_r) >= 0.9"
)
_BOTH_HAVE_AN_IDENTIFIER = " OR ".join(
    f"({c}_l IS NOT NULL AND {c}_r IS NOT NULL)"
    for c in ("nhs_number", "upn", "police_ref", "council_ref")
)
_TWINS = (
    f"((sex_l IS NOT NULL AND sex_r IS NOT NULL) OR NOT ({_BOTH_HAVE_AN_IDENTIFIER}))"
    " AND (dob_l = dob_r OR damerau_levenshtein(dob_l, dob_r) <= 1"
    " OR (length(dob_l) = 10 AND length(dob_r) = 10 AND substr(dob_l, 1, 4) = substr(dob_r, 1, 4)"
    " AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2) AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)))"
    " AND (surname_l = surname_r OR surname_1_l = surname_1_r"
    " OR jaro_winkler_similarity(surname_l, surname_r) >= 0.9)"
    " AND first_name_canon_l <> first_name_canon_r"
    " AND jaro_winkler_similarity(first_name_l, first_name_r) < 0.8"
    " AND coalesce(first_name_l <> given_2_r, true) AND coalesce(given_2_l <> first_name_r, true)"
    + "".join(
        f" AND coalesce(damerau_levenshtein({c}_l, {c}_r) > 2, true)"
        for c in ("nhs_number", "upn", "police_ref", "council_ref")
    )
)
_DOB_PARTIAL = "(length(dob_l) < 10 OR length(dob_r) < 10)"
_DOB_SHARED = "least(length(dob_l), length(dob_r))"

#: The comparisons, in order. Labels (``label_for_charts``) are what ``explain`` puts into words.
COMPARISONS: tuple[dict[str, Any], ...] = (
    {
        "output_column_name": "first_name",
        "comparison_description": "First name",
        "comparison_levels": [
            _null("first_name_l IS NULL OR first_name_r IS NULL"),
            _level("first_name_l = first_name_r", "exact"),
            _level(_SWAPPED, "swapped"),
            _level("first_name_canon_l = first_name_canon_r", "nickname"),
            _level("jaro_winkler_similarity(first_name_l, first_name_r) >= 0.9", "similar"),
            _level("first_name_l = given_2_r OR given_2_l = first_name_r", "other given name"),
            _level("jaro_winkler_similarity(first_name_l, first_name_r) >= 0.8", "partly similar"),
            _else(),
        ],
    },
    {
        "output_column_name": "surname",
        "comparison_description": "Last name",
        "comparison_levels": [
            _null("surname_l IS NULL OR surname_r IS NULL"),
            _level("surname_l = surname_r", "exact"),
            _level(_SWAPPED, "swapped"),
            _level(
                "surname_1_l = surname_1_r OR surname_1_l = surname_2_r"
                " OR surname_2_l = surname_1_r OR surname_2_l = surname_2_r",
                "part of double name",
            ),
            _level("jaro_winkler_similarity(surname_l, surname_r) >= 0.92", "similar"),
            _level("jaro_winkler_similarity(surname_l, surname_r) >= 0.8", "partly similar"),
            _else(),
        ],
    },
    {
        "output_column_name": "dob",
        "comparison_description": "Date of birth",
        "comparison_levels": [
            _null("dob_l IS NULL OR dob_r IS NULL"),
            _level("dob_l = dob_r AND length(dob_l) = 10", "exact"),
            _level(
                f"{_DOB_PARTIAL} AND left(dob_l, {_DOB_SHARED}) = left(dob_r, {_DOB_SHARED})",
                "partial agrees",
            ),
            _level(_DOB_PARTIAL, "partial differs"),
            _level(
                "substr(dob_l, 1, 4) = substr(dob_r, 1, 4)"
                " AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2)"
                " AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)",
                "day and month swapped",
            ),
            _level("damerau_levenshtein(dob_l, dob_r) <= 1", "one digit"),
            _level("substr(dob_l, 1, 7) = substr(dob_r, 1, 7)", "same month"),
            _level("substr(dob_l, 1, 4) = substr(dob_r, 1, 4)", "same year"),
            _else(),
        ],
    },
    {
        "output_column_name": "sex",
        "comparison_description": "Sex",
        "comparison_levels": [
            _null("sex_l IS NULL OR sex_r IS NULL"),
            _level("sex_l = sex_r", "exact"),
            _else(),
        ],
    },
    {
        # One comparison for postcode and address line: counted twice, "same address" links
        # siblings (see ADR 0010).
        "output_column_name": "address",
        "comparison_description": "Address",
        "comparison_levels": [
            _null(
                "(postcode_l IS NULL AND address_l IS NULL)"
                " OR (postcode_r IS NULL AND address_r IS NULL)"
            ),
            _level("postcode_l = postcode_r AND address_l = address_r", "exact"),
            _level(
                "postcode_l = postcode_r AND jaro_winkler_similarity(address_l, address_r) >= 0.88",
                "postcode, similar address",
            ),
            _level("postcode_l = postcode_r", "postcode"),
            _level("address_l = address_r", "address line"),
            _level("jaro_winkler_similarity(address_l, address_r) >= 0.88", "similar address"),
            _level("postcode_district_l = postcode_district_r", "district"),
            _else(),
        ],
    },
    _identifier_comparison("nhs_number", "NHS number"),
    _identifier_comparison("upn", "Unique pupil number"),
    _identifier_comparison("police_ref", "Police reference"),
    _identifier_comparison("council_ref", "Council reference"),
    {
        # Naive Bayes counts a household's shared surname, address and birthday as independent
        # evidence; for twins they are not. EM cannot learn this (in a date-of-birth block twins
        # look like the same child), so this comparison is fixed, not trained: same full date of
        # birth and last name, unrelated first names, no identifier agreeing -> twins.
        "output_column_name": "twins",
        "comparison_description": "Twins",
        "comparison_levels": [
            _null(
                "first_name_l IS NULL OR first_name_r IS NULL OR dob_l IS NULL OR dob_r IS NULL"
                " OR surname_l IS NULL OR surname_r IS NULL"
            ),
            {
                **_level(_TWINS, "probably twins"),
                "m_probability": 1e-10,
                "u_probability": 0.1,
                "fix_m_probability": True,
                "fix_u_probability": True,
            },
            {
                **_else(),
                "m_probability": 1.0 - 1e-10,
                "u_probability": 0.9,
                "fix_m_probability": True,
                "fix_u_probability": True,
            },
        ],
    },
    {
        "output_column_name": "agency",
        "comparison_description": "Agency holding the record",
        "comparison_levels": [
            _null("agency_l IS NULL OR agency_r IS NULL"),
            _level("agency_l = agency_r", "exact"),
            _else(),
        ],
    },
)

#: Candidate pairs for batch runs. Never postcode alone: that proposes every household.
BLOCKING_RULES: tuple[str, ...] = (
    "l.first_name_canon = r.first_name_canon AND l.surname_1 = r.surname_1",
    "l.dob = r.dob AND l.surname_sdx = r.surname_sdx",
    "l.dob = r.dob AND l.first_sdx = r.first_sdx",
    "l.first_sdx = r.first_sdx AND l.surname_sdx = r.surname_sdx AND l.dob_year = r.dob_year",
    "l.first_name = r.surname_1 AND l.surname_1 = r.first_name",
    "l.first_name = r.surname_1 AND l.dob = r.dob",
    "l.surname_1 = r.first_name AND l.dob = r.dob",
    "l.postcode = r.postcode AND l.dob = r.dob",
    "l.surname_1 = r.surname_1 AND l.postcode = r.postcode",
    "l.first_name_canon = r.first_name_canon AND l.postcode = r.postcode",
    "l.first_name_canon = r.first_name_canon AND l.dob = r.dob",
    "l.nhs_number = r.nhs_number",
    "l.upn = r.upn",
    "l.police_ref = r.police_ref",
    "l.council_ref = r.council_ref",
)
#: Expectation maximisation blocks on name, then on date of birth: never on postcode, which
#: teaches the model "same household" rather than "same person".
TRAINING_BLOCKS: tuple[str, ...] = (
    "l.first_name = r.first_name AND l.surname = r.surname",
    "l.dob = r.dob AND NOT coalesce(l.postcode = r.postcode, false)",
)
_DETERMINISTIC_RULES: tuple[str, ...] = (
    "l.first_name = r.first_name AND l.surname = r.surname AND l.dob = r.dob",
    "l.nhs_number = r.nhs_number",
    "l.upn = r.upn",
)


def settings_dict(*, link_type: str = "dedupe_only") -> dict[str, Any]:
    """An untrained Splink settings dictionary for the person model."""
    return {
        "link_type": link_type,
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": 1e-4,
        "comparisons": [json.loads(json.dumps(c)) for c in COMPARISONS],
        "blocking_rules_to_generate_predictions": list(BLOCKING_RULES),
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "additional_columns_to_retain": [],
    }


def backend() -> str:
    """The configured backend name (``duckdb`` when Django is not configured, as in ``bench``)."""
    try:
        from django.conf import settings

        return str(settings.HARBOUR_MATCHING.get("BACKEND", "duckdb"))
    except Exception:
        return "duckdb"


def model_dir() -> Path | None:
    try:
        from django.conf import settings

        return Path(settings.HARBOUR_MATCHING["MODEL_DIR"])
    except Exception:
        return None


def make_db_api() -> Any:
    """The Splink database API for the configured backend: the one place that chooses it."""
    name = backend()
    if name == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        connection = duckdb.connect(":memory:")
        connection.execute("SET threads TO 2")
        return DuckDBAPI(connection=connection)
    if name == "spark":  # pragma: no cover - needs a Spark session
        from pyspark.sql import SparkSession  # type: ignore[import-not-found]
        from splink import SparkAPI

        return SparkAPI(spark_session=SparkSession.builder.getOrCreate())  # type: ignore[no-untyped-call]
    raise ValueError(
        f"HARBOUR_MATCHING['BACKEND'] is {name!r}; supported: 'duckdb', 'spark'. The comparisons "
        "use DuckDB's jaro_winkler_similarity and damerau_levenshtein functions."
    )


@dataclass(frozen=True)
class TrainedModel:
    """A trained model: Splink's settings and what Harbour records about them."""

    version: int
    trained_at: str
    trained_on: dict[str, Any]
    splink: dict[str, Any]
    default_threshold: float = DEFAULT_THRESHOLD
    path: Path | None = None

    def as_json(self) -> dict[str, Any]:
        import splink

        return {
            "harbour_model": {
                "version": self.version,
                "trained_at": self.trained_at,
                "trained_on": self.trained_on,
                "splink_version": splink.__version__,
                "default_threshold": self.default_threshold,
            },
            "splink": self.splink,
        }

    def save(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"person-model.v{self.version}.json"
        path.write_text(json.dumps(self.as_json(), indent=1, sort_keys=False) + "\n")
        return path

    @classmethod
    def from_file(cls, path: Path) -> TrainedModel:
        payload = json.loads(path.read_text())
        meta = payload["harbour_model"]
        return cls(
            version=int(meta["version"]),
            trained_at=str(meta["trained_at"]),
            trained_on=dict(meta["trained_on"]),
            splink=payload["splink"],
            default_threshold=float(meta.get("default_threshold", DEFAULT_THRESHOLD)),
            path=path,
        )

    def settings_for(self, link_type: str) -> dict[str, Any]:
        settings: dict[str, Any] = json.loads(json.dumps(self.splink))
        settings["link_type"] = link_type
        settings.pop("linker_uid", None)
        return settings

    def lambda_(self) -> float:
        return float(self.splink["probability_two_random_records_match"])


def model_files() -> list[tuple[int, Path]]:
    """Every saved model, shipped and retrained, as (version, path), oldest first."""
    found: list[tuple[int, Path]] = []
    for directory in (SHIPPED_DIR, model_dir()):
        if directory is None or not directory.is_dir():
            continue
        for path in directory.iterdir():
            match = _MODEL_FILE.match(path.name)
            if match:
                found.append((int(match.group(1)), path))
    return sorted(found)


def load_current() -> TrainedModel:
    """The newest saved model (by version number)."""
    files = model_files()
    if not files:
        raise FileNotFoundError(f"no person model in {SHIPPED_DIR} or the MODEL_DIR")
    return TrainedModel.from_file(files[-1][1])


def next_version() -> int:
    files = model_files()
    return files[-1][0] + 1 if files else 1


def train(
    features: pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame],
    *,
    source: str,
    version: int,
    seed: int = 2026,
    max_u_pairs: float = 2e6,
) -> TrainedModel:
    """Train on one table (de-duplication) or two (linking): u by random sampling, m by EM.

    Raises ``ValueError`` if there are too few records to learn from.
    """
    from splink import Linker

    tables = list(features) if isinstance(features, tuple) else [features]
    records = sum(len(table) for table in tables)
    if records < 50:
        raise ValueError(f"{records} records are too few to train a matching model on")
    db_api = make_db_api()
    registered = [
        db_api.register(table, dataset_display_name=f"input_{i}") for i, table in enumerate(tables)
    ]
    link_type = "link_only" if len(tables) == 2 else "dedupe_only"
    linker = Linker(
        registered if len(registered) > 1 else registered[0],
        settings_dict(link_type=link_type),
        log_level=logging.WARNING,
    )
    linker.training.estimate_probability_two_random_records_match(
        list(_DETERMINISTIC_RULES), recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=max_u_pairs, seed=seed)
    for rule in TRAINING_BLOCKS:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    splink_settings = linker.misc.save_model_to_json()
    splink_settings.pop("linker_uid", None)
    splink_settings["link_type"] = "dedupe_only"
    _floor_probabilities(splink_settings)
    return TrainedModel(
        version=version,
        trained_at=datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat(),
        trained_on={"records": records, "source": source},
        splink=splink_settings,
    )


def _floor_probabilities(splink_settings: dict[str, Any], floor: float = 1e-6) -> None:
    """Levels EM never saw get no m (or u) probability, or zero: give them a small one, so a
    level unseen in training weighs strongly but finitely, and every level has a weight."""
    for comparison in splink_settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level") or level.get("fix_m_probability"):
                continue
            for key in ("m_probability", "u_probability"):
                value = level.get(key)
                if value is None or value < floor:
                    level[key] = floor
