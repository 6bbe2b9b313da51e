"""maps/: HTML maps, static PNGs and the report, checked without a browser."""

from __future__ import annotations

import dataclasses
import json
import math
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from lifecircle.analyses.subdistrict import SubdistrictResults
from lifecircle.maps import MapOptions, mapdata, write_maps, write_report
from lifecircle.maps.aggregate import aggregate_to_hexagons
from lifecircle.maps.atomic import write_text_atomic
from lifecircle.maps.compact import decode_collection
from lifecircle.maps.geojson import script_json, to_display
from lifecircle.maps.style import minute_classes, sfca_classes
from lifecircle.spatial.chinese_coords import wgs84_to_gcj02
from lifecircle.spatial.errors import LifecircleError
from tests.conftest import demo_outputs

XSS_NAME = "<img src=x onerror=alert(1)>"
SCRIPT_NAME = "</script><script>alert(2)</script>"
MAX_BYTES = 10 * 1024 * 1024
CJK = re.compile(r"[\u4e00-\u9fff]")


def demo_results() -> SubdistrictResults:
    """The synthetic demo district's results, shared by the whole session (conftest.py)."""
    return demo_outputs().results


def hostile_results() -> SubdistrictResults:
    """Demo results with facility names that try to inject HTML and script."""
    results = demo_results()
    facilities = results.facilities.copy()
    facilities["name"] = facilities["name"].astype(object)
    facilities.loc[facilities.index[0], "name"] = XSS_NAME
    facilities.loc[facilities.index[1], "name"] = SCRIPT_NAME
    return dataclasses.replace(results, facilities=facilities)


def embedded_data(html: str, name: str) -> dict:
    """The data set ``name`` embedded in a map page, decoded to GeoJSON (as the page does)."""
    match = re.search(r'LC\.data\["' + re.escape(name) + r'"\] = (\{.*?\});\n', html)
    assert match, f"data set {name} not embedded"
    return decode_collection(json.loads(match.group(1)))


def has_text(html: str, text: str) -> bool:
    """True when ``text`` is in the page as is or as a JSON string (layer names)."""
    return text in html or json.dumps(text)[1:-1] in html


def legend_html(html: str) -> str:
    start = html.index('<div class="lc-legend"')
    ends = [html.find(marker, start) for marker in ('<div class="lc-title"', "<script")]
    return html[start : min(e for e in ends if e > 0)]


@pytest.fixture(scope="module")
def results() -> SubdistrictResults:
    return demo_results()


@pytest.fixture(scope="module")
def zh_maps(results, tmp_path_factory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("maps_zh")
    return out, write_maps(results, out, MapOptions())


@pytest.fixture(scope="module")
def en_offline_maps(results, tmp_path_factory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("maps_en_offline")
    return out, write_maps(results, out, MapOptions(lang="en", offline=True))


def test_write_maps_returns_index_first_and_all_files(zh_maps):
    out, files = zh_maps
    names = [p.relative_to(out).as_posix() for p in files]
    assert names[0] == "maps/index.html"
    for expected in (
        "maps/life_circle.html",
        "maps/fitness_circle.html",
        "maps/care_coverage.html",
        "maps/life_circle.png",
        "maps/fitness_circle.png",
        "maps/care_coverage.png",
    ):
        assert expected in names
        assert (out / expected).stat().st_size > 1000
    index = (out / "maps/index.html").read_text(encoding="utf-8")
    for page in ("life_circle.html", "fitness_circle.html", "care_coverage.html"):
        assert f'href="{page}"' in index
    assert not list((out / "maps").glob(".*.tmp")), "temporary files left behind"


def test_chinese_labels_by_default(zh_maps):
    out, _ = zh_maps
    html = (out / "maps/life_circle.html").read_text(encoding="utf-8")
    assert "15分钟社区生活圈" in html
    assert "图例" in html and has_text(html, "设施：幼儿园")
    assert "合成示范数据" in html, "synthetic data must be flagged"
    assert '"attributions":["合成示范数据，非真实地点"]' in html, "attribution in the map language"
    assert "not a real place" not in html
    legend = legend_html(html)
    assert "≤ 5 分钟（达标）" in legend
    assert "30 分钟内无设施" in legend
    care = (out / "maps/care_coverage.html").read_text(encoding="utf-8")
    assert "每位老人可及的养老设施建筑面积（m²）" in care


def test_english_labels(en_offline_maps):
    out, _ = en_offline_maps
    html = (out / "maps/life_circle.html").read_text(encoding="utf-8")
    assert "15-minute community life circle" in html
    legend = legend_html(html)
    assert "Legend" in legend and "Kindergarten" in legend
    assert "none within 30 min" in legend
    assert not CJK.search(legend), "the English legend must not contain Chinese labels"
    assert has_text(html, "Facilities: Kindergarten")
    assert "synthetic demo data" in html


def test_offline_html_is_self_contained(en_offline_maps):
    _, files = en_offline_maps
    pages = [p for p in files if p.suffix == ".html"]
    assert len(pages) >= 4
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "https://cdn" not in html
        assert not re.search(r"<script[^>]+src\s*=\s*[\"']?(https?:)?//", html, re.I)
        assert not re.search(r"<link[^>]+href\s*=\s*[\"']?(https?:)?//", html, re.I)
        assert "tile.openstreetmap.org" not in html
        if page.name != "index.html":
            assert "Leaflet 1." in html, "Leaflet must be inlined"
            assert 'LC.data["roads"]' in html, "offline maps draw the vector basemap"


def test_default_basemap_is_vector_and_tile_pages_still_inline_leaflet(
    results, zh_maps, tmp_path
):
    out, _ = zh_maps
    default = (out / "maps/life_circle.html").read_text(encoding="utf-8")
    assert 'LC.data["road_labels"]' in default and "tile.openstreetmap.org" not in default
    write_maps(results, tmp_path, MapOptions(basemap="osm"))
    html = (tmp_path / "maps/life_circle.html").read_text(encoding="utf-8")
    assert re.findall(r"<script[^>]+src=", html) == []
    assert re.findall(r"<link[^>]+stylesheet", html) == []
    assert "Leaflet 1.9" in html and "tile.openstreetmap.org" in html
    assert has_text(html, "© OpenStreetMap contributors")


def test_map_sizes_under_10_mb(zh_maps, en_offline_maps):
    for _, files in (zh_maps, en_offline_maps):
        for path in files:
            assert path.stat().st_size < MAX_BYTES, f"{path} is {path.stat().st_size} bytes"


def test_no_per_feature_style_in_data(zh_maps):
    out, _ = zh_maps
    html = (out / "maps/life_circle.html").read_text(encoding="utf-8")
    demand = embedded_data(html, "demand")
    assert len(demand["features"]) == len(demo_results().demand)
    props = demand["features"][0]["properties"]
    assert not {"style", "color", "fillColor"} & set(props)
    lon, lat = demand["features"][0]["geometry"]["coordinates"]
    assert len(str(lon).split(".")[1]) <= 6 and len(str(lat).split(".")[1]) <= 6


def test_names_are_escaped_in_html(tmp_path):
    files = write_maps(hostile_results(), tmp_path, MapOptions(basemap="none"))
    html = (tmp_path / "maps/life_circle.html").read_text(encoding="utf-8")
    assert XSS_NAME not in html
    assert SCRIPT_NAME not in html
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html
    assert html.count("</script>") == html.count("<script")
    for path in files:
        if path.suffix == ".html":
            assert "onerror=alert(1)>" not in path.read_text(encoding="utf-8")


def test_escaping_in_legend_and_title(tmp_path, results):
    boundary = results.layerset.boundary.copy()
    layerset = dataclasses.replace(results.layerset, boundary=boundary)
    layerset.meta = {**results.layerset.meta, "name_zh": "<b>街道</b>"}
    hostile = dataclasses.replace(results, layerset=layerset)
    write_maps(hostile, tmp_path, MapOptions(basemap="none", title="<i>标题</i>"))
    html = (tmp_path / "maps/care_coverage.html").read_text(encoding="utf-8")
    assert "<i>标题</i>" not in html and "&lt;i&gt;标题&lt;/i&gt;" in html


def test_amap_shifts_overlays_to_gcj02(results):
    facilities = results.facilities.iloc[[0]]
    wgs = facilities.to_crs(4326).geometry.iloc[0]
    expected = wgs84_to_gcj02(np.array([wgs.x]), np.array([wgs.y]))

    def first_point(basemap: str) -> tuple[float, float]:
        ctx = mapdata.make_context(results, MapOptions(basemap=basemap))
        collection = decode_collection(mapdata.facility_collection(ctx, "life_circle"))
        feature = next(
            f
            for f in collection["features"]
            if f["properties"]["id"] == facilities["facility_id"].iloc[0]
        )
        return tuple(feature["geometry"]["coordinates"])

    lon, lat = first_point("amap")
    # coordinates are rounded to 5 decimals: within 5e-6 degree (0.56 m N-S, 0.48 m E-W)
    assert lon == pytest.approx(float(expected[0][0]), abs=5.1e-6)
    assert lat == pytest.approx(float(expected[1][0]), abs=5.1e-6)
    shift_m = _metres(wgs.x, wgs.y, lon, lat)
    assert 300 < shift_m < 700, f"GCJ-02 shift in Shanghai should be ~500 m, got {shift_m:.0f} m"
    lon, lat = first_point("osm")
    assert _metres(wgs.x, wgs.y, lon, lat) < 0.8, "with OSM tiles nothing is shifted"


def _metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    k = math.pi / 180
    x = (lon2 - lon1) * k * math.cos((lat1 + lat2) / 2 * k)
    y = (lat2 - lat1) * k
    return 6371008.8 * math.hypot(x, y)


def test_amap_page_uses_gcj02_tiles_and_shifted_boundary(tmp_path, results):
    write_maps(results, tmp_path, MapOptions(basemap="amap"))
    html = (tmp_path / "maps/fitness_circle.html").read_text(encoding="utf-8")
    assert "autonavi.com" in html
    outline = embedded_data(html, "outline")["features"][0]["geometry"]
    west = min(c[0] for c in outline["coordinates"][0])
    true_west = results.layerset.boundary.to_crs(4326).total_bounds[0]
    assert west - true_west > 0.003, "AMap outline must be shifted east (GCJ-02)"


def test_tianditu_needs_a_key(tmp_path, results, monkeypatch):
    monkeypatch.delenv("LIFECIRCLE_TIANDITU_KEY", raising=False)
    monkeypatch.delenv("TIANDITU_KEY", raising=False)
    with pytest.raises(LifecircleError) as info:
        write_maps(results, tmp_path, MapOptions(basemap="tianditu"))
    assert "LIFECIRCLE_TIANDITU_KEY" in str(info.value)
    assert "maps.tianditu_key" in str(info.value)


def test_tianditu_key_in_map_never_in_report(tmp_path, results, monkeypatch):
    key = "0123456789abcdef0123456789abcdef"
    monkeypatch.setenv("LIFECIRCLE_TIANDITU_KEY", key)
    options = MapOptions(basemap="tianditu")
    files = write_maps(results, tmp_path, options)
    html = (tmp_path / "maps/life_circle.html").read_text(encoding="utf-8")
    assert f"tk={key}" in html and "tianditu.gov.cn" in html
    report = write_report(results, tmp_path, options, files)
    text = report.read_text(encoding="utf-8")
    assert key not in text
    assert "life_circle.html" in text
    index = (tmp_path / "maps/index.html").read_text(encoding="utf-8")
    assert key not in index


@pytest.mark.parametrize(
    ("options", "word"),
    [
        (MapOptions(basemap="google"), "basemap"),
        (MapOptions(lang="fr"), "language"),
        (MapOptions(dpi=5), "dpi"),
    ],
)
def test_bad_options_raise_lifecircle_error(tmp_path, results, options, word):
    with pytest.raises(LifecircleError, match=word):
        write_maps(results, tmp_path, options)
    assert not (tmp_path / "maps" / "life_circle.html").exists()


def test_offline_forces_vector_basemap_even_for_tianditu_without_key(
    tmp_path, results, monkeypatch
):
    monkeypatch.delenv("LIFECIRCLE_TIANDITU_KEY", raising=False)
    monkeypatch.delenv("TIANDITU_KEY", raising=False)
    write_maps(results, tmp_path, MapOptions(basemap="tianditu", offline=True))
    html = (tmp_path / "maps/care_coverage.html").read_text(encoding="utf-8")
    assert "tianditu.gov.cn" not in html and 'LC.data["buildings"]' in html


def test_service_areas_and_radius_layers(zh_maps, results):
    out, _ = zh_maps
    html = (out / "maps/life_circle.html").read_text(encoding="utf-8")
    areas = embedded_data(html, "areas")["features"]
    cats = set(results.profile.circles["life_circle"].categories)
    sa = results.service_areas[results.service_areas["category"].isin(cats)]
    kinds = [f["properties"]["k"] for f in areas]
    assert kinds.count("category") == int((sa["kind"] == "category").sum())
    assert kinds.count("facility") == int((sa["kind"] == "facility").sum())
    assert kinds.count("radius") == sa.loc[sa["kind"] == "radius", "category"].nunique()
    assert has_text(html, "服务半径（直线）：幼儿园")
    assert has_text(html, "步行网络服务范围：幼儿园")


def test_gap_popups_say_none_within_30_minutes(results):
    ctx = mapdata.make_context(results, MapOptions())
    gaps = decode_collection(mapdata.gap_collection(ctx, "care_coverage"))["features"]
    frame = results.gaps[
        results.gaps["kind_key"].isin(mapdata.map_categories(results.profile, "care_coverage"))
    ]
    assert len(gaps) == len(frame)
    nulls = frame["nearest_walk_m"].isna().sum()
    texts = [g["properties"]["nw"] for g in gaps]
    assert texts.count("30 分钟内无设施") == nulls
    assert any(t and t.endswith(" 米") for t in texts)


def test_minute_classes_from_thresholds():
    five = minute_classes(5, 30, "en", "Kindergarten")
    assert five.breaks == (5.0, 10.0, math.inf)
    assert list(five.classify(np.array([3, 5, 7, 25, np.nan]))) == [0, 0, 1, 2, -1]
    fifteen = minute_classes(15, 30, "zh", "初中")
    assert fifteen.breaks == (15.0, math.inf)
    assert fifteen.null_label == "30 分钟内无设施"


def test_sfca_classes_put_zero_on_its_own_with_fixed_breaks(results):
    values = results.demand["care_2sfca"].to_numpy()
    classes = sfca_classes(values, "zh")
    assert classes == sfca_classes(values[: len(values) // 3], "zh"), "breaks move with the data"
    assert classes.breaks[0] == 0.0 and math.isinf(classes.breaks[-1])
    assert list(classes.breaks) == sorted(classes.breaks)
    index = classes.classify(values)
    assert (index[values == 0] == 0).all()
    assert (index[values > 0] > 0).all()


def test_hexagon_aggregation_keeps_people(results):
    demand = results.demand
    hexes = aggregate_to_hexagons(demand, 200.0, mean_columns=["min_park"])
    assert hexes["residents"].sum() == pytest.approx(demand["residents"].sum())
    assert hexes["points"].sum() == len(demand)
    assert np.allclose(hexes.geometry.area, 1.5 * math.sqrt(3) * 200.0**2)
    inside = gpd.sjoin(demand[["geometry"]], hexes[["hex_id", "geometry"]], predicate="within")
    assert inside.index.nunique() == len(demand), "every point lies in its hexagon"


@pytest.mark.slow
def test_large_area_aggregates_and_writes_detail_pages(tmp_path, results):
    files = write_maps(results, tmp_path, MapOptions(basemap="none", max_demand_points=100))
    names = [p.relative_to(tmp_path).as_posix() for p in files]
    units = results.demand["unit_id"].nunique()
    details = [n for n in names if n.startswith("maps/detail/life_circle_")]
    assert len(details) == units
    html = (tmp_path / "maps/life_circle.html").read_text(encoding="utf-8")
    demand = embedded_data(html, "demand")["features"]
    assert demand[0]["geometry"]["type"] == "Polygon"
    assert sum(f["properties"]["n"] for f in demand) == len(results.demand)
    assert "六边形汇总显示" in html
    assert 'href="detail/life_circle_' in html
    detail = (tmp_path / details[0]).read_text(encoding="utf-8")
    assert embedded_data(detail, "demand")["features"][0]["geometry"]["type"] == "Point"
    assert 'href="../life_circle.html"' in detail


def test_sites_map_when_sites_given(tmp_path, results):
    sites = gpd.GeoDataFrame(
        {
            "site_id": ["s1", "s2"],
            "category": ["day_care", "day_care"],
            "new_covered": [812.0, 90.5],
        },
        geometry=results.facilities.geometry.iloc[:2].buffer(50).centroid.to_numpy(),
        crs=results.facilities.crs,
    )
    files = write_maps(results, tmp_path, MapOptions(basemap="none"), sites=sites)
    assert tmp_path / "maps/sites.html" in files
    html = (tmp_path / "maps/sites.html").read_text(encoding="utf-8")
    assert len(embedded_data(html, "sites")["features"]) == 2
    assert 'href="sites.html"' in (tmp_path / "maps/index.html").read_text(encoding="utf-8")


def test_atomic_write_leaves_old_file_on_failure(tmp_path):
    path = tmp_path / "page.html"
    write_text_atomic(path, "old")

    from lifecircle.maps.atomic import write_with

    def broken(handle):
        handle.write(b"<html>half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_with(path, broken)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_failed_render_leaves_no_half_written_map(tmp_path, results, monkeypatch):
    import lifecircle.maps.write as write_module

    calls = {"n": 0}
    real = write_module.render_html

    def failing(m):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("boom")
        return real(m)

    monkeypatch.setattr(write_module, "render_html", failing)
    with pytest.raises(RuntimeError, match="boom"):
        write_maps(results, tmp_path, MapOptions(basemap="none"))
    # whole files only: the page written before the failure, and the PNGs drawn
    # beside the pages (each written to a temporary name and renamed)
    leftovers = sorted(p.name for p in (tmp_path / "maps").iterdir())
    assert [n for n in leftovers if not n.endswith(".png")] == ["life_circle.html"], leftovers
    for png in (tmp_path / "maps").glob("*.png"):
        assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 1000


def test_static_png_dpi(tmp_path, results):
    from lifecircle.maps.static import draw_map

    low = draw_map(results, "care_coverage", MapOptions(dpi=100))
    high = draw_map(results, "care_coverage", MapOptions(dpi=200))
    import io

    import matplotlib.image as mpimg

    a = mpimg.imread(io.BytesIO(low), format="png")
    b = mpimg.imread(io.BytesIO(high), format="png")
    assert b.shape[1] == pytest.approx(2 * a.shape[1], rel=0.05)
    assert a[..., :3].var() > 0.001, "static map must not be blank"


def test_report(tmp_path, zh_maps, results):
    out, files = zh_maps
    report = write_report(results, out, MapOptions(), files)
    assert report == out / "report.html"
    html = report.read_text(encoding="utf-8")
    assert "@page { size: A4" in html and "max-width: 100%" in html
    assert html.count("data:image/png;base64,") == 5, "chart, three maps, 居委 choropleth"
    assert 'href="maps/life_circle.html"' in html
    assert "合成示范数据" in html
    assert "幼儿园" in html and "补缺项目清单" in html
    assert "缺口-01" in html and "gap-" not in html, "gap ids in the report's language"
    assert "page-break-before: always" in html


def test_report_english(tmp_path, results):
    report = write_report(results, tmp_path, MapOptions(lang="en"), [])
    html = report.read_text(encoding="utf-8")
    assert "Gap-filling projects" in html and "Kindergarten" in html and "Gap-01" in html
    assert "补缺项目清单" not in html


def test_script_json_cannot_close_script():
    text = script_json({"name": SCRIPT_NAME, "amp": "a&b"})
    assert "</script>" not in text and "<" not in text and "&" not in text
    assert json.loads(text)["name"] == SCRIPT_NAME


def test_to_display_rounds_and_simplifies(results):
    roads = results.layerset.roads
    display = to_display(roads, simplify_m=5.0)
    coords = shapely.get_coordinates(np.asarray(display.geometry.array))
    assert np.allclose(coords, np.round(coords, 6))
    assert shapely.get_num_coordinates(np.asarray(display.geometry.array)).sum() <= (
        shapely.get_num_coordinates(np.asarray(roads.geometry.array)).sum()
    )
