"""The array encoder of the map data writes exactly what the per-feature dict path wrote.

:func:`lifecircle.maps.compact.encode_frame` goes from a display frame to the
compact form with shapely's and numpy's array functions; ``tests/compact_reference.py``
is the path it replaced (a GeoJSON dict per feature, then a walk over the dicts).
Every data set the demo's and the central box's pages embed, and frames made to
hold every geometry type and kind of property value, must give the same text.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from unittest import mock

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from lifecircle.maps import MapOptions, compact, folium_maps, mapdata
from lifecircle.maps.geojson import script_json, to_display
from tests.compact_reference import reference_collection, reference_encoding


def _same_text(frame: gpd.GeoDataFrame, properties, digits=None, encoded=None) -> None:
    new = encoded if encoded is not None else compact.encode_frame(frame, properties, digits)
    old = reference_encoding(reference_collection(frame, properties, digits))
    assert script_json(new) == script_json(old), f"{list(properties)}: not the same text"


def _recorded(build: Callable[[], object]) -> list[tuple]:
    """(encoded, frame, properties, digits) of every data set written while ``build`` runs."""
    calls = []
    real = compact.encode_frame

    def record(frame, properties, digits=None):
        encoded = real(frame, properties, digits)
        calls.append((encoded, frame, properties, digits))
        return encoded

    with mock.patch.object(compact, "encode_frame", record):
        build()
    return calls


def _pages(results, options: MapOptions, details: int = 0) -> Callable[[], None]:
    """Builds every circle's page, and the first ``details`` units' detail pages."""

    def build() -> None:
        ctx = mapdata.make_context(results, options)
        for kind in mapdata.MAP_KINDS:
            folium_maps.build_map(ctx, kind)
        boundary = results.layerset.boundary
        for unit_id in boundary["unit_id"].astype(str)[:details]:
            focus = boundary[boundary["unit_id"].astype(str) == unit_id]
            window = mapdata.detail_window(ctx, focus)
            demand = results.demand[results.demand["unit_id"].astype(str) == unit_id]
            detail = dataclasses.replace(ctx, window=window)
            folium_maps.build_map(detail, "life_circle", demand=demand, focus=focus)

    return build


def _types(encoded: dict) -> set[str]:
    """The geometry types of a data set's features."""
    features = compact.decode_collection(encoded)["features"]
    return {f["geometry"]["type"] for f in features if f["geometry"]}


@pytest.mark.parametrize("basemap", ["none", "amap"])
def test_demo_pages_data_are_the_dict_paths_text(demo_results, basemap):
    calls = _recorded(_pages(demo_results, MapOptions(basemap=basemap), details=4))
    assert len(calls) > 40
    types = set()
    for encoded, frame, properties, digits in calls:
        _same_text(frame, properties, digits, encoded)
        types |= _types(encoded)
    assert {"Point", "LineString", "Polygon", "MultiPolygon"} <= types, types


@pytest.mark.shared_data
@pytest.mark.slow
def test_central_box_pages_data_are_the_dict_paths_text(shanghai_central):
    from lifecircle.analyses.subdistrict import analyse
    from lifecircle.config import RunConfig
    from lifecircle.pipeline import build_layerset
    from lifecircle.progress import Progress
    from lifecircle.standards.profile import load_profile

    profile = load_profile("shanghai")
    config = RunConfig(
        osm=[shanghai_central / "roads.osm"], geofabrik=[shanghai_central / "geofabrik"]
    )
    results = analyse(build_layerset(config, profile, Progress(quiet=True)), profile)
    calls = _recorded(_pages(results, MapOptions(basemap="none"), details=2))
    assert len(calls) > 40
    vertices = 0
    for encoded, frame, properties, digits in calls:
        _same_text(frame, properties, digits, encoded)
        vertices += len(compact.decode_signed(encoded["c"])) // 2
    assert vertices > 100_000


def _square(x: float, y: float, size: float, hole: bool = False) -> shapely.Polygon:
    shell = [(x, y), (x + size, y), (x + size, y + size), (x, y + size)]
    if not hole:
        return shapely.Polygon(shell)
    q = size / 4
    inner = [(x + q, y + q), (x + 3 * q, y + q), (x + 3 * q, y + 3 * q), (x + q, y + 3 * q)]
    return shapely.Polygon(shell, [inner])


def _every_geometry_type() -> list:
    """One of each type, empty ones, None, nesting and a height, on the 1e-5 grid."""
    x, y = 121.43, 31.21
    line = shapely.LineString([(x, y), (x + 0.00013, y - 0.00002), (x + 0.0009, y + 0.0001)])
    return [
        shapely.Point(x, y),
        None,
        line,
        _square(x, y, 0.001, hole=True),
        shapely.MultiPolygon([_square(x, y, 0.001, hole=True), _square(x + 0.002, y, 0.0005)]),
        shapely.MultiPoint([(x, y), (x + 0.00001, y + 0.00001)]),
        shapely.MultiLineString([line, shapely.LineString([(x, y), (x - 0.01, y)])]),
        shapely.LinearRing([(x, y), (x + 0.001, y), (x, y + 0.001)]),
        shapely.GeometryCollection(
            [
                shapely.Point(x, y),
                shapely.GeometryCollection([_square(x, y, 0.0002), shapely.Point()]),
                shapely.MultiPolygon([_square(x, y, 0.001, hole=True)]),
                line,
            ]
        ),
        shapely.Point(),
        shapely.LineString(),
        shapely.Polygon(),
        shapely.MultiPolygon(),
        shapely.GeometryCollection(),
        shapely.GeometryCollection([shapely.Point(), shapely.GeometryCollection()]),
        shapely.LineString([(x, y, 4.5), (x + 0.001, y, 7.0)]),
        shapely.Point(-179.99999, -89.99999),
    ]


def test_every_geometry_type_mixed_and_in_any_order():
    geometries = _every_geometry_type()
    rng = np.random.default_rng(3)
    orders = [np.arange(len(geometries)), *(rng.permutation(len(geometries)) for _ in range(8))]
    for order in orders:
        frame = gpd.GeoDataFrame(
            {"k": np.arange(len(order))}, geometry=[geometries[i] for i in order], crs=4326
        )
        _same_text(frame, {"k": "k"})
    for geometry in geometries:  # each alone, and a run of the same
        _same_text(gpd.GeoDataFrame(geometry=[geometry], crs=4326), {})
        _same_text(gpd.GeoDataFrame(geometry=[geometry] * 3, crs=4326), {})


def test_empty_frame_and_frame_of_nothing_drawable():
    empty = gpd.GeoDataFrame({"a": pd.Series(dtype=float)}, geometry=[], crs=4326)
    assert compact.encode_frame(empty, {"a": "a"}) == {"lc": 1, "n": 0, "s": "", "c": "", "p": {}}
    _same_text(empty, {"a": "a", "f": lambda f: []})
    nothing = gpd.GeoDataFrame({"a": [np.nan, None]}, geometry=[None, shapely.Point()], crs=4326)
    _same_text(nothing, {"a": "a"})


def test_real_display_geometries_with_holes_parts_and_cut_pieces(demo_results):
    """Service areas and gap zones cut at a box: polygons, multipolygons, collections."""
    gaps = to_display(demo_results.gaps, simplify_m=2.0)
    areas = to_display(demo_results.service_areas, simplify_m=5.0)
    for display in (gaps, areas):
        west, south, east, north = display.total_bounds
        box = shapely.box(west, south, (west + east) / 2, (south + north) / 2)
        cut = display.set_geometry(shapely.intersection(np.asarray(display.geometry.array), box))
        for frame in (display, cut):
            _same_text(frame, {c: c for c in frame.columns if c != "geometry"})


def _property_frame(n: int, seed: int) -> tuple[gpd.GeoDataFrame, dict, dict]:
    rng = np.random.default_rng(seed)
    floats = rng.normal(0, 1000, n) * rng.choice([1e-3, 1, 1e3, 1e12], n)
    floats[rng.random(n) < 0.2] = np.nan
    floats[rng.random(n) < 0.05] = np.inf
    halves = rng.integers(-2000, 2000, n) / rng.choice([2, 8, 200, 2000], n)  # ties
    texts = rng.choice(["甲", "乙", "", "c <b>", "{{x}}"], n).astype(object)
    texts[rng.random(n) < 0.2] = None
    mixed = rng.choice(np.array([1, 2.5, "x", None, np.nan, True, pd.NA, ""], dtype=object), n)
    frame = gpd.GeoDataFrame(
        {
            "f": floats,
            "h": halves,
            "f32": floats.astype(np.float32),
            "i": rng.integers(-(2**40), 2**40, n),
            "u": rng.integers(0, 255, n).astype(np.uint8),
            "b": rng.random(n) < 0.5,
            "t": texts,
            "few": np.where(rng.random(n) < 0.9, None, "only"),
            "s": pd.array(texts, dtype="string"),
            "cat": pd.Categorical(rng.choice(["a", "b"], n)),
            "ni": pd.array(np.where(rng.random(n) < 0.3, None, rng.integers(0, 9, n)), "Int64"),
            "m": mixed,
            "d": pd.to_datetime("2026-12-01") + pd.to_timedelta(rng.integers(0, 9, n), "D"),
            "none": [None] * n,
        },
        geometry=shapely.points(np.round(rng.uniform(121, 122, (n, 2)), 5)),
        crs=4326,
    )
    properties = {c: c for c in frame.columns if c != "geometry"}
    properties["list"] = lambda f: [None, *f["f"].tolist()[1:]]
    properties["array"] = lambda f: f["h"].to_numpy()
    properties["texts"] = lambda f: f["t"].tolist()
    digits = {"f": 1, "h": int(rng.integers(0, 4)), "f32": 4, "i": 0, "list": None, "array": 0}
    return frame, properties, digits


@pytest.mark.parametrize("n", [1, 7, 8, 9, 300])
def test_every_kind_of_property_value(n):
    for seed in range(4):
        _same_text(*_property_frame(n, seed))


def test_floats_round_as_python_rounds():
    ties = np.array([0.125, 0.375, 2.675, 1.005, 0.285, -0.5, 2.5, -2.675, 1e15 + 0.5, 5e-324])
    rng = np.random.default_rng(11)
    randoms = rng.integers(-(10**9), 10**9, 20_000) / 10.0 ** rng.integers(0, 6, 20_000)
    for numbers in (ties, randoms, randoms * 1.0000000000000002, np.array([1e300, -1e17, 3e18])):
        frame = gpd.GeoDataFrame({"x": numbers}, geometry=[None] * len(numbers), crs=4326)
        for places in (0, 1, 2, 3, 4, None):
            _same_text(frame, {"x": "x"}, {"x": places})


def test_first_properties_order_and_dictionary_columns():
    frame = gpd.GeoDataFrame(
        {"a": [None, 1.0] * 8, "b": ["x", None, "y", "x"] * 4, "c": ["x", ""] * 8},
        geometry=shapely.points(np.full((16, 2), 121.0)),
        crs=4326,
    )
    encoded = compact.encode_frame(frame, {"a": "a", "b": "b", "c": "c"})
    assert list(encoded["p"]) == ["b", "c", "a"], "the first feature has b and c, not a"
    assert encoded["p"]["b"] == {"d": ["x", "y"], "i": [0, -1, 1, 0] * 4}
    _same_text(frame, {"a": "a", "b": "b", "c": "c"})
    assert json.loads(script_json(encoded)) == encoded
