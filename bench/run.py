"""Front-door benchmark on PostgreSQL: ``make bench`` (or ``python -m bench.run``).

Seeds (once) a large synthetic partnership into its own database, then measures, in process
through Django's full request stack (middleware, access policy, audit writes, templates):

- the triage queue page for a front-door practitioner of the busiest borough;
- a person page;
- intake matching: "who already knows this child" for one new child's details;
- person search by name.

Prints median and 95th percentile per measure and writes ``bench/results/latest.json``.
Targets on a 2-core machine: p95 < 150 ms per page, < 250 ms for intake matching.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/harbour_bench"


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = max(0, min(len(ordered) - 1, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def _measure(name: str, action: Callable[[int], None], runs: int, warmup: int = 5) -> dict:
    for i in range(warmup):
        action(i)
    samples = []
    for i in range(runs):
        started = time.perf_counter()
        action(warmup + i)
        samples.append((time.perf_counter() - started) * 1000)
    result = {
        "name": name,
        "runs": runs,
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(_percentile(samples, 0.95), 1),
        "max_ms": round(max(samples), 1),
    }
    print(f"{name:<38} median {result['median_ms']:>7.1f} ms   p95 {result['p95_ms']:>7.1f} ms")
    return result


def _ensure_seeded(database_url: str, persons: int, referrals: int) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_DEBUG": "1"}
    name = database_url.rsplit("/", 1)[-1]
    host_url = database_url.rsplit("/", 1)[0]
    exists = subprocess.run(
        [
            "psql",
            f"{host_url}/postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname='{name}'",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--verbosity", "0"], env=env, check=True, cwd=ROOT)
    count = subprocess.run(
        ["psql", database_url, "-tAc", "SELECT count(*) FROM people_person"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if int(count or 0) >= persons:
        print(f"Using the seeded database {name}: {count} persons")
        # A migration may have added a column since: planner statistics must know it.
        subprocess.run(["psql", database_url, "-qc", "ANALYZE"], check=True)
        return
    scale = persons / 2000
    print(f"Seeding {name}: {persons} persons, {referrals} referrals (takes a few minutes)")
    subprocess.run(
        [*manage, "seed_demo", "--scale", str(scale), "--referrals", str(referrals), "--seed", "1"],
        env=env,
        check=True,
        cwd=ROOT,
    )
    subprocess.run(["psql", database_url, "-qc", "VACUUM ANALYZE"], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--referrals", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()

    _ensure_seeded(args.database_url, args.persons, args.referrals)

    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from harbour.access.policy import person_visible_to
    from harbour.accounts.models import Role, User
    from harbour.assessments.catalogue import catalogue_for_area
    from harbour.assessments.suggestion import AnswerInput, suggest
    from harbour.cases.models import Case
    from harbour.demo.casework import add_busy_child, busy_child, seed_casework
    from harbour.demo.missing import seed_missing
    from harbour.matching.scorer import ChildDetails
    from harbour.matching.services import match_child_for_viewer
    from harbour.oversight.selectors import interviews_offered_in_time
    from harbour.people.models import Person
    from harbour.referrals.models import Referral

    written = seed_casework(seed=1, now=timezone.now())
    written["busy child events"] = add_busy_child(seed=1, now=timezone.now())
    written["missing episodes"] = seed_missing(
        seed=1, now=timezone.now(), episodes=300_000, years=5
    )
    if any(written.values()):
        print("Casework written:", ", ".join(f"{k} {v}" for k, v in written.items()))
        subprocess.run(["psql", args.database_url, "-qc", "VACUUM ANALYZE"], check=True)

    rng = random.Random(2026)
    busiest_area_id = (
        Referral.objects.values("area_id").annotate(n=Count("id")).order_by("-n")[0]["area_id"]
    )
    front_door = User.objects.filter(
        memberships__role=Role.FRONT_DOOR, memberships__agency__areas__id=busiest_area_id
    ).first()
    assert front_door is not None, "the seed has no front-door user for the busiest area"
    client = Client()
    client.force_login(front_door)

    visible_ids = list(person_visible_to(front_door).values_list("pk", flat=True)[:5000])
    sample_people = list(
        Person.objects.filter(pk__in=rng.sample(visible_ids, min(200, len(visible_ids))))
    )
    surnames = [p.last_name for p in sample_people]

    def typo(name: str) -> str:
        if len(name) < 4:
            return name
        i = rng.randrange(1, len(name) - 1)
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]

    def get(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    from harbour.accounts.models import Area

    all_area_ids = frozenset(Area.objects.values_list("pk", flat=True))
    coordinator = User.objects.filter(memberships__role=Role.COORDINATOR).first()
    coordinator_client = Client()
    coordinator_client.force_login(coordinator)

    def coordinator_get(url: str) -> None:
        response = coordinator_client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    def chronology_get(url: str) -> None:
        response = chronology_client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    at_risk_cases = list(
        Case.objects.filter(area_id=busiest_area_id).select_related("person")[:200]
    )
    busy = busy_child()
    chronology_reader = User.objects.filter(
        memberships__role=Role.FRONT_DOOR, memberships__agency__areas__id=busy.home_area_id
    ).first()
    chronology_client = Client()
    chronology_client.force_login(chronology_reader)

    def submit_assessment(i: int) -> None:
        person = at_risk_cases[i % len(at_risk_cases)].person
        catalogue = catalogue_for_area(person.home_area.code if person.home_area else None)
        data = {
            "catalogue": catalogue.label,
            "started_from": "review",
            "level": "",
            "rationale": "Reviewed with the child and their carer; risk unchanged.",
            "seen_alone": "yes",
            "child_said": "I feel safer now I am back at school.",
            "action": "complete",
        }
        answers = {}
        for n, indicator in enumerate(catalogue.indicators):
            if n % 7 == 0:
                answers[indicator.id] = AnswerInput(
                    "yes", "last_6_months" if indicator.asks_recency else "", "Seen by school."
                )
                data[f"answer_{indicator.id}"] = "yes"
                data[f"narrative_{indicator.id}"] = "Seen by school."
                if indicator.asks_recency:
                    data[f"recency_{indicator.id}"] = "last_6_months"
            else:
                answers[indicator.id] = AnswerInput("no")
                data[f"answer_{indicator.id}"] = "no"
        suggestion = suggest(catalogue=catalogue, answers=answers, age=person.age_on())
        data["suggested_level_seen"] = suggestion.level
        data["level"] = suggestion.level
        response = client.post(f"/assessments/new/?person={person.pk}", data)
        assert response.status_code == 302, response.content.decode()[:2000]

    results = [
        _measure("triage queue page", lambda i: get("/referrals/queue/"), args.runs),
        _measure(
            "triage queue page 5",
            lambda i: get("/referrals/queue/?page=5"),
            args.runs,
        ),
        _measure(
            "person page",
            lambda i: get(f"/people/{sample_people[i % len(sample_people)].pk}/"),
            args.runs,
        ),
        _measure(
            "intake matching (one new child)",
            lambda i: match_child_for_viewer(
                viewer=front_door,
                details=ChildDetails(
                    first_names=sample_people[i % len(sample_people)].first_names,
                    last_name=typo(sample_people[i % len(sample_people)].last_name),
                    date_of_birth=sample_people[i % len(sample_people)].date_of_birth,
                ),
            ),
            args.runs,
        ),
        _measure(
            "person search page (surname)",
            lambda i: get(f"/people/?q={surnames[i % len(surnames)]}"),
            args.runs,
        ),
        _measure("assessment form submit", submit_assessment, args.runs),
        _measure(
            "coordinator missing page",
            lambda i: coordinator_get("/oversight/missing/"),
            args.runs,
        ),
        _measure(
            "72-hour measure, by borough and month",
            lambda i: interviews_offered_in_time(
                viewer=coordinator, area_ids=all_area_ids, months=60
            ),
            args.runs,
        ),
        _measure(
            "case page",
            lambda i: get(f"/cases/{at_risk_cases[i % len(at_risk_cases)].pk}/"),
            args.runs,
        ),
        _measure(
            f"chronology page ({busy.chronology.count()} events)",
            lambda i: chronology_get(f"/people/{busy.pk}/chronology/"),
            args.runs,
        ),
    ]
    summary = {
        "database": args.database_url.rsplit("/", 1)[-1],
        "persons": Person.objects.count(),
        "referrals": Referral.objects.count(),
        "cpu_count": os.cpu_count(),
        "results": results,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(summary, indent=2))
    print(
        f"{summary['persons']} persons, {summary['referrals']} referrals; "
        f"written {out / 'latest.json'}"
    )


if __name__ == "__main__":
    main()
