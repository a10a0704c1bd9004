"""Import pages through Django's test client: the journey from a new source to a committed
import, the report and preview, the progress page, permissions (404) and audit of reads."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from harbour.audit.models import AuditEvent
from harbour.imports.models import BatchStatus, ImportBatch, ImportKind
from harbour.imports.tests.factories import (
    PERSON_HEADERS,
    ImportWorld,
    csv_bytes,
    imported,
    person_row,
    xlsx_bytes,
)
from harbour.people.models import Person

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response: Any) -> str:
    return str(response.content.decode())


def test_the_whole_journey_from_new_source_to_imported(world: ImportWorld) -> None:
    client = _client(world.front_door)
    assert client.get(reverse("imports:sources")).status_code == 200
    response = client.post(
        reverse("imports:source_new"),
        {"name": "Weekly list", "kind": ImportKind.PERSONS, "agency": str(world.csc.pk)},
    )
    source = world.csc.import_sources.get()
    assert response.url == reverse("imports:upload", args=[source.pk])
    content = xlsx_bytes(PERSON_HEADERS, [person_row(1), person_row(2, DOB="31/02/2012")])
    response = client.post(
        reverse("imports:upload", args=[source.pk]),
        {"file": SimpleUploadedFile("children.xlsx", content)},
    )
    batch = ImportBatch.objects.get()
    assert response.url == reverse("imports:columns", args=[batch.pk])
    page = _text(client.get(response.url))
    assert "Column &#x27;DOB&#x27;" in page
    assert '<option value="date_of_birth" selected>' in page
    data = {
        f"column_{i}": field
        for i, field in enumerate(
            [
                "record_id",
                "first_names",
                "last_name",
                "date_of_birth",
                "sex",
                "postcode",
                "nhs_number",
            ]
        )
    }
    response = client.post(reverse("imports:columns", args=[batch.pk]), data)
    assert response.url == reverse("imports:batch", args=[batch.pk])
    page = _text(client.get(response.url))
    assert "Ready for preview" in page
    assert "Import 1 row" in page
    report = _text(client.get(reverse("imports:rows", args=[batch.pk]) + "?problems=1"))
    assert "&#x27;31/02/2012&#x27; is not a real date" in report
    preview = _text(client.get(reverse("imports:rows", args=[batch.pk]) + "?outcome=create"))
    assert "AmeliaB" in preview
    response = client.post(reverse("imports:commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED
    assert Person.objects.filter(first_names="AmeliaB").exists()
    page = _text(client.get(reverse("imports:batch", args=[batch.pk])))
    assert "What the import did" in page
    assert AuditEvent.objects.filter(
        action="imports.batch_viewed", subject_id=str(batch.pk)
    ).exists()


def test_mapping_errors_are_shown_in_the_summary(world: ImportWorld) -> None:
    client = _client(world.front_door)
    source = world.source()
    client.post(
        reverse("imports:upload", args=[source.pk]),
        {"file": SimpleUploadedFile("a.csv", csv_bytes(["A", "B"], [["1", "2"]]))},
    )
    batch = ImportBatch.objects.get()
    response = client.post(
        reverse("imports:columns", args=[batch.pk]), {"column_0": "first_names", "column_1": ""}
    )
    assert response.status_code == 200
    assert "There is a problem" in _text(response)
    assert "Match a column to &#x27;Agency record id&#x27;" in _text(response)


def test_refused_file_is_explained(world: ImportWorld) -> None:
    client = _client(world.front_door)
    source = world.source()
    response = client.post(
        reverse("imports:upload", args=[source.pk]),
        {"file": SimpleUploadedFile("notes.txt", b"hello")},
    )
    assert response.status_code == 200
    assert "The file must be a CSV (.csv) or an Excel workbook (.xlsx)" in _text(response)


def test_progress_page_updates_while_running(world: ImportWorld) -> None:
    batch = imported(world, world.source(), csv_bytes(PERSON_HEADERS, [person_row(1)]))
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.COMMITTING, progress_done=30, progress_total=120
    )
    client = _client(world.front_door)
    page = _text(client.get(reverse("imports:batch", args=[batch.pk])))
    assert 'http-equiv="refresh"' not in page  # a timed reload fails WCAG 2.2.1
    assert f'data-progress-url="{reverse("imports:progress", args=[batch.pk])}"' in page
    assert '<progress id="import-progress" max="100" value="25">' in page
    assert "25% done: 30 of 120 rows" in page
    data = client.get(reverse("imports:progress", args=[batch.pk])).json()
    assert data == {"status": "committing", "done": 30, "total": 120, "percent": 25}


def test_other_agencies_and_other_roles_get_404(world: ImportWorld) -> None:
    batch = imported(world, world.source(), csv_bytes(PERSON_HEADERS, [person_row(1)]))
    for user in (world.other_front_door, world.admin):
        client = _client(user)
        for url in (
            reverse("imports:batch", args=[batch.pk]),
            reverse("imports:rows", args=[batch.pk]),
            reverse("imports:columns", args=[batch.pk]),
            reverse("imports:upload", args=[batch.source.pk]),
        ):
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(reverse("imports:commit", args=[batch.pk])).status_code == 404
    assert _client(world.admin).get(reverse("imports:sources")).status_code == 404
    batch.refresh_from_db()
    assert batch.status == BatchStatus.READY


def test_held_rows_are_decided_on_their_page(world: ImportWorld) -> None:
    from harbour.imports.tests.test_services import _known_child

    known = _known_child(world, 1)
    rows = [person_row(1, Forename="Jay", Surname="Known", DOB="02/01/2010")]
    batch = imported(world, world.source(), csv_bytes(PERSON_HEADERS, rows))
    client = _client(world.front_door)
    client.post(reverse("imports:commit", args=[batch.pk]))
    row = batch.rows.get()
    url = reverse("imports:decide", args=[row.pk])
    page = _text(client.get(url))
    assert "Jay Known" in page
    assert "Is this a child Harbour already knows?" in page
    response = client.post(url, {})
    assert "Select whether this is a child Harbour already knows or a new child" in _text(response)
    response = client.post(url, {"decision": f"same:{known.pk}"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.person == known
    assert _client(world.other_front_door).get(url).status_code == 404
