"""Real OSM data from ../shared/data/shanghai-central, loaded through the command line.

Skips on a machine without the data; fails under CI=true (see conftest.py).
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from scipy.sparse.csgraph import dijkstra

from lifecircle.analyses.access import build_network
from lifecircle.cli import main
from lifecircle.config import RunConfig
from lifecircle.layers.layerset_io import read_water
from lifecircle.pipeline import build_layerset
from lifecircle.progress import Progress
from lifecircle.standards.profile import load_profile

YICHUAN_BBOX = "121.425,31.248,121.452,31.272"


def yichuan_args(data, out) -> list[str]:
    """Command-line arguments reading the real extract for the Yichuan Road box."""
    return [
        "--quiet",
        "--osm",
        str(data / "roads.osm"),
        "--geofabrik",
        str(data / "geofabrik"),
        "--bbox",
        YICHUAN_BBOX,
        "--out",
        str(out),
        "--lang",
        "zh",
    ]


@pytest.fixture(scope="module")
def yichuan_run(shanghai_central, tmp_path_factory):
    out = tmp_path_factory.mktemp("yichuan") / "out"
    assert main(["run", *yichuan_args(shanghai_central, out)]) == 0
    return out


@pytest.fixture(scope="module")
def yichuan_layerset(shanghai_central):
    config = RunConfig(
        osm=[shanghai_central / "roads.osm"],
        geofabrik=[shanghai_central / "geofabrik"],
        bbox=[float(v) for v in YICHUAN_BBOX.split(",")],
    )
    profile = load_profile("shanghai")
    return build_layerset(config, profile, Progress(quiet=True)), profile


def test_layers_command_writes_plausible_counts(shanghai_central, tmp_path):
    out = tmp_path / "layers.gpkg"
    assert main(["layers", *yichuan_args(shanghai_central, out)]) == 0
    names = {str(row[0]) for row in pyogrio.list_layers(out)}
    assert {"boundary", "roads", "water_polygons", "water_lines", "railways", "facilities"} <= names
    assert "demand" in names
    roads = gpd.read_file(out, layer="roads")
    water = read_water(names, lambda name: gpd.read_file(out, layer=name))
    railways = gpd.read_file(out, layer="railways")
    facilities = gpd.read_file(out, layer="facilities")
    assert 300 < len(roads) < 3000
    assert set(roads["highway"]) <= {
        "primary",
        "primary_link",
        "secondary",
        "secondary_link",
        "tertiary",
        "tertiary_link",
        "residential",
        "unclassified",
        "trunk",
        "trunk_link",
        "living_street",
        "service",
    }
    assert "苏州河" in set(water["name"].dropna())
    assert "京沪线" in set(railways["name"].dropna())
    counts = facilities["category"].value_counts()
    assert counts.get("kindergarten", 0) >= 10
    assert counts.get("primary_school", 0) >= 5
    assert counts.get("market", 0) >= 10
    assert counts.get("day_care", 0) == 0  # elderly care is almost unmapped in OSM here


def test_chinese_names_survive(shanghai_central, yichuan_layerset):
    layerset, _ = yichuan_layerset
    source = gpd.read_file(shanghai_central / "geofabrik" / "gis_osm_pois_free_1.shp")
    schools = layerset.facilities[layerset.facilities["category"] == "primary_school"]
    assert len(schools)
    for name in schools["name"].head(10):
        assert "小学" in name or "学校" in name  # 九年一贯制 schools are primary schools too
        assert name in set(source["name"].dropna()) or name in set(
            gpd.read_file(shanghai_central / "geofabrik" / "gis_osm_pois_a_free_1.shp")[
                "name"
            ].dropna()
        )
    road_names = set(layerset.roads["name"].dropna())
    assert any(name.endswith("路") for name in road_names)
    assert "宜川路" in road_names


def _detour_ratios(layerset, barrier: shapely.Geometry, rng: np.random.Generator):
    """Network ÷ straight-line distance for node pairs 150–400 m apart, split by
    whether the straight line between them crosses the barrier."""
    network = build_network(layerset, 250.0)
    graph = network.graph
    xy = graph.node_xy
    near = np.flatnonzero(shapely.distance(shapely.points(xy), barrier) < 400)
    origins = rng.choice(near, size=min(120, near.size), replace=False)
    dist = dijkstra(graph.adjacency, directed=False, indices=origins, limit=6000)
    crossing, same_side = [], []
    for row, origin in enumerate(origins):
        straight = np.hypot(*(xy[near] - xy[origin]).T)
        pick = near[(straight > 150) & (straight < 400)]
        for target in pick[:40]:
            line = shapely.LineString([xy[origin], xy[target]])
            ratio = dist[row, target] / np.hypot(*(xy[target] - xy[origin]))
            (crossing if line.intersects(barrier) else same_side).append(ratio)
    return np.array(crossing), np.array(same_side)


def test_yichuan_is_split_by_suzhou_creek_and_the_railway(yichuan_layerset):
    layerset, _ = yichuan_layerset
    rng = np.random.default_rng(3)
    creek = layerset.water[layerset.water["name"] == "苏州河"].geometry.union_all()
    rail = layerset.railways[
        layerset.railways["name"].isin(["京沪线", "沪宁城际线"])
    ].geometry.union_all()
    for barrier in (creek, rail):
        crossing, same_side = _detour_ratios(layerset, barrier, rng)
        assert crossing.size > 20 and same_side.size > 20
        # Crossing the barrier forces a detour to a bridge or underpass ...
        assert np.median(crossing) > 1.8
        # ... while pairs on one side walk nearly straight.
        assert np.median(same_side) < 1.6
        assert np.median(crossing) > np.median(same_side) + 0.5


@pytest.mark.slow
def test_yichuan_life_circle_is_plausible(yichuan_run):
    summary = json.loads((yichuan_run / "summary.json").read_text(encoding="utf-8"))
    assert summary["synthetic"] is False
    assert "OpenStreetMap" in summary["attribution"]
    assert 50_000 < summary["population"]["residents"] < 300_000
    life = summary["life_circle"]
    assert 0.0 <= life["complete_share"] <= 1.0
    shares = {cat: block["population_share"] for cat, block in life["categories"].items()}
    assert all(share is None or 0.0 <= share <= 1.0 for share in shares.values())
    # Kindergartens, markets and parks are well mapped: some residents reach them.
    assert shares["kindergarten"] > 0.05 and shares["market"] > 0.1 and shares["park"] > 0.02
    # Yichuan Road sub-district lies within the network: almost nobody is beyond the snap limit.
    assert (
        summary["snapping"]["residents_beyond_snap_limit"]
        < 0.05 * summary["population"]["residents"]
    )
    assert 0.0 < summary["fitness_circle"]["population_share"] <= 1.0


@pytest.mark.slow
def test_unmapped_elderly_care_is_no_data_not_an_error(yichuan_run):
    summary = json.loads((yichuan_run / "summary.json").read_text(encoding="utf-8"))
    care = summary["care_coverage"]
    for cat in ("elderly_service_centre", "day_care", "meal_point"):
        assert care["categories"][cat]["facilities"] == 0
        assert care["categories"][cat]["population_share"] is None
        assert care["categories"][cat]["status"] == "no_data"
        assert cat not in summary["gaps_by_category"]
    assert care["per_1000_m2"] is None and care["per_1000_m2_status"] == "no_data"
    assert care["meets_targets"] == {"40": None, "50": None}
    issues = " ".join(entry["issue"] for entry in summary["input_report"])
    assert "no facility of category 'day_care'" in issues
    gaps = gpd.read_file(yichuan_run / "results.gpkg", layer="gaps")
    assert not (gaps["kind_key"] == "day_care").any()


@pytest.mark.slow
def test_yichuan_unmapped_categories_are_no_data_with_a_planner_list(yichuan_run):
    summary = json.loads((yichuan_run / "summary.json").read_text(encoding="utf-8"))
    expected = {"community_service", "government_service",
                "elderly_service_centre", "day_care", "care_home", "meal_point"}
    assert expected <= set(summary["no_data"])
    for cat in expected:
        assert summary["no_data"][cat]["planner_list"]["zh"]
        assert cat not in summary["gaps_by_category"]
    assert summary["no_data"]["day_care"]["planner_list"]["zh"] == "民政部门养老服务设施清单"
    life = summary["life_circle"]
    assert {"community_service", "government_service"} <= set(life["categories_no_data"])
    # Completeness over the categories with data is labelled and never below the strict one.
    # (On this extract no point reaches all eight mapped categories: the best reach half.)
    assert life["complete_share_with_data"] >= life["complete_share_strict"]
    assert set(life["completeness_labels"]) == {"complete_share_with_data",
                                                "complete_share_strict"}
    assert 0 < life["mean_score"] < 1
    report = (yichuan_run / "report.html").read_text(encoding="utf-8")
    assert "无数据" in report and "民政部门养老服务设施清单" in report
    assert "生活圈完整（仅计有数据的类别）" in report


def test_yichuan_report_states_density_dropped_cells_and_snapping(yichuan_run):
    """The 数据说明 section names the assumed density, dropped cells and re-snapped points."""
    html = (yichuan_run / "report.html").read_text(encoding="utf-8")
    section = html[html.index("数据说明") :]
    assert "25,000" in section  # the assumed density
    assert "离道路过远被舍弃" in section  # grid cells dropped far from roads
    assert "本侧道路" in section  # points moved off the far bank of a river or railway
    assert "未参与计算" in section  # points and facilities with no clear road in reach
    assert "I 假定值" in section  # the assumed thresholds are marked
