"""Duplicate facilities are merged and reported; planner lists keep their own ids."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

import lifecircle as lc
from lifecircle.layers.classify import classify_facilities, split_shared_facilities
from lifecircle.layers.dedupe import merge_duplicates, merge_report_entries
from lifecircle.layers.geofabrik import read_geofabrik
from lifecircle.layers.planner_files import read_facility_list
from lifecircle.spatial.errors import LifecircleError
from lifecircle.standards.profile import load_profile
from tests.osm_fixtures import grid_osm, lonlat

METRIC = "EPSG:32651"


def facilities(rows: list[tuple]) -> gpd.GeoDataFrame:
    """(id, category, name, source, x_m, y_m, capacity, site_area_m2) rows in a metric CRS."""
    ids, cats, names, sources, xs, ys, caps, areas = zip(*rows, strict=True)
    return gpd.GeoDataFrame(
        {
            "facility_id": ids,
            "category": cats,
            "name": names,
            "source": sources,
            "capacity": np.array(caps, dtype=float),
            "floor_area_m2": np.nan,
            "site_area_m2": np.array(areas, dtype=float),
        },
        geometry=shapely.points(np.array(xs) + 350_000.0, np.array(ys) + 3_460_000.0),
        crs=METRIC,
    )


def kept_ids(frame: gpd.GeoDataFrame) -> list[str]:
    return sorted(frame["facility_id"])


def test_node_and_area_of_one_facility_are_merged_into_the_area():
    nan, health = np.nan, "community_health"
    frame = facilities(
        [
            ("osm:node/1", "middle_school", "求真中学", "geofabrik", 0, 0, nan, nan),
            ("osm:way/2", "middle_school", "求真中学", "geofabrik", 105, 0, nan, 19578.8),
            ("osm:node/3", health, "高境镇社区卫生服务中心", "geofabrik", 0, 900, 7, nan),
            ("osm:way/4", health, "高境镇社区卫生服务中心", "geofabrik", 1136, 900, nan, 5243),
            # two areas of one name are two campuses, as the mapper drew them
            ("osm:way/5", "primary_school", "武宁路小学", "geofabrik", 0, 3000, nan, 3398),
            ("osm:way/6", "primary_school", "武宁路小学", "geofabrik", 357, 3000, nan, 7640),
            # a name on three or more facilities is a brand, not one place
            ("osm:node/7", "market", "联华超市", "geofabrik", 0, 5000, nan, nan),
            ("osm:way/8", "market", "联华超市", "geofabrik", 205, 5000, nan, 900),
            ("osm:node/9", "market", "联华超市", "geofabrik", 1300, 5000, nan, nan),
            # same name, other category: not the same facility
            ("osm:node/10", "park", "求真中学", "geofabrik", 0, 10, nan, nan),
        ]
    )
    kept, merges = merge_duplicates(frame)
    assert kept_ids(kept) == sorted(
        [
            "osm:way/2",
            "osm:way/4",
            "osm:way/5",
            "osm:way/6",
            "osm:node/7",
            "osm:way/8",
            "osm:node/9",
            "osm:node/10",
        ]
    )
    centre = kept[kept["facility_id"] == "osm:way/4"].iloc[0]
    assert centre["capacity"] == 7  # filled from the merged node
    by_dropped = {m["dropped"]["id"]: m for m in merges}
    assert set(by_dropped) == {"osm:node/1", "osm:node/3"}
    assert by_dropped["osm:node/1"]["kept"] == {
        "id": "osm:way/2",
        "name": "求真中学",
        "source": "geofabrik",
    }
    assert by_dropped["osm:node/1"]["distance_m"] == pytest.approx(105.0)
    assert by_dropped["osm:node/3"]["reason"] == "same name"


def test_one_place_in_two_sources_is_merged_within_a_few_metres():
    nan = np.nan
    frame = facilities(
        [
            ("osm:node/1", "kindergarten", None, "osm", 0, 0, nan, nan),
            ("osm:node/2", "kindergarten", "宜川新村幼儿园", "geofabrik", 3, 0, nan, nan),
            ("osm:node/3", "kindergarten", None, "osm", 100, 0, nan, nan),
            ("osm:node/4", "kindergarten", "岚皋路幼儿园", "geofabrik", 108, 0, nan, nan),
            # two nodes of one source 2 m apart were drawn as two
            ("osm:node/5", "transit", None, "osm", 0, 500, nan, nan),
            ("osm:node/6", "transit", None, "osm", 2, 500, nan, nan),
        ]
    )
    kept, merges = merge_duplicates(frame)
    assert kept_ids(kept) == sorted(
        ["osm:node/1", "osm:node/3", "osm:node/4", "osm:node/5", "osm:node/6"]
    )
    assert [(m["kept"]["id"], m["dropped"]["id"], m["reason"]) for m in merges] == [
        ("osm:node/1", "osm:node/2", "same place")
    ]


def test_a_planner_record_wins_against_osm_and_every_merge_is_reported():
    nan = np.nan
    rows = [("osm:way/10", "kindergarten", "宜川新村幼儿园", "osm", 0, 0, nan, 3000.0)]
    rows += [
        (f"list:{i}", "kindergarten", f"幼儿园{i}", "planner:list.csv", 400 * i + 2, 0, 150, nan)
        for i in range(1, 4)
    ]
    rows += [(f"osm:node/{i}", "kindergarten", None, "osm", 400 * i, 1, nan, nan) for i in (1, 2)]
    kept, merges = merge_duplicates(facilities(rows))
    assert kept_ids(kept) == ["list:1", "list:2", "list:3", "osm:way/10"]
    assert (kept["capacity"].dropna() == 150).sum() == 3
    assert len(merges) == 2
    assert {m["dropped"]["source"] for m in merges} == {"osm"}
    entries = merge_report_entries(merges)
    assert entries[0]["count"] == 2 and "kindergarten 2" in entries[0]["detail"]
    for entry, merge in zip(entries[1:], merges, strict=True):
        assert merge["kept"]["id"] in entry["detail"] and merge["dropped"]["id"] in entry["detail"]
        assert "planner:list.csv" in entry["detail"] and " m apart" in entry["detail"]
        assert merge["distance_m"] == pytest.approx(np.hypot(2, 1), abs=0.1)
    # a planner point over an OSM area takes the site area
    planner_over_area = facilities(
        [
            ("osm:way/10", "kindergarten", "宜川新村幼儿园", "osm", 0, 0, nan, 3000.0),
            ("list:1", "kindergarten", "宜川新村幼儿园", "planner:list.csv", 40, 0, 150, nan),
        ]
    )
    kept, _ = merge_duplicates(planner_over_area)
    assert kept_ids(kept) == ["list:1"] and kept["site_area_m2"].iloc[0] == 3000.0


def test_real_zhangmiao_node_and_area_duplicates(zhangmiao_pois):
    rules = load_profile("shanghai").classification_rules()
    classified = classify_facilities(read_geofabrik(zhangmiao_pois).facilities, rules)
    split, _ = split_shared_facilities(classified[classified["category"].notna()])
    kept, merges = merge_duplicates(split.to_crs(METRIC))
    merged = {(m["dropped"]["id"], m["kept"]["id"]) for m in merges}
    assert ("osm:node/11750703993", "osm:way/1374897259") in merged  # 求真中学
    assert ("osm:node/7216741171", "osm:way/1385495227") in merged  # 高境镇社区卫生服务中心
    assert (kept["name"] == "求真中学").sum() == 1
    assert (kept["name"] == "高境镇社区卫生服务中心").sum() == 1
    assert (kept["name"] == "求真中学北校").sum() == 1  # a campus of its own


def _numbered_list(path, category: str, names: list[str], start_m: float) -> dict:
    rows = [
        f"{i + 1},{name},{','.join(map(str, lonlat(start_m + 200 * i, 250)))}"
        for i, name in enumerate(names)
    ]
    path.write_text("编号,名称,lon,lat\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return {
        "path": path,
        "crs": "EPSG:4326",
        "category": category,
        "columns": {"facility_id": "编号", "name": "名称"},
    }


def test_two_planner_lists_numbering_rows_alike_are_both_kept(tmp_path):
    osm = grid_osm(tmp_path / "g.osm", n=6)
    care = _numbered_list(tmp_path / "care.csv", "day_care", ["西村日托", "东村日托"], 50)
    meals = _numbered_list(tmp_path / "meals.csv", "meal_point", ["西村助餐点", "东村助餐点"], 150)
    layers = lc.load_layers(osm=osm, facilities=[care, meals])
    facilities = layers.facilities.set_index("facility_id")
    assert facilities.loc[["care:1", "care:2"], "category"].tolist() == ["day_care"] * 2
    assert facilities.loc[["meals:1", "meals:2"], "category"].tolist() == ["meal_point"] * 2
    # lists with one file name still clash: refused, not silently dropped
    (tmp_path / "other").mkdir()
    again = _numbered_list(tmp_path / "other" / "care.csv", "meal_point", ["南村助餐点"], 250)
    with pytest.raises(LifecircleError, match="same facility ids"):
        lc.load_layers(osm=osm, facilities=[care, again])


def test_planner_and_osm_duplicates_are_merged_in_the_run_report(tmp_path):
    osm = grid_osm(
        tmp_path / "g.osm",
        n=6,
        facilities=[(250, 250, {"amenity": "kindergarten", "name": "宜川新村幼儿园"})],
    )
    kindergartens = _numbered_list(tmp_path / "kg.csv", "kindergarten", ["宜川新村幼儿园"], 251)
    layers = lc.load_layers(osm=osm, facilities=[kindergartens])
    assert layers.facilities.loc[
        layers.facilities["category"] == "kindergarten", "facility_id"
    ].tolist() == ["kg:1"]
    report = layers.meta["report"]
    count = [e for e in report if e["issue"].startswith("duplicate facilities merged")]
    assert count and count[0]["count"] == 1
    merge = next(e["merge"] for e in report if e["issue"] == "duplicate facility merged")
    assert merge["kept"]["id"] == "kg:1" and merge["dropped"]["id"].startswith("osm:node/")
    assert merge["distance_m"] < 5


def test_a_planner_facility_outside_the_study_area_is_reported(tmp_path):
    osm = grid_osm(tmp_path / "g.osm", n=6)
    far_lon, far_lat = lonlat(5000, 250)
    path = tmp_path / "care.csv"
    near_lon, near_lat = lonlat(250, 250)
    path.write_text(
        f"名称,lon,lat\n近处日托,{near_lon},{near_lat}\n远处日托,{far_lon},{far_lat}\n",
        encoding="utf-8",
    )
    spec = {"path": path, "crs": "EPSG:4326", "category": "day_care", "columns": {"name": "名称"}}
    layers = lc.load_layers(osm=osm, facilities=[spec])
    assert layers.facilities["name"].tolist().count("远处日托") == 0
    beyond = [
        e for e in layers.meta["report"] if e["issue"].startswith("planner facilities beyond")
    ]
    assert len(beyond) == 1 and beyond[0]["count"] == 1
    assert "care:2" in beyond[0]["detail"] and "远处日托" in beyond[0]["detail"]


def test_a_multi_layer_geopackage_without_layer_is_refused(tmp_path):
    path = tmp_path / "facilities.gpkg"
    for layer, name in (("closed", "已关闭日托"), ("open", "开放日托")):
        gpd.GeoDataFrame(
            {"名称": [name]}, geometry=[shapely.Point(*lonlat(100, 100))], crs="EPSG:4326"
        ).to_file(path, layer=layer)
    spec = {"path": path, "category": "day_care", "columns": {"name": "名称"}}
    with pytest.raises(LifecircleError, match="2 layers") as info:
        read_facility_list(spec, ["day_care"])
    assert "closed" in info.value.fix and "open" in info.value.fix
    chosen = read_facility_list(spec | {"layer": "open"}, ["day_care"])
    assert chosen["name"].tolist() == ["开放日托"]
    assert chosen["facility_id"].tolist() == ["facilities.open:1"]


def test_replacing_a_category_drops_only_that_row_of_a_nine_year_school(tmp_path):
    osm = grid_osm(
        tmp_path / "g.osm",
        n=6,
        facilities=[(250, 250, {"amenity": "school", "name": "同洲模范学校"})],
    )
    middle = _numbered_list(tmp_path / "middle.csv", "middle_school", ["泗塘中学"], 50)
    layers = lc.load_layers(
        osm=osm, facilities=[middle | {"replace_categories": ["middle_school"]}]
    )
    schools = layers.facilities[layers.facilities["name"].isin(["同洲模范学校", "泗塘中学"])]
    rows = dict(zip(schools["category"], schools["facility_id"], strict=True))
    assert rows["middle_school"] == "middle:1"
    assert rows["primary_school"].endswith("#primary_school")
    assert schools["site_id"].tolist().count(rows["primary_school"].split("#")[0]) == 1
