"""End-to-end benchmark of one ``lifecircle run``: every stage side by side, in one run.

Run from the repository root::

    .venv/bin/python benchmarks/bench_e2e.py                         # all cases, table
    .venv/bin/python benchmarks/bench_e2e.py --cases central yichuan --json after.json
    .venv/bin/python benchmarks/bench_e2e.py --compare before.json after.json

Each case runs ``lifecircle.pipeline.run`` (the code behind ``lifecircle run``) in a fresh
interpreter, so imports, peak RSS (VmHWM) and caches are its own. Stage times are taken in
process, as wall and as CPU seconds of the process (on a loaded machine the CPU figures are
the steadier ones): ``read``, ``prepare`` and the analysis total come from the run's own progress
timings; the analysis is split by wrapping ``compute_access``, ``service_area_layer`` and
``gap_zones`` in ``analyses.subdistrict``, and the output by wrapping the GeoPackage/CSV
writers, ``write_workbook`` (tables.xlsx), ``write_maps`` and ``write_report`` in
``lifecircle.pipeline`` (no file is changed).
"other analyses" is the analysis total minus access, service areas and gap zones (the
three circles, care coverage, the demand and facility layers).

Cases: ``central`` (the whole shared central-Shanghai extract), ``yichuan`` (its Yichuan
sub-district box, as ``examples/yichuan_real_osm.py``), ``synthetic-10k`` and
``synthetic-100k`` (``bench_subdistrict.synthetic_layerset``: a jittered street grid of
k x k nodes with 2 demand points per node and 5 or 50 facilities per category, fed to the
run in place of the demo district). ``synthetic-1m`` exists but takes far longer than
the others. A case that exceeds ``--timeout`` is reported as not finished.

To compare against another revision, run the script there with ``--json before.json``
(it only needs ``lifecircle.pipeline.run``) and pass both files to ``--compare``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("LIFECIRCLE_SHARED_DATA", REPO.parent / "shared" / "data"))
CENTRAL = SHARED / "shanghai-central"
YICHUAN_BBOX = [121.425, 31.248, 121.452, 31.272]
#: name -> (grid side k, demand points, facilities per category)
SYNTHETIC = {
    "synthetic-10k": (100, 20_000, 5),
    "synthetic-100k": (316, 200_000, 50),
    "synthetic-1m": (1000, 2_000_000, 200),
}
CASES = ["central", "yichuan", "synthetic-10k", "synthetic-100k"]
STAGES = [
    "imports",
    "read",
    "prepare",
    "access",
    "service areas",
    "gap zones",
    "other analyses",
    "write gpkg/csv",
    "write xlsx",
    "maps",
    "report",
]
READ_STAGES = ("read sources", "synthetic layerset")
ANALYSIS_STAGE = "access, circles, service areas and gaps"


def _timed(
    namespace: Any, name: str, key: str, times: dict[str, float], cpu: dict[str, float]
) -> None:
    """Replace ``namespace.name`` by a wrapper adding its wall and CPU time to ``times``/``cpu``."""
    original: Callable[..., Any] = getattr(namespace, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start, start_cpu = time.perf_counter(), time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            times[key] = times.get(key, 0.0) + time.perf_counter() - start
            cpu[key] = cpu.get(key, 0.0) + time.process_time() - start_cpu
            _trace(f"{key}: {time.perf_counter() - start:.1f} s")

    setattr(namespace, name, wrapper)


def _trace(text: str) -> None:
    """A line on stderr as each stage ends (seen when the worker runs alone; kept on a timeout)."""
    stamp = f"[{time.strftime('%H:%M:%S')} peak {_peak_rss_mb():.0f} MB]"
    print(f"{stamp} {text}", file=sys.stderr, flush=True)


def _cpu_progress(progress_class: type) -> Any:
    """A quiet Progress that also records each stage's CPU time (s) in ``.cpu``."""

    class CpuProgress(progress_class):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            super().__init__(quiet=True)
            self.cpu: dict[str, float] = {}

        @contextmanager
        def stage(self, name: str) -> Iterator[dict[str, str]]:
            start = time.process_time()
            with super().stage(name) as info:
                yield info
            self.cpu[name] = time.process_time() - start
            _trace(f"{name}: done")

    return CpuProgress()


def worker(case: str, out_dir: Path) -> dict[str, Any]:
    """Run one case in this process and return its stage times (s) and peak RSS (MB)."""
    start = time.perf_counter()
    import lifecircle.analyses.subdistrict as subdistrict
    import lifecircle.pipeline as pipeline
    from lifecircle.config import RunConfig
    from lifecircle.progress import Progress

    times: dict[str, float] = {"imports": time.perf_counter() - start}
    cpu: dict[str, float] = {"imports": time.process_time()}
    for name, key in [
        ("compute_access", "access"),
        ("service_area_layer", "service areas"),
        ("gap_zones", "gap zones"),
    ]:
        _timed(subdistrict, name, key, times, cpu)
    for name, key in [
        ("write_gpkg_layers", "write gpkg/csv"),
        ("write_csv", "write gpkg/csv"),
        ("write_workbook", "write xlsx"),
        ("write_maps", "maps"),
        ("write_report", "report"),
    ]:
        _timed(pipeline, name, key, times, cpu)
    progress = _cpu_progress(Progress)
    demo = case.startswith("synthetic")
    if demo:
        sys.path.insert(0, str(REPO))
        from benchmarks.bench_subdistrict import synthetic_layerset

        k, n_demand, per_category = SYNTHETIC[case]

        def synthetic(profile: Any, progress: Progress) -> Any:
            with progress.stage("synthetic layerset"):
                layerset = synthetic_layerset(k, n_demand, per_category, list(profile.categories))
            layerset.meta["name"] = case
            layerset.meta["population"] = _population_info(layerset)
            return layerset

        pipeline.demo_layerset = synthetic
        config = RunConfig(output=out_dir)
    else:
        bbox = YICHUAN_BBOX if case == "yichuan" else None
        config = RunConfig(
            osm=[CENTRAL / "roads.osm"], geofabrik=[CENTRAL / "geofabrik"], bbox=bbox,
            output=out_dir,
        )
    outputs = pipeline.run(config, demo=demo, progress=progress)
    wall = time.perf_counter() - start
    done = progress.timings
    for measured, split in ((times, done), (cpu, progress.cpu)):
        measured["read"] = sum(split.get(name, 0.0) for name in READ_STAGES)
        measured["prepare"] = sum(
            seconds for name, seconds in split.items()
            if name not in (*READ_STAGES, ANALYSIS_STAGE, "write outputs", "maps and report")
        )
        measured["other analyses"] = split[ANALYSIS_STAGE] - sum(
            measured.get(key, 0.0) for key in ("access", "service areas", "gap zones")
        )
    network = outputs.summary["network"]
    page = out_dir / "maps" / "life_circle.html"
    return {
        "case": case,
        "nodes": network["nodes"],
        "demand_points": outputs.summary["population"]["demand_points"],
        "facilities": len(outputs.layerset.facilities),
        "stages_s": {stage: round(times.get(stage, 0.0), 3) for stage in STAGES},
        "stages_cpu_s": {stage: round(cpu.get(stage, 0.0), 3) for stage in STAGES},
        "wall_s": round(wall, 3),
        "cpu_s": round(sum(os.times()[:2]), 3),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "life_circle_html_mb": round(page.stat().st_size / 1e6, 2) if page.exists() else None,
    }


def _population_info(layerset: Any) -> dict[str, Any]:
    """What the run reports about placing people, for demand that already has residents."""
    residents = float(layerset.demand["residents"].sum())
    return {
        "method": "grid", "placement": "grid", "study_area_km2": layerset.study_area.area / 1e6,
        "floor_area_per_person_m2": 0.0, "grid_density_per_km2": 0.0,
        "sparse_threshold_per_km2": 0.0, "untyped_buildings": "ignore",
        "min_untyped_footprint_m2": 0.0, "max_snap_m": 250.0, "buildings_total": 0,
        "buildings_used": 0, "buildings_ignored": {}, "building_residents": 0.0,
        "grid_cells": len(layerset.demand), "grid_residents": residents,
    }


def _peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


def run_case(case: str, timeout_s: float) -> dict[str, Any]:
    """One case in a fresh interpreter (output in a temporary folder)."""
    with tempfile.TemporaryDirectory(prefix="bench-e2e-") as tmp:
        cmd = [sys.executable, __file__, "--worker", case, str(Path(tmp) / "run")]
        try:
            res = subprocess.run(
                cmd, capture_output=True, text=True, timeout=timeout_s, cwd=REPO, check=False
            )
        except subprocess.TimeoutExpired:
            return {"case": case, "error": f"not finished in {timeout_s:.0f} s"}
    if res.returncode != 0:
        return {"case": case, "error": res.stderr.strip().splitlines()[-1:]}
    return json.loads(res.stdout.strip().splitlines()[-1])


def machine() -> dict[str, Any]:
    """Where and when the figures were measured (load matters on a shared machine)."""
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "revision": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO,
            check=False,
        ).stdout.strip(),
    }


def print_case(r: dict[str, Any], before: dict[str, Any] | None = None) -> None:
    """A markdown table of one case's stages (with a 'before' column when given)."""
    if "error" in r:
        print(f"\n### {r['case']}: {r['error']}")
        return
    print(
        f"\n### {r['case']}: {r['nodes']:,} nodes, {r['demand_points']:,} demand points, "
        f"{r['facilities']:,} facilities"
    )
    old = before if before and "error" not in before else None
    if before and "error" in before:
        print(f"(before: {before['error']})")
    print("\n| stage | " + ("before s (CPU s) | " if old else "") + "s (CPU s) |")
    print("|---|" + ("---:|" if old else "") + "---:|")
    rows = [(stage, _both(r, stage), old and _both(old, stage)) for stage in STAGES]
    rows += [
        ("**wall**", r["wall_s"], old and old["wall_s"]),
        ("CPU (user + system)", r["cpu_s"], old and old["cpu_s"]),
        ("peak RSS MB", r["peak_rss_mb"], old and old["peak_rss_mb"]),
        ("life_circle.html MB", r["life_circle_html_mb"], old and old["life_circle_html_mb"]),
        ("(service areas + gap zones) / access", _ratio(r), old and _ratio(old)),
    ]
    for name, now, then in rows:
        print(f"| {name} | " + (f"{then} | " if old else "") + f"{now} |")


def _both(r: dict[str, Any], stage: str) -> str:
    if stage not in r["stages_s"]:  # a stage an older copy of this script did not time
        return "—"
    return f"{r['stages_s'][stage]:.2f} ({r['stages_cpu_s'][stage]:.2f})"


def _ratio(r: dict[str, Any]) -> str:
    """(service areas + gap zones) / access, by wall time and by CPU time."""
    wall, cpu = (
        (s["service areas"] + s["gap zones"]) / max(s["access"], 1e-9)
        for s in (r["stages_s"], r["stages_cpu_s"])
    )
    return f"{wall:.1f} ({cpu:.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", default=CASES,
                        choices=[*CASES, "synthetic-1m"])
    parser.add_argument("--timeout", type=float, default=600.0, help="per case, seconds")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"),
                        help="print two earlier --json results side by side")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker[0], Path(args.worker[1]))))
        return
    if args.compare:
        before, after = (json.loads(path.read_text()) for path in args.compare)
        print(f"before: {before['machine']}\nafter: {after['machine']}")
        old = {r["case"]: r for r in before["results"]}
        for r in after["results"]:
            print_case(r, old.get(r["case"]))
        return
    results = []
    for case in args.cases:
        results.append(run_case(case, args.timeout))
        print_case(results[-1])
    report = {"machine": machine(), "results": results}
    print(f"\n{report['machine']}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
