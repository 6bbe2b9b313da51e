"""The map pages' data sets: small, yet every feature and value the page draws is kept.

Simplification and rounding must not move a polygon edge by more than the
tolerance plus the rounding, nor change a layer's area by 1 % or more; dropping
missing properties must not drop a feature or a value.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace

import geopandas as gpd
import numpy as np
import pytest
import shapely

from lifecircle.analyses.subdistrict import SubdistrictResults
from lifecircle.maps import MapOptions, compact, mapdata, write_maps
from lifecircle.maps.compact import decode_collection, feature_collection
from lifecircle.maps.geojson import (
    COORD_DECIMALS,
    script_json,
    simplify,
    to_display,
)
from tests.browser import Browser

# Rounding to COORD_DECIMALS moves a vertex by at most half a unit in both axes.
ROUNDING_M = math.hypot(0.5, 0.5) * 10.0**-COORD_DECIMALS * 111_320.0
MAX_AREA_ERROR = 0.01


def _back_to_metric(display: gpd.GeoDataFrame, crs) -> np.ndarray:
    return np.asarray(display.to_crs(crs).geometry.array)


def _polygon_layers(results: SubdistrictResults) -> dict[str, tuple[gpd.GeoDataFrame, float]]:
    """Each polygon layer a page embeds, in the metric CRS, with its display tolerance (m)."""
    layerset = results.layerset
    return {
        "areas": (results.service_areas, mapdata.AREA_SIMPLIFY_M),
        "gaps": (results.gaps, mapdata.GAP_SIMPLIFY_M),
        "units": (layerset.boundary, mapdata.CONTEXT_SIMPLIFY_M),
        "water": (layerset.water, mapdata.CONTEXT_SIMPLIFY_M),
    }


@pytest.mark.parametrize("layer", ["areas", "gaps", "units", "water"])
def test_display_polygons_stay_within_tolerance(demo_results, layer):
    frame, tolerance = _polygon_layers(demo_results)[layer]
    frame = frame[~frame.geometry.is_empty & frame.geometry.notna()]
    assert len(frame), f"the demo has no {layer} to check"
    display = to_display(frame, simplify_m=tolerance)
    assert len(display) == len(frame), "simplification dropped a feature"
    original = np.asarray(frame.geometry.array)
    shown = _back_to_metric(display, frame.crs)
    assert shapely.is_valid(shown).all()
    # Topology-preserving Douglas-Peucker may move an edge a little beyond the
    # tolerance where it keeps a ring from collapsing (up to 1.5x seen on the demo and
    # the central box), never twice as far; plus the rounding, 5 cm for reprojection.
    bound = 2 * tolerance + ROUNDING_M + 0.05
    outside = shapely.area(shapely.difference(shown, shapely.buffer(original, bound)))
    assert outside.max() < 1e-6, f"{layer}: a drawn edge is more than {bound:.1f} m off"
    # Snap-rounding drops slivers narrower than the grid; every wider part is drawn.
    wide = shapely.buffer(original, -ROUNDING_M)
    missed = shapely.area(shapely.difference(wide, shapely.buffer(shown, bound)))
    assert missed.max() < 1e-6, f"{layer}: a part of the shape is not drawn"
    error = shapely.area(shapely.symmetric_difference(original, shown)).sum()
    assert error / shapely.area(original).sum() < MAX_AREA_ERROR


def test_rounding_keeps_points_within_a_metre(demo_results):
    facilities = demo_results.facilities
    display = to_display(facilities, simplify_m=0)
    exact = facilities.to_crs(4326)
    shown = shapely.get_coordinates(np.asarray(display.geometry.array))
    truth = shapely.get_coordinates(np.asarray(exact.geometry.array))
    assert np.allclose(shown, np.round(shown, COORD_DECIMALS), rtol=0, atol=1e-12)
    assert np.abs(shown - truth).max() <= 0.5 * 10.0**-COORD_DECIMALS + 1e-12
    assert ROUNDING_M < 1.0


def test_missing_properties_are_left_out_but_zero_and_false_are_kept():
    frame = gpd.GeoDataFrame(
        {
            "a": [0.0, np.nan, 1.26],
            "b": ["", "x", None],
            "c": [False, True, None],
        },
        geometry=shapely.points([[121.0, 31.0], [121.1, 31.1], [121.2, 31.2]]),
        crs=4326,
    )
    collection = feature_collection(frame, {"a": "a", "b": "b", "c": "c"}, {"a": 1})
    props = [f["properties"] for f in collection["features"]]
    assert props == [{"a": 0, "c": False}, {"b": "x", "c": True}, {"a": 1.3}]


@pytest.mark.parametrize("kind", mapdata.MAP_KINDS)
def test_every_feature_and_value_is_embedded(demo_results, kind):
    ctx = mapdata.make_context(demo_results, MapOptions(basemap="none"))
    cats = list(mapdata.map_categories(demo_results.profile, kind))

    frame, _, _ = mapdata.demand_frame(ctx, kind)
    demand = decode_collection(mapdata.demand_collection(ctx, kind, frame))["features"]
    assert len(demand) == len(frame)
    for column in (c for c in frame.columns if c.startswith("m") and c[1:].isdigit()):
        values = frame[column].to_numpy(dtype=float)
        shown = np.array([f["properties"].get(column, np.nan) for f in demand], dtype=float)
        assert np.array_equal(np.isnan(shown), np.isnan(values)), column
        assert np.allclose(shown, values, rtol=0, atol=0.05 + 1e-9, equal_nan=True), column
    residents = sum(f["properties"].get("r", 0) for f in demand)
    assert residents == pytest.approx(frame["r"].sum(), abs=len(frame))

    facilities = demo_results.facilities
    fac = decode_collection(mapdata.facility_collection(ctx, kind))["features"]
    assert len(fac) == int(facilities["category"].isin(cats).sum())
    assert all("id" in f["properties"] and "c" in f["properties"] for f in fac)

    areas = demo_results.service_areas[demo_results.service_areas["category"].isin(cats)]
    embedded = mapdata.area_collection(ctx, kind)["n"]
    network = int(areas["kind"].isin(["category", "facility"]).sum())
    radius = areas.loc[areas["kind"] == "radius", "category"].nunique()
    assert embedded == network + radius

    keys = [*cats, "life_circle"] if kind == "life_circle" else cats
    gaps = demo_results.gaps
    expected = int(gaps["kind_key"].isin(keys).sum()) if not gaps.empty else 0
    assert mapdata.gap_collection(ctx, kind)["n"] == expected

    layerset = demo_results.layerset
    context = mapdata.context_collections(ctx)
    for name, source in (("water", layerset.water), ("roads", layerset.roads)):
        drawable = source[source.geometry.notna() & ~source.geometry.is_empty]
        assert context[name]["n"] == len(drawable), name


# --- compact encoding (maps/compact.py, decoded by LC.decode in the page script) ---


def _all_collections(results: SubdistrictResults, kind: str) -> dict[str, dict]:
    """Every data set a default page of ``kind`` embeds (vector basemap included)."""
    ctx = mapdata.make_context(results, MapOptions(basemap="none"))
    frame, _, _ = mapdata.demand_frame(ctx, kind)
    return {
        "demand": mapdata.demand_collection(ctx, kind, frame),
        "fac": mapdata.facility_collection(ctx, kind),
        "areas": mapdata.area_collection(ctx, kind),
        "gaps": mapdata.gap_collection(ctx, kind),
        **mapdata.context_collections(ctx),
    }


@pytest.mark.parametrize("signed", [True, False])
def test_polyline_integers_round_trip(signed):
    rng = np.random.default_rng(7)
    low = -(2**40) if signed else 0
    values = np.concatenate(
        [
            rng.integers(low, 2**40, 2000),
            rng.integers(-40 if signed else 0, 40, 2000),
            [0, 1, 15, 16, 31, 32, 1023, 1024, 2**35, 12_147_000, 3_123_000],
            [-1, -16, -17, -(2**35), -12_147_000] if signed else [],
        ]
    ).astype(np.int64)
    if signed:
        assert np.array_equal(compact.decode_signed(compact.encode_signed(values)), values)
    else:
        decoded = compact.decode_unsigned(compact.encode_unsigned(values.astype(np.uint64)))
        assert np.array_equal(decoded.astype(np.int64), values)
    assert compact.decode_signed(compact.encode_signed(np.zeros(0))).size == 0


def test_polyline_text_is_json_and_html_safe():
    text = compact.encode_signed(np.arange(-5000, 5000, 7))
    assert text.isascii() and not set(text) & set('"<>&\n')
    with pytest.raises(ValueError):
        compact.decode_unsigned("~")  # ends inside a value


def test_every_geometry_type_and_property_kind_round_trips():
    features = [
        {"type": "Feature", "properties": {"a": 1, "s": "x"}, "geometry": None},
        {
            "type": "Feature",
            "properties": {},
            "geometry": {"type": "Point", "coordinates": [121.5, 31.2]},
        },
        {
            "type": "Feature",
            "properties": {"s": "x", "b": False},
            "geometry": {
                "type": "LineString",
                "coordinates": [[121.5, 31.2], [121.50001, 31.19999]],
            },
        },
        {
            "type": "Feature",
            "properties": {"s": "y", "a": 0},
            "geometry": {
                "type": "MultiPolygon",
                "coordinates": [
                    [
                        [[121.0, 31.0], [121.001, 31.0], [121.001, 31.001], [121.0, 31.0]],
                        [
                            [121.0002, 31.0001],
                            [121.0008, 31.0001],
                            [121.0008, 31.0005],
                            [121.0002, 31.0001],
                        ],
                    ],
                    [[[122.0, 30.0], [122.001, 30.0], [122.0, 30.001], [122.0, 30.0]]],
                ],
            },
        },
        {
            "type": "Feature",
            "properties": {"s": None, "u": "名称 <b>"},
            "geometry": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "MultiPoint", "coordinates": [[121.1, 31.1], [121.2, 31.3]]},
                    {"type": "MultiLineString", "coordinates": [[[121.1, 31.1], [121.2, 31.3]]]},
                    {
                        "type": "Polygon",
                        "coordinates": [
                            [[121.0, 31.0], [121.1, 31.0], [121.1, 31.1], [121.0, 31.0]]
                        ],
                    },
                ],
            },
        },
    ] * 3
    collection = {"type": "FeatureCollection", "features": features}
    with_height = json.loads(json.dumps(collection))
    for f in with_height["features"]:
        if f["geometry"] and f["geometry"]["type"] == "LineString":
            f["geometry"]["coordinates"] = [[*p, 4.5] for p in f["geometry"]["coordinates"]]
    frame = gpd.GeoDataFrame(
        [f["properties"] for f in with_height["features"]],
        geometry=[
            shapely.from_geojson(json.dumps(f["geometry"])) if f["geometry"] else None
            for f in with_height["features"]
        ],
        crs=4326,
    )
    names = {name: name for name in frame.columns if name != "geometry"}
    encoded = compact.encode_frame(frame, names)  # a height is dropped, not mixed in
    assert isinstance(encoded["p"]["s"], dict), "repeated texts are a dictionary column"
    expected = json.loads(json.dumps(collection))
    for f in expected["features"]:
        f["properties"] = {k: v for k, v in f["properties"].items() if v is not None}
    assert compact.decode_collection(json.loads(json.dumps(encoded))) == expected


@pytest.mark.parametrize("kind", mapdata.MAP_KINDS)
def test_demo_data_sets_round_trip_within_grid_and_valid(demo_results, kind):
    for name, encoded in _all_collections(demo_results, kind).items():
        decoded = compact.decode_collection(json.loads(script_json(encoded)))
        assert len(decoded["features"]) == encoded["n"], name
        shapes = _shapes(decoded)
        if len(shapes):
            assert shapely.is_valid(shapes).all(), name
            got = shapely.get_coordinates(shapes)
            assert np.abs(got - np.round(got, COORD_DECIMALS)).max() < 1e-9, name


def test_decoded_points_within_0_6_m_of_the_source(demo_results):
    """The accuracy statement: every drawn point within 0.6 m (per axis) of the source."""
    ctx = mapdata.make_context(demo_results, MapOptions(basemap="none"))
    kind = "life_circle"
    cats = mapdata.map_categories(demo_results.profile, kind)
    frame, aggregated, _ = mapdata.demand_frame(ctx, kind)
    assert not aggregated
    facilities = demo_results.facilities
    for source, collection in (
        (frame, mapdata.demand_collection(ctx, kind, frame)),
        (facilities[facilities["category"].isin(cats)], mapdata.facility_collection(ctx, kind)),
    ):
        decoded = compact.decode_collection(collection)
        lonlat = np.array([f["geometry"]["coordinates"] for f in decoded["features"]])
        shown = gpd.GeoSeries(shapely.points(lonlat), crs=4326).to_crs(source.crs)
        dx = np.abs(shown.x.to_numpy() - source.geometry.x.to_numpy())
        dy = np.abs(shown.y.to_numpy() - source.geometry.y.to_numpy())
        assert max(dx.max(), dy.max()) < 0.6


@pytest.mark.parametrize("kind", mapdata.MAP_KINDS)
def test_compact_payload_budget(demo_results, kind):
    """Bytes per data set, relative to GeoJSON text, and per vertex for the polygon layers."""
    for name, encoded in _all_collections(demo_results, kind).items():
        collection = compact.decode_collection(encoded)
        plain = len(script_json(collection))
        packed = len(script_json(encoded))
        if plain < 2000:
            continue  # a few features: the fixed keys weigh more than the geometry
        limit = 0.4 if name in ("demand", "fac") else 0.25
        assert packed <= limit * plain, f"{name}: {packed} bytes, GeoJSON {plain}"
        if name in ("areas", "gaps", "water", "roads", "buildings"):
            vertices = sum(
                len(shapely.get_coordinates(shapely.from_geojson(json.dumps(f["geometry"]))))
                for f in collection["features"]
            )
            # about 3 characters a vertex (GeoJSON: 21), and the properties
            budget = 4.0 * vertices + 100 * len(collection["features"])
            assert packed <= budget, f"{name}: {packed} bytes for {vertices} vertices"


def _fill_specs(html: str) -> dict[str, dict]:
    """Layer key → the spec ``LC.fill`` draws it from, as written in the page."""
    found = re.findall(r"^LC\.fill\([\w]+, (\{.*\}), (\"[^\"]*\")\);$", html, flags=re.M)
    return {json.loads(key): json.loads(spec) for spec, key in found}


def _embedded(html: str) -> dict[str, dict]:
    found = re.findall(r'^LC\.data\[("[^"]+")\] = (\{.*\});$', html, flags=re.M)
    return {json.loads(name): json.loads(data) for name, data in found}


def _passes(feature: dict, spec: dict) -> bool:
    return all(feature["properties"].get(p) in allowed for p, allowed in spec.get("filter", []))


@pytest.mark.browser
@pytest.mark.parametrize("kind", mapdata.MAP_KINDS)
def test_page_decodes_as_python_and_draws_every_feature(chromium, demo_run, kind):
    """LC.decode gives what decode_collection gives; each layer draws its data's features."""
    page = demo_run / "maps" / f"{kind}.html"
    html = page.read_text(encoding="utf-8")
    data = {name: compact.decode_collection(d) for name, d in _embedded(html).items()}
    specs = _fill_specs(html)
    assert data and specs
    with Browser(chromium, timeout_s=30.0) as b:
        record = b.open(page)
        assert b.evaluate("window.LC_READY === true") and record.errors() == []
        for name, collection in data.items():
            in_page = json.loads(b.evaluate(f"JSON.stringify(LC.dataset({json.dumps(name)}))"))
            assert in_page == collection, f"{name}: the page decodes differently"
        b.evaluate(
            "Object.keys(LC.groups).forEach(function (k) { LC.map.addLayer(LC.groups[k]); })"
        )
        b.pump(duration_s=0.5)
        drawn = b.evaluate("LC.total()")
        assert record.errors() == [], record.errors()
    for key, spec in specs.items():
        expected = sum(_passes(f, spec) for f in data[spec["data"]]["features"])
        assert drawn.get(key) == expected, (
            f"{kind}: layer {key} drew {drawn.get(key)} of {expected}"
        )


def _data_bytes(html: str) -> int:
    return sum(len(line) for line in re.findall(r"^LC\.data\[.*$", html, flags=re.M))


def _shapes(collection: dict) -> np.ndarray:
    return shapely.from_geojson([json.dumps(f["geometry"]) for f in collection["features"]])


@pytest.mark.slow
def test_detail_pages_embed_only_their_units_features(demo_results, tmp_path):
    """A per-unit page: that unit's demand, the areas and gaps that reach the unit, cut
    to its window; much smaller than the overview; every piece the unit shows is kept."""
    options = MapOptions(basemap="none", max_demand_points=100)
    write_maps(demo_results, tmp_path, options)
    write_maps(demo_results, tmp_path / "points", replace(options, max_demand_points=10**6))
    at_full_detail = (tmp_path / "points" / "maps" / "life_circle.html").read_text("utf-8")
    maps_dir = tmp_path / "maps"
    overview = (maps_dir / "life_circle.html").read_text(encoding="utf-8")
    # the areas and gaps of the detail pages are at the detail of the page of points
    whole = {name: compact.decode_collection(d) for name, d in _embedded(overview).items()}
    full = {n: compact.decode_collection(d) for n, d in _embedded(at_full_detail).items()}
    ctx = mapdata.make_context(demo_results, options)
    boundary = demo_results.layerset.boundary
    checked = 0
    for unit_id in boundary["unit_id"].astype(str):
        page = maps_dir / "detail" / f"life_circle_{unit_id}.html"
        if not (demo_results.demand["unit_id"].astype(str) == unit_id).any():
            continue
        html = page.read_text(encoding="utf-8")
        data = {name: compact.decode_collection(d) for name, d in _embedded(html).items()}
        window = mapdata.detail_window(ctx, boundary[boundary["unit_id"].astype(str) == unit_id])
        demand = data["demand"]["features"]
        assert len(demand) == int((demo_results.demand["unit_id"].astype(str) == unit_id).sum())
        for name in ("areas", "gaps"):
            shapes = _shapes(data[name])
            assert shapely.is_valid(shapes).all(), name
            near = shapely.buffer(window.box, 2e-5)  # the grid snap moves an edge by < 1e-5
            assert shapely.covers(near, shapes).all(), f"{name} reaches outside the window"
            assert shapely.intersects(shapes, shapely.buffer(window.unit, 1e-5)).all(), name
            # every overview feature that reaches the unit is on the unit's page
            reaching = shapely.intersects(_shapes(full[name]), window.unit).sum()
            assert len(shapes) == reaching, f"{name}: {len(shapes)} of {reaching}"
        for name in ("fac", "roads", "buildings"):
            shapes = _shapes(data[name])
            assert len(shapes) < len(whole[name]["features"]) or len(boundary) == 1, name
            assert shapely.intersects(shapes, shapely.buffer(window.box, 2e-5)).all(), name
        # Leaflet and the page script (about 245 kB) are in every page; the data shrink
        # against the overview at the same detail (points; the hexagon overview draws
        # its zones coarser, at the hexagons' detail)
        assert _data_bytes(html) < 0.8 * _data_bytes(at_full_detail), "detail data not smaller"
        checked += 1
    assert checked >= 2


def test_hexagon_overviews_draw_zones_at_the_hexagons_detail(demo_results, tmp_path):
    """An overview of hexagons fills the zones' holes smaller than a hexagon; a page of
    points keeps every hole."""
    pages = {}
    for name, most in (("hexagons", 100), ("points", 10**6)):
        info = write_maps(demo_results, tmp_path / name, MapOptions(basemap="none",
                                                                   max_demand_points=most))
        html = (tmp_path / name / "maps" / "life_circle.html").read_text(encoding="utf-8")
        pages[name] = {k: compact.decode_collection(d) for k, d in _embedded(html).items()}
        pages[name]["info"] = info
    hexagon_deg2 = float(np.median(shapely.area(_shapes(pages["hexagons"]["demand"]))))
    for name in ("gaps", "areas", "gap_count"):
        coarse, fine = _shapes(pages["hexagons"][name]), _shapes(pages["points"][name])
        assert len(coarse) == len(fine) > 0, name
        assert shapely.get_num_coordinates(coarse).sum() < shapely.get_num_coordinates(fine).sum()
        kept = shapely.area(shapely.polygons(_holes(coarse)))
        assert (kept >= 0.8 * hexagon_deg2).all(), f"{name}: a hole smaller than a hexagon"
        small = shapely.area(shapely.polygons(_holes(fine))) < 0.8 * hexagon_deg2
        assert small.any(), f"{name}: the page of points keeps its small holes"


def _holes(shapes: np.ndarray) -> np.ndarray:
    """Every interior ring of the polygons in ``shapes``."""
    parts = shapely.get_parts(shapes)
    return np.concatenate(
        [shapely.get_interior_ring(p, range(shapely.get_num_interior_rings(p))) for p in parts]
        or [np.empty(0, dtype=object)]
    )


def test_simplify_keeps_small_and_awkward_polygons():
    """Douglas–Peucker collapses a polygon smaller than the tolerance; it is kept."""
    small = shapely.box(0, 0, 3, 3)
    ring_in_ring = shapely.Polygon(
        [(0, 0), (100, 0), (100, 100), (0, 100)], [[(1, 1), (4, 1), (4, 4), (1, 4)]]
    )
    geoms = np.array([small, ring_in_ring, shapely.LineString([(0, 0), (1, 0.1), (50, 0)])])
    out = simplify(geoms, 5.0)
    assert not shapely.is_empty(out).any() and shapely.is_valid(out).all()
    assert shapely.area(out[0]) > 0  # kept (as the topology-preserving simplifier keeps it)
    assert shapely.get_num_coordinates(out[2]) == 2
