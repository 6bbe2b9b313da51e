"""Maps that read at a glance (issue 13 §3): colours, gap views, controls, labels, sites.

Unit tests check the palettes (a colour means one thing) and the gap pieces;
browser tests open every page of the demo output (and a sites run) at
1366×768 in headless Chromium and check what a planner sees: no external
asset, Leaflet defined, a grouped layer control that never covers the legend
(closed or open), 居委 names, the care map's fixed 0–4 classes and the sites
map's own category gaps and rank labels. Screenshots go to ``out/screens``.
"""

from __future__ import annotations

import base64
import itertools
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_rgb

from lifecircle.maps import mapdata
from lifecircle.maps.gap_counts import circle_gap_counts, uncovered_zones, zone_radius_m
from lifecircle.maps.labels import category_name, t
from lifecircle.maps.style import (
    CATEGORY_COLOURS,
    GAP_COLOUR,
    NONE_COLOUR,
    SHAPES,
    gap_count_classes,
    minute_classes,
    missing_classes,
    reached_classes,
    sfca_classes,
    target_classes,
)
from tests.browser import Browser

SCREEN = (1366, 768)
SHOTS = Path("out/screens")
MIN_DELTA_E = 20.0  # CIE76: clearly different colours, side by side on a map
SCRIPT_OR_STYLE_LINK = re.compile(r"<script\b[^>]*\bsrc\s*=|<link\b[^>]*rel=[\"']?stylesheet", re.I)


def _lab(colour: str) -> np.ndarray:
    """CIE L*a*b* (D65) of a CSS colour."""
    rgb = np.array(to_rgb(colour))
    rgb = np.where(rgb > 0.04045, ((rgb + 0.055) / 1.055) ** 2.4, rgb / 12.92)
    xyz = (
        np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
        @ rgb
        / np.array([0.95047, 1.0, 1.08883])
    )
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _class_colours() -> set[str]:
    """Every colour a class of a figure can take on any map, null classes included."""
    schemes = [
        minute_classes(5, 30, "zh", "x"),
        minute_classes(15, 30, "zh", "x"),
        missing_classes(10, "zh"),
        sfca_classes(None, "zh"),
        target_classes([40, 50], "zh", "x"),
        *(reached_classes(n, "zh") for n in range(1, 7)),
        *(gap_count_classes(n, "zh") for n in range(1, 11)),
    ]
    colours = {c for s in schemes for c in s.colours}
    colours |= {s.null_colour for s in schemes if s.null_label}
    return colours | {NONE_COLOUR, GAP_COLOUR}


def test_category_palette_and_class_colours_are_disjoint():
    classes = _class_colours()
    cats = set(CATEGORY_COLOURS)
    assert not cats & classes, "a colour is both a category and a class"
    for cat, cls in itertools.product(cats, classes):
        delta = float(np.linalg.norm(_lab(cat) - _lab(cls)))
        assert delta >= MIN_DELTA_E, (
            f"category {cat} looks like class colour {cls} (ΔE {delta:.1f})"
        )
    for a, b in itertools.combinations(CATEGORY_COLOURS, 2):
        assert np.linalg.norm(_lab(a) - _lab(b)) >= 15, f"categories {a} and {b} look alike"


def test_facility_symbols_are_never_resident_dots():
    assert "circle" not in SHAPES
    svg_shapes = {s for s in SHAPES}
    assert len(svg_shapes) == len(SHAPES) >= 4


def test_fixed_classes_do_not_move_with_the_data():
    reached = reached_classes(4, "zh")
    assert reached.breaks[:-1] == (0.0, 1.0, 2.0, 3.0) and np.isinf(reached.breaks[-1])
    assert reached.labels == tuple(t("reached_k", "zh", k=k, n=4) for k in range(5))
    assert list(reached.classify(np.array([0, 1, 2, 3, 4]))) == [0, 1, 2, 3, 4]
    # no care type in the input: grey "no data", never the red of "reaches none"
    nodata = reached_classes(0, "en")
    assert nodata.colours == ("#cccccc",) and nodata.labels == (t("no_data_short", "en"),)
    gaps = gap_count_classes(10, "zh")
    assert list(gaps.classify(np.array([1, 2, 3, 4, 5, 6, 10]))) == [0, 1, 2, 3, 3, 4, 4]
    assert len(set(gaps.colours)) == len(gaps.colours), "each count class has its own colour"
    rng = np.random.default_rng(1)
    assert sfca_classes(rng.random(50), "en") == sfca_classes(rng.random(500) * 9, "en")
    per_1000 = target_classes([50, 40], "en", "x")
    assert list(per_1000.classify(np.array([39.9, 40, 49.9, 50, 80]))) == [0, 1, 1, 2, 2]


def test_gap_pieces_count_the_categories_missing_there(demo_results):
    results = demo_results
    demand = results.demand
    for kind in ("life_circle", "care_coverage"):
        cats = [
            c for c in mapdata.map_categories(results.profile, kind)
            if results.access.has_data(c)
        ]
        zones = circle_gap_counts(results, cats, kind)
        assert len(zones) and zones.is_valid.all()
        counts = zones["categories"].str.split(",").map(len)
        assert (counts == zones["n_missing"]).all()
        # pieces never overlap: one count per place
        assert zones.geometry.area.sum() == pytest.approx(zones.geometry.union_all().area, 1e-6)
        # every resident who misses a category lies in the one piece naming exactly
        # the categories they miss, and the pieces hold exactly those residents
        missing = np.column_stack([~results.access.covered(c) for c in cats])
        expected = np.array([",".join(np.asarray(cats)[m]) for m in missing], dtype=object)
        inside = demand.sjoin(zones[["categories", "geometry"]], predicate="within")
        assert inside.index.is_unique, f"{kind}: a resident lies in two pieces"
        gaps = np.flatnonzero(missing.any(axis=1))
        assert set(inside.index) == set(demand.index[gaps]), f"{kind}: residents left out"
        assert (inside["categories"] == expected[demand.index.get_indexer(inside.index)]).all()
        assert zones["residents"].sum() == pytest.approx(demand["residents"].iloc[gaps].sum())
        # the life-circle view also holds each category's own gap residents
        for j, cat in enumerate(cats):
            named = zones["categories"].str.split(",").map(lambda cs, c=cat: c in cs)
            assert zones.loc[named, "residents"].sum() == pytest.approx(
                demand["residents"].to_numpy()[missing[:, j]].sum()
            )


def test_fitness_gap_zones_hold_no_resident_who_reaches_fitness(demo_results):
    demand = demo_results.demand
    ok = demand["fitness_ok"].astype(bool).to_numpy()
    zones = uncovered_zones(demand, ~ok, zone_radius_m(demo_results))
    assert len(zones)
    inside = demand.sjoin(zones[["geometry"]], predicate="within")
    assert not demand.loc[inside.index, "fitness_ok"].astype(bool).any()
    assert zones["residents"].sum() == pytest.approx(demand.loc[~ok, "residents"].sum())


@pytest.fixture(scope="module")
def readable_run(demo_run, tmp_path_factory) -> Path:
    """The demo output with a sites run on top (``lifecircle sites``)."""
    from lifecircle.cli import main

    folder = tmp_path_factory.mktemp("readable") / "run"
    shutil.copytree(demo_run, folder)
    assert main(["sites", "--from", str(folder), "--category", "day_care", "--k", "2"]) == 0
    return folder


def _boxes(b: Browser) -> dict[str, list[float] | None]:
    return b.evaluate(
        "(function () { function box(id) { var e = document.getElementById(id);"
        " if (!e || !e.offsetWidth) { return null; } var r = e.getBoundingClientRect();"
        " return [r.left, r.top, r.right, r.bottom]; }"
        " return {control: box('lc-layers'), legend: box('lc-legend'),"
        " title: box('lc-title')}; })()"
    )


def _overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.browser
def test_every_page_reads_at_a_glance(chromium, readable_run, demo_results):
    SHOTS.mkdir(parents=True, exist_ok=True)
    pages = sorted((readable_run / "maps").rglob("*.html"))
    unit_names = set(demo_results.layerset.boundary["name"].astype(str))
    opened = 0
    with Browser(chromium, timeout_s=30.0, window=SCREEN) as b:
        for page in pages:
            html = page.read_text(encoding="utf-8")
            assert SCRIPT_OR_STYLE_LINK.search(html) is None, page
            record = b.open(page)
            assert record.errors() == [], f"{page}: {record.errors()}"
            if not b.evaluate("document.querySelector('.leaflet-container') !== null"):
                continue
            opened += 1
            assert b.evaluate("typeof L") == "object", page
            assert b.evaluate("window.LC_READY === true"), page
            assert [u for u in record.requests if not u.startswith(("file:", "data:"))] == []
            sections = b.evaluate(
                "Array.from(document.querySelectorAll('#lc-layers .lc-layers-sec'))"
                ".map(function (e) { return e.dataset.section; })"
            )
            assert {"gaps", "residents", "facilities", "areas", "base"} <= set(sections), page
            assert b.evaluate("document.querySelector('.leaflet-control-layers')") is None
            closed = _boxes(b)
            assert not _overlap(closed["control"], closed["legend"]), f"{page}: closed"
            b.screenshot(SHOTS / f"{page.stem}.png")
            b.evaluate("LC.toggleLayers(true)")
            b.pump(duration_s=0.3)
            opened_box = _boxes(b)
            assert opened_box["control"][3] - opened_box["control"][1] > 100, "list too short"
            assert not _overlap(opened_box["control"], opened_box["legend"]), f"{page}: open"
            b.screenshot(SHOTS / f"{page.stem}_layers.png")
            places = b.evaluate(
                "Array.from(document.querySelectorAll('.lc-place-label'))"
                ".filter(function (e) { return e.style.display !== 'none'; })"
                ".map(function (e) { return e.innerText; })"
            )
            assert places and set(places) <= unit_names, f"{page}: 居委 names {places}"
    assert opened >= 4


@pytest.mark.browser
def test_care_map_leads_with_care_types_reached(chromium, readable_run, demo_results):
    cats = mapdata.map_categories(demo_results.profile, "care_coverage")
    with Browser(chromium, timeout_s=30.0, window=SCREEN) as b:
        b.open(readable_run / "maps" / "care_coverage.html")
        on = b.evaluate(
            "Object.keys(LC.groups).filter(function (k) {"
            " return k.indexOf('demand_') === 0 && LC.map.hasLayer(LC.groups[k]); })"
        )
        values = b.evaluate(
            "LC.layers['demand_reached'].getLayers().map(function (l) {"
            " return l.feature.properties.nc; })"
        )
        legend = b.evaluate("document.getElementById('lc-legend-reached').innerText")
        b.evaluate("void LC.map.addLayer(LC.groups['unit_care'])")
        b.pump(duration_s=0.3)
        units = b.evaluate("LC.layers['unit_care'].getLayers().length")
    assert on == ["demand_reached"], "the default layer is the care types reached"
    assert set(values) <= set(range(len(cats) + 1)) and len(values) == len(demo_results.demand)
    minutes = np.column_stack([demo_results.access.covered(c, "care_coverage") for c in cats]).sum(
        axis=1
    )
    assert sorted(values) == sorted(minutes.tolist())
    for k in range(len(cats) + 1):
        assert t("reached_k", "zh", k=k, n=len(cats)) in legend
    assert units == len(demo_results.layerset.boundary)


@pytest.mark.browser
def test_sites_map_shows_its_category_gaps_and_ranks(chromium, readable_run, demo_results):
    import json

    summary = json.loads((readable_run / "summary.json").read_text(encoding="utf-8"))
    n_sites = summary["sites"]["n_sites"]
    day_care_gaps = int((demo_results.gaps["kind_key"] == "day_care").sum())
    with Browser(chromium, timeout_s=30.0, window=SCREEN) as b:
        b.open(readable_run / "maps" / "sites.html")
        drawn = b.evaluate("LC.count(LC.map)")
        embedded = b.evaluate("LC.dataset('gaps').features.length")
        ranks = b.evaluate(
            "Array.from(document.querySelectorAll('.lc-site-rank'))"
            ".filter(function (e) { return !e.closest('#lc-legend'); })"
            ".map(function (e) { return e.innerText; })"
        )
        title = b.evaluate("document.querySelector('#lc-title h1').innerText")
        popup = b.evaluate(
            "(function () { var l = LC.layers['gaps_day_care'].getLayers()[0]; l.openPopup();"
            " return l.getPopup().getElement().innerText; })()"
        )
    gap_layers = {k for k in drawn if k.startswith("gap")}
    assert gap_layers == {"gaps_day_care"}, gap_layers
    assert drawn["gaps_day_care"] == day_care_gaps == embedded
    assert sorted(ranks, key=int) == [str(i) for i in range(1, n_sites + 1)]
    assert category_name(demo_results.profile, "day_care", "zh") in title
    assert "新增覆盖" in title
    assert "gap-" not in popup and "缺口 第" in popup
    assert "最近设施" in popup
    ids = set(demo_results.facilities["facility_id"].astype(str))
    assert not any(i in popup for i in ids), f"a facility id in the gap popup: {popup}"
    nearest = demo_results.gaps.loc[demo_results.gaps["kind_key"] == "day_care"]
    names = dict(
        zip(
            demo_results.facilities["facility_id"].astype(str),
            demo_results.facilities["name"].astype(str),
            strict=True,
        )
    )
    assert any(names.get(str(f), "\0") in popup for f in nearest["nearest_facility_id"])


@pytest.mark.browser
def test_popups_pan_clear_of_the_title_block(chromium, readable_run):
    with Browser(chromium, timeout_s=30.0, window=SCREEN) as b:
        b.open(readable_run / "maps" / "life_circle.html")
        # the facility drawn nearest the title block's lower right corner opens its popup
        b.evaluate(
            "(function () { var t = document.getElementById('lc-title').getBoundingClientRect();"
            " var best = null, dist = Infinity; Object.keys(LC.layers).forEach(function (k) {"
            "  if (k.indexOf('fac_') !== 0) { return; }"
            "  LC.layers[k].eachLayer(function (l) {"
            "   var p = LC.map.latLngToContainerPoint(l.getLatLng());"
            "   var d = Math.hypot(p.x - t.right / 2, p.y - t.bottom);"
            "   if (d < dist) { dist = d; best = l; } }); });"
            " best.openPopup(); })()"
        )
        b.pump(duration_s=1.0)
        boxes = b.evaluate(
            "(function () { function box(e) { var r = e.getBoundingClientRect();"
            " return [r.left, r.top, r.right, r.bottom]; }"
            " return {title: box(document.getElementById('lc-title')),"
            " popup: box(document.querySelector('.leaflet-popup'))}; })()"
        )
        b.screenshot(SHOTS / "popup_clear_of_title.png")
    assert not _overlap(boxes["popup"], boxes["title"]), boxes


REPORT_SECTIONS = ["contents", "headline", "coverage", "units", "maps", "projects", "sites", "data"]


@pytest.mark.browser
def test_report_after_sites_reads_in_the_browser(chromium, readable_run):
    """The report at 1366×768 after ``sites``: every section, linked contents, sites.png."""
    report = readable_run / "report.html"
    html = report.read_text(encoding="utf-8")
    assert SCRIPT_OR_STYLE_LINK.search(html) is None
    sites_png = (readable_run / "maps" / "sites.png").read_bytes()
    with Browser(chromium, timeout_s=30.0, window=SCREEN) as b:
        record = b.open(report)
        assert record.errors() == []
        assert [u for u in record.requests if not u.startswith(("file:", "data:"))] == []
        present = b.evaluate(
            "Array.from(document.querySelectorAll('[id]')).map(function (e) { return e.id; })"
        )
        assert set(REPORT_SECTIONS) <= set(present), present
        links = b.evaluate(
            "Array.from(document.querySelectorAll('#contents a'))"
            ".map(function (a) { return a.getAttribute('href'); })"
        )
        assert {f"#{s}" for s in REPORT_SECTIONS if s != "contents"} <= set(links), links
        images = b.evaluate(
            "(function () { var out = [], e = document.getElementById('sites');"
            " for (e = e.nextElementSibling; e && !/^(H2|SECTION)$/.test(e.tagName);"
            " e = e.nextElementSibling) { (e.tagName === 'IMG' ? [e] :"
            " Array.from(e.querySelectorAll('img'))).forEach(function (i) {"
            " out.push([i.getAttribute('src'), i.naturalWidth,"
            " i.getBoundingClientRect().width]); }); } return out; })()"
        )
        b.screenshot(SHOTS / "report_sites.png")
    assert images, "the sites section embeds no map"
    embedded = [base64.b64decode(src.split(",", 1)[1]) for src, _, _ in images]
    assert sites_png in embedded, "the sites section's map is not maps/sites.png"
    assert all(natural > 0 and 0 < shown <= SCREEN[0] for _, natural, shown in images)
