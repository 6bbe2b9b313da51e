"""The map pages' data sets: small, yet every feature and value the page draws is kept.

Simplification and rounding must not move a polygon edge by more than the
tolerance plus the rounding, nor change a layer's area by 1 % or more; dropping
missing properties must not drop a feature or a value.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely

from lifecircle.analyses.subdistrict import SubdistrictResults
from lifecircle.maps import MapOptions, mapdata
from lifecircle.maps.geojson import COORD_DECIMALS, feature_collection, to_display

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
    demand = mapdata.demand_collection(ctx, kind, frame)["features"]
    assert len(demand) == len(frame)
    for column in (c for c in frame.columns if c.startswith("m") and c[1:].isdigit()):
        values = frame[column].to_numpy(dtype=float)
        shown = np.array([f["properties"].get(column, np.nan) for f in demand], dtype=float)
        assert np.array_equal(np.isnan(shown), np.isnan(values)), column
        assert np.allclose(shown, values, rtol=0, atol=0.05 + 1e-9, equal_nan=True), column
    residents = sum(f["properties"].get("r", 0) for f in demand)
    assert residents == pytest.approx(frame["r"].sum(), abs=len(frame))

    facilities = demo_results.facilities
    fac = mapdata.facility_collection(ctx, kind)["features"]
    assert len(fac) == int(facilities["category"].isin(cats).sum())
    assert all("id" in f["properties"] and "c" in f["properties"] for f in fac)

    areas = demo_results.service_areas[demo_results.service_areas["category"].isin(cats)]
    embedded = mapdata.area_collection(ctx, kind)["features"]
    network = int(areas["kind"].isin(["category", "facility"]).sum())
    radius = areas.loc[areas["kind"] == "radius", "category"].nunique()
    assert len(embedded) == network + radius

    keys = [*cats, "life_circle"] if kind == "life_circle" else cats
    gaps = demo_results.gaps
    expected = int(gaps["kind_key"].isin(keys).sum()) if not gaps.empty else 0
    assert len(mapdata.gap_collection(ctx, kind)["features"]) == expected

    layerset = demo_results.layerset
    context = mapdata.context_collections(ctx)
    for name, source in (("water", layerset.water), ("roads", layerset.roads)):
        drawable = source[source.geometry.notna() & ~source.geometry.is_empty]
        assert len(context[name]["features"]) == len(drawable), name
