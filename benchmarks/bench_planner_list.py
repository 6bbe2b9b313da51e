"""Benchmark of a planner's large facility list (issue #12, section 7).

Run from the repository root::

    .venv/bin/python benchmarks/bench_planner_list.py                     # 5k, 20k, 100k
    .venv/bin/python benchmarks/bench_planner_list.py --sizes 5000        # one size
    .venv/bin/python benchmarks/bench_planner_list.py --analyse-up-to 0   # access only

Workload: the real central-Shanghai OSM roads and Geofabrik POIs (``../shared/data``),
study area the Yichuan Road sub-district, plus a CSV facility list of N rows written
the way a bureau sends it: random points inside the study area, one of the profile's
real category ids per row (``类别``), a name, beds and floor area. The list is read
through the planner-file path (``facilities: [{path, columns}]``), classified and
assembled with the OSM facilities.

Timed, wall-clock seconds, one run each (the machine is shared, so expect noise):

* ``load`` — reading sources and the CSV, classification, demand grid;
* ``access`` — ``compute_access`` (walk graph, snapping, nearest facility per category);
* ``analyse`` — the whole ``analyse()`` with that access table (circles, 2SFCA
  catchments, service-area polygons, gap zones);
* ``of which service areas`` — ``service_area_layer`` alone, run again on its own, so
  the share of the polygons in ``analyse`` shows.

* ``analyse without service areas`` — ``analyse()`` again with ``service_area_layer``
  swapped for one that returns an empty layer (``--rest``), which measures everything
  else the access stage does at sizes where the polygons would take many minutes.

``--analyse-up-to N`` skips the full ``analyse`` above N planner rows (its service areas
take minutes there); those cells print ``not run``.
"""

from __future__ import annotations

import argparse
import contextlib
import platform
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import lifecircle.analyses.subdistrict as subdistrict
from lifecircle.analyses.access import compute_access
from lifecircle.analyses.service_area_layer import service_area_layer
from lifecircle.analyses.subdistrict import analyse
from lifecircle.api import load_layers
from lifecircle.standards.profile import load_profile

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "shanghai-central"
YICHUAN_BBOX = (121.425, 31.248, 121.452, 31.272)


def write_facility_csv(path: Path, n: int, categories: list[str], seed: int = 0) -> Path:
    """A facility list of ``n`` rows: random WGS84 points inside the study-area box."""
    rng = np.random.default_rng(seed)
    west, south, east, north = YICHUAN_BBOX
    frame = pd.DataFrame(
        {
            "编号": [f"F{i:06d}" for i in range(n)],
            "名称": [f"设施{i}" for i in range(n)],
            "类别": rng.choice(categories, n),
            "lon": rng.uniform(west, east, n).round(6),
            "lat": rng.uniform(south, north, n).round(6),
            "床位": rng.integers(10, 200, n),
            "建筑面积": rng.uniform(200, 3000, n).round(1),
        }
    )
    frame.to_csv(path, index=False, encoding="utf-8")
    return path


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - start


@contextlib.contextmanager
def without_service_areas():
    """Within the block, ``analyse`` draws no service-area polygons (an empty layer)."""

    def empty(access, layerset, profile):
        return gpd.GeoDataFrame({"category": []}, geometry=[], crs=layerset.crs)

    original = subdistrict.service_area_layer
    subdistrict.service_area_layer = empty
    try:
        yield
    finally:
        subdistrict.service_area_layer = original


def run_size(
    n: int, analyse_up_to: int, rest: bool, folder: Path
) -> dict[str, float | int | None]:
    profile = load_profile("shanghai")
    csv = write_facility_csv(folder / f"facilities_{n}.csv", n, list(profile.categories))
    spec = {
        "path": csv,
        "crs": "EPSG:4326",
        "columns": {
            "facility_id": "编号",
            "name": "名称",
            "category": "类别",
            "capacity": "床位",
            "floor_area_m2": "建筑面积",
        },
    }
    layers, load_s = timed(
        load_layers,
        osm=DATA / "roads.osm",
        geofabrik=DATA / "geofabrik",
        bbox=YICHUAN_BBOX,
        profile=profile,
        facilities=[spec],
    )
    access, access_s = timed(compute_access, layers, profile)
    row: dict[str, float | int | None] = {
        "facilities": len(layers.facilities),
        "demand": len(layers.demand),
        "load": load_s,
        "access": access_s,
        "analyse": None,
        "service_areas": None,
        "rest": None,
    }
    if n <= analyse_up_to:
        _, row["analyse"] = timed(analyse, layers, profile, access=access)
        _, row["service_areas"] = timed(service_area_layer, access, layers, profile)
    if rest:
        with without_service_areas():
            _, row["rest"] = timed(analyse, layers, profile, access=access)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,20000,100000", help="comma-separated N")
    parser.add_argument("--analyse-up-to", type=int, default=20_000)
    parser.add_argument("--rest", action="store_true", help="also analyse without polygons")
    args = parser.parse_args()
    if not (DATA / "roads.osm").is_file():
        sys.exit(f"needs the central-Shanghai data in {DATA}")
    print(f"{platform.machine()}, Python {platform.python_version()}, {time.strftime('%F %R')}")
    print("\n| planner rows | facilities | demand points | load s | access s | analyse s "
          "| service areas alone s | analyse without service areas s |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")

    def cell(value: float | None) -> str:
        return "not run" if value is None else f"{value:.2f}"

    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            row = run_size(n, args.analyse_up_to, args.rest, Path(tmp))
            print(
                f"| {n:,} | {row['facilities']:,} | {row['demand']:,} | {cell(row['load'])} "
                f"| {cell(row['access'])} | {cell(row['analyse'])} "
                f"| {cell(row['service_areas'])} | {cell(row['rest'])} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
