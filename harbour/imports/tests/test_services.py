"""Imports through their services: reading files, mapping, messages per row and column, commit,
idempotency, atomicity, matching and held rows, referrals and missing episodes, audit."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from harbour.audit.management.commands.audit_verify import verify_chain
from harbour.audit.models import AuditEvent
from harbour.core.errors import ServiceValidationError
from harbour.imports import committing, services
from harbour.imports.fields import suggest_mapping
from harbour.imports.models import (
    BatchStatus,
    ImportBatch,
    ImportedRecord,
    ImportKind,
    ImportRow,
    RowOutcome,
)
from harbour.imports.parsing import FileProblem, detect_format, read_headers, read_rows
from harbour.imports.tests.factories import (
    PERSON_HEADERS,
    ImportWorld,
    committed,
    csv_bytes,
    imported,
    nhs_number,
    person_row,
    xlsx_bytes,
)
from harbour.imports.validation import describe
from harbour.missing.models import MissingEpisode
from harbour.people.models import Identifier, Involvement, Person
from harbour.people.tests.factories import PersonFactory
from harbour.referrals.models import Referral

pytestmark = pytest.mark.django_db


def _messages(batch: ImportBatch) -> list[str]:
    return [
        describe(row.row_number, error)
        for row in batch.rows.order_by("row_number")
        for error in row.errors
    ]


def _persons_snapshot() -> tuple[int, int, int, int]:
    return (
        Person.objects.count(),
        Identifier.objects.count(),
        Involvement.objects.count(),
        AuditEvent.objects.filter(action="person.created").count(),
    )


# Reading files ----------------------------------------------------------------------------


def test_csv_with_and_without_byte_order_mark_read_the_same() -> None:
    rows = [person_row(1), person_row(2)]
    for content in (csv_bytes(PERSON_HEADERS, rows), csv_bytes(PERSON_HEADERS, rows, bom=True)):
        assert detect_format("x.csv", content) == "csv"
        assert read_headers("csv", content).headers == PERSON_HEADERS
        read = list(read_rows("csv", content))
        assert [number for number, _ in read] == [2, 3]
        assert read[0][1]["ID"] == "CSC-00001"


def test_xlsx_first_sheet_is_read_with_real_dates() -> None:
    content = xlsx_bytes(
        PERSON_HEADERS, [person_row(1, DOB=datetime.datetime(2011, 4, 9)), person_row(2)]
    )
    assert detect_format("extract.xlsx", content) == "xlsx"
    assert read_headers("xlsx", content).headers == PERSON_HEADERS
    read = list(read_rows("xlsx", content))
    assert read[0] == (
        2,
        dict(zip(PERSON_HEADERS, person_row(1, DOB=datetime.datetime(2011, 4, 9)), strict=True)),
    )


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0", "old Excel .xls workbook"),
        ("notes.txt", b"hello", "must be a CSV (.csv) or an Excel workbook (.xlsx)"),
        ("fake.xlsx", b"ID,Name\n1,A\n", "is not an Excel workbook"),
        ("empty.csv", b"", "The file is empty"),
        ("latin.csv", "ID,Name\n1,Zoë\n".encode("latin-1"), "is not UTF-8 text"),
    ],
)
def test_other_files_are_refused_in_words(filename: str, content: bytes, message: str) -> None:
    def read() -> None:
        read_headers(detect_format(filename, content), content)

    with pytest.raises(FileProblem, match=re.escape(message)):
        read()


def test_oversize_file_is_refused(settings: Any) -> None:
    settings.HARBOUR_IMPORT_MAX_BYTES = 100
    with pytest.raises(FileProblem, match="must be smaller than"):
        detect_format("big.csv", b"ID\n" + b"1\n" * 100)


def test_duplicate_column_names_are_refused() -> None:
    with pytest.raises(FileProblem, match="Two columns are called 'ID'"):
        read_headers("csv", b"ID,ID\n1,2\n")


# Mapping ----------------------------------------------------------------------------------


def test_mapping_is_suggested_from_headers_then_from_the_saved_mapping(world: ImportWorld) -> None:
    assert suggest_mapping(ImportKind.PERSONS, PERSON_HEADERS, {}) == {
        "ID": "record_id",
        "Forename": "first_names",
        "Surname": "last_name",
        "DOB": "date_of_birth",
        "Gender": "sex",
        "Post Code": "postcode",
        "NHS No": "nhs_number",
    }
    source = world.source()
    batch = services.batch_upload(
        actor=world.front_door,
        source=source,
        filename="a.csv",
        content=csv_bytes(["Client", "Given", "Family"], [["1", "A", "B"]]),
    )
    mapping = {"Client": "record_id", "Given": "first_names", "Family": "last_name"}
    services.batch_map_columns(actor=world.front_door, batch=batch, mapping=mapping)
    source.refresh_from_db()
    assert source.column_mapping == mapping
    assert (
        suggest_mapping(ImportKind.PERSONS, ["Family", "Client", "Given"], source.column_mapping)
        == mapping
    )


def test_mapping_problems_are_in_words(world: ImportWorld) -> None:
    source = world.source()
    batch = services.batch_upload(
        actor=world.front_door,
        source=source,
        filename="a.csv",
        content=csv_bytes(["A", "B"], [["1", "2"]]),
    )
    with pytest.raises(ServiceValidationError) as error:
        services.batch_map_columns(
            actor=world.front_door, batch=batch, mapping={"A": "first_names", "B": "first_names"}
        )
    messages = error.value.message_dict["mapping"]
    assert (
        "Columns 'A' and 'B' are both matched to 'First names': match each field to one column"
        in messages
    )
    assert "Match a column to 'Agency record id': every row needs it" in messages


# Row-by-row messages ----------------------------------------------------------------------


def test_every_problem_names_row_column_and_value(world: ImportWorld) -> None:
    future = (datetime.date.today() + datetime.timedelta(days=30)).strftime("%d/%m/%Y")
    rows = [
        person_row(1),
        person_row(2, DOB="31/02/2012"),
        person_row(3, DOB=future),
        person_row(4, **{"NHS No": "943 476 5918"}),
        person_row(5, Gender="Q"),
        person_row(6, **{"Post Code": "XX1"}),
        person_row(7, ID=""),
        person_row(8, Forename="", Surname=""),
        person_row(9, ID="CSC-00001"),
        person_row(10, DOB="tomorrow"),
    ]
    batch = imported(world, world.source(), csv_bytes(PERSON_HEADERS, rows))
    assert batch.status == BatchStatus.READY
    messages = _messages(batch)
    assert messages == [
        "Row 3, column 'DOB': '31/02/2012' is not a real date",
        f"Row 4, column 'DOB': '{future}' is in the future: a date of birth must be in the past",
        "Row 5, column 'NHS No': '943 476 5918': NHS number is not valid: check the digits "
        "have been entered correctly",
        "Row 6, column 'Gender': 'Q' is not a sex Harbour knows: use female, male, not known "
        "or not stated",
        "Row 7, column 'Post Code': 'XX1' is not a real UK postcode, like AB1 2CD",
        "Row 8, column 'ID': Agency record id is empty: every row needs it",
        "Row 9, column 'Surname': the child's first and last names are both empty: enter at "
        "least one",
        "Row 10, column 'ID': record id 'CSC-00001' is also on row 2: each record may appear "
        "once in a file",
        "Row 11, column 'DOB': 'tomorrow' is not a date Harbour can read: use 31/01/2012 or "
        "2012-01-31",
    ]
    assert batch.counts == {RowOutcome.CREATE: 1, RowOutcome.REJECTED: 9}


# Commit -----------------------------------------------------------------------------------


def test_commit_creates_persons_as_person_create_does_and_audits(world: ImportWorld) -> None:
    rows = [person_row(n) for n in range(1, 6)] + [person_row(6, DOB="2012-03")]
    batch = committed(world, imported(world, world.source(), csv_bytes(PERSON_HEADERS, rows)))
    assert batch.status == BatchStatus.COMMITTED, batch.error
    assert batch.counts == {RowOutcome.CREATED: 6}
    assert batch.content is None
    row = batch.rows.get(row_number=2)
    person = row.person
    assert person is not None
    assert (person.first_names, person.last_name, str(person.date_of_birth)) == (
        "AmeliaB",
        "Okafor1",
        "2011-04-09",
    )
    assert person.sex == "female"
    assert person.created_by_agency == world.csc
    assert person.home_area == world.area
    assert person.search_name
    assert person.last_name_key
    assert person.addresses.get().postcode == "LU1 3AB"
    assert person.identifiers.get().value == nhs_number(1)
    assert person.involvements.get().agency == world.csc
    approximate = batch.rows.get(row_number=7).person
    assert approximate is not None
    assert (approximate.date_of_birth, approximate.date_of_birth_precision) == (
        datetime.date(2012, 3, 1),
        "approximate",
    )
    created = AuditEvent.objects.filter(action="person.created", subject_id=str(person.pk)).get()
    assert created.actor == world.front_door
    assert "row 2" in created.reason
    summary = AuditEvent.objects.get(action="imports.batch_committed", subject_id=str(batch.pk))
    assert summary.after["sha256"] == batch.content_sha256
    assert summary.after["counts"] == {"created": 6}
    assert verify_chain()[0] == AuditEvent.objects.count()
    assert ImportedRecord.objects.filter(batch=batch).count() == 6


def test_the_same_file_twice_changes_nothing(world: ImportWorld) -> None:
    source = world.source()
    content = csv_bytes(PERSON_HEADERS, [person_row(n) for n in range(1, 4)])
    committed(world, imported(world, source, content))
    before = _persons_snapshot()
    with pytest.raises(ServiceValidationError, match="already imported into 'CSC children'"):
        services.batch_upload(
            actor=world.front_door, source=source, filename="again.csv", content=content
        )
    assert _persons_snapshot() == before
    assert AuditEvent.objects.filter(action="imports.file_refused").count() == 1


def test_rows_imported_before_are_unchanged_and_changes_are_reported_not_written(
    world: ImportWorld,
) -> None:
    source = world.source()
    committed(
        world, imported(world, source, csv_bytes(PERSON_HEADERS, [person_row(1), person_row(2)]))
    )
    before = _persons_snapshot()
    original = Person.objects.get(last_name="Okafor2")
    second = csv_bytes(
        PERSON_HEADERS,
        # Row 3 is a new child (a different name and birthday from the two already held).
        [
            person_row(1),
            person_row(2, Surname="Okafor-Lane"),
            person_row(3, Forename="Tobias", Surname="Mensah", DOB="21/11/2009"),
        ],
    )
    batch = imported(world, source, second, filename="week2.csv")
    assert batch.counts == {
        RowOutcome.UNCHANGED: 1,
        RowOutcome.CHANGED: 1,
        RowOutcome.CREATE: 1,
    }
    assert _messages(batch) == [
        "Row 3: record 'CSC-00002' was imported before (row 3 of 'children.csv') with "
        "different details (last name). Harbour does not overwrite: change the record on "
        "screen, or check the extract"
    ]
    batch = committed(world, batch)
    assert batch.counts == {
        RowOutcome.UNCHANGED: 1,
        RowOutcome.CHANGED: 1,
        RowOutcome.CREATED: 1,
    }
    after = _persons_snapshot()
    assert after[0] == before[0] + 1
    original.refresh_from_db()
    assert original.last_name == "Okafor2"


def test_a_failure_half_way_writes_nothing(world: ImportWorld, monkeypatch: Any) -> None:
    source = world.source()
    batch = imported(world, source, csv_bytes(PERSON_HEADERS, [person_row(n) for n in range(1, 9)]))
    before = _persons_snapshot()
    events_before = AuditEvent.objects.count()
    monkeypatch.setattr(committing, "CHUNK_SIZE", 3)
    real = committing.write_person_chunk
    calls: list[int] = []

    def fail_on_third_chunk(**kwargs: Any) -> Any:
        calls.append(len(kwargs["rows"]))
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(committing, "write_person_chunk", fail_on_third_chunk)
    batch = committed(world, batch)
    assert calls == [3, 3, 2]
    assert batch.status == BatchStatus.FAILED
    assert "nothing was imported" in batch.error
    assert "RuntimeError" in batch.error
    assert _persons_snapshot() == before
    assert not ImportedRecord.objects.exists()
    assert set(batch.rows.values_list("outcome", flat=True)) == {RowOutcome.CREATE}
    new_events = AuditEvent.objects.filter(id__gt=0).order_by("id")[events_before:]
    assert [event.action for event in new_events] == ["imports.batch_failed"]
    # Fixed, the same file imports cleanly.
    monkeypatch.setattr(committing, "write_person_chunk", real)
    again = imported(world, source, csv_bytes(PERSON_HEADERS, [person_row(n) for n in range(1, 9)]))
    assert committed(world, again).counts == {RowOutcome.CREATED: 8}


def test_a_batch_is_committed_once_however_often_asked(world: ImportWorld) -> None:
    batch = committed(
        world, imported(world, world.source(), csv_bytes(PERSON_HEADERS, [person_row(1)]))
    )
    with pytest.raises(ServiceValidationError, match="not ready to commit"):
        services.batch_commit_request(actor=world.front_door, batch=batch)
    assert services.batch_commit(batch_id=batch.pk).status == BatchStatus.COMMITTED
    assert Person.objects.count() == 1


# Matching: probable existing persons are held, then decided ---------------------------------


def _known_child(world: ImportWorld, n: int) -> Person:
    person: Person = PersonFactory(
        first_names="Jay",
        last_name="Known",
        date_of_birth=datetime.date(2010, 1, 2),
        created_by_agency=world.police,
    )
    Identifier.objects.create(person=person, kind="nhs_number", value=nhs_number(n))
    return person


def test_a_probable_existing_person_is_held_not_duplicated(world: ImportWorld) -> None:
    known = _known_child(world, 1)
    rows = [person_row(1, Forename="Jay", Surname="Known", DOB="02/01/2010"), person_row(2)]
    batch = imported(world, world.source(), csv_bytes(PERSON_HEADERS, rows))
    held = batch.rows.get(row_number=2)
    assert held.outcome == RowOutcome.HOLD
    assert held.candidates[0]["person_id"] == str(known.pk)
    assert held.candidates[0]["explanation"]
    batch = committed(world, batch)
    assert batch.counts == {RowOutcome.HELD: 1, RowOutcome.CREATED: 1}
    assert Person.objects.count() == 2
    # Imported again while held: recognised, not held twice.
    again = imported(world, batch.source, csv_bytes(PERSON_HEADERS, [rows[0]]), filename="b.csv")
    assert again.counts == {RowOutcome.UNCHANGED: 1}


def test_same_child_links_the_agency_to_the_existing_person(world: ImportWorld) -> None:
    known = _known_child(world, 1)
    rows = [person_row(1, Forename="Jay", Surname="Known", **{"ID": "CSC-77"})]
    batch = committed(world, imported(world, world.source(), csv_bytes(PERSON_HEADERS, rows)))
    row = batch.rows.get()
    with pytest.raises(ServiceValidationError, match="Select the person"):
        services.row_decide(actor=world.front_door, row=row, decision="same", person_id=None)
    services.row_decide(actor=world.front_door, row=row, decision="same", person_id=known.pk)
    row.refresh_from_db()
    assert row.outcome == RowOutcome.LINKED
    assert row.person == known
    assert Person.objects.count() == 1
    assert known.involvements.filter(agency=world.csc).exists()
    assert ImportedRecord.objects.get(record_key="CSC-77").person == known
    assert AuditEvent.objects.filter(
        action="imports.row_reviewed", subject_id=str(known.pk)
    ).exists()
    with pytest.raises(ServiceValidationError, match="not waiting for a decision"):
        services.row_decide(actor=world.front_door, row=row, decision="new")


def test_new_child_creates_a_person(world: ImportWorld) -> None:
    _known_child(world, 1)
    rows = [person_row(1, Forename="Jay", Surname="Known", DOB="02/01/2010")]
    batch = committed(world, imported(world, world.source(), csv_bytes(PERSON_HEADERS, rows)))
    row = services.row_decide(actor=world.front_door, row=batch.rows.get(), decision="new")
    assert row.outcome == RowOutcome.CREATED
    assert row.person is not None
    assert row.person.first_names == "Jay"
    assert row.person.created_by_agency == world.csc
    assert Person.objects.count() == 2


# Referrals and missing episodes -----------------------------------------------------------


REFERRAL_HEADERS = ["Ref", "Child ID", "Category", "Details", "Lawful basis", "Phone"]


def test_referrals_reference_children_imported_earlier(world: ImportWorld) -> None:
    committed(world, imported(world, world.source(), csv_bytes(PERSON_HEADERS, [person_row(1)])))
    source = world.source(ImportKind.REFERRALS, name="CSC referrals")
    rows = [
        [
            "R-1",
            "CSC-00001",
            "sexual exploitation; missing",
            "Seen getting into cars after school",
            "public task",
            "01234 567890",
        ],
        [
            "R-2",
            "CSC-99999",
            "online",
            "Messages from an older man online",
            "public_task",
            "01234 567890",
        ],
        ["R-3", "CSC-00001", "knife crime", "Short", "public task", ""],
    ]
    mapping = {
        "Ref": "record_id",
        "Child ID": "child_record_id",
        "Category": "categories",
        "Details": "narrative",
        "Lawful basis": "lawful_basis",
        "Phone": "referrer_phone",
    }
    batch = imported(
        world, source, csv_bytes(REFERRAL_HEADERS, rows), filename="r.csv", mapping=mapping
    )
    assert _messages(batch) == [
        "Row 3, column 'Child ID': no child with record id 'CSC-99999' has been imported from "
        "Northbrook Children's Services: import the persons extract first",
        "Row 4, column 'Category': 'knife crime' is not a concern category Harbour knows: use "
        "sexual exploitation, criminal exploitation, trafficking, online, missing, other",
    ]
    assert Referral.objects.count() == 0  # the trial run left nothing behind
    batch = committed(world, batch)
    assert batch.counts == {RowOutcome.CREATED: 1, RowOutcome.REJECTED: 2}
    referral = Referral.objects.get()
    assert referral.person == Person.objects.get()
    assert sorted(referral.concerns.values_list("category", flat=True)) == [
        "missing",
        "sexual_exploitation",
    ]
    assert batch.rows.get(row_number=2).object_id == str(referral.pk)
    assert AuditEvent.objects.filter(action="referral.created").count() == 1


def test_service_rules_are_reported_per_row(world: ImportWorld) -> None:
    committed(world, imported(world, world.source(), csv_bytes(PERSON_HEADERS, [person_row(1)])))
    source = world.source(ImportKind.REFERRALS, name="CSC referrals")
    rows = [["R-1", "CSC-00001", "online", "Short", "public task", ""]]
    mapping = {
        "Ref": "record_id",
        "Child ID": "child_record_id",
        "Category": "categories",
        "Details": "narrative",
        "Lawful basis": "lawful_basis",
        "Phone": "referrer_phone",
    }
    batch = imported(world, source, csv_bytes(REFERRAL_HEADERS, rows), mapping=mapping)
    assert _messages(batch) == [
        "Row 2, column 'Details': Describe what happened, in at least a sentence",
        "Row 2, column 'Phone': Enter a phone number or e-mail address the front door can use",
    ]


def test_missing_episodes_by_nhs_number(world: ImportWorld) -> None:
    committed(world, imported(world, world.source(), csv_bytes(PERSON_HEADERS, [person_row(1)])))
    source = world.source(ImportKind.MISSING_EPISODES, name="Missing log")
    headers = [
        "Episode",
        "NHS",
        "From",
        "Category",
        "Last seen",
        "Where",
        "Returned",
        "Returned to",
        "By",
    ]
    rows = [
        [
            "M-1",
            nhs_number(1),
            "home",
            "missing",
            "01/03/2026 21:00",
            "Bus station",
            "02/03/2026 09:00",
            "Home",
            "Police",
        ],
        ["M-2", nhs_number(1), "home", "missing", "30/02/2026 21:00", "Park", "", "", ""],
    ]
    batch = imported(world, source, csv_bytes(headers, rows), filename="m.csv")
    assert batch.column_mapping["NHS"] == "child_nhs_number"
    assert _messages(batch) == [
        "Row 3, column 'Last seen': '30/02/2026 21:00' is not a real date and time"
    ]
    batch = committed(world, batch)
    assert batch.status == BatchStatus.COMMITTED, batch.error
    episode = MissingEpisode.objects.get()
    assert episode.status == "returned"
    assert episode.last_seen_where == "Bus station"


def test_missing_episode_mapping_needs_the_time_fields(world: ImportWorld) -> None:
    source = world.source(ImportKind.MISSING_EPISODES, name="Missing log")
    batch = services.batch_upload(
        actor=world.front_door,
        source=source,
        filename="m.csv",
        content=csv_bytes(["Episode", "NHS"], [["1", "2"]]),
    )
    with pytest.raises(ServiceValidationError) as error:
        services.batch_map_columns(
            actor=world.front_door,
            batch=batch,
            mapping={"Episode": "record_id", "NHS": "child_nhs_number"},
        )
    assert (
        "Match a column to 'Last seen (date and time)': every row needs it" in error.value.messages
    )


# Who may import ---------------------------------------------------------------------------


def test_only_importing_roles_of_the_agency_may_import(world: ImportWorld) -> None:
    source = world.source()
    content = csv_bytes(PERSON_HEADERS, [person_row(1)])
    for actor in (world.admin, world.coordinator, world.other_front_door):
        with pytest.raises(PermissionDenied):
            services.batch_upload(actor=actor, source=source, filename="a.csv", content=content)
    with pytest.raises(PermissionDenied):
        services.source_create(
            actor=world.admin, agency=world.csc, name="x", kind=ImportKind.PERSONS
        )
    episodes = services.source_create(
        actor=world.coordinator, agency=world.csc, name="Missing", kind=ImportKind.MISSING_EPISODES
    )
    assert episodes.kind == ImportKind.MISSING_EPISODES


# Tasks and progress -----------------------------------------------------------------------


def test_tasks_run_through_the_tasks_api(world: ImportWorld, settings: Any) -> None:
    from harbour.imports.tasks import commit_batch_task, validate_batch_task

    source = world.source()
    batch = services.batch_upload(
        actor=world.front_door,
        source=source,
        filename="a.csv",
        content=csv_bytes(PERSON_HEADERS, [person_row(1)]),
    )
    mapping = suggest_mapping(source.kind, batch.headers, {})
    services.batch_map_columns(actor=world.front_door, batch=batch, mapping=mapping, enqueue=False)
    result = validate_batch_task.enqueue(str(batch.pk))
    assert result.return_value == BatchStatus.READY
    services.batch_commit_request(actor=world.front_door, batch=batch, enqueue=False)
    result = commit_batch_task.enqueue(str(batch.pk))
    assert result.return_value == BatchStatus.COMMITTED
    assert Person.objects.count() == 1


def test_progress_is_recorded_while_rows_are_checked(world: ImportWorld, monkeypatch: Any) -> None:
    from harbour.imports import progress, validation

    seen: list[tuple[int, int]] = []
    real_write = progress.ProgressReporter._write

    def spy(self: Any, done: int, **kwargs: Any) -> None:
        real_write(self, done, **kwargs)
        batch = ImportBatch.objects.get(pk=self.batch_id)
        seen.append((batch.progress_done, batch.progress_total))

    monkeypatch.setattr(progress.ProgressReporter, "_write", spy)
    monkeypatch.setattr(validation, "_CHUNK", 2)
    monkeypatch.setattr(progress, "EVERY", 2)
    batch = imported(
        world, world.source(), csv_bytes(PERSON_HEADERS, [person_row(n) for n in range(1, 6)])
    )
    assert seen[:3] == [(0, 5), (2, 5), (4, 5)]
    assert (batch.progress_done, batch.progress_total, batch.progress_percent) == (5, 5, 100)


def test_the_row_keeps_what_it_created(world: ImportWorld) -> None:
    batch = committed(
        world, imported(world, world.source(), csv_bytes(PERSON_HEADERS, [person_row(1)]))
    )
    row = ImportRow.objects.get(batch=batch)
    assert row.person is not None
    assert row.object_id == str(row.person.pk)


def test_the_interim_rule_holds_when_matching_has_no_model(
    world: ImportWorld, monkeypatch: Any
) -> None:
    from harbour.matching import services as matching_services

    def no_model(**kwargs: Any) -> Any:
        raise FileNotFoundError("no person model")

    monkeypatch.setattr(matching_services, "match_records_to_register", no_model)
    known = _known_child(world, 1)
    rows = [person_row(1, Forename="Jay", Surname="Known", DOB="02/01/2010"), person_row(2)]
    batch = imported(world, world.source(), csv_bytes(PERSON_HEADERS, rows))
    held = batch.rows.get(row_number=2)
    assert held.outcome == RowOutcome.HOLD
    assert held.candidates[0]["person_id"] == str(known.pk)
    assert [e["field"] for e in held.candidates[0]["explanation"]] == [
        "NHS number",
        "Names",
        "Date of birth",
    ]
    assert batch.rows.get(row_number=3).outcome == RowOutcome.CREATE
