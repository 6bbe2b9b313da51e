"""A whole run from a YAML config: planner files, sub-units, overrides, outputs."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from lifecircle.cli import main
from lifecircle.config import load_config
from lifecircle.spatial.chinese_coords import wgs84_to_gcj02
from lifecircle.spatial.errors import LifecircleError
from tests.osm_fixtures import grid_osm, lonlat


@pytest.fixture(scope="module")
def config_run(tmp_path_factory):
    """One run from a YAML config, read (never changed) by the tests that take it."""
    tmp_path = tmp_path_factory.mktemp("config_run")
    grid_osm(
        tmp_path / "streets.osm",
        n=8,
        spacing_m=100.0,
        facilities=[(350, 350, {"amenity": "kindergarten", "name": "测试幼儿园"})],
    )
    west, south = lonlat(0, 0)
    mid, _ = lonlat(350, 0)
    east, north = lonlat(700, 700)
    units = gpd.GeoDataFrame(
        {"居委": ["东村居委", "西村居委"], "code": ["E", "W"]},
        geometry=[shapely.box(mid, south, east, north), shapely.box(west, south, mid, north)],
        crs="EPSG:4326",
    )
    units.to_file(tmp_path / "units.gpkg", driver="GPKG")
    care_lon, care_lat = lonlat(150, 150)
    gcj_lon, gcj_lat = wgs84_to_gcj02(np.array([care_lon]), np.array([care_lat]))
    pd.DataFrame(
        {
            "名称": ["西村日间照料中心"],
            "类别": ["日照"],
            "床位": [40],
            "面积": [500.0],
            "lng": gcj_lon,
            "lat": gcj_lat,
        }
    ).to_csv(tmp_path / "care.csv", index=False, encoding="utf-8-sig")
    (tmp_path / "run.yml").write_text(
        """
name: 测试街道
profile: shanghai
overrides:
  walk_speed_mps: {elderly: 0.7}
sources:
  osm: streets.osm
study_area:
  boundary: {path: units.gpkg, name_column: 居委, id_column: code}
facilities:
  - path: care.csv
    crs: gcj02
    x_column: lng
    y_column: lat
    columns: {name: 名称, category: 类别, capacity: 床位, floor_area_m2: 面积}
    category_values: {日照: day_care}
population:
  elderly_share: 0.48
demand: {grid_size_m: 100, grid_shape: square}
output: out
""",
        encoding="utf-8",
    )
    assert main(["run", "--quiet", str(tmp_path / "run.yml")]) == 0
    return tmp_path / "out"


def test_config_run_uses_units_overrides_and_planner_list(config_run):
    summary = json.loads((config_run / "summary.json").read_text(encoding="utf-8"))
    assert summary["study_area"] == "测试街道"
    assert summary["walk_speed_mps"]["elderly"] == 0.7
    assert summary["profile"]["walk_speed_mps"]["elderly"]["source"] == "run_config"
    assert summary["population"]["elderly"] == pytest.approx(
        0.48 * summary["population"]["residents"]
    )
    assert summary["facilities_per_category"]["day_care"] == 1
    day_care = summary["care_coverage"]["categories"]["day_care"]
    assert 0 < day_care["population_share"] < 1
    units = {u["unit_id"]: u for u in summary["care_coverage"]["units"]}
    assert set(units) == {"E", "W"}
    assert units["W"]["care_floor_area_m2"] == 500.0 and units["E"]["care_floor_area_m2"] == 0.0
    assert units["W"]["share_day_care"] > units["E"]["share_day_care"]
    life_units = {u["unit_id"]: u["name"] for u in summary["life_circle"]["units"]}
    assert life_units == {"E": "东村居委", "W": "西村居委"}


def test_results_follow_the_output_contract(config_run):
    demand = gpd.read_file(config_run / "results.gpkg", layer="demand")
    for column in (
        "demand_id",
        "residents",
        "elderly",
        "life_circle_score",
        "life_circle_complete",
        "fitness_ok",
        "care_2sfca",
        "min_day_care",
        "min_kindergarten",
    ):
        assert column in demand.columns, column
    facilities = gpd.read_file(config_run / "results.gpkg", layer="facilities")
    for column in ("facility_id", "category", "name", "capacity", "served_residents"):
        assert column in facilities.columns
    care = facilities[facilities["category"] == "day_care"].iloc[0]
    assert care["name"] == "西村日间照料中心" and care["capacity"] == 40
    assert care["facility_id"] == "care:1"
    for layer in ("service_areas", "gaps"):
        assert len(gpd.read_file(config_run / "results.gpkg", layer=layer)) > 0
    table = (config_run / "tables" / "life_circle_categories.csv").read_bytes()
    assert table.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    assert "幼儿园" in table.decode("utf-8-sig")


def test_unknown_config_key_is_refused(tmp_path):
    path = tmp_path / "bad.yml"
    path.write_text("sourcez: {osm: a.osm}\n", encoding="utf-8")
    with pytest.raises(LifecircleError, match="unknown keys"):
        load_config(path)


def test_config_paths_are_relative_to_the_config_file(tmp_path):
    sub = tmp_path / "project"
    sub.mkdir()
    path = sub / "run.yml"
    path.write_text("sources: {osm: data/x.osm}\noutput: results\n", encoding="utf-8")
    config = load_config(path)
    assert config.osm == [sub / "data" / "x.osm"]
    assert config.output == sub / "results"


@pytest.mark.slow
def test_layers_file_round_trip(tmp_path):
    """`lifecircle layers` then `run --layers` gives the same figures as a direct run."""
    osm = grid_osm(
        tmp_path / "g.osm",
        n=8,
        spacing_m=100.0,
        facilities=[(350, 350, {"amenity": "kindergarten", "name": "测试幼儿园"})],
    )
    west, south = lonlat(50, 50)
    east, north = lonlat(650, 650)
    bbox = f"{west},{south},{east},{north}"
    assert (
        main(
            [
                "layers",
                "--quiet",
                "--osm",
                str(osm),
                "--bbox",
                bbox,
                "--out",
                str(tmp_path / "layers.gpkg"),
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "run",
                "--quiet",
                "--osm",
                str(osm),
                "--bbox",
                bbox,
                "--basemap",
                "none",
                "--out",
                str(tmp_path / "direct"),
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "run",
                "--quiet",
                "--layers",
                str(tmp_path / "layers.gpkg"),
                "--basemap",
                "none",
                "--out",
                str(tmp_path / "via"),
            ]
        )
        == 0
    )
    direct = json.loads((tmp_path / "direct" / "summary.json").read_text(encoding="utf-8"))
    via = json.loads((tmp_path / "via" / "summary.json").read_text(encoding="utf-8"))
    assert via["population"] == direct["population"]
    assert via["life_circle"]["categories"] == direct["life_circle"]["categories"]
    assert via["network"]["nodes"] == direct["network"]["nodes"]


def test_tianditu_key_stays_out_of_summary_and_report(tmp_path):
    grid_osm(
        tmp_path / "g.osm",
        n=6,
        spacing_m=100.0,
        facilities=[(250, 250, {"amenity": "kindergarten", "name": "测试幼儿园"})],
    )
    key = "secret-tianditu-key-0123456789"
    (tmp_path / "run.yml").write_text(
        f"sources: {{osm: g.osm}}\nmaps: {{basemap: tianditu, tianditu_key: {key}}}\noutput: out\n",
        encoding="utf-8",
    )
    assert main(["run", "--quiet", str(tmp_path / "run.yml")]) == 0
    out = tmp_path / "out"
    assert key in (out / "maps" / "life_circle.html").read_text(encoding="utf-8")
    assert key not in (out / "summary.json").read_text(encoding="utf-8")
    assert key not in (out / "report.html").read_text(encoding="utf-8")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["maps"]["basemap"] == "tianditu"


def test_unknown_map_option_is_refused(tmp_path, capsys):
    grid_osm(tmp_path / "g.osm")
    (tmp_path / "run.yml").write_text(
        "sources: {osm: g.osm}\nmaps: {colour: red}\noutput: out\n", encoding="utf-8"
    )
    assert main(["run", str(tmp_path / "run.yml")]) == 2
    assert "Unknown map options" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def _facility_list(tmp_path, rows: str):
    path = tmp_path / "list.csv"
    path.write_text("编号,名称,类别,lon,lat\n" + rows, encoding="utf-8")
    return {"path": path, "crs": "EPSG:4326",
            "columns": {"facility_id": "编号", "name": "名称", "category": "类别"}}


def test_planner_list_with_duplicate_ids_or_empty_category_is_refused(tmp_path):
    from lifecircle.layers.planner_files import read_facility_list

    spec = _facility_list(tmp_path, "1,甲,day_care,121.44,31.26\n1,乙,day_care,121.45,31.26\n")
    with pytest.raises(LifecircleError, match="not unique") as info:
        read_facility_list(spec, ["day_care"])
    assert "rows 2, 3 (row numbers as Excel shows them" in str(info.value)
    spec = _facility_list(tmp_path, "1,甲,day_care,121.44,31.26\n2,乙,,121.45,31.26\n")
    with pytest.raises(LifecircleError, match="empty category") as info:
        read_facility_list(spec, ["day_care"])
    assert "rows 3 (row numbers as Excel shows them" in str(info.value)


def test_replace_categories_drops_the_osm_facilities_of_those_categories(tmp_path):
    grid_osm(tmp_path / "g.osm", n=6, facilities=[(150, 150, {"name": "某某日间照料中心"})])
    lon, lat = lonlat(350, 350)
    (tmp_path / "care.csv").write_text(f"名称,lon,lat\n街道日间照料中心,{lon},{lat}\n",
                                      encoding="utf-8")
    (tmp_path / "run.yml").write_text(
        "sources: {osm: g.osm}\nfacilities:\n  - {path: care.csv, crs: EPSG:4326, "
        "columns: {name: 名称}, category: day_care, replace_categories: [day_care]}\n"
        "maps: {basemap: none}\noutput: out\n",
        encoding="utf-8",
    )
    assert main(["run", "--quiet", str(tmp_path / "run.yml")]) == 0
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["facilities_per_category"]["day_care"] == 1
    facilities = gpd.read_file(tmp_path / "out" / "results.gpkg", layer="facilities")
    assert facilities.loc[facilities["category"] == "day_care", "name"].tolist() == [
        "街道日间照料中心"]
    issues = [entry["issue"] for entry in summary["input_report"]]
    assert "source facilities replaced by the planner's own list" in issues


@pytest.mark.parametrize(
    ("block", "fragment"),
    [
        ("population: {elderly_share: '48%'}", "population.elderly_share"),
        ("population: {elderly_share: 48}", "population.elderly_share"),
        ("demand: {grid_size_m: 150m}", "demand.grid_size_m"),
        ("demand: {grid_shape: circle}", "demand.grid_shape"),
    ],
)
def test_bad_numbers_in_the_run_config(tmp_path, capsys, block, fragment):
    grid_osm(tmp_path / "g.osm")
    (tmp_path / "run.yml").write_text(f"sources: {{osm: g.osm}}\n{block}\noutput: out\n",
                                      encoding="utf-8")
    assert main(["run", str(tmp_path / "run.yml")]) == 2
    err = capsys.readouterr().err
    assert fragment in err and "Traceback" not in err
    assert "[" not in err.split("lifecircle: error:")[0]  # refused before any stage ran
