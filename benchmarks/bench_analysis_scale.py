"""The analysis of a synthetic city alone (no outputs): where a 1M-node run's time and memory go.

Run from the repository root, one case per process (peak memory is the process's)::

    .venv/bin/python benchmarks/bench_analysis_scale.py synthetic-1m
    .venv/bin/python benchmarks/bench_analysis_scale.py synthetic-100k

Builds ``bench_subdistrict.synthetic_layerset`` for the case of ``bench_e2e.py`` and runs
``analyses.subdistrict.analyse`` on it (access, the circles, service areas, gap zones,
output frames), timing access, service areas and gap zones as ``bench_e2e.py`` does
(wall and CPU seconds; service areas and gap zones use both cores). Nothing is written,
so it runs where the whole ``lifecircle run`` of the case would not fit in time or
memory. Each stage's peak resident memory is printed as it ends.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.bench_e2e import SYNTHETIC, _timed  # noqa: E402
from benchmarks.bench_subdistrict import synthetic_layerset  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", choices=sorted(SYNTHETIC))
    args = parser.parse_args()
    import lifecircle.analyses.subdistrict as subdistrict
    from lifecircle.standards.profile import load_profile

    times: dict[str, float] = {}
    cpu: dict[str, float] = {}
    for name, key in [
        ("compute_access", "access"),
        ("service_area_layer", "service areas"),
        ("gap_zones", "gap zones"),
    ]:
        _timed(subdistrict, name, key, times, cpu)
    profile = load_profile("shanghai")
    k, n_demand, per_category = SYNTHETIC[args.case]
    start = time.perf_counter()
    layerset = synthetic_layerset(k, n_demand, per_category, list(profile.categories))
    built = time.perf_counter() - start
    start, start_cpu = time.perf_counter(), time.process_time()
    subdistrict.analyse(layerset, profile)
    wall, used = time.perf_counter() - start, time.process_time() - start_cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n### {args.case}: {k * k:,} nodes, {n_demand:,} demand points (analysis only)\n")
    print("| stage | wall s | CPU s |\n|---|---:|---:|")
    print(f"| synthetic LayerSet | {built:.1f} | |")
    for key in ("access", "service areas", "gap zones"):
        print(f"| {key} | {times.get(key, 0.0):.1f} | {cpu.get(key, 0.0):.1f} |")
    print(f"| **analyse, all** | {wall:.1f} | {used:.1f} |")
    print(f"\npeak RSS {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
