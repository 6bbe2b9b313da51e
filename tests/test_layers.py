"""Input normalization: classification, population, demand grid, Chinese datums, profiles."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from lifecircle.layers.classify import classify_facilities
from lifecircle.layers.demand import drop_unusable_cells, grid_cells
from lifecircle.layers.population import (
    PopulationSettings,
    apply_shares,
    building_floor_area,
    residents_from_floor_area,
    spread_area_counts,
    spread_raster,
)
from lifecircle.spatial.chinese_coords import wgs84_to_gcj02
from lifecircle.spatial.errors import LifecircleError
from lifecircle.standards.profile import available_profiles, load_profile

UTM51 = "EPSG:32651"


def facilities(rows):
    return gpd.GeoDataFrame(
        {
            "facility_id": [f"f{i}" for i in range(len(rows))],
            "name": [r[0] for r in rows],
            "tags": [json.dumps(r[1], ensure_ascii=False) for r in rows],
            "fclass": [r[2] if len(r) > 2 else None for r in rows],
            "category": None,
        },
        geometry=[shapely.Point(i, 0) for i in range(len(rows))],
        crs=UTM51,
    )


def test_shipped_profiles_load_and_mark_confidence():
    assert {"shanghai", "gb50180-2018"} <= set(available_profiles())
    shanghai = load_profile("shanghai")
    assert shanghai.speed_mps("general") == 1.0 and shanghai.speed_mps("elderly") == 0.8
    care = shanghai.circles["care_coverage"]
    assert [t.value for t in care.figure("per_1000_targets")] == [40, 50]
    # The care radii and the 10-minute fitness circle are assumptions, and say so.
    for cat in care.categories:
        assert shanghai.categories[cat].threshold.confidence == "I"
    assert shanghai.circles["fitness_circle"].figure("minutes").confidence == "I"
    gb = load_profile("gb50180-2018")
    assert gb.categories["primary_school"].threshold_kind == "distance_m"
    assert gb.rule("primary_school").threshold_m == 500
    assert gb.rule("kindergarten").threshold_minutes == pytest.approx(5.0)


def test_copied_profile_with_changed_threshold(tmp_path):
    text = Path(load_profile("shanghai").path).read_text(encoding="utf-8")
    old = 'minutes: {value: 5, source: assumption, confidence: I, note: "no standard radius; the'
    changed = text.replace(old, old.replace("value: 5", "value: 12"))
    assert changed != text
    path = tmp_path / "my-profile.yml"
    path.write_text(changed, encoding="utf-8")
    profile = load_profile(str(path))
    assert profile.categories["day_care"].threshold.value == 12


@pytest.mark.parametrize(
    ("yaml_text", "fragment"),
    [
        ("profile: x\n", "no sources"),
        ("[unclosed", "not valid UTF-8 YAML"),
    ],
)
def test_broken_profiles_get_clear_errors(tmp_path, yaml_text, fragment):
    path = tmp_path / "bad.yml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(LifecircleError) as info:
        load_profile(str(path))
    assert fragment in str(info.value) and "bad.yml" in str(info.value)


def test_unknown_profile_name():
    with pytest.raises(LifecircleError, match="no shipped standards profile"):
        load_profile("beijing")


def test_run_config_overrides_are_marked():
    profile = load_profile("shanghai", overrides={"walk_speed_mps": {"elderly": 0.7}})
    assert profile.speeds["elderly"].value == 0.7
    assert profile.speeds["elderly"].source == "run_config"
    with pytest.raises(LifecircleError, match="does not have"):
        load_profile("shanghai", overrides={"categories": {"no_such": {"minutes": 3}}})


def test_classification_by_name_tags_and_fclass():
    rules = load_profile("shanghai").classification_rules()
    frame = facilities(
        [
            ("宜川路街道社区卫生服务中心", {"amenity": "clinic"}),
            ("宜川新村长者食堂", {"amenity": "community_centre"}),
            ("某某幼儿园", {}),
            ("无名", {"amenity": "kindergarten"}),
            ("中远小学", {"amenity": "school"}),
            ("市西初级中学", {"amenity": "school"}),
            ("曹杨高级中学", {"amenity": "school"}),
            ("中山公园", {}, "park"),
            ("某某花园小区", {}),
            ("宜川日间照料中心", {"social_facility": "day_care", "social_facility:for": "senior"}),
            ("", {"social_facility": "nursing_home"}),
            ("星巴克", {"amenity": "cafe"}, "cafe"),
        ]
    )
    got = [c if isinstance(c, str) else None for c in classify_facilities(frame, rules)["category"]]
    assert got == [
        "community_health",
        "meal_point",
        "kindergarten",
        "kindergarten",
        "primary_school",
        "middle_school",
        None,
        "park",
        None,
        "day_care",
        "care_home",
        None,
    ]


def test_given_categories_are_kept():
    rules = load_profile("shanghai").classification_rules()
    frame = facilities([("某设施", {})])
    frame["category"] = ["day_care"]
    out = classify_facilities(frame, rules)
    assert out["category"].tolist() == ["day_care"] and out["matched_by"].tolist() == ["given"]


def test_population_from_floor_area_and_unit_shares():
    buildings = gpd.GeoDataFrame(
        {
            "building_id": ["a", "b", "c", "d"],
            "use": ["residential", "residential", "commercial", "residential"],
            "levels": [6, np.nan, 10, np.nan],
            "height_m": [np.nan, 54.0, np.nan, np.nan],
        },
        geometry=[
            shapely.box(0, 0, 60, 12),
            shapely.box(100, 0, 130, 25),
            shapely.box(200, 0, 210, 10),
            shapely.box(1000, 0, 1010, 10),
        ],
        crs=UTM51,
    )
    settings = PopulationSettings(floor_area_per_person_m2=35, elderly_share=0.25, default_levels=6)
    floors = building_floor_area(buildings, settings.default_levels)
    assert floors["levels"].tolist() == [6, 18, 10, 6]
    assert floors["levels_assumed"].tolist() == [False, False, False, True]
    floors["residents"] = residents_from_floor_area(floors, settings)
    assert floors["residents"].tolist() == pytest.approx(
        [60 * 12 * 6 / 35, 30 * 25 * 18 / 35, 0, 600 / 35]
    )
    boundary = gpd.GeoDataFrame(
        {"unit_id": ["u1"], "name": ["一村"], "name_en": ["Unit 1"], "elderly_share": [0.48]},
        geometry=[shapely.box(-10, -10, 300, 100)],
        crs=UTM51,
    )
    shared = apply_shares(floors, boundary, settings)
    assert [u if isinstance(u, str) else None for u in shared["unit_id"]] == [
        "u1",
        "u1",
        "u1",
        None,
    ]
    assert shared["elderly"].iloc[0] == pytest.approx(floors["residents"].iloc[0] * 0.48)
    assert shared["elderly"].iloc[3] == pytest.approx(floors["residents"].iloc[3] * 0.25)


def test_counts_per_area_are_spread_by_floor_area():
    targets = gpd.GeoDataFrame(
        geometry=[
            shapely.box(0, 0, 10, 10),
            shapely.box(20, 0, 30, 10),
            shapely.box(500, 0, 510, 10),
        ],
        crs=UTM51,
    )
    areas = gpd.GeoDataFrame(
        {"residents": [300.0, 50.0], "elderly": [100.0, 10.0]},
        geometry=[shapely.box(-5, -5, 40, 20), shapely.box(1000, 0, 1100, 100)],
        crs=UTM51,
    )
    residents, elderly, unplaced = spread_area_counts(
        targets, np.array([1.0, 2.0, 1.0]), areas, "t"
    )
    assert residents.tolist() == pytest.approx([100.0, 200.0, 0.0])
    assert elderly[:2].tolist() == pytest.approx([100 / 3, 200 / 3])
    assert unplaced == 50.0


def test_population_raster_is_spread_over_targets(tmp_path):
    rasterio = pytest.importorskip("rasterio")
    from rasterio.transform import from_origin

    path = tmp_path / "pop.tif"
    data = np.array([[100.0, 40.0], [0.0, 10.0]], dtype="float32")
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=2,
        width=2,
        count=1,
        dtype="float32",
        crs=UTM51,
        transform=from_origin(0, 200, 100, 100),
    ) as dst:
        dst.write(data, 1)
    targets = gpd.GeoDataFrame(
        geometry=[
            shapely.box(10, 110, 20, 120),
            shapely.box(50, 150, 60, 160),
            shapely.box(110, 110, 120, 120),
            shapely.box(10, 10, 20, 20),
        ],
        crs=UTM51,
    )
    residents, unplaced = spread_raster(targets, np.array([1.0, 3.0, 1.0, 1.0]), path)
    assert residents.tolist() == pytest.approx([25.0, 75.0, 40.0, 0.0])
    assert unplaced == pytest.approx(10.0)


def test_hexagon_grid_and_dropped_cells():
    area = shapely.box(0, 0, 1000, 600)
    cells = grid_cells(area, 100.0, "hexagon")
    assert 50 < len(cells) < 80
    assert cells.area.round(3).nunique() == 1
    squares = grid_cells(area, 100.0, "square")
    assert len(squares) == 60
    frame = gpd.GeoDataFrame({"demand_id": range(len(squares))}, geometry=squares.values, crs=UTM51)
    water = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1000, 100)], crs=UTM51)
    roads = gpd.GeoDataFrame(geometry=[shapely.LineString([(0, 300), (400, 300)])], crs=UTM51)
    kept, in_water, too_far = drop_unusable_cells(frame, water, roads, 150.0)
    assert in_water == 10
    assert too_far == len(frame) - in_water - len(kept)
    assert too_far > 0 and kept.geometry.centroid.distance(roads.geometry.iloc[0]).max() <= 150
    with pytest.raises(LifecircleError, match="positive"):
        grid_cells(area, 0.0)


def test_gcj02_facility_list_is_shifted_to_wgs84(tmp_path):
    from lifecircle.layers.planner_files import read_facility_list

    true_lon, true_lat = 121.4400, 31.2600
    gcj_lon, gcj_lat = wgs84_to_gcj02(np.array([true_lon]), np.array([true_lat]))
    path = tmp_path / "amap.csv"
    path.write_text(
        f"名称,lng,lat\n宜川长者食堂,{gcj_lon[0]:.8f},{gcj_lat[0]:.8f}\n", encoding="utf-8"
    )
    frame = read_facility_list(
        {
            "path": path,
            "crs": "gcj02",
            "x_column": "lng",
            "y_column": "lat",
            "columns": {"name": "名称"},
            "category": "meal_point",
        },
        ["meal_point"],
    )
    point = frame.geometry.iloc[0]
    metres = gpd.GeoSeries([point, shapely.Point(true_lon, true_lat)], crs="EPSG:4326").to_crs(
        UTM51
    )
    assert metres.iloc[0].distance(metres.iloc[1]) < 0.5
    raw_offset = gpd.GeoSeries(
        [shapely.Point(gcj_lon[0], gcj_lat[0]), shapely.Point(true_lon, true_lat)], crs="EPSG:4326"
    ).to_crs(UTM51)
    assert raw_offset.iloc[0].distance(raw_offset.iloc[1]) > 100  # the shift being undone is real


def test_unknown_category_in_planner_list(tmp_path):
    from lifecircle.layers.planner_files import read_facility_list

    path = tmp_path / "list.csv"
    path.write_text(
        "名称,类别,lon,lat\n甲,托老所,121.44,31.26\n乙,养老院,121.45,31.26\n", encoding="utf-8"
    )
    spec = {"path": path, "crs": "EPSG:4326", "columns": {"name": "名称", "category": "类别"}}
    with pytest.raises(LifecircleError) as info:
        read_facility_list(spec, ["day_care", "care_home"])
    assert "托老所" in str(info.value) and "rows 2, 3 (row numbers as Excel" in str(info.value)
    spec["category_values"] = {"托老所": "day_care", "养老院": "care_home"}
    assert read_facility_list(spec, ["day_care", "care_home"])["category"].tolist() == [
        "day_care",
        "care_home",
    ]


def test_buildings_are_kept_once_and_only_inside_the_area():
    from lifecircle.layers.assemble import assemble_layerset
    from lifecircle.layers.osm import RawLayers

    road = gpd.GeoDataFrame(
        {
            "road_id": ["r"],
            "highway": ["residential"],
            "name": ["路"],
            "foot": [None],
            "layer": [0],
        },
        geometry=[shapely.LineString([(121.440, 31.260), (121.450, 31.260)])],
        crs="EPSG:4326",
    )

    def building(x0: float, x1: float) -> shapely.Polygon:
        return shapely.box(x0, 31.2601, x1, 31.2603)

    houses = gpd.GeoDataFrame(
        {
            "building_id": ["a", "edge", "out"],
            "use": "residential",
            "levels": 6.0,
            "height_m": np.nan,
        },
        geometry=[
            building(121.4420, 121.4425),
            building(121.4448, 121.4456),
            building(121.4480, 121.4485),
        ],
        crs="EPSG:4326",
    )
    empty = gpd.GeoDataFrame(geometry=[], crs="EPSG:4326")

    def raw(name: str) -> RawLayers:
        return RawLayers(
            roads=road,
            buildings=houses,
            water=empty,
            railways=empty,
            facilities=empty,
            source=name,
            attribution="",
        )

    boundary = gpd.GeoDataFrame(
        {"name": ["单元"], "unit_id": ["u"], "name_en": ["u"]},
        geometry=[shapely.box(121.441, 31.259, 121.4450, 31.262)],
        crs="EPSG:4326",
    )
    layerset = assemble_layerset([raw("osm"), raw("geofabrik")], boundary, halo_m=500.0)
    # "edge" straddles the boundary with most of it outside: its footprint point is outside
    assert layerset.buildings["building_id"].tolist() == ["a"]
    issues = {entry["issue"]: entry["count"] for entry in layerset.meta["report"]}
    assert issues["the same feature in two sources (kept once)"] == 3  # "a", "edge", "out"


def test_loading_takes_snap_limit_and_population_from_the_profile(tmp_path):
    """Grid cells beyond the profile's snap limit are dropped and reported with that limit;
    the run config's population figures override the profile's."""
    from lifecircle.layers.load import load_layerset
    from lifecircle.layers.population import population_settings
    from tests.osm_fixtures import grid_osm

    osm = grid_osm(tmp_path / "g.osm", n=4, spacing_m=400.0)
    shanghai = load_profile("shanghai")
    loose = load_layerset(shanghai, osm=[osm], demand={"grid_size_m": 100})
    tight_profile = load_profile("shanghai", overrides={"max_snap_m": 60})
    population = {"elderly_share": 0.5, "grid_density_per_km2": 10_000, "raster": None}
    tight = load_layerset(tight_profile, osm=[osm], demand={"grid_size_m": 100},
                          population=population)
    dropped = [e for e in tight.meta["report"]
               if e["issue"] == "grid cells farther than 60 m from any road dropped"]
    assert len(dropped) == 1 and dropped[0]["count"] == len(loose.demand) - len(tight.demand) > 0
    assert not any("farther than" in e["issue"] for e in loose.meta["report"])
    np.testing.assert_allclose(tight.demand["elderly"], 0.5 * tight.demand["residents"])
    np.testing.assert_allclose(loose.demand["elderly"], 0.25 * loose.demand["residents"])
    np.testing.assert_allclose(
        tight.demand["residents"], tight.demand["cell_area_m2"] / 1e6 * 10_000
    )
    settings = population_settings(shanghai, population)
    assert (settings.elderly_share, settings.children_share) == (0.5, 0.08)
    assert settings.floor_area_per_person_m2 == 35.0
