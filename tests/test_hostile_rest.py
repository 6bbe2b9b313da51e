"""Study areas, sub-units, population counts and map keys that cannot mislead (issue #12).

Each hostile input must exit 2 in-process with what/where/fix and no traceback, and
leave no output folder. Then the cases that must work: sub-unit boundaries that
overlap by digitising slivers are trimmed, so every unit keeps its residents.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import lifecircle.analyses.care_coverage as care_module
import lifecircle.analyses.fitness_circle as fitness_module
from lifecircle.analyses.access import AccessTable, compute_access
from lifecircle.analyses.care_coverage import care_coverage
from lifecircle.analyses.fitness_circle import fitness_circle
from lifecircle.analyses.two_step import facility_catchments
from lifecircle.cli import EXIT_USER_ERROR, main
from lifecircle.layers.assemble import SLIVER_SHARE, trim_unit_overlaps
from lifecircle.layers.layerset import LayerSet
from lifecircle.layers.population import spread_area_counts
from lifecircle.spatial.catchments import catchments
from lifecircle.spatial.errors import LifecircleError
from lifecircle.standards.profile import load_profile
from tests.osm_fixtures import grid_osm, lonlat

FAST = ["--quiet", "--basemap", "none"]
KINDERGARTEN = {"amenity": "kindergarten", "name": "测试幼儿园"}


def osm_lines(path: Path, ways: list[list[tuple[float, float]]]) -> Path:
    """An OSM file of residential ways through the given (lon, lat) points."""
    nodes, refs = [], []
    for way in ways:
        ids = []
        for lon, lat in way:
            nodes.append(f'<node id="{len(nodes) + 1}" lat="{lat:.7f}" lon="{lon:.7f}"/>')
            ids.append(len(nodes))
        refs.append(ids)
    xml_ways = [
        f'<way id="{k + 1}">{"".join(f"<nd ref={chr(34)}{i}{chr(34)}/>" for i in ids)}'
        '<tag k="highway" v="residential"/></way>'
        for k, ids in enumerate(refs)
    ]
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6">\n'
        + "\n".join(nodes + xml_ways)
        + "\n</osm>\n",
        encoding="utf-8",
    )
    return path


def units_file(path: Path, boxes_m: list[tuple[float, float, float, float]]) -> Path:
    """A boundary GeoJSON of named units, boxes given in metres from the fixture origin."""
    polygons = [shapely.box(*lonlat(x0, y0), *lonlat(x1, y1)) for x0, y0, x1, y1 in boxes_m]
    names = [f"居委{i + 1}" for i in range(len(boxes_m))]
    frame = gpd.GeoDataFrame({"name": names}, geometry=polygons, crs=4326)
    frame.to_file(path, driver="GeoJSON")
    return path


def assert_refused(argv: list[str], out: Path, capsys, *expected: str) -> str:
    """Exit 2, what/where/fix, no traceback, no output folder; returns the message."""
    assert main([*argv, "--out", str(out)]) == EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "error:" in err and "\nWhere:" in err and "\nFix:" in err, err
    for text in expected:
        assert text in err, (text, err)
    assert not out.exists()
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".partial-")]
    return err


@pytest.fixture()
def grid(tmp_path) -> Path:
    return grid_osm(tmp_path / "grid.osm", facilities=[(200, 200, KINDERGARTEN)])


def bbox_of(x0: float, y0: float, x1: float, y1: float) -> str:
    return ",".join(f"{v:.6f}" for v in (*lonlat(x0, y0), *lonlat(x1, y1)))


# ---- study areas ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nodes", "expected"), [(1, "hold no roads"), (2, "span no area"), (5, "span no area")]
)
def test_a_point_or_straight_street_without_bbox_does_not_blame_a_bbox(
    tmp_path, capsys, nodes, expected
):
    street = [lonlat(0, 100 * i) for i in range(nodes)]
    osm = osm_lines(tmp_path / "street.osm", [street])
    err = assert_refused(["run", "--osm", str(osm), *FAST], tmp_path / "out", capsys, expected)
    where = next(line for line in err.splitlines() if line.startswith("Where:"))
    assert "street.osm" in where and "--bbox W,S,E,N" not in where
    assert "bounding box" not in err


@pytest.mark.parametrize(
    "bbox", ["-179,-80,179,80", "-180,-90,180,90", "100,20,140,40", "121.0,31.0,122.5,31.2"]
)
def test_a_bbox_larger_than_a_district_is_refused_as_too_large(tmp_path, capsys, grid, bbox):
    err = assert_refused(
        ["run", "--osm", str(grid), f"--bbox={bbox}", *FAST],
        tmp_path / "out",
        capsys,
        "too large for a sub-district",
        "--bbox W,S,E,N",
    )
    assert "holds no roads" not in err


def test_roads_spread_over_a_province_without_bbox_are_refused_as_too_large(tmp_path, capsys):
    far = [lonlat(0, 0), lonlat(0, 100)], [lonlat(200_000, 0), lonlat(200_000, 100)]
    osm = osm_lines(tmp_path / "two_cities.osm", list(far))
    assert_refused(
        ["run", "--osm", str(osm), *FAST], tmp_path / "out", capsys, "too large", "no --bbox"
    )


def test_a_boundary_larger_than_a_district_is_refused(tmp_path, capsys, grid):
    boundary = units_file(tmp_path / "b.geojson", [(0, 0, 150_000, 500)])
    assert_refused(
        ["run", "--osm", str(grid), "--boundary", str(boundary), *FAST],
        tmp_path / "out",
        capsys,
        "too large",
        "study area boundary",
    )


def test_a_district_sized_bbox_still_runs(tmp_path, grid):
    assert main(["run", "--osm", str(grid), f"--bbox={bbox_of(50, 50, 450, 450)}", *FAST,
                 "--out", str(tmp_path / "out")]) == 0


# ---- overlapping sub-units --------------------------------------------------------------


def test_units_overlapping_beyond_a_sliver_are_refused_with_names_and_area(
    tmp_path, capsys, grid
):
    boundary = units_file(tmp_path / "b.geojson", [(50, 50, 450, 450), (100, 100, 300, 300)])
    assert_refused(
        ["run", "--osm", str(grid), "--boundary", str(boundary), *FAST],
        tmp_path / "out",
        capsys,
        "overlap",
        "居委1",
        "居委2",
        "m²",
        "100.0% of the smaller",
    )


def _unit_frame(boxes: list[tuple[float, float, float, float]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"unit_id": [f"u{i}" for i in range(len(boxes))],
         "name": [f"n{i}" for i in range(len(boxes))]},
        geometry=[shapely.box(*b) for b in boxes],
        crs=32651,
    )


@pytest.mark.parametrize("overlap_m", [0.5, 2.0, 3.9])
def test_sliver_overlaps_are_cut_from_the_later_unit_and_reported(overlap_m):
    # three 400 m wide units in a row, each overlapping the next by overlap_m
    boxes = [(i * 400 - (overlap_m if i else 0), 0, (i + 1) * 400, 400) for i in range(3)]
    units = _unit_frame(boxes)
    report: list[dict] = []
    trimmed = trim_unit_overlaps(units, report)
    geoms = trimmed.geometry.values
    assert shapely.area(geoms[0]) == pytest.approx(400 * 400)
    for later in (1, 2):
        assert shapely.area(geoms[later]) == pytest.approx(400 * 400)
    pairs = [shapely.area(shapely.intersection(geoms[i], geoms[j])) for i, j in [(0, 1), (1, 2)]]
    assert max(pairs) < 1e-6
    lost = shapely.symmetric_difference(
        shapely.union_all(geoms), shapely.union_all(units.geometry.values)
    )
    assert shapely.area(lost) < 1e-6  # nothing lost, nothing added
    assert len(report) == 1 and report[0]["count"] == 2
    assert "n0 (u0) and n1 (u1)" in report[0]["detail"]


def test_an_overlap_at_the_sliver_limit_is_refused():
    side = 400.0
    overlap_m = SLIVER_SHARE * side * 1.01  # just over the share of the smaller unit
    units = _unit_frame([(0, 0, side, side), (side - overlap_m, 0, 2 * side, side)])
    with pytest.raises(LifecircleError, match="n0 \\(u0\\) and n1 \\(u1\\)"):
        trim_unit_overlaps(units, [])


def test_touching_units_are_left_as_they_are():
    units = _unit_frame([(0, 0, 400, 400), (400, 0, 800, 400), (0, 400, 800, 800)])
    report: list[dict] = []
    out = trim_unit_overlaps(units, report)
    assert report == []
    assert all(a.equals(b) for a, b in zip(out.geometry, units.geometry, strict=True))


def test_units_with_a_sliver_overlap_each_keep_their_residents(tmp_path, grid):
    # two halves of the grid whose shared edge was digitised 1 m too wide (0.5% of a unit)
    boundary = units_file(tmp_path / "b.geojson", [(50, 50, 251, 450), (250, 50, 450, 450)])
    out = tmp_path / "out"
    assert main(["run", "--osm", str(grid), "--boundary", str(boundary), *FAST,
                 "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    units = summary["life_circle"]["units"]
    assert [u["name"] for u in units] == ["居委1", "居委2"]
    residents = np.array([u["residents"] for u in units])
    assert (residents > 0).all()
    demand = gpd.read_file(out / "results.gpkg", layer="demand")
    assert demand["unit_id"].notna().all()
    assert residents.sum() == pytest.approx(demand["residents"].sum(), rel=1e-9)
    issues = [entry["issue"] for entry in summary["input_report"]]
    assert any("overlaps" in issue and "trimmed" in issue for issue in issues)


# ---- population counts per area ----------------------------------------------------------


def _areas_run(tmp_path: Path, grid: Path, residents: list, elderly: list) -> list[str]:
    halves = [(50, 50, 250, 450), (250, 50, 450, 450), (50, 450, 450, 460)]
    polygons = [shapely.box(*lonlat(x0, y0), *lonlat(x1, y1)) for x0, y0, x1, y1 in halves]
    frame = gpd.GeoDataFrame(
        {"常住人口": residents, "老年人口": elderly}, geometry=polygons[: len(residents)], crs=4326
    )
    frame.to_file(tmp_path / "areas.geojson", driver="GeoJSON")
    config = tmp_path / "run.yml"
    config.write_text(
        f"sources: {{osm: {grid}}}\nstudy_area: {{bbox: [{bbox_of(50, 50, 450, 450)}]}}\n"
        "population:\n  areas: {path: areas.geojson, "
        "columns: {residents: 常住人口, elderly: 老年人口}}\n",
        encoding="utf-8",
    )
    return ["run", str(config), *FAST]


@pytest.mark.parametrize(
    ("residents", "elderly", "expected"),
    [
        ([1000, 800], [300, 900], ["more elderly than residents", "features 2 (", "900"]),
        ([1000, 800, 50], [1001, 100, 60], ["more elderly than residents", "features 1, 3 ("]),
        ([1000, 800], [-5, 100], ["negative elderly", "features 1 ("]),
        ([1000, -1], [10, 0], ["negative resident count", "features 2 ("]),
    ],
)
def test_impossible_counts_per_area_are_refused_with_the_row(
    tmp_path, capsys, grid, residents, elderly, expected
):
    argv = _areas_run(tmp_path, grid, residents, elderly)
    assert_refused(argv, tmp_path / "out", capsys, "areas.geojson", *expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("人口.csv", "rows 3, 6 (row numbers as Excel shows them: the header is row 1)"),
        ("人口.gpkg", "features 2, 5 (counted from 1 in file order)"),
    ],
)
def test_rows_are_named_as_the_planner_counts_them(source, expected):
    # the reader dropped the third row (label 2): labels keep the file's own numbering
    labels = [0, 1, 3, 4]
    areas = gpd.GeoDataFrame(
        {"residents": [10, 5, 10, 5], "elderly": [1, 6, 2, 9]},
        geometry=[shapely.box(i, 0, i + 1, 1) for i in range(4)],
        index=labels,
        crs=32651,
    )
    targets = gpd.GeoDataFrame(geometry=[shapely.Point(0.5, 0.5)], crs=32651)
    with pytest.raises(LifecircleError) as refused:
        spread_area_counts(targets, np.ones(1), areas, source)
    assert refused.value.where == f"{source}, {expected}"


def test_counts_per_area_with_elderly_at_most_residents_run(tmp_path, grid):
    argv = _areas_run(tmp_path, grid, [1000, 800], [1000, 0])
    assert main([*argv, "--out", str(tmp_path / "out")]) == 0


# ---- sites after a Tianditu run ---------------------------------------------------------


@pytest.fixture(scope="module")
def tianditu_run(tmp_path_factory) -> Path:
    """A demo run whose summary says its maps were drawn on Tianditu (the key is not kept)."""
    out = tmp_path_factory.mktemp("tianditu") / "run"
    assert main(["demo", *FAST, "--out", str(out)]) == 0
    summary_path = out / "summary.json"
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    summary.setdefault("maps", {})["basemap"] = "tianditu"
    summary_path.write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    return out


@pytest.mark.parametrize("how", [["--category", "day_care", "--k", "1"], None])
def test_sites_after_a_tianditu_run_asks_for_the_environment_key_only(
    tmp_path, capsys, monkeypatch, tianditu_run, how
):
    for name in ("LIFECIRCLE_TIANDITU_KEY", "TIANDITU_KEY"):
        monkeypatch.delenv(name, raising=False)
    run = tmp_path / "run"
    shutil.copytree(tianditu_run, run)
    before = {p.name: p.stat().st_mtime_ns for p in run.rglob("*")}
    if how is None:
        proposed = gpd.GeoDataFrame(
            {"category": ["day_care"]}, geometry=[shapely.Point(121.44, 31.26)], crs=4326
        )
        proposed.to_file(tmp_path / "proposed.geojson", driver="GeoJSON")
        how = ["--evaluate", str(tmp_path / "proposed.geojson")]
    err = assert_refused(
        ["sites", "--quiet", "--from", str(run), *how],
        tmp_path / "out",
        capsys,
        "LIFECIRCLE_TIANDITU_KEY",
        "summary.json",
    )
    fix = err.split("\nFix:", 1)[1]
    assert "config" not in fix and "tianditu_key" not in fix
    assert {p.name: p.stat().st_mtime_ns for p in run.rglob("*")} == before


# ---- a district's full facility list -----------------------------------------------------


def _with_planner_list(layerset: LayerSet, n: int, seed: int = 0) -> LayerSet:
    """A copy of ``layerset`` with ``n`` more facilities at random points in its area."""
    rng = np.random.default_rng(seed)
    area = layerset.boundary.geometry.union_all()
    west, south, east, north = area.bounds
    xy = rng.uniform([west, south], [east, north], (4 * n, 2))
    xy = xy[shapely.contains_xy(area, xy[:, 0], xy[:, 1])][:n]
    profile = load_profile("shanghai")
    extra = gpd.GeoDataFrame(
        {
            "facility_id": [f"list:{i}" for i in range(n)],
            "category": rng.choice(list(profile.categories), n),
            "name": [f"设施{i}" for i in range(n)],
            "capacity": rng.uniform(0, 100, n),
            "floor_area_m2": rng.uniform(0, 2000, n),
            "site_area_m2": rng.uniform(0, 5000, n),
            "source": "planner:list.csv",
        },
        geometry=shapely.points(xy),
        crs=layerset.crs,
    )
    out = copy.copy(layerset)
    out.facilities = gpd.GeoDataFrame(
        pd.concat([layerset.facilities, extra], ignore_index=True), crs=layerset.crs
    )
    return out


@pytest.fixture(scope="module")
def long_list(demo_prepared) -> tuple[LayerSet, AccessTable]:
    layerset = _with_planner_list(demo_prepared, 5000)
    return layerset, compute_access(layerset, load_profile("shanghai"))


@pytest.mark.parametrize("limits", ["one", "per facility"])
def test_catchments_searched_from_the_demand_side_equal_those_from_each_facility(
    long_list, limits
):
    _, access = long_list
    network = access.network
    rng = np.random.default_rng(1)
    n = len(network.facilities)
    limit_m = 800.0 if limits == "one" else rng.choice([300.0, 500.0, 1000.0], n)
    assert n > 10 * len(network.demand)  # the demand side is the cheap one here
    fast = facility_catchments(network.graph, network.facilities, network.demand, limit_m)
    slow = catchments(network.graph, network.facilities, network.demand, limit_m)
    assert fast.source.size > 1000
    np.testing.assert_array_equal(fast.source, slow.source)
    np.testing.assert_array_equal(fast.target, slow.target)
    np.testing.assert_allclose(fast.walk_m, slow.walk_m, rtol=0, atol=1e-6)
    assert (fast.n_sources, fast.n_targets) == (slow.n_sources, slow.n_targets)


def test_care_and_fitness_figures_of_a_long_list_equal_the_per_facility_search(
    long_list, monkeypatch
):
    layerset, access = long_list
    profile = load_profile("shanghai")
    fast_care = care_coverage(access, layerset, profile)
    fast_fitness = fitness_circle(access, layerset, profile)
    per_facility = lambda graph, facilities, demand, limit_m: catchments(  # noqa: E731
        graph, facilities, demand, limit_m
    )
    monkeypatch.setattr(care_module, "facility_catchments", per_facility)
    monkeypatch.setattr(fitness_module, "facility_catchments", per_facility)
    slow_care = care_coverage(access, layerset, profile)
    slow_fitness = fitness_circle(access, layerset, profile)
    columns = [c for c in slow_care.demand.columns if c.startswith("care_2sfca")]
    assert len(columns) > 1
    pd.testing.assert_frame_equal(fast_care.demand[columns], slow_care.demand[columns])
    pd.testing.assert_frame_equal(fast_care.facilities, slow_care.facilities)
    assert fast_care.facilities["elderly_in_catchment"].sum() > 0
    pd.testing.assert_frame_equal(
        pd.DataFrame(fast_fitness.demand.drop(columns="geometry")),
        pd.DataFrame(slow_fitness.demand.drop(columns="geometry")),
    )
