"""Panels benchmark on PostgreSQL: ``python -m bench.panels [--quick]``.

Seeds (once) a synthetic partnership into its own database (default ``harbour_bench_panels``)
with ``seed_demo``, as ``bench/run.py`` does, then five years of panel history on top of it
(``bench/panels_data.py``: a child-focused MACE per borough every 14 days, a quarterly strategic
MACE, items, decisions, actions, escalations, attendance, requests), and measures in process:

- ``agenda_propose`` for the busiest borough's next (draft) meeting: p95 < 300 ms;
- the coordinator's action tracker (``panels.actions.action_tracker``), all actions and overdue
  only: p95 < 300 ms; optionally the tracker page through Django's full request stack;
- the minutes of a held 20-item meeting for its chair (``minutes_for`` then
  ``render_minutes_pdf``): wall time < 3 s.

Prints median, 95th percentile and max per measure with its target, and writes
``bench/results/panels.json``. ``--quick`` seeds a small partnership into
``harbour_bench_panels_quick`` and runs each measure a few times (a smoke run of about a minute
once seeded; figures in ``panels-quick.json``). ``--explain`` prints EXPLAIN ANALYZE of the
slowest queries of each measure.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/harbour_bench_panels"
QUICK_URL = "postgres://postgres@127.0.0.1:5432/harbour_bench_panels_quick"
PROPOSE_TARGET_MS = 300.0
TRACKER_TARGET_MS = 300.0
MINUTES_TARGET_MS = 3000.0


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * (len(ordered) - 1))))]


def _measure(
    name: str,
    action: Callable[[int], Any],
    *,
    runs: int,
    target_ms: float,
    on: str = "p95",
    warmup: int = 3,
    explain: bool = False,
) -> dict[str, Any]:
    """Time ``action`` ``runs`` times after ``warmup`` calls; ``on``: the figure held to target."""
    for i in range(warmup):
        action(i)
    samples = []
    for i in range(runs):
        started = time.perf_counter()
        action(warmup + i)
        samples.append((time.perf_counter() - started) * 1000)
    result: dict[str, Any] = {
        "name": name,
        "runs": runs,
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(_percentile(samples, 0.95), 1),
        "max_ms": round(max(samples), 1),
        "target_ms": target_ms,
        "target_on": on,
    }
    result["met"] = result[f"{on}_ms"] < target_ms
    print(
        f"{name:<46} median {result['median_ms']:>8.1f} ms   p95 {result['p95_ms']:>8.1f} ms   "
        f"max {result['max_ms']:>8.1f} ms   target {on} < {target_ms:.0f} ms: "
        f"{'met' if result['met'] else 'NOT met'}"
    )
    if explain:
        _explain_slowest(name, lambda: action(0))
    return result


def _explain_slowest(name: str, call: Callable[[], Any], top: int = 3) -> None:
    """EXPLAIN ANALYZE the ``top`` slowest SELECTs one call of a measure makes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    queries = [
        q for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")
    ]
    queries.sort(key=lambda q: float(q["time"]), reverse=True)
    print(f"  {name}: {len(captured.captured_queries)} queries; slowest:")
    for query in queries[:top]:
        print(f"  --- {float(query['time']) * 1000:.1f} ms: {query['sql'][:400]}")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            for (line,) in cursor.fetchall():
                print(f"      {line}")


def _ensure_seeded(database_url: str, persons: int, referrals: int) -> None:
    """Create, migrate and seed the base partnership as ``bench/run.py`` does (``seed_demo`` at
    ``persons / 2000`` scale, seed 1), unless it already holds ``persons`` persons.

    System checks are skipped: they load every URL module, which the benchmark does not need."""
    import psycopg

    name = database_url.rsplit("/", 1)[-1]
    with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_DEBUG": "1"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run(
        [*manage, "migrate", "--verbosity", "0", "--skip-checks"], env=env, check=True, cwd=ROOT
    )
    with psycopg.connect(database_url) as connection:
        row = connection.execute("SELECT count(*) FROM people_person").fetchone()
    if row and row[0] >= persons:
        print(f"Using the seeded database {name}: {row[0]:,} persons")
        # A migration may have added a column since: planner statistics must know it.
        subprocess.run(["psql", database_url, "-qc", "ANALYZE"], check=True)
        return
    print(f"Seeding {name}: {persons:,} persons, {referrals:,} referrals (takes a few minutes)")
    subprocess.run(
        [
            *manage,
            "seed_demo",
            "--skip-checks",
            "--verbosity",
            "0",
            "--scale",
            str(persons / 2000),
            "--referrals",
            str(referrals),
            "--seed",
            "1",
        ],
        env=env,
        check=True,
        cwd=ROOT,
    )
    subprocess.run(["psql", database_url, "-qc", "VACUUM ANALYZE"], check=True)


def _module_ready(module: str, attribute: str) -> bool:
    if importlib.util.find_spec(module) is None:
        return False
    return hasattr(importlib.import_module(module), attribute)


def _wait_for(module: str, attribute: str, minutes: float) -> bool:
    """Whether ``module.attribute`` exists, checking every two minutes for up to ``minutes``."""
    deadline = time.monotonic() + minutes * 60
    while not _module_ready(module, attribute):
        if time.monotonic() >= deadline:
            return False
        print(f"Waiting for {module}.{attribute} (checking again in 2 minutes)")
        time.sleep(120)
        importlib.invalidate_caches()
    return True


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="Small data, few runs (smoke run)")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--persons", type=int, default=None, help="Base persons (default 200,000)")
    parser.add_argument("--referrals", type=int, default=None, help="Base referrals (500,000)")
    parser.add_argument("--years", type=float, default=5.0, help="Years of panel history")
    parser.add_argument("--runs", type=int, default=None, help="Runs per measure (default 30)")
    parser.add_argument("--pdf-runs", type=int, default=None, help="Minutes PDF runs (default 5)")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE slow queries")
    parser.add_argument(
        "--wait-minutes",
        type=float,
        default=0.0,
        help="Wait this long for panels.actions / panels.minutes if not there yet",
    )
    args = parser.parse_args()
    database_url = (
        args.database_url
        or os.environ.get("BENCH_PANELS_URL")
        or (QUICK_URL if args.quick else DEFAULT_URL)
    )
    persons = args.persons or (4_000 if args.quick else 200_000)
    referrals = args.referrals or (8_000 if args.quick else 500_000)
    runs = args.runs or (5 if args.quick else 30)
    pdf_runs = args.pdf_runs or (2 if args.quick else 5)

    sys.path.insert(0, str(ROOT))
    _ensure_seeded(database_url, persons, referrals)

    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db.models import Count
    from django.utils import timezone

    from bench.panels_data import NEXT_MEETING_IN_DAYS, seed_panels
    from harbour.accounts.models import Area, User
    from harbour.panels.models import (
        AgendaItem,
        Escalation,
        Meeting,
        MeetingStatus,
        Panel,
        PanelAction,
    )
    from harbour.panels.services import agenda_propose
    from harbour.people.models import Person
    from harbour.referrals.models import Referral

    started = time.perf_counter()
    written = seed_panels(now=timezone.now(), years=args.years)
    if written:
        print(
            f"Panels history written in {time.perf_counter() - started:.1f} s: "
            + ", ".join(f"{name} {count:,}" for name, count in written.items())
        )
        subprocess.run(["psql", database_url, "-qc", "VACUUM ANALYZE"], check=True)

    busiest_area_id = (
        Referral.objects.values("area_id").annotate(n=Count("id")).order_by("-n")[0]["area_id"]
    )
    area = Area.objects.get(pk=busiest_area_id)
    panel = Panel.objects.get(type_key="child-mace", area=area)
    draft = (
        Meeting.objects.filter(panel=panel, status=MeetingStatus.DRAFT)
        .select_related("panel")
        .order_by("starts_at")
        .first()
    )
    assert draft is not None, "the panels seed has no draft meeting"
    # The moment the history was written for (so a reused database gives the same figures).
    now = draft.starts_at - datetime.timedelta(days=NEXT_MEETING_IN_DAYS)
    today = timezone.localdate(now)
    coordinator = User.objects.get(username=f"coordinator.{area.code}")
    held = (
        Meeting.objects.filter(panel=panel, status=MeetingStatus.HELD)
        .annotate(n=Count("items"))
        .filter(n=20)
        .order_by("-starts_at")
        .first()
    )
    assert held is not None, "the panels seed has no held 20-item meeting"
    chair = panel.chair

    sizes = {
        "persons": Person.objects.count(),
        "referrals": Referral.objects.count(),
        "panels": Panel.objects.count(),
        "meetings": Meeting.objects.count(),
        "agenda items": AgendaItem.objects.count(),
        "actions": PanelAction.objects.count(),
        "escalations": Escalation.objects.count(),
        f"{area.name} meetings": Meeting.objects.filter(panel=panel).count(),
        f"{area.name} actions": PanelAction.objects.filter(panel=panel).count(),
        f"{area.name} open overdue actions": PanelAction.objects.filter(
            panel=panel, status__in=["not_started", "in_progress"], due_on__lt=today
        ).count(),
    }
    print(
        f"Data on {database_url.rsplit('/', 1)[-1]}: "
        + ", ".join(f"{name} {count:,}" for name, count in sizes.items())
    )
    proposed = agenda_propose(meeting=draft, now=now)
    print(
        f"agenda_propose for {draft}: {len(proposed)} children proposed; "
        f"tracker viewer {coordinator.username}; minutes of {held} for {chair.username}"
    )

    results = [
        _measure(
            f"agenda_propose ({area.name}, {len(proposed)} children)",
            lambda i: agenda_propose(meeting=draft, now=now),
            runs=runs,
            target_ms=PROPOSE_TARGET_MS,
            explain=args.explain,
        )
    ]

    if _wait_for("harbour.panels.actions", "action_tracker", args.wait_minutes):
        from harbour.panels.actions import TrackerFilters, action_tracker

        everything = action_tracker(
            viewer=coordinator, today=today, filters=TrackerFilters(scope="all"), page=1
        )
        print(
            f"tracker for {coordinator.username}: {everything.total:,} actions, "
            f"{everything.overdue_count:,} overdue, {everything.pages} pages"
        )
        results.append(
            _measure(
                "action tracker, coordinator, all (page 1)",
                lambda i: action_tracker(
                    viewer=coordinator, today=today, filters=TrackerFilters(scope="all"), page=1
                ),
                runs=runs,
                target_ms=TRACKER_TARGET_MS,
                explain=args.explain,
            )
        )
        results.append(
            _measure(
                "action tracker, coordinator, overdue only",
                lambda i: action_tracker(
                    viewer=coordinator,
                    today=today,
                    filters=TrackerFilters(scope="all", overdue_only=True),
                    page=1,
                ),
                runs=runs,
                target_ms=TRACKER_TARGET_MS,
                explain=args.explain,
            )
        )
        page = _tracker_page(coordinator, runs, args.explain)
        if page is not None:
            results.append(page)
    else:
        results.extend(_tracker_equivalent(coordinator, today, runs, args.explain))

    if _wait_for("harbour.panels.minutes", "render_minutes_pdf", args.wait_minutes):
        import ctypes.util
        import logging

        from harbour.panels.minutes import minutes_for, render_minutes_pdf

        # WeasyPrint warns on every PDF when it subsets fonts with fontTools: say it once.
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        if ctypes.util.find_library("harfbuzz-subset") is None:
            print("(no libharfbuzz-subset: WeasyPrint subsets fonts with the slower fontTools)")

        step = time.perf_counter()
        content = minutes_for(recipient=chair, meeting=held, now=now)
        content_s = time.perf_counter() - step
        step = time.perf_counter()
        pdf = render_minutes_pdf(content)
        print(
            f"minutes PDF of the 20-item meeting: {len(pdf):,} bytes; one run: minutes_for "
            f"{content_s * 1000:.0f} ms, render_minutes_pdf {time.perf_counter() - step:.1f} s"
        )
        results.append(
            _measure(
                "minutes PDF, 20-item meeting (minutes_for + PDF)",
                lambda i: render_minutes_pdf(minutes_for(recipient=chair, meeting=held, now=now)),
                runs=pdf_runs,
                target_ms=MINUTES_TARGET_MS,
                on="max",
                warmup=1,
                explain=args.explain,
            )
        )
    else:
        print("harbour.panels.minutes.render_minutes_pdf is not there yet: minutes not measured")

    summary = {
        "database": database_url.rsplit("/", 1)[-1],
        "sizes": sizes,
        "cpu_count": os.cpu_count(),
        "load_average_1_5_15": [round(load, 2) for load in os.getloadavg()],
        "results": results,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    written_to = out / ("panels-quick.json" if args.quick else "panels.json")
    written_to.write_text(json.dumps(summary, indent=2) + "\n")
    print(f"Load average while measuring (1, 5, 15 min): {summary['load_average_1_5_15']}")
    missed = [r["name"] for r in results if not r.get("met", True)]
    print(
        f"Written {written_to}; "
        + ("every target met" if not missed else f"targets NOT met: {'; '.join(missed)}")
    )


def _tracker_page(coordinator: Any, runs: int, explain: bool) -> dict[str, Any] | None:
    """The tracker page (``/panels/actions/``) through the full request stack, if it is there."""
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    client = Client()
    client.force_login(coordinator)
    try:
        status = client.get(reverse("panels:actions")).status_code
    except NoReverseMatch:
        status = 404
    if status != 200:
        print(f"the tracker page /panels/actions/ answers {status}: page not measured")
        return None

    def get(i: int) -> None:
        response = client.get("/panels/actions/")
        assert response.status_code == 200, response.status_code

    return _measure(
        "tracker page /panels/actions/ (coordinator)",
        get,
        runs=runs,
        target_ms=TRACKER_TARGET_MS,
        explain=explain,
    )


def _tracker_equivalent(
    coordinator: Any, today: datetime.date, runs: int, explain: bool
) -> list[dict[str, Any]]:
    """Stand-in while ``action_tracker`` does not exist: the rule's queryset, counted, with the
    overdue count and the first page of 50 (owner, agency, panel, item's child joined)."""
    from harbour.panels.models import OPEN_ACTION_STATUSES
    from harbour.panels.rules import panel_actions_visible_to

    print(
        "harbour.panels.actions.action_tracker is not there yet: measuring an EQUIVALENT query "
        "(panel_actions_visible_to + count + overdue count + first page of 50)"
    )

    def tracker(overdue_only: bool) -> Callable[[int], Any]:
        def run(i: int) -> Any:
            actions = panel_actions_visible_to(coordinator)
            overdue = actions.filter(status__in=OPEN_ACTION_STATUSES, due_on__lt=today)
            if overdue_only:
                actions = overdue
            total = actions.count()
            overdue_count = overdue.count()
            rows = list(
                actions.select_related("owner", "owner_agency", "panel", "item__person").order_by(
                    "due_on", "created_at"
                )[:50]
            )
            return total, overdue_count, rows

        return run

    return [
        _measure(
            "EQUIVALENT tracker query, all (page 1)",
            tracker(False),
            runs=runs,
            target_ms=TRACKER_TARGET_MS,
            explain=explain,
        ),
        _measure(
            "EQUIVALENT tracker query, overdue only",
            tracker(True),
            runs=runs,
            target_ms=TRACKER_TARGET_MS,
            explain=explain,
        ),
    ]


if __name__ == "__main__":
    main()
