"""The register held in process: every person's rows, indexed for intake, scored with the model.

A person is one row per way they may be written down (their name, "known as", each alias, each
older address). Intake must cost the same against a thousand persons or a million, so it does
not run Splink's blocking over the whole register: it looks a handful of keys up in sorted hash
arrays (identifiers, name + date of birth and its common mistypings, name + postcode, phonetic
name + year...), takes at most ``MAX_PER_KEY`` rows per key, and scores only those rows with the
model's own comparison SQL (Splink's generated ``CASE`` statements, run on an in-process DuckDB
connection) and the model's weights.

Changes arrive as whole persons (``put``) or removals (``drop``): the old rows are marked dead and
the new ones go into a small side table, merged into the sorted arrays when it grows. No Django
here: ``sources`` builds rows from the database, the benchmarks from synthetic records.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd  # type: ignore[import-untyped]

from harbour.matching import keys
from harbour.matching.explain import Weights, probability
from harbour.matching.features import FEATURE_COLUMNS
from harbour.matching.model import TrainedModel, make_db_api
from harbour.matching.records import FieldEvidence

#: At most this many register rows are taken from any one key (a very common name and year).
MAX_PER_KEY = 200
#: The side table is merged into the sorted arrays when it has this many rows.
COMPACT_AT = 20_000

#: Row keys: a prefix and the feature columns joined into it. A row with any of them empty has
#: no such key.
ROW_KEYS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("n", ("nhs_number",)),
    ("u", ("upn",)),
    ("p", ("police_ref",)),
    ("c", ("council_ref",)),
    ("fd", ("first_name_canon", "dob")),
    ("sd", ("surname_1", "dob")),
    ("sd", ("surname_2", "dob")),
    ("fs", ("first_name_canon", "surname_1")),
    ("fs", ("first_name_canon", "surname_2")),
    ("fy", ("first_name_canon", "dob_year")),
    ("xy", ("first_sdx", "surname_sdx", "dob_year")),
    ("xs", ("first_sdx", "surname_sdx")),
    ("pd", ("postcode", "dob")),
    ("sp", ("surname_1", "postcode")),
)


def _hash(strings: Sequence[str] | np.ndarray) -> np.ndarray:
    hashed: np.ndarray = pd.util.hash_array(np.asarray(strings, dtype=object))
    return hashed


def row_keys(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(key hashes, row positions) for every key of every row of a features frame."""
    hashes, rows = [], []
    positions = np.arange(len(frame))
    for prefix, columns in ROW_KEYS:
        mask = np.ones(len(frame), dtype=bool)
        for column in columns:
            mask &= frame[column].notna().to_numpy()
        if not mask.any():
            continue
        text = pd.Series(prefix + ":", index=frame.index[mask])
        for i, column in enumerate(columns):
            text = text + ("" if i == 0 else "|") + frame.loc[mask, column].astype(str)
        hashes.append(_hash(text.to_numpy()))
        rows.append(positions[mask])
    if not hashes:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    return np.concatenate(hashes), np.concatenate(rows).astype(np.int64)


def _date_forms(dob: str | None) -> set[str]:
    """A date of birth, its common mistypings and its partial forms."""
    if not dob:
        return set()
    forms = {dob, dob[:4]}
    if len(dob) >= 7:
        forms.add(dob[:7])
    if len(dob) == 10:
        import datetime

        day = datetime.date.fromisoformat(dob)
        forms |= {variant.isoformat() for variant in keys.date_variants(day)}
        if day.day <= 12:
            forms.add(f"{dob[:4]}-{dob[8:10]}-{dob[5:7]}")
    return forms


def query_keys(query: dict[str, str | None]) -> list[str]:
    """The keys to look up for one new record (its own keys, mistyped and swapped forms)."""
    found: list[str] = []
    for prefix, column in (("n", "nhs_number"), ("u", "upn"), ("p", "police_ref")):
        if query.get(column):
            found.append(f"{prefix}:{query[column]}")
    if query.get("council_ref"):
        found.append(f"c:{query['council_ref']}")
    first = query.get("first_name")
    canon = query.get("first_name_canon")
    surnames = [s for s in (query.get("surname_1"), query.get("surname_2")) if s]
    dates = _date_forms(query.get("dob"))
    year = query.get("dob_year")
    swapped_canon = keys.nickname_canon(surnames[0]) if surnames else None
    for date in dates:
        if canon:
            found.append(f"fd:{canon}|{date}")
        if swapped_canon:
            found.append(f"fd:{swapped_canon}|{date}")
        for surname in surnames:
            found.append(f"sd:{surname}|{date}")
        if first:
            found.append(f"sd:{first}|{date}")
        if query.get("postcode"):
            found.append(f"pd:{query['postcode']}|{date}")
    for surname in surnames:
        if canon:
            found.append(f"fs:{canon}|{surname}")
        if query.get("postcode"):
            found.append(f"sp:{surname}|{query['postcode']}")
    if swapped_canon and first:
        found.append(f"fs:{swapped_canon}|{first}")
    if year and canon and query.get("dob") and len(str(query["dob"])) < 10:
        found.append(f"fy:{canon}|{year}")
    if year and query.get("first_sdx") and query.get("surname_sdx"):
        found.append(f"xy:{query['first_sdx']}|{query['surname_sdx']}|{year}")
    if not query.get("dob") and query.get("first_sdx") and query.get("surname_sdx"):
        # Only a name was entered (often misspelt in both parts): names that sound the same.
        found.append(f"xs:{query['first_sdx']}|{query['surname_sdx']}")
    return found


@dataclass(frozen=True)
class Scored:
    """A person's best-scoring row against the new record."""

    person_id: str
    match_weight: float
    match_probability: float
    explanation: tuple[FieldEvidence, ...]


class Register:
    """Persons' rows in memory, indexed by key, scored with one trained model."""

    def __init__(self, model: TrainedModel, frame: pd.DataFrame) -> None:
        """``frame``: features (``FEATURE_COLUMNS``) plus ``person_id``, one row per way of
        writing a person down."""
        self.model = model
        self.weights = Weights(model)
        self._lock = threading.RLock()
        self._frame = frame.reset_index(drop=True)
        self._person = self._frame["person_id"].to_numpy(dtype=object)
        self._alive = np.ones(len(self._frame), dtype=bool)
        hashes, rows = row_keys(self._frame)
        order = np.argsort(hashes, kind="stable")
        self._hashes, self._rows = hashes[order], rows[order]
        self._side = self._frame.iloc[0:0].copy()
        self._side_keys: dict[int, list[int]] = {}
        self._rows_of: dict[str, list[int]] = {}
        self._base_len = len(self._frame)
        self._case_sql = self._comparison_sql()

    # Contents ------------------------------------------------------------------------------

    def __len__(self) -> int:
        return int(self._alive.sum()) + len(self._side)

    def persons(self) -> int:
        return len(set(self._person[self._alive]) | set(self._side["person_id"]))

    def _base_rows_of(self, person_id: str) -> np.ndarray:
        return np.flatnonzero((self._person == person_id) & self._alive)

    def drop(self, person_ids: Iterable[str]) -> None:
        """Forget these persons (deleted, merged away, or about to be ``put`` again)."""
        with self._lock:
            ids = set(person_ids)
            if not ids:
                return
            if self._base_len:
                dead = np.isin(self._person, np.array(list(ids), dtype=object))
                self._alive &= ~dead
            if len(self._side):
                keep = ~self._side["person_id"].isin(ids)
                if not keep.all():
                    self._side = self._side[keep].reset_index(drop=True)
                    self._reindex_side()

    def put(self, frame: pd.DataFrame) -> None:
        """Replace the rows of every person in ``frame`` with ``frame``'s rows."""
        with self._lock:
            self.drop(frame["person_id"].unique())
            if len(frame) == 0:
                return
            self._side = pd.concat([self._side, frame[self._side.columns]], ignore_index=True)
            if len(self._side) >= COMPACT_AT:
                self._compact()
            else:
                self._reindex_side()

    def _reindex_side(self) -> None:
        self._side_keys = {}
        hashes, rows = row_keys(self._side)
        for value, row in zip(hashes.tolist(), rows.tolist(), strict=True):
            self._side_keys.setdefault(value, []).append(row)

    def _compact(self) -> None:
        live = self._frame[self._alive]
        merged = pd.concat([live, self._side], ignore_index=True)
        self.__init__(self.model, merged)  # type: ignore[misc]

    def live_frame(self) -> pd.DataFrame:
        """Every live row (for batch runs)."""
        with self._lock:
            return pd.concat([self._frame[self._alive], self._side], ignore_index=True)

    # Intake --------------------------------------------------------------------------------

    def candidate_rows(self, query: dict[str, str | None]) -> pd.DataFrame:
        """The rows sharing a key with the query, at most ``MAX_PER_KEY`` per key."""
        wanted = _hash(query_keys(query)) if query_keys(query) else np.empty(0, np.uint64)
        with self._lock:
            lo = np.searchsorted(self._hashes, wanted, side="left")
            hi = np.searchsorted(self._hashes, wanted, side="right")
            picked: list[np.ndarray] = [
                self._rows[a : min(b, a + MAX_PER_KEY)] for a, b in zip(lo, hi, strict=True)
            ]
            base = np.unique(np.concatenate(picked)) if picked else np.empty(0, np.int64)
            base = base[self._alive[base]]
            side: set[int] = set()
            for value in wanted.tolist():
                side.update(self._side_keys.get(value, [])[:MAX_PER_KEY])
            return pd.concat(
                [self._frame.iloc[base], self._side.iloc[sorted(side)]], ignore_index=True
            )

    def _comparison_sql(self) -> str:
        """Splink's own CASE statements for the model's comparisons (gamma_<name> columns)."""
        import logging

        from splink import Linker

        db_api = make_db_api()
        empty = pd.DataFrame({column: pd.Series(["x"], dtype=object) for column in FEATURE_COLUMNS})
        linker = Linker(
            db_api.register(empty),
            self.model.settings_for("dedupe_only"),
            log_level=logging.WARNING,
        )
        self._db_api = db_api
        statements = [c._case_statement for c in linker._settings_obj.comparisons]
        return ",\n".join(statements)

    def score(self, query: dict[str, str | None], rows: pd.DataFrame) -> pd.DataFrame:
        """The rows scored against the query: ``person_id``, ``match_weight``, gammas."""
        pairs = pd.DataFrame(index=rows.index)
        for column in FEATURE_COLUMNS:
            pairs[f"{column}_l"] = pd.Series([query.get(column)] * len(rows), dtype=object).values
            pairs[f"{column}_r"] = rows[column].astype(object).values
        connection = self._db_api._con
        with self._lock:
            connection.register("harbour_pairs", pairs)
            scored = connection.execute(
                # The model's own comparison SQL; no user input is interpolated.
                f"SELECT unique_id_r, {self._case_sql} FROM harbour_pairs"  # noqa: S608
            ).df()
            connection.unregister("harbour_pairs")
        scored["person_id"] = rows["person_id"].values
        scored["match_weight"] = self.weights.match_weight(
            {c: scored[c].to_numpy() for c in scored.columns if c.startswith("gamma_")}
        )
        return scored

    def match(
        self, query: dict[str, str | None], *, minimum_probability: float, limit: int
    ) -> list[Scored]:
        """The persons most likely to be the query's, best first, one entry per person."""
        rows = self.candidate_rows(query)
        if rows.empty:
            return []
        scored = self.score(query, rows)
        best = scored.sort_values("match_weight", ascending=False).drop_duplicates("person_id")
        best = best[probability(best["match_weight"].to_numpy()) >= minimum_probability]
        out = []
        for record in best.head(limit).to_dict("records"):
            weight = float(record["match_weight"])
            out.append(
                Scored(
                    person_id=str(record["person_id"]),
                    match_weight=weight,
                    match_probability=float(probability(weight)),
                    explanation=self.weights.explanation(record),
                )
            )
        return out
