"""results.gpkg carries QGIS styles (layer_styles): graduated minutes, categories, aliases."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pyogrio
import pyproj
import pytest

from lifecircle.config import RunConfig
from lifecircle.layers.layerset_io import WATER_LAYERS, read_layerset
from lifecircle.pipeline import run
from lifecircle.qgis_styles import STYLE_COLUMNS, STYLES_TABLE
from lifecircle.sites import SitesRequest, run_sites
from lifecircle.spatial.errors import LifecircleError
from lifecircle.standards.profile import load_profile

HAN = re.compile(r"[\u4e00-\u9fff]")


def styles(path: Path) -> list[dict[str, object]]:
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute(f"SELECT * FROM {STYLES_TABLE}")]


def renderer(row: dict[str, object]) -> ET.Element:
    qml = str(row["styleQML"])
    assert qml.startswith("<!DOCTYPE qgis")
    return ET.fromstring(qml.split("\n", 1)[1]).find("renderer-v2")


def aliases(row: dict[str, object]) -> dict[str, str]:
    root = ET.fromstring(str(row["styleQML"]).split("\n", 1)[1])
    return {a.get("field"): a.get("name") for a in root.iter("alias")}


def test_layer_styles_table_follows_the_qgis_convention(demo_run):
    path = demo_run / "results.gpkg"
    with sqlite3.connect(path) as db:
        columns = [row[1] for row in db.execute(f"PRAGMA table_info({STYLES_TABLE})")]
        contents = dict(db.execute("SELECT table_name, data_type FROM gpkg_contents").fetchall())
    assert columns == ["id", *STYLE_COLUMNS]
    # registered as an attributes table, the layers themselves unchanged
    assert contents == {
        "demand": "features",
        "facilities": "features",
        "service_areas": "features",
        "gaps": "features",
        STYLES_TABLE: "attributes",
    }
    rows = styles(path)
    assert {r["f_table_name"] for r in rows} == {"demand", "facilities", "service_areas", "gaps"}
    for layer in {r["f_table_name"] for r in rows}:
        defaults = [r for r in rows if r["f_table_name"] == layer and r["useAsDefault"]]
        assert len(defaults) == 1, layer
        assert pyogrio.read_info(path, layer=layer)["geometry_name"] == defaults[0][
            "f_geometry_column"
        ]


def test_demand_is_graduated_by_minutes_with_breaks_at_the_threshold(demo_run):
    profile = load_profile(demo_run / "profile.yml")
    rows = [r for r in styles(demo_run / "results.gpkg") if r["f_table_name"] == "demand"]
    fields = pyogrio.read_info(demo_run / "results.gpkg", layer="demand")["fields"]
    minute_fields = {f for f in fields if f.startswith("min_")}
    assert {r["styleName"] for r in rows} == {f"demand_{f}" for f in minute_fields}
    for row in rows:
        field = str(row["styleName"]).removeprefix("demand_")
        element = renderer(row)
        assert element.get("type") == "graduatedSymbol"
        assert f'"{field}"' in element.get("attr")
        ranges = element.find("ranges").findall("range")
        threshold = profile.rule(field.removeprefix("min_")).threshold_minutes
        assert float(ranges[0].get("lower")) == 0
        assert float(ranges[0].get("upper")) == pytest.approx(threshold)
        uppers = [float(r.get("upper")) for r in ranges]
        assert uppers == sorted(uppers)
        symbols = {s.get("name") for s in element.find("symbols")}
        assert {r.get("symbol") for r in ranges} == symbols


def test_facilities_are_categorised_and_fields_have_chinese_aliases(demo_run, demo_results):
    rows = {r["styleName"]: r for r in styles(demo_run / "results.gpkg")}
    element = renderer(rows["facilities_category"])
    assert element.get("type") == "categorizedSymbol" and element.get("attr") == "category"
    values = {c.get("value") for c in element.find("categories")}
    assert values == set(demo_results.facilities["category"])
    assert all(HAN.search(c.get("label")) for c in element.find("categories"))
    assert renderer(rows["gaps_gaps"]).get("type") == "singleSymbol"
    names = aliases(rows["demand_min_day_care"])
    assert names["residents"] == "常住人口（人）"
    assert "日间照料中心" in names["min_day_care"]
    assert all(HAN.search(name) for name in names.values())
    assert HAN.search(aliases(rows["gaps_gaps"])["people_affected"])


def test_sites_adds_its_styles_and_keeps_the_others(demo_run, tmp_path):
    folder = tmp_path / "run"
    shutil.copytree(demo_run, folder)
    before = {r["styleName"]: r["styleQML"] for r in styles(folder / "results.gpkg")}
    run_sites(SitesRequest(from_dir=folder, category="day_care", k=2), quiet=True)
    after = {r["styleName"]: r["styleQML"] for r in styles(folder / "results.gpkg")}
    assert {k: after[k] for k in before} == before
    assert renderer({"styleQML": after["sites_category"]}).get("type") == "categorizedSymbol"
    assert "site_service_areas_site_service_areas" in after


def test_water_is_written_as_polygons_and_lines_and_read_back_whole(demo_run, demo_prepared):
    path = demo_run / "layers.gpkg"
    types = {str(name): str(kind) for name, kind in pyogrio.list_layers(path)}
    assert "water" not in types
    assert types["water_polygons"] in {"Polygon", "MultiPolygon"}
    assert types["water_lines"] in {"LineString", "MultiLineString"}
    polygons = gpd.read_file(path, layer="water_polygons")
    lines = gpd.read_file(path, layer="water_lines")
    assert len(polygons) and len(lines)
    assert set(polygons.geom_type) <= {"Polygon", "MultiPolygon"}
    assert set(lines.geom_type) <= {"LineString", "MultiLineString"}
    water = read_layerset(path).water
    assert sorted(water["water_id"]) == sorted(demo_prepared.water["water_id"])


def test_layers_files_with_one_water_layer_still_read(demo_run, demo_prepared, tmp_path):
    """Runs written before the split hold a single mixed ``water`` layer."""
    path = tmp_path / "layers.gpkg"
    for name, _kind in pyogrio.list_layers(demo_run / "layers.gpkg"):
        if name not in WATER_LAYERS:
            frame = gpd.read_file(demo_run / "layers.gpkg", layer=name)
            frame.to_file(path, layer=name, engine="pyogrio")
    demo_prepared.water.to_file(path, layer="water", engine="pyogrio")
    water = read_layerset(path).water
    assert sorted(water["water_id"]) == sorted(demo_prepared.water["water_id"])


def test_results_can_be_written_in_cgcs2000_gauss_kruger(demo_run, tmp_path):
    folder = tmp_path / "run"
    run(RunConfig(output=folder, profile="shanghai", output_crs="cgcs2000"), demo=True, quiet=True)
    layers = [str(name) for name, kind in pyogrio.list_layers(folder / "results.gpkg") if kind]
    # the demo lies at 121.4 E: the 3-degree zone of central meridian 120 E
    expected = pyproj.CRS.from_epsg(4549)
    for layer in layers:
        crs = pyogrio.read_info(folder / "results.gpkg", layer=layer)["crs"]
        assert pyproj.CRS(crs) == expected, layer
    gk = gpd.read_file(folder / "results.gpkg", layer="demand")
    analysis = gpd.read_file(demo_run / "results.gpkg", layer="demand").to_crs(expected)
    assert gk.geometry.geom_equals_exact(analysis.geometry, tolerance=1e-3).all()
    assert json.loads((folder / "summary.json").read_text())["results_crs"] == "EPSG:4549"
    # layers.gpkg keeps the analysis CRS, so `sites` measures as the run did
    assert read_layerset(folder / "layers.gpkg").crs == read_layerset(demo_run / "layers.gpkg").crs
    run_sites(SitesRequest(from_dir=folder, category="day_care", k=1), quiet=True)
    sites = pyogrio.read_info(folder / "results.gpkg", layer="sites")
    assert pyproj.CRS(sites["crs"]) == expected


def test_an_unknown_output_crs_is_refused_before_any_work(tmp_path):
    with pytest.raises(LifecircleError, match="output_crs") as caught:
        config = RunConfig(output=tmp_path / "run", profile="shanghai", output_crs="gk")
        run(config, demo=True, quiet=True)
    assert "cgcs2000" in str(caught.value)
    assert not (tmp_path / "run").exists()
