"""The generated maps opened in headless Chromium (tests/browser.py, DevTools protocol).

Checks that Leaflet starts, nothing logs an error, the drawn features match
the results frames, screenshots are not blank, offline pages fetch nothing,
and names from the data stay text. Screenshot paths are printed (run with
``-s`` to see them) and kept under pytest's tmp folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lifecircle.maps import MapOptions, mapdata, write_maps
from lifecircle.maps.gap_counts import circle_gap_counts
from lifecircle.maps.labels import t
from lifecircle.maps.overlays import demand_views
from tests.browser import TINY_PNG, Browser, png_variance
from tests.test_maps import XSS_NAME, demo_results, hostile_results

pytestmark = pytest.mark.browser

MAP_PAGES = ("life_circle", "fitness_circle", "care_coverage")
PAGE_TIMEOUT_S = 30.0


def _allowed(url: str) -> bool:
    return url.startswith(("file:", "data:", "about:"))


@pytest.fixture(scope="module")
def offline_zh(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser_zh_offline")
    write_maps(demo_results(), out, MapOptions(offline=True))
    return out / "maps"


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture
def browser(chromium):
    with Browser(chromium, timeout_s=PAGE_TIMEOUT_S) as b:
        yield b


def _expected_default_counts(kind: str) -> dict[str, int]:
    """Features each default-on data layer must draw, from the results frames."""
    results = demo_results()
    cats = mapdata.map_categories(results.profile, kind)
    counts: dict[str, int] = {}
    facilities = results.facilities
    for cat in cats:
        n = int((facilities["category"] == cat).sum())
        if n:
            counts[f"fac_{cat}"] = n
    counts["gap_count"] = len(circle_gap_counts(results, cats, kind))
    headline = demand_views(mapdata.make_context(results, MapOptions()), kind)[0]
    counts[f"demand_{headline.key}"] = len(results.demand)
    counts["units"] = len(results.layerset.boundary)
    counts["outline"] = 1
    counts["water"] = len(results.layerset.water)
    counts["railways"] = len(results.layerset.railways)
    counts["buildings"] = len(results.layerset.buildings)
    counts["roads"] = len(results.layerset.roads)
    return counts


@pytest.mark.parametrize("kind", MAP_PAGES)
def test_offline_map_in_chromium(browser, offline_zh, shots, kind):
    page = offline_zh / f"{kind}.html"
    record = browser.open(page)
    assert browser.evaluate("typeof L") == "object", "Leaflet did not load"
    assert browser.evaluate("document.querySelectorAll('.leaflet-container').length") == 1
    assert browser.evaluate("window.LC_READY === true")
    assert record.errors() == [], record.errors()
    assert record.dialogs == []

    drawn = browser.evaluate("LC.count(LC.map)")
    expected = _expected_default_counts(kind)
    for key, count in expected.items():
        assert drawn.get(key) == count, f"{kind}: layer {key} drew {drawn.get(key)}, want {count}"
    canvas_symbols = browser.evaluate(
        "(function () { var n = 0; Object.keys(LC.layers).forEach(function (k) {"
        " if (k.indexOf('fac_') !== 0) { return; } LC.layers[k].eachLayer(function (l) {"
        "  if (l instanceof LC.Symbol && l._renderer instanceof L.Canvas) { n++; } }); });"
        " return n; })()"
    )
    assert canvas_symbols == sum(v for k, v in expected.items() if k.startswith("fac_"))
    assert (
        browser.evaluate("document.querySelectorAll('path.leaflet-interactive').length")
        >= (expected[next(k for k in expected if k.startswith("demand_"))])
    )

    # Switch every overlay on: service areas, radius circles and per-category minutes.
    browser.evaluate(
        "Object.keys(LC.groups).forEach(function (k) { LC.map.addLayer(LC.groups[k]); })"
    )
    browser.pump(duration_s=0.5)
    drawn = browser.evaluate("LC.count(LC.map)")
    results = demo_results()
    cats = mapdata.map_categories(results.profile, kind)
    areas = results.service_areas[results.service_areas["category"].isin(cats)]
    for cat in cats:
        n_area = int(((areas["kind"] == "category") & (areas["category"] == cat)).sum())
        n_radius = int(((areas["kind"] == "radius") & (areas["category"] == cat)).any())
        assert drawn.get(f"area_{cat}", 0) == n_area, cat
        assert drawn.get(f"radius_{cat}", 0) == n_radius, cat
        assert drawn.get(f"demand_min_{cat}") == len(results.demand)
    assert drawn.get("facility_areas") == int((areas["kind"] == "facility").sum())
    legend_hidden = browser.evaluate(
        "Array.from(document.querySelectorAll('.lc-legend .lc-sec[id]'))"
        ".filter(function (e) { return e.style.display === 'none'; }).length"
    )
    assert legend_hidden == 0, "every layer is on: every legend section shows"
    assert record.errors() == [], record.errors()

    # Back to the default view for the screenshot.
    browser.open(page)
    shot = browser.screenshot(shots / f"{kind}_zh_offline.png")
    print(f"screenshot: {shot}")
    assert png_variance(shot) > 0.005, "screenshot looks blank"
    outside = [u for u in browser.record.requests + record.requests if not _allowed(u)]
    assert outside == [], f"offline page made network requests: {outside[:5]}"


def test_popup_shows_both_languages_and_capacity(browser, offline_zh):
    browser.open(offline_zh / "care_coverage.html")
    text = browser.evaluate(
        "(function () { var l = LC.layers['fac_care_home'].getLayers()[0]; l.openPopup();"
        " return document.querySelector('.leaflet-popup-content').innerText; })()"
    )
    assert "长者照护之家（养老院） / Care home" in text
    assert "张床位" in text and "服务居民" in text
    browser.evaluate(
        "Object.keys(LC.groups).filter(function (k) { return k.indexOf('gaps_') === 0; })"
        ".forEach(function (k) { LC.map.addLayer(LC.groups[k]); })"
    )
    gap = browser.evaluate(
        "(function () { var g = []; Object.keys(LC.layers).forEach(function (k) {"
        " if (k.indexOf('gaps_') === 0) { g = g.concat(LC.layers[k].getLayers()); } });"
        " var out = [];"
        " g.forEach(function (l) { l.openPopup();"
        " out.push(l.getPopup().getElement().innerText); l.closePopup(); });"
        " return out; })()"
    )
    assert any("30 分钟内无设施" in t for t in gap)
    assert all("受影响人数" in t and "老年人" in t for t in gap)
    assert browser.record.errors() == []


def test_injected_name_stays_text(chromium, tmp_path, shots):
    write_maps(hostile_results(), tmp_path, MapOptions(offline=True, lang="en"))
    with Browser(chromium, timeout_s=PAGE_TIMEOUT_S) as b:
        record = b.open(tmp_path / "maps" / "life_circle.html")
        result = b.evaluate(
            "(function () { var out = {popup: '', tooltip: ''}; var hit = null;"
            " Object.keys(LC.layers).forEach(function (k) { LC.layers[k].eachLayer(function (l) {"
            "  if (l.feature && l.feature.properties.name && !hit &&"
            "      l.feature.properties.name.indexOf('onerror') >= 0) { hit = l; } }); });"
            " hit.openPopup(); out.popup = hit.getPopup().getElement().innerText;"
            " hit.openTooltip(); var tip = document.querySelector('.leaflet-tooltip');"
            " out.tooltip = tip ? tip.innerText : '';"
            " out.imgs = document.querySelectorAll('img[src=\"x\"]').length;"
            " out.scripts = Array.from(document.scripts).filter(function (s) {"
            "  return s.textContent.indexOf('alert(2)') === 0; }).length;"
            " return out; })()"
        )
        b.pump(duration_s=0.5)
        shot = b.screenshot(shots / "xss_popup_en.png")
        print(f"screenshot: {shot}")
    assert record.dialogs == [], "an injected alert() ran"
    assert result["imgs"] == 0, "an injected <img> element exists"
    assert result["scripts"] == 0
    assert XSS_NAME in result["popup"], "the name must show as text in the popup"
    assert XSS_NAME in result["tooltip"]
    assert record.errors() == [], record.errors()


def test_english_offline_map(chromium, tmp_path, shots):
    write_maps(demo_results(), tmp_path, MapOptions(offline=True, lang="en"))
    with Browser(chromium, timeout_s=PAGE_TIMEOUT_S) as b:
        record = b.open(tmp_path / "maps" / "care_coverage.html")
        legend = b.evaluate("document.getElementById('lc-legend').innerText")
        control = b.evaluate("document.getElementById('lc-layers').textContent")
        shot = b.screenshot(shots / "care_coverage_en_offline.png")
        print(f"screenshot: {shot}")
    assert "Care types an older resident reaches (of 4)" in legend
    assert "Care accessibility index (2SFCA)" in control
    assert "Facilities: Care home" in control
    assert record.errors() == []
    assert png_variance(shot) > 0.005
    assert [u for u in record.requests if not _allowed(u)] == []


def test_tile_page_with_intercepted_tiles(chromium, tmp_path, shots):
    """A tile basemap page asks the network for tiles only (answered locally), never Leaflet."""
    served: list[str] = []

    def answer(url: str) -> tuple[str, bytes] | None:
        served.append(url)
        if "tile.openstreetmap.org" in url or "autonavi.com" in url:
            return "image/png", TINY_PNG
        return None

    write_maps(demo_results(), tmp_path, MapOptions(basemap="amap"))
    with Browser(chromium, timeout_s=PAGE_TIMEOUT_S, intercept=answer) as b:
        record = b.open(tmp_path / "maps" / "life_circle.html", settle_s=1.5)
        assert b.evaluate("typeof L") == "object"
        tiles = b.evaluate("document.querySelectorAll('img.leaflet-tile').length")
        drawn = b.evaluate("LC.count(LC.map)")
        note = b.evaluate("document.getElementById('lc-tile-note')")
        shot = b.screenshot(shots / "life_circle_amap_intercepted.png")
        print(f"screenshot: {shot}")
    assert record.errors() == [], record.errors()
    assert served and all("autonavi.com" in u for u in served), "only AMap tiles were requested"
    assert tiles > 0
    assert note is None, "tiles loaded: no failure note"
    assert drawn["demand_score"] == len(demo_results().demand)
    assert all(u in served or _allowed(u) for u in record.requests)


def _click(browser: Browser, x: float, y: float) -> None:
    """A real mouse move and click at page pixel (x, y), through the DevTools input events."""
    for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
        params = {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}
        if kind == "mouseMoved":
            params = {"type": kind, "x": x, "y": y}
        browser.command("Input.dispatchMouseEvent", params)
    browser.pump(duration_s=0.3)


# The facility drawn nearest the map's centre, and a resident point at least 30 px from
# every facility symbol (page pixels), both inside the map.
_PICK = (
    "(function () { var m = LC.map, size = m.getSize(), c = size.divideBy(2), fac = [];"
    " Object.keys(LC.layers).forEach(function (k) { if (k.indexOf('fac_') !== 0) { return; }"
    "  LC.layers[k].eachLayer(function (l) {"
    "   fac.push(m.latLngToContainerPoint(l.getLatLng())); }); });"
    " function inside(p) { return p.x > 60 && p.y > 60 && p.x < size.x - 60 && p.y < size.y - 60; }"
    " var best = null; fac.forEach(function (p) { if (inside(p) &&"
    "  (!best || p.distanceTo(c) < best.distanceTo(c))) { best = p; } });"
    " var home = null; Object.keys(LC.layers).forEach(function (k) {"
    "  if (home || k.indexOf('demand_') !== 0 || !m.hasLayer(LC.layers[k])) { return; }"
    "  LC.layers[k].eachLayer(function (l) { var p = m.latLngToContainerPoint(l.getLatLng());"
    "   if (!home && inside(p) && fac.every(function (q) { return q.distanceTo(p) > 30; })) {"
    "    home = p; } }); });"
    " var box = m.getContainer().getBoundingClientRect();"
    " return {fac: [box.left + best.x, box.top + best.y],"
    "  home: [box.left + home.x, box.top + home.y]}; })()"
)


def test_canvas_symbols_and_the_layers_under_them_take_clicks(browser, offline_zh):
    browser.open(offline_zh / "life_circle.html")
    where = browser.evaluate(_PICK)
    popup = "(function () { var e = document.querySelector('.leaflet-popup-content');"
    popup += " return e ? e.innerText : ''; })()"
    _click(browser, *where["fac"])
    text = browser.evaluate(popup)
    assert t("capacity", "zh") in text, f"a click on a facility symbol opens its popup: {text!r}"
    browser.evaluate("void LC.map.closePopup()")
    # a resident dot drawn as SVG under the facilities' canvas still takes the click
    _click(browser, *where["home"])
    text = browser.evaluate(popup)
    assert t("residents", "zh") in text, f"a click on a resident opens its popup: {text!r}"
    assert t("capacity", "zh") not in text
    assert browser.record.errors() == []
