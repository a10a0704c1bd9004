"""``manage.py link_files``: the dedupe form, and bad files refused with errors by row."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

HEADER = "record_id,first_names,last_name,date_of_birth,sex,postcode,address_line_1,nhs_number\n"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_dedupe_one_file_with_the_saved_model(tmp_path: Path) -> None:
    extract = _write(
        tmp_path / "extract.csv",
        HEADER
        + "A1,Amelia Rose,Okafor-Lane,2011-04-09,female,LU1 3AB,12 Mill Street,\n"
        + "A2,Millie,Okafor,2011-09-04,female,lu13ab,12 Mill St,\n"
        + "A3,Noah,Okafor-Lane,2014-06-01,male,LU1 3AB,12 Mill Street,\n"
        + "A4,Zed,Quill,1990,male,,,\n",
    )
    out = tmp_path / "pairs.csv"
    call_command("link_files", str(extract), "--out", str(out))
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["record_id_l"], r["record_id_r"]) for r in rows] in (
        [("A1", "A2")],
        [("A2", "A1")],
    )
    assert float(rows[0]["match_probability"]) >= 0.9
    assert float(rows[0]["match_weight"]) > 0


def test_missing_record_id_column(tmp_path: Path) -> None:
    bad = _write(tmp_path / "bad.csv", "id,first_names\n1,Amelia\n")
    with pytest.raises(CommandError, match=r"bad\.csv: has no record_id column"):
        call_command("link_files", str(bad), "--out", str(tmp_path / "out.csv"))
    assert not (tmp_path / "out.csv").exists()


def test_duplicate_ids_and_bad_dates_are_reported_by_row(tmp_path: Path) -> None:
    left = _write(
        tmp_path / "left.csv",
        HEADER
        + "A1,Amelia,Ashdown,2011-02-30,,,,\n"
        + "A2,Ava,Ashdown,2011-04,,,,\n"
        + "A1,Noah,Ashdown,tomorrow,,,,\n"
        + ",Grace,Ashdown,,,,,\n",
    )
    right = _write(tmp_path / "right.csv", HEADER + "B1,Amelia,Ashdown,2011-03-01,,,,\n")
    with pytest.raises(CommandError) as raised:
        call_command("link_files", str(left), str(right), "--out", str(tmp_path / "out.csv"))
    message = str(raised.value)
    assert "left.csv rows 2, 4: record_id 'A1' is used more than once" in message
    assert "left.csv row 2: date_of_birth '2011-02-30' cannot be read" in message
    assert "left.csv row 4: date_of_birth 'tomorrow' cannot be read" in message
    assert "left.csv row 5: record_id is empty" in message
    assert "row 3" not in message  # a partial date is fine
    assert not (tmp_path / "out.csv").exists()


def test_three_files_are_refused(tmp_path: Path) -> None:
    one = _write(tmp_path / "one.csv", HEADER)
    with pytest.raises(CommandError, match="one file to de-duplicate or two"):
        call_command("link_files", str(one), str(one), str(one), "--out", str(tmp_path / "o.csv"))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"nowhere\.csv: there is no such file"):
        call_command("link_files", str(tmp_path / "nowhere.csv"), "--out", str(tmp_path / "o.csv"))
