"""A small partnership for import tests, and helpers to build extracts (CSV and XLSX).

``import_world``: Northbrook with its children's services (a front-door practitioner, an
administrator, a coordinator), its police, and Southmoor's children's services with its own
front door. NHS numbers here are synthetic numbers with a valid check digit.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]

from harbour.accounts.models import Agency, AgencyType, Area, Role, User
from harbour.accounts.tests.factories import AgencyFactory, AreaFactory, user_with_role
from harbour.imports import services
from harbour.imports.models import ImportBatch, ImportKind, ImportSource
from harbour.people.validators import nhs_number_is_valid

PERSON_HEADERS = ["ID", "Forename", "Surname", "DOB", "Gender", "Post Code", "NHS No"]


def nhs_number(seed: int) -> str:
    """A valid synthetic NHS number (the ``seed``-th with a valid check digit from 900000000)."""
    base = 900_000_000 + seed * 7
    while True:
        for check in range(10):
            candidate = f"{base}{check}"
            if nhs_number_is_valid(candidate):
                return candidate
        base += 1


@dataclasses.dataclass
class ImportWorld:
    area: Area
    csc: Agency
    police: Agency
    other_csc: Agency
    front_door: User
    admin: User
    coordinator: User
    other_front_door: User

    def source(self, kind: str = ImportKind.PERSONS, name: str = "CSC children") -> ImportSource:
        return services.source_create(actor=self.front_door, agency=self.csc, name=name, kind=kind)


def import_world() -> ImportWorld:
    area = AreaFactory(code="northbrook", name="Northbrook")
    south = AreaFactory(code="southmoor", name="Southmoor")
    csc = AgencyFactory(
        name="Northbrook Children's Services",
        agency_type=AgencyType.CHILDRENS_SOCIAL_CARE,
        areas=[area],
    )
    police = AgencyFactory(name="Northbrook Police", agency_type=AgencyType.POLICE, areas=[area])
    other = AgencyFactory(
        name="Southmoor Children's Services",
        agency_type=AgencyType.CHILDRENS_SOCIAL_CARE,
        areas=[south],
    )
    return ImportWorld(
        area=area,
        csc=csc,
        police=police,
        other_csc=other,
        front_door=user_with_role(Role.FRONT_DOOR, csc, first_name="Fran", last_name="Door"),
        admin=user_with_role(Role.ADMINISTRATOR, csc, first_name="Ada", last_name="Admin"),
        coordinator=user_with_role(Role.COORDINATOR, csc, first_name="Cara", last_name="Coord"),
        other_front_door=user_with_role(
            Role.FRONT_DOOR, other, first_name="Sol", last_name="South"
        ),
    )


def csv_bytes(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, bom: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def xlsx_bytes(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def person_row(n: int, **overrides: Any) -> list[Any]:
    values = {
        "ID": f"CSC-{n:05d}",
        "Forename": f"Amelia{chr(65 + n % 26)}",
        "Surname": f"Okafor{n}",
        "DOB": "09/04/2011",
        "Gender": "F",
        "Post Code": "lu1 3ab",
        "NHS No": nhs_number(n),
    }
    values.update(overrides)
    return [values[header] for header in PERSON_HEADERS]


def imported(
    world: ImportWorld,
    source: ImportSource,
    content: bytes,
    *,
    filename: str = "children.csv",
    actor: User | None = None,
    mapping: dict[str, str] | None = None,
) -> ImportBatch:
    """Upload and map a file (the immediate backend checks its rows at once)."""
    actor = actor or world.front_door
    batch = services.batch_upload(actor=actor, source=source, filename=filename, content=content)
    if mapping is None:
        from harbour.imports.fields import suggest_mapping

        mapping = suggest_mapping(source.kind, batch.headers, source.column_mapping)
    services.batch_map_columns(actor=actor, batch=batch, mapping=mapping)
    batch.refresh_from_db()
    return batch


def committed(world: ImportWorld, batch: ImportBatch, actor: User | None = None) -> ImportBatch:
    services.batch_commit_request(actor=actor or world.front_door, batch=batch)
    batch.refresh_from_db()
    return batch
