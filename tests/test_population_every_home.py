"""People in every home: untyped buildings, sparse buildings, and the stated method."""

from __future__ import annotations

import json
from dataclasses import fields

import geopandas as gpd
import numpy as np
import pytest
import shapely
import yaml

from lifecircle.cli import EXIT_USER_ERROR, main
from lifecircle.layers.demand import DemandSettings
from lifecircle.layers.housing import classify_housing
from lifecircle.layers.layerset import LayerSet
from lifecircle.layers.placement import place_residents
from lifecircle.layers.population import PopulationSettings
from lifecircle.spatial.errors import LifecircleError
from lifecircle.standards.profile import load_profile
from tests.osm_fixtures import lonlat, write_osm

UTM51 = "EPSG:32651"
SNAP_M = 250.0
N_STREETS = 6  # a 6 × 6 street grid, 100 m apart: 25 blocks of 100 m × 100 m
SPACING_M = 100.0
LEVELS_DEFAULT = 6
M2_PER_PERSON = 35
SPECIAL_BLOCKS = {
    (0, 0): ({"building": "yes", "shop": "supermarket"}, 40),
    (1, 0): ({"building": "school"}, 40),
    (2, 0): ({"building": "yes"}, 4),  # a 16 m² shed
    (3, 0): ({"building": "apartments"}, 40),
    (4, 0): ({"building": "yes"}, 40),  # inside landuse=industrial
}
INDUSTRIAL = (400, 0, 500, 100)
RESIDENTIAL = (0, 400, 500, 500)  # the top row of blocks


def street_grid() -> tuple[dict[int, tuple[float, float]], list]:
    nodes = {}
    for i in range(N_STREETS):
        for j in range(N_STREETS):
            nodes[1 + i * N_STREETS + j] = (i * SPACING_M, j * SPACING_M)
    ways = []
    for i in range(N_STREETS):
        rows = [1 + i * N_STREETS + j for j in range(N_STREETS)]
        cols = [1 + j * N_STREETS + i for j in range(N_STREETS)]
        ways += [
            (100 + i, rows, {"highway": "residential"}),
            (200 + i, cols, {"highway": "residential"}),
        ]
    return nodes, ways


def homes_osm(path, blocks: dict[tuple[int, int], tuple[dict[str, str], float]], landuse=()):
    """A street grid with one square building of the given tags and side (m) per block."""
    nodes, ways = street_grid()
    next_id = 10_000

    def ring(x0, y0, x1, y1, tags):
        nonlocal next_id
        ids = []
        for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1)):
            nodes[next_id] = (x, y)
            ids.append(next_id)
            next_id += 1
        ways.append((next_id, [*ids, ids[0]], tags))
        next_id += 1

    for (i, j), (tags, side) in blocks.items():
        cx, cy = 50 + 100 * i, 50 + 100 * j
        ring(cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2, tags)
    for value, (x0, y0, x1, y1) in landuse:
        ring(x0 + 5, y0 + 5, x1 - 5, y1 - 5, {"landuse": value})
    return write_osm(path, nodes, ways)


def all_blocks(side: float = 40) -> dict:
    plain = {(i, j): ({"building": "yes"}, side) for i in range(5) for j in range(5)}
    return {**plain, **SPECIAL_BLOCKS}


def run(tmp_path, osm, *extra, config: dict | None = None, capsys=None):
    out = tmp_path / "out"
    args = ["run", "--osm", str(osm), "--out", str(out), "--lang", "en", *extra]
    if config is not None:
        config_path = tmp_path / "run.yml"
        config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        args = ["run", str(config_path), "--out", str(out), "--lang", "en", *extra]
    code = main(args)
    err = capsys.readouterr().err if capsys is not None else ""
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8")) if code == 0 else {}
    return code, summary, err


def test_untyped_buildings_get_residents_and_the_method_is_stated(tmp_path, capsys):
    osm = homes_osm(
        tmp_path / "homes.osm",
        all_blocks(),
        landuse=[("industrial", INDUSTRIAL), ("residential", RESIDENTIAL)],
    )
    code, summary, err = run(tmp_path, osm, capsys=capsys)
    assert code == 0, err
    population = summary["population"]
    assert population["method"] == "buildings"
    # 20 plain building=yes (5 of them in landuse=residential) + 1 apartments
    assert population["buildings_total"] == 25
    assert population["buildings_used"] == 21
    assert population["buildings_used_by_reason"] == {
        "untyped_no_other_use": 15,
        "untyped_in_residential_landuse": 5,
        "residential_type": 1,
    }
    assert population["buildings_ignored"] == {
        "non_residential_tag": 1,
        "non_residential_type": 1,
        "too_small": 1,
        "non_residential_landuse": 1,
    }
    expected = 21 * 40 * 40 * LEVELS_DEFAULT / M2_PER_PERSON
    assert population["residents"] == pytest.approx(expected, rel=0.01)  # fixture degrees ≈ m
    assert population["floor_area_per_person_m2"] == M2_PER_PERSON
    assert population["grid_density_per_km2"] == 25_000
    issues = [item["issue"] for item in summary["input_report"]]
    assert "population method: buildings" in issues
    assert any(
        issue.startswith("buildings ignored: untyped with a non-residential") for issue in issues
    )
    shop = next(i for i in summary["input_report"] if "non-residential tag" in i["issue"])
    assert "shop=supermarket" in shop["detail"]
    assert "population method: buildings" in err
    assert "21 of 25 counted as housing" in err


def test_untyped_rule_is_configurable(tmp_path, capsys):
    osm = homes_osm(tmp_path / "homes.osm", all_blocks(), landuse=[("residential", RESIDENTIAL)])
    config = {
        "sources": {"osm": str(osm)},
        "population": {"untyped_buildings": "in_residential_landuse", "placement": "buildings"},
    }
    code, summary, err = run(tmp_path, osm, config=config, capsys=capsys)
    assert code == 0, err
    population = summary["population"]
    assert population["buildings_used"] == 5 + 1
    assert population["buildings_ignored"]["outside_residential_landuse"] == 16
    assert population["method"] == "buildings"


@pytest.mark.parametrize(
    ("use", "tags", "landuse", "side", "rule", "expected"),
    [
        ("yes", {}, None, 20, "residential_unless_excluded", "untyped_no_other_use"),
        (
            "yes",
            {},
            "residential",
            20,
            "residential_unless_excluded",
            "untyped_in_residential_landuse",
        ),
        (
            "yes",
            {"amenity": "restaurant"},
            "residential",
            20,
            "residential_unless_excluded",
            "non_residential_tag",
        ),
        (
            "yes",
            {"office": "company"},
            None,
            20,
            "residential_unless_excluded",
            "non_residential_tag",
        ),
        ("yes", {"shop": "no"}, None, 20, "residential_unless_excluded", "untyped_no_other_use"),
        ("yes", {}, None, 5, "residential_unless_excluded", "too_small"),
        ("yes", {}, "commercial", 20, "residential_unless_excluded", "non_residential_landuse"),
        ("yes", {}, "farmland", 20, "residential_unless_excluded", "untyped_no_other_use"),
        ("yes", {}, None, 20, "in_residential_landuse", "outside_residential_landuse"),
        ("yes", {}, "residential", 20, "never", "untyped_not_counted"),
        ("residential", {}, None, 3, "never", "residential_type"),
        (
            "dormitory",
            {"amenity": "university"},
            None,
            20,
            "residential_unless_excluded",
            "residential_type",
        ),
        ("warehouse", {}, "residential", 20, "residential_unless_excluded", "non_residential_type"),
        ("greenhouse", {}, "residential", 20, "residential_unless_excluded", "other_type"),
    ],
)
def test_housing_rule(use, tags, landuse, side, rule, expected):
    buildings = gpd.GeoDataFrame(
        {
            "use": [use],
            "tags": [json.dumps(tags) if tags else None],
            "landuse": [landuse],
            "footprint_m2": [side * side],
        },
        geometry=[shapely.box(0, 0, side, side)],
        crs=UTM51,
    )
    housing, reason = classify_housing(buildings, PopulationSettings(untyped_buildings=rule))
    assert reason.tolist() == [expected]
    counted = {"untyped_no_other_use", "untyped_in_residential_landuse", "residential_type"}
    assert bool(housing[0]) == (expected in counted)


def test_sparse_buildings_are_mixed_with_the_grid_and_far_cells_are_reported(tmp_path, capsys):
    # two houses in a 500 m × 500 m grid, and a study area reaching 800 m north of the roads
    osm = homes_osm(
        tmp_path / "sparse.osm",
        {(1, 1): ({"building": "yes"}, 40), (3, 3): ({"building": "house"}, 40)},
    )
    west, south = lonlat(-20, -20)
    east, north = lonlat(520, 1300)
    code, summary, err = run(
        tmp_path, osm, "--bbox", f"{west},{south},{east},{north}", capsys=capsys
    )
    assert code == 0, err
    population = summary["population"]
    assert population["method"] == "mixed"
    assert population["demand_source"] == ["building", "grid"]
    held = 2 * 40 * 40 * LEVELS_DEFAULT / M2_PER_PERSON
    assert population["building_residents"] == pytest.approx(held, rel=0.01)
    assert population["building_residents_per_km2"] < population["sparse_threshold_per_km2"]
    assert population["grid_cells"] > 0
    assert population["grid_residents"] == pytest.approx(
        population["residents"] - population["building_residents"], abs=0.2
    )
    assert population["grid_cells_far_from_roads"] > 0
    assert population["residents_far_from_roads"] > 0
    assert "population method: mixed" in err
    assert "cells far from any road dropped" in err
    far = next(i for i in summary["input_report"] if "from any road dropped" in i["issue"])
    assert "would have held" in far["detail"]


def test_mixed_grid_skips_cells_that_hold_a_building():
    crs = UTM51
    area = shapely.box(0, 0, 1000, 1000)
    roads = gpd.GeoDataFrame(
        {"road_id": [f"r{i}" for i in range(11)], "highway": "residential"},
        geometry=[shapely.LineString([(0, y), (1000, y)]) for y in range(0, 1001, 100)],
        crs=crs,
    )
    # one house in the south-west, one office in the north-east
    buildings = gpd.GeoDataFrame(
        {"building_id": ["home", "office"], "use": ["residential", "office"], "levels": [6, 6]},
        geometry=[shapely.box(100, 100, 140, 140), shapely.box(800, 800, 860, 860)],
        crs=crs,
    )
    layerset = LayerSet(
        crs=crs,
        boundary=gpd.GeoDataFrame({"unit_id": ["u"], "name": ["u"]}, geometry=[area], crs=crs),
        roads=roads,
        buildings=buildings,
    )
    settings = PopulationSettings()
    _, demand = place_residents(
        layerset, settings, DemandSettings(grid_size_m=150, grid_shape="square"), SNAP_M
    )
    assert layerset.meta["population"]["method"] == "mixed"
    grid = demand[demand["source"] == "grid"]
    cells = grid.geometry.buffer(75, cap_style="square")
    for building in buildings.geometry:
        assert not cells.contains(building.representative_point()).any()
    assert len(grid) == layerset.meta["population"]["grid_cells"]
    assert grid["residents"].sum() == pytest.approx(len(grid) * 0.15**2 * 25_000)
    # the same buildings with placement: buildings stay on buildings only
    layerset.meta["report"].clear()
    _, only = place_residents(
        layerset, PopulationSettings(placement="buildings"), DemandSettings(grid_size_m=150), SNAP_M
    )
    assert set(only["source"]) == {"building"}


def test_buildings_with_no_housing_fall_back_to_the_grid(tmp_path, capsys):
    schools = {(i, j): ({"building": "school"}, 40) for i in range(5) for j in range(5)}
    osm = homes_osm(tmp_path / "schools.osm", schools)
    code, summary, err = run(tmp_path, osm, "--lang", "zh", capsys=capsys)
    assert code == 0, err
    assert summary["population"]["method"] == "grid"
    assert "人口方法：按网格（grid）" in err and "未计：非居住建筑类型 25" in err
    assert summary["population"]["buildings_ignored"] == {"non_residential_type": 25}
    assert summary["population"]["residents"] > 0


def test_nothing_placed_error_gives_a_fix_that_works(tmp_path, capsys):
    schools = {(i, j): ({"building": "school"}, 40) for i in range(5) for j in range(5)}
    osm = homes_osm(tmp_path / "schools.osm", schools)
    config = {"sources": {"osm": str(osm)}, "population": {"placement": "buildings"}}
    code, _, err = run(tmp_path, osm, config=config, capsys=capsys)
    assert code == EXIT_USER_ERROR
    assert "No residents were placed" in err and "Traceback" not in err
    assert "population.placement: auto" in err
    config["population"]["placement"] = "auto"  # the fix the message gives
    code, summary, err = run(tmp_path, osm, config=config, capsys=capsys)
    assert code == 0, err
    assert summary["population"]["residents"] > 0


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("untyped_buildings", "sometimes"),
        ("placement", "everywhere"),
        ("untyped_building_values", "yes"),
        ("min_untyped_footprint_m2", "30 m²"),
        ("floor_area_per_person_m2", 0),
        ("sparse_density_share", -0.25),
        ("grid_density_per_km2", float("nan")),
    ],
)
def test_bad_population_settings_are_user_errors(key, value):
    with pytest.raises(LifecircleError, match=f"population.{key}"):
        PopulationSettings.from_values({}, {key: value})


@pytest.mark.parametrize("name", ["shanghai", "gb50180-2018"])
def test_profiles_state_every_population_setting_with_its_source(name):
    profile = load_profile(name)
    defaults = PopulationSettings()
    for item in fields(PopulationSettings):
        figure = profile.population[item.name]
        assert figure.confidence in {"S", "M", "I"} and figure.source in profile.sources
        value = figure.value
        expected = getattr(defaults, item.name)
        assert (tuple(value) if isinstance(value, list) else value) == expected, item.name
    assert np.isfinite(defaults.sparse_density_share * defaults.grid_density_per_km2)


def test_cells_with_only_sheds_still_get_the_grid():
    crs = UTM51
    area = shapely.box(0, 0, 600, 600)
    roads = gpd.GeoDataFrame(
        {"road_id": ["r"], "highway": ["residential"]},
        geometry=[shapely.LineString([(0, 300), (600, 300)])],
        crs=crs,
    )
    sheds = [
        shapely.box(x, y, x + 4, y + 4) for x in range(10, 600, 50) for y in range(10, 600, 50)
    ]
    buildings = gpd.GeoDataFrame(
        {"building_id": [f"s{i}" for i in range(len(sheds))], "use": "yes"},
        geometry=sheds,
        crs=crs,
    )
    buildings.loc[6 * 12 + 6, "use"] = "house"  # the one at (310, 310), mid-area
    layerset = LayerSet(
        crs=crs,
        boundary=gpd.GeoDataFrame({"unit_id": ["u"], "name": ["u"]}, geometry=[area], crs=crs),
        roads=roads,
        buildings=buildings,
    )
    _, demand = place_residents(
        layerset, PopulationSettings(), DemandSettings(grid_size_m=150), SNAP_M
    )
    assert set(demand["source"]) == {"building", "grid"}
    info = layerset.meta["population"]
    assert info["buildings_ignored"] == {"too_small": len(sheds) - 1}
    assert info["method"] == "mixed"
    # only the house's cell counts as mapped; every cell holds sheds
    assert info["grid_cells_without_buildings"] == info["grid_cells_in_study_area"] - 1
    assert info["grid_cells"] > 0


def test_a_study_area_smaller_than_a_grid_cell_gets_a_fix_that_works(tmp_path, capsys):
    osm = homes_osm(tmp_path / "empty.osm", {})
    west, south = lonlat(170, 170)
    east, north = lonlat(230, 230)
    config = {
        "sources": {"osm": str(osm)},
        "study_area": {"bbox": [west, south, east, north]},
    }
    code, _, err = run(tmp_path, osm, config=config, capsys=capsys)
    assert code == EXIT_USER_ERROR, err
    assert "smaller demand.grid_size_m" in err
    config["demand"] = {"grid_size_m": 50}
    code, summary, err = run(tmp_path, osm, config=config, capsys=capsys)
    assert code == 0, err
    assert summary["population"]["method"] == "grid"
    assert summary["population"]["residents"] > 0
