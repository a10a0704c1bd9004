"""Import benchmark on PostgreSQL: 100,000 synthetic person rows through the whole import path.

``python -m bench.imports [--rows N] [--database-url URL]`` recreates its own database (default
``harbour_bench_imports``), migrates it, then times, in process, the same service calls the
pages and the worker make: upload (type, size, header, file hash), the check of every row
(cleaning, validation, the ledger, matching against the register in one batched call) and the
commit (one transaction: bulk writes, one audit event per person, the batch's own event).
Target: the whole import of 100,000 rows in under 2 minutes on the 2-core machine.

``measure_person_import(rows=...)`` is the reusable part, for ``bench/run.py`` to call once
Django is set up against a PostgreSQL database.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/harbour_bench_imports"
TARGET_SECONDS = 120.0

_FIRST = [
    "Amelia",
    "Noah",
    "Olivia",
    "Leo",
    "Isla",
    "Oscar",
    "Ava",
    "Arlo",
    "Mia",
    "Theo",
    "Freya",
    "Finley",
    "Lily",
    "Jayden",
    "Zara",
    "Kai",
    "Aisha",
    "Yusuf",
    "Maya",
    "Ethan",
]
_LAST = [
    "Okafor",
    "Smith",
    "Khan",
    "Jones",
    "Patel",
    "Williams",
    "Brown",
    "Ahmed",
    "Taylor",
    "Nowak",
    "Davies",
    "Evans",
    "Hussain",
    "Wilson",
    "Murphy",
    "Kowalski",
    "Ali",
    "Clarke",
]
_POSTCODES = ["LU1 3AB", "LU2 7HX", "MK40 1SL", "SG18 8QB", "LU4 9AA", "MK42 0AF", "LU6 1RE"]


def _nhs_number(rng: random.Random) -> str:
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        total = sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def synthetic_extract(rows: int, seed: int = 5) -> bytes:
    """A person extract as a council would send it (their own column names, UK dates)."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Client ID", "Forename", "Surname", "DOB", "Gender", "Post Code", "NHS No"])
    for n in range(rows):
        writer.writerow(
            [
                f"BENCH-{n:07d}",
                f"{rng.choice(_FIRST)}{n}",
                f"{rng.choice(_LAST)}-{n // 7}",
                f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2006, 2016)}",
                rng.choice(["F", "M", "U"]),
                rng.choice(_POSTCODES),
                _nhs_number(rng) if rng.random() < 0.7 else "",
            ]
        )
    return out.getvalue().encode("utf-8")


def measure_person_import(rows: int = 100_000) -> dict[str, Any]:
    """Time one import of ``rows`` new persons; Django must be set up (PostgreSQL)."""
    from harbour.accounts.models import AgencyType, Role
    from harbour.accounts.tests.factories import AgencyFactory, AreaFactory, user_with_role
    from harbour.imports import services
    from harbour.imports.fields import suggest_mapping
    from harbour.imports.models import BatchStatus, ImportKind

    tag = f"{time.time():.0f}"
    area = AreaFactory(code=f"bench-{tag}", name=f"Bench borough {tag}")
    agency = AgencyFactory(
        name=f"Bench children's services {tag}",
        agency_type=AgencyType.CHILDRENS_SOCIAL_CARE,
        areas=[area],
    )
    user = user_with_role(Role.FRONT_DOOR, agency, username=f"bench-import-{tag}")
    source = services.source_create(
        actor=user, agency=agency, name="Bench extract", kind=ImportKind.PERSONS
    )
    content = synthetic_extract(rows)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    batch = services.batch_upload(actor=user, source=source, filename="bench.csv", content=content)
    mapping = suggest_mapping(source.kind, batch.headers, {})
    services.batch_map_columns(actor=user, batch=batch, mapping=mapping, enqueue=False)
    timings["upload_s"] = time.perf_counter() - started
    step = time.perf_counter()
    batch = services.batch_validate(batch_id=batch.pk)
    timings["check_and_match_s"] = time.perf_counter() - step
    if batch.status != BatchStatus.READY:
        raise RuntimeError(f"The check failed: {batch.error}")
    step = time.perf_counter()
    services.batch_commit_request(actor=user, batch=batch, enqueue=False)
    batch = services.batch_commit(batch_id=batch.pk)
    timings["commit_s"] = time.perf_counter() - step
    if batch.status != BatchStatus.COMMITTED:
        raise RuntimeError(f"The commit failed: {batch.error}")
    total = time.perf_counter() - started
    result = {
        "name": "person import",
        "rows": rows,
        "bytes": len(content),
        **{key: round(value, 1) for key, value in timings.items()},
        "total_s": round(total, 1),
        "rows_per_s": round(rows / total),
        "counts": batch.counts,
        "target_s": TARGET_SECONDS,
        "met": total < TARGET_SECONDS,
    }
    print(
        f"import of {rows:,} person rows: {total:.1f} s (upload {timings['upload_s']:.1f}, "
        f"check and match {timings['check_and_match_s']:.1f}, commit {timings['commit_s']:.1f}); "
        f"target < {TARGET_SECONDS:.0f} s: {'met' if result['met'] else 'NOT met'}"
    )
    return result


def _recreate_database(database_url: str) -> None:
    import psycopg

    name = database_url.rsplit("/", 1)[-1]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_IMPORTS_URL", DEFAULT_URL))
    parser.add_argument("--keep", action="store_true", help="Reuse the database as it is")
    options = parser.parse_args()
    if not options.keep:
        _recreate_database(options.database_url)
    os.environ["DATABASE_URL"] = options.database_url
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    if not options.keep:
        call_command("migrate", verbosity=0)
    result = measure_person_import(rows=options.rows)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "imports.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
