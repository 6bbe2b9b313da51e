"""Maps that open anywhere: no CDN, no tiles by default, a note when tiles fail, names shown.

Every page of the default demo run is opened in headless Chromium at 1366×768
with every http(s) request failed (as on a network that blocks the CDN and
the tile servers): the pages must not need any, Leaflet must be defined, and
nothing may log an error. A page whose tiles cannot load must say so on the
map; the vector basemap must write road and place names.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path

import pytest

from lifecircle.maps import MapOptions, write_maps
from lifecircle.maps.basemap_labels import ROAD_LABEL_MIN_ZOOM, road_label_points
from lifecircle.maps.labels import t
from lifecircle.maps.offline import LEAFLET_VERSION, assert_self_contained, leaflet_assets
from lifecircle.maps.options import TIANDITU_ENV_VARS
from tests.browser import Browser
from tests.test_maps import SCRIPT_NAME, XSS_NAME

SCREEN = (1366, 768)
PAGE_TIMEOUT_S = 30.0
SHOTS = Path("/tmp/h13-shots")
SCRIPT_OR_STYLE_LINK = re.compile(r"<script\b[^>]*\bsrc\s*=|<link\b[^>]*rel=[\"']?stylesheet", re.I)


def _local(url: str) -> bool:
    return url.startswith(("file:", "data:", "about:"))


def _fail_everything(url: str) -> None:
    """Intercept answer: every http(s) request fails, like a blocked network."""
    return None


def _pages(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


def test_leaflet_is_shipped_whole_with_its_licence():
    js, css = leaflet_assets()
    assert f"Leaflet {LEAFLET_VERSION}" in js[:200]
    assert "window.L" in js or "exports" in js
    assert ".leaflet-container" in css
    assert "url(images/" not in css, "Leaflet's CSS images must be data: URIs"
    assert css.count("url(data:image/png;base64,") == 3
    from importlib.resources import files

    licence = files("lifecircle.maps").joinpath("assets/leaflet/LICENSE").read_text("utf-8")
    assert "BSD 2-Clause License" in licence and "Vladimir Agafonkin" in licence


@pytest.mark.parametrize(
    "html",
    [
        '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"></script>',
        "<script defer src='//code.jquery.com/jquery.js'></script>",
        '<script src="leaflet.js"></script>',
        '<link rel="stylesheet" href="https://cdn.example/x.css"/>',
        '<LINK href="style.css" rel="stylesheet">',
    ],
)
def test_any_script_or_stylesheet_address_is_refused(html):
    with pytest.raises(RuntimeError, match="external asset"):
        assert_self_contained(f"<html><head>{html}</head></html>")


def test_default_basemap_is_vector_or_tianditu_with_a_key(monkeypatch):
    for name in TIANDITU_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    assert MapOptions().validated().basemap == "none"
    assert MapOptions(tianditu_key="   ").validated().basemap == "none"
    assert MapOptions(tianditu_key="k1").validated().basemap == "tianditu"
    assert MapOptions(basemap="osm", tianditu_key="k1").validated().basemap == "osm"
    assert MapOptions(tianditu_key="k1", offline=True).validated().effective_basemap == "none"
    for name in TIANDITU_ENV_VARS:
        monkeypatch.setenv(name, "k2")
        assert MapOptions().validated().basemap == "tianditu"
        assert MapOptions().effective_basemap == "tianditu"
        monkeypatch.delenv(name)


def test_default_demo_pages_reference_nothing_outside(demo_run):
    summary = json.loads((demo_run / "summary.json").read_text(encoding="utf-8"))
    assert summary["maps"]["basemap"] == "none", "the demo defaults to the vector basemap"
    pages = _pages(demo_run)
    maps = [p for p in pages if "leaflet" in p.read_text(encoding="utf-8")[:400000].lower()]
    assert len(maps) >= 3, pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert SCRIPT_OR_STYLE_LINK.search(html) is None, page
        assert "cdn.jsdelivr.net" not in html and "code.jquery.com" not in html, page
        assert "tile.openstreetmap.org" not in html, f"{page}: default output draws tiles"


@pytest.mark.browser
def test_every_default_page_opens_on_a_blocked_network(chromium, demo_run):
    SHOTS.mkdir(parents=True, exist_ok=True)
    pages = _pages(demo_run)
    opened_maps = 0
    with Browser(
        chromium, timeout_s=PAGE_TIMEOUT_S, window=SCREEN, intercept=_fail_everything
    ) as b:
        for page in pages:
            record = b.open(page)
            assert record.errors() == [], f"{page}: {record.errors()}"
            outside = [u for u in record.requests if not _local(u)]
            assert outside == [], f"{page} asked the network for {outside[:5]}"
            if b.evaluate("document.querySelector('.leaflet-container') !== null"):
                opened_maps += 1
                assert b.evaluate("typeof L") == "object", f"{page}: Leaflet is not defined"
                assert b.evaluate("window.LC_READY === true"), page
                assert b.evaluate("document.querySelectorAll('img.leaflet-tile').length") == 0
                assert b.evaluate("document.getElementById('lc-tile-note')") is None
                size = b.evaluate("[window.innerWidth, window.innerHeight]")
                assert size == list(SCREEN)
            if page.name == "life_circle.html":
                b.screenshot(SHOTS / "life_circle_default.png")
    assert opened_maps >= 3


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_blocked_tiles_show_a_note_on_the_map(chromium, demo_results, tmp_path, lang):
    write_maps(demo_results, tmp_path, MapOptions(basemap="osm", lang=lang))
    page = tmp_path / "maps" / "life_circle.html"
    with Browser(
        chromium, timeout_s=PAGE_TIMEOUT_S, window=SCREEN, intercept=_fail_everything
    ) as b:
        record = b.open(page, settle_s=1.5)
        note = b.evaluate(
            "(function () { var n = document.getElementById('lc-tile-note');"
            " if (!n) { return null; } var r = n.getBoundingClientRect();"
            " return {text: n.innerText, w: r.width, h: r.height, top: r.top, left: r.left,"
            " shown: getComputedStyle(n).display !== 'none'}; })()"
        )
        assert b.evaluate("typeof L") == "object"
        b.screenshot(SHOTS / f"tiles_blocked_{lang}.png")
    assert any("tile.openstreetmap.org" in u for u in record.requests), "tiles were not asked for"
    assert note is not None, "no note when tiles fail"
    assert note["text"] == t("tiles_failed", lang)
    assert note["shown"] and note["w"] > 50 and note["h"] > 10
    assert 0 <= note["left"] < SCREEN[0] and 0 <= note["top"] < SCREEN[1], "note off screen"
    # Only the blocked tile requests may fail; nothing else logs an error.
    other = [e for e in record.errors() if "net::ERR_FAILED" not in e and "Failed" not in e]
    assert other == [], other


@pytest.mark.browser
def test_vector_basemap_writes_road_and_place_names(chromium, demo_run, demo_results, tmp_path):
    folder = tmp_path / "run"
    shutil.copytree(demo_run / "maps", folder)
    roads = demo_results.layerset.roads
    expected = road_label_points(roads)
    assert len(expected) > 0, "the demo has named roads"
    major = expected[expected["min_zoom"] == expected["min_zoom"].min()]
    with Browser(chromium, timeout_s=PAGE_TIMEOUT_S, window=SCREEN) as b:
        record = b.open(folder / "life_circle.html")
        zoom = b.evaluate("LC.map.getZoom()")
        visible = b.evaluate(
            "Array.from(document.querySelectorAll('.lc-road-label'))"
            ".filter(function (e) { var r = e.firstChild.getBoundingClientRect();"
            " return e.style.display !== 'none' && r.width > 0 && r.right > 0 && r.left < "
            f"{SCREEN[0]} && r.bottom > 0 && r.top < {SCREEN[1]}; }})"
            ".map(function (e) { return e.innerText; })"
        )
        places = b.evaluate(
            "Array.from(document.querySelectorAll('.lc-place-label'))"
            ".map(function (e) { return e.innerText; })"
        )
        b.evaluate(f"void LC.map.setZoom({max(ROAD_LABEL_MIN_ZOOM.values())})")
        b.pump(duration_s=0.7)
        shown_close = b.evaluate(
            "Array.from(document.querySelectorAll('.lc-road-label'))"
            ".filter(function (e) { return e.style.display !== 'none'; }).length"
        )
        b.evaluate(f"void LC.map.setZoom({min(ROAD_LABEL_MIN_ZOOM.values()) - 1})")
        b.pump(duration_s=0.7)
        shown_far = b.evaluate(
            "Array.from(document.querySelectorAll('.lc-road-label'))"
            ".filter(function (e) { return e.style.display !== 'none'; }).length"
        )
    assert record.errors() == []
    if zoom >= major["min_zoom"].min():
        assert visible, f"no road name visible at the opening zoom {zoom}"
        assert set(visible) <= set(expected["name"])
    assert shown_close == len(expected), "every road label shows when zoomed in"
    assert shown_far == 0, "road names hide below their zoom"
    names = set(demo_results.layerset.boundary["name"].astype(str))
    assert places and set(places) <= names


def test_road_labels_follow_the_road_and_skip_unnamed_and_minor():
    import geopandas as gpd
    import shapely

    roads = gpd.GeoDataFrame(
        {
            "highway": ["primary", "primary", "footway", "residential", "tertiary", "service"],
            "name": ["东路", "东路", "步道", None, "  ", "内部路"],
        },
        geometry=[
            shapely.LineString([(0, 0), (500, 0)]),
            shapely.LineString([(500, 0), (1600, 0)]),  # joins the first: one 1.6 km line
            shapely.LineString([(0, 50), (400, 50)]),
            shapely.LineString([(0, 100), (0, 600)]),
            shapely.LineString([(0, 700), (0, 900)]),
            shapely.LineString([(0, 1000), (300, 1300)]),
        ],
        crs=32651,
    )
    labels = road_label_points(roads)
    assert list(labels["name"]) == ["东路", "东路"], "2 labels on 1.6 km, none for the others"
    assert list(labels["angle"]) == [0.0, 0.0]
    xs = sorted(p.x for p in labels.geometry)
    assert xs == pytest.approx([400, 1200])
    steep = road_label_points(
        gpd.GeoDataFrame(
            {"highway": ["secondary"], "name": ["北路"]},
            geometry=[shapely.LineString([(0, 300), (0, 0)])],  # drawn southwards
            crs=32651,
        )
    )
    assert -90 < steep["angle"].iloc[0] <= 90, "text is never upside down"
    twin = roads.iloc[[0, 1]].copy()
    twin["geometry"] = [
        shapely.LineString([(0, 20), (800, 20)]),
        shapely.LineString([(800, 20), (1600, 20)]),
    ]
    carriageways = road_label_points(
        gpd.GeoDataFrame(gpd.pd.concat([roads.iloc[[0, 1]], twin]), crs=32651)
    )
    assert len(carriageways) == 2, "a parallel carriageway of the same name adds no labels"
    empty = road_label_points(roads.iloc[0:0])
    assert len(empty) == 0 and list(empty.columns) == ["name", "angle", "min_zoom", "geometry"]


@pytest.mark.browser
def test_road_and_place_names_stay_text(chromium, demo_results, tmp_path):
    layerset = demo_results.layerset
    roads = layerset.roads.copy()
    roads["name"] = roads["name"].astype(object)
    roads.loc[roads["highway"] == "primary", "name"] = XSS_NAME
    boundary = layerset.boundary.copy()
    boundary["name"] = boundary["name"].astype(object)
    boundary.loc[boundary.index[0], "name"] = SCRIPT_NAME
    hostile = dataclasses.replace(
        demo_results, layerset=dataclasses.replace(layerset, roads=roads, boundary=boundary)
    )
    write_maps(hostile, tmp_path, MapOptions(basemap="none"))
    with Browser(chromium, timeout_s=PAGE_TIMEOUT_S, window=SCREEN) as b:
        record = b.open(tmp_path / "maps" / "life_circle.html")
        b.evaluate("void LC.map.setZoom(17)")
        b.pump(duration_s=0.5)
        texts = b.evaluate(
            "Array.from(document.querySelectorAll('.lc-road-label, .lc-place-label'))"
            ".map(function (e) { return e.innerText; })"
        )
        injected = b.evaluate("document.querySelectorAll('img[src=\"x\"]').length")
    assert record.dialogs == [], "an injected alert() ran"
    assert injected == 0
    assert XSS_NAME in texts and SCRIPT_NAME in texts
    assert record.errors() == []
