"""``link_files``: link two agency extracts in the person CSV layout, or de-duplicate one.

Files are checked first and every problem reported by row (a missing ``record_id`` column, empty
or repeated record ids, dates that cannot be read); nothing is written unless the files are good.
The model is trained on the files themselves when they are big enough to learn from (a one-off
extract from a partner whose recording habits the register has never seen), otherwise the
current saved model is used; ``--model`` names a saved model to use instead.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pandas as pd  # type: ignore[import-untyped]

from harbour.matching import keys
from harbour.matching.batch import predict
from harbour.matching.features import features_frame
from harbour.matching.model import DEFAULT_THRESHOLD, TrainedModel, load_current, train
from harbour.matching.records import PERSON_COLUMNS

#: Files with at least this many records between them train their own model by default.
TRAIN_FROM_RECORDS = 1000
#: At most this many problems are listed per file.
_MAX_PROBLEMS = 20
OUTPUT_COLUMNS = ("record_id_l", "record_id_r", "match_probability", "match_weight")


class LinkFileError(ValueError):
    """The files cannot be linked; ``problems`` says why, in words, by file and row."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class LinkResult:
    pairs: int
    records: int
    model: str
    threshold: float


def read_person_csv(path: Path) -> pd.DataFrame:
    """A person CSV as text columns; raises ``LinkFileError`` listing every problem found."""
    name = path.name
    try:
        frame = pd.read_csv(
            path, dtype=str, keep_default_na=False, encoding="utf-8", skipinitialspace=True
        )
    except FileNotFoundError:
        raise LinkFileError([f"{name}: there is no such file"]) from None
    except UnicodeDecodeError:
        raise LinkFileError([f"{name}: is not UTF-8 text; save it as CSV UTF-8"]) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as error:
        raise LinkFileError([f"{name}: cannot be read as CSV ({error})"]) from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    if "record_id" not in frame.columns:
        raise LinkFileError(
            [f"{name}: has no record_id column (the columns are: {', '.join(frame.columns)})"]
        )
    problems: list[str] = []
    ids = frame["record_id"].str.strip()
    for index in ids.index[ids == ""][:_MAX_PROBLEMS]:
        problems.append(f"{name} row {index + 2}: record_id is empty")
    repeated = ids[(ids != "") & ids.duplicated(keep=False)]
    for record_id, rows in list(repeated.groupby(repeated).groups.items())[:_MAX_PROBLEMS]:
        numbers = ", ".join(str(i + 2) for i in rows)
        problems.append(f"{name} rows {numbers}: record_id {record_id!r} is used more than once")
    if "date_of_birth" in frame.columns:
        for index, value in frame["date_of_birth"].items():
            try:
                keys.normalise_partial_date(value)
            except ValueError:
                problems.append(
                    f"{name} row {int(str(index)) + 2}: date_of_birth {value!r} cannot be read "
                    "(use YYYY-MM-DD, YYYY-MM or YYYY)"
                )
                if len(problems) >= _MAX_PROBLEMS:
                    break
    if problems:
        raise LinkFileError(problems)
    frame["record_id"] = ids
    return frame[[c for c in PERSON_COLUMNS if c in frame.columns]]


def link_files(
    paths: list[Path],
    out: Path,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    model_path: Path | None = None,
    train_on_files: bool | None = None,
) -> LinkResult:
    """Link two files (or de-duplicate one) and write the pairs at or above ``threshold``."""
    if len(paths) not in (1, 2):
        raise LinkFileError(["give one file to de-duplicate or two files to link"])
    problems: list[str] = []
    frames = []
    for path in paths:
        try:
            frames.append(read_person_csv(path))
        except LinkFileError as error:
            problems += error.problems
    if problems:
        raise LinkFileError(problems)
    tables = [features_frame(frame) for frame in frames]
    records = sum(len(t) for t in tables)
    if model_path is not None:
        model = TrainedModel.from_file(model_path)
        description = str(model_path)
    elif train_on_files or (train_on_files is None and records >= TRAIN_FROM_RECORDS):
        model = train(
            tables[0] if len(tables) == 1 else (tables[0], tables[1]),
            source=" + ".join(p.name for p in paths),
            version=0,
        )
        description = f"trained on these {records} records"
    else:
        model = load_current()
        description = f"saved model v{model.version}"
    pairs = predict(
        tables[0], tables[1] if len(tables) == 2 else None, model=model, threshold=threshold
    )
    output = pd.DataFrame(
        {
            "record_id_l": pairs["unique_id_l"],
            "record_id_r": pairs["unique_id_r"],
            "match_probability": pairs["match_probability"].round(6),
            "match_weight": pairs["match_weight"].round(3),
        }
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    output.to_csv(out, index=False)
    return LinkResult(pairs=len(output), records=records, model=description, threshold=threshold)
