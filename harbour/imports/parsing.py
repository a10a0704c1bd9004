"""Reading an uploaded extract: CSV (UTF-8, with or without a byte-order mark, comma-separated)
or XLSX (the first sheet, read in openpyxl's read-only mode). Anything else is refused with a
sentence saying what to do instead."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings

#: Default upper size of an uploaded file (``HARBOUR_IMPORT_MAX_BYTES`` overrides).
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
#: Default upper number of data rows in one file (``HARBOUR_IMPORT_MAX_ROWS`` overrides).
DEFAULT_MAX_ROWS = 200_000


class FileProblem(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class Extract:
    file_format: str
    headers: list[str]


def max_bytes() -> int:
    return int(getattr(settings, "HARBOUR_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "HARBOUR_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def detect_format(filename: str, content: bytes) -> str:
    """ "csv" or "xlsx", from the name and the content; refuses anything else."""
    if not content:
        raise FileProblem("The file is empty")
    if len(content) > max_bytes():
        raise FileProblem(
            f"The file is {_megabytes(len(content))}: files must be smaller than "
            f"{_megabytes(max_bytes())}. Split the extract into smaller files"
        )
    name = filename.lower()
    if name.endswith(".xlsx"):
        if not zipfile.is_zipfile(io.BytesIO(content)):
            raise FileProblem("The file is called .xlsx but is not an Excel workbook")
        return "xlsx"
    if name.endswith(".csv"):
        if content[:4] == b"PK\x03\x04" or b"\x00" in content[:4096]:
            raise FileProblem("The file is called .csv but is not text: save it as CSV UTF-8")
        return "csv"
    if name.endswith(".xls"):
        raise FileProblem(
            "The file is an old Excel .xls workbook: save it as .xlsx or as CSV UTF-8"
        )
    raise FileProblem("The file must be a CSV (.csv) or an Excel workbook (.xlsx)")


def _header_names(cells: list[Any]) -> list[str]:
    names: list[str] = []
    for position, cell in enumerate(cells, start=1):
        name = " ".join(str(cell).split()) if cell is not None else ""
        names.append(name or f"Column {position}")
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise FileProblem(f"Two columns are called '{name}': give every column its own name")
        seen.add(name)
    return names


def _csv_text(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem(
            "The file is not UTF-8 text: in Excel, save it as 'CSV UTF-8 (comma delimited)'"
        ) from None


def _csv_rows(content: bytes) -> Iterator[list[Any]]:
    try:
        yield from csv.reader(io.StringIO(_csv_text(content), newline=""))
    except csv.Error as error:
        raise FileProblem(f"The CSV file cannot be read: {error}") from None


def _xlsx_rows(content: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged file
        raise FileProblem(f"The Excel workbook cannot be opened ({error})") from None
    try:
        if not workbook.worksheets:
            raise FileProblem("The Excel workbook has no sheets")
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def _rows(file_format: str, content: bytes) -> Iterator[list[Any]]:
    return _xlsx_rows(content) if file_format == "xlsx" else _csv_rows(content)


def read_headers(file_format: str, content: bytes) -> Extract:
    for cells in _rows(file_format, content):
        if any(cell not in (None, "") for cell in cells):
            return Extract(file_format=file_format, headers=_header_names(cells))
    raise FileProblem("The file has no header row: the first row must name the columns")


def read_rows(file_format: str, content: bytes) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(row number as a spreadsheet shows it, {header: value})`` for every non-empty row."""
    headers: list[str] | None = None
    limit = max_rows()
    count = 0
    for number, cells in enumerate(_rows(file_format, content), start=1):
        if not any(cell not in (None, "") for cell in cells):
            continue
        if headers is None:
            headers = _header_names(cells)
            continue
        count += 1
        if count > limit:
            raise FileProblem(f"The file has more than {limit:,} rows: split it into smaller files")
        yield (
            number,
            {
                header: cells[position] if position < len(cells) else None
                for position, header in enumerate(headers)
            },
        )


def json_safe(value: Any) -> Any:
    """A cell as stored in the row's ``raw`` values."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
