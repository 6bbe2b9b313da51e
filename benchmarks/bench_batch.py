"""City batch (issue #15): the central box as 12 units on a 2-worker LocalCluster vs one run.

Run from the repository root::

    .venv/bin/python benchmarks/bench_batch.py                  # table
    .venv/bin/python benchmarks/bench_batch.py --json batch.json --workers 2

It writes a 4 × 3 unit boundary over the shared central-Shanghai box with
``scripts/make_test_boundary.py`` and a run config over it, then runs, each as a
fresh ``lifecircle`` command in its own process, one after the other:

- ``lifecircle run CONFIG`` over the whole boundary (the baseline: one process);
- ``lifecircle batch CONFIG --workers N`` (a LocalCluster of N single-threaded workers).

Reported: wall time of each command, the speed-up, the peak RSS of the baseline
process (``ru_maxrss`` of the child) and of each batch worker (the largest
``peak_rss_mb`` its units reported: a worker process's own peak), the
per-unit seconds, the seconds of the one OSM parse before the units (``osm_parsed_once_s``;
absent before the batch parsed once), the unit cost per km², and the seam check (every demand
point's minutes, every category, batch vs whole run, by ``demand_id``).
A projection for Shanghai (about 6,300 km²) follows from the measured cost per km²: the
batch's CPU seconds (steady under load) and the units' wall seconds (inflated by load).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import geopandas as gpd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.batch_seams import central_case, seam_differences  # noqa: E402

SHARED = Path(os.environ.get("LIFECIRCLE_SHARED_DATA", REPO.parent / "shared" / "data"))
CENTRAL = SHARED / "shanghai-central"
LIFECIRCLE = Path(sys.executable).with_name("lifecircle")
SHANGHAI_KM2 = 6_300.0


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(command: list[str]) -> tuple[float, float, float]:
    """Wall and CPU seconds of a command, and the peak RSS (MB) of its largest process so far.

    CPU seconds count the command and every descendant it waited for (the Dask
    nannies wait for their workers, the batch for its nannies).
    """
    cpu = _cpu_of_children()
    began = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    return seconds, _cpu_of_children() - cpu, peak


def _stage_seconds(summaries: list[Path]) -> dict[str, float]:
    """Seconds per stage of the runs' own progress timings, summed over the runs."""
    total: dict[str, float] = {}
    for path in summaries:
        timings = json.loads(path.read_text(encoding="utf-8")).get("timings_s", {})
        for stage, seconds in timings.items():
            total[stage] = round(total.get(stage, 0.0) + seconds, 1)
    return total


def run_case(folder: Path, workers: int, cols: int, rows: int) -> dict[str, Any]:
    config = central_case(folder, CENTRAL, cols, rows)
    area_km2 = float(gpd.read_file(folder / "units.gpkg").to_crs(32651).area.sum() / 1e6)
    load_before = os.getloadavg()[0]
    whole_s, whole_cpu, whole_rss = _timed(
        [str(LIFECIRCLE), "run", str(config), "--out", str(folder / "whole"), "--quiet"]
    )
    batch_s, batch_cpu, _ = _timed(
        [str(LIFECIRCLE), "batch", str(config), "--workers", str(workers), "--quiet"]
    )
    city = json.loads((folder / "out" / "city" / "summary.json").read_text(encoding="utf-8"))
    unit_s = [u["seconds"] for u in city["units"]]
    peaks: dict[str, float] = {}
    for unit in city["units"]:
        if unit["peak_rss_mb"] is not None:
            peaks[unit["worker"]] = max(peaks.get(unit["worker"], 0.0), unit["peak_rss_mb"])
    seams = seam_differences(folder / "whole", folder / "out")
    stages = {"whole run": _stage_seconds([folder / "whole" / "summary.json"])}
    stages["units, summed"] = _stage_seconds(sorted(folder.glob("out/units/*/summary.json")))
    per_km2 = sum(unit_s) / area_km2  # unit wall seconds (each on one worker) per km²
    cpu_per_km2 = batch_cpu / area_km2
    return {
        "machine": f"{platform.node()} {os.cpu_count()} cores",
        "area_km2": round(area_km2, 1),
        "units": len(unit_s),
        "workers": workers,
        "whole_run_s": round(whole_s, 1),
        "batch_s": round(batch_s, 1),
        "speed_up": round(whole_s / batch_s, 2),
        "whole_run_cpu_s": round(whole_cpu, 1),
        "batch_cpu_s": round(batch_cpu, 1),
        "load_1min_before_after": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "whole_run_peak_rss_mb": round(whole_rss, 1),
        "worker_peak_rss_mb": sorted(round(v, 1) for v in peaks.values()),
        "unit_s_min_median_max": [
            round(min(unit_s), 1),
            round(sorted(unit_s)[len(unit_s) // 2], 1),
            round(max(unit_s), 1),
        ],
        "unit_wall_s_per_km2": round(per_km2, 2),
        "batch_cpu_s_per_km2": round(cpu_per_km2, 2),
        "osm_parsed_once_s": city["engine"].get("osm_parse_s"),
        "status": city["units_count"],
        "seams": seams,
        "stage_s": stages,
        "shanghai_projection_h": {
            basis: {
                "2 cores": round(rate * SHANGHAI_KM2 / 2 / 3600, 2),
                "32 cores": round(rate * SHANGHAI_KM2 / 32 / 3600, 2),
            }
            for basis, rate in (("batch CPU s", cpu_per_km2), ("unit wall s", per_km2))
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cols", type=int, default=4)
    parser.add_argument("--rows", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if not (CENTRAL / "roads.osm").is_file():
        print(f"bench_batch: {CENTRAL / 'roads.osm'} not found", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        figures = run_case(Path(tmp), args.workers, args.cols, args.rows)
    text = json.dumps(figures, ensure_ascii=False, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
