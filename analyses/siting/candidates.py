"""Candidate sites: the planner's, the run's own, or generated on the streets of the gap zones.

Generated candidates are points every ``spacing_m`` metres along the walk
network inside the category's gap zones, never in water, within 15 m of a
railway or outside the study area. Every candidate keeps a stable id; a
``source`` column says where it came from.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from lifecircle.analyses.access import AccessTable
from lifecircle.analyses.gaps import gap_zones, linking_distance_m
from lifecircle.layers.layerset import LayerSet
from lifecircle.spatial.errors import LifecircleError

DEFAULT_SPACING_M = 150.0
RAILWAY_CLEARANCE_M = 15.0


def category_gap_zones(
    layerset: LayerSet, access: AccessTable, category: str
) -> gpd.GeoDataFrame:
    """Gap zones of one category: clusters of demand points its rule leaves uncovered.

    The same zones as the run's ``gaps`` layer (same rule, same linking distance).
    """
    grid = layerset.meta.get("demand_grid", {}).get("size_m")
    link_m = linking_distance_m(layerset.demand, grid)
    return gap_zones(
        layerset.demand,
        access,
        {category: ~access.covered(category)},
        incomplete=None,
        link_m=link_m,
        zone_buffer_m=link_m / 2,
    )


def generate_candidates(
    layerset: LayerSet,
    access: AccessTable,
    zones: gpd.GeoDataFrame,
    spacing_m: float = DEFAULT_SPACING_M,
) -> gpd.GeoDataFrame:
    """Points every ``spacing_m`` along the walk network inside the gap zones.

    Parameters
    ----------
    layerset : LayerSet
    access : AccessTable
        Its network gives the street segments.
    zones : GeoDataFrame
        Gap zones (polygons) of one category.
    spacing_m : float
        Distance between candidates along a street, in metres.

    Returns
    -------
    GeoDataFrame
        ``candidate_id`` (``gen-NNNN``, numbered south to north, stable for the
        same inputs), ``source`` (``generated``) and points; none in water,
        within 15 m of a railway, or outside the study area.
    """
    if spacing_m <= 0:
        raise LifecircleError(
            f"Candidate spacing must be positive, got {spacing_m} m.",
            where="--spacing-m",
            fix="Use e.g. 100–200 m.",
        )
    graph = access.network.graph
    if zones.empty:
        return _no_candidates(layerset)
    region = shapely.intersection(zones.geometry.union_all(), layerset.study_area)
    water = layerset.water[layerset.water.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    if len(water):
        region = shapely.difference(region, water.geometry.union_all())
    if len(layerset.railways):
        region = shapely.difference(
            region, layerset.railways.geometry.union_all().buffer(RAILWAY_CLEARANCE_M)
        )
    u_xy = graph.node_xy[graph.edge_u]
    v_xy = graph.node_xy[graph.edge_v]
    segments = shapely.linestrings(np.stack([u_xy, v_xy], axis=1))
    inside = shapely.intersection(segments, region)
    lines = shapely.get_parts(
        shapely.line_merge(shapely.union_all(inside[~shapely.is_empty(inside)]))
    )
    points = []
    for line in lines:
        length = line.length
        count = max(1, int(length // spacing_m))
        offsets = (np.arange(count) + 0.5) * (length / count)
        points.extend(shapely.line_interpolate_point(line, offsets))
    if not points:
        return _no_candidates(layerset)
    frame = gpd.GeoDataFrame(geometry=points, crs=layerset.crs)
    order = np.lexsort((frame.geometry.x.round(1), frame.geometry.y.round(1)))
    frame = frame.iloc[order].reset_index(drop=True)
    frame["candidate_id"] = [f"gen-{i + 1:04d}" for i in range(len(frame))]
    frame["source"] = "generated"
    return frame[["candidate_id", "source", "geometry"]]


def _no_candidates(layerset: LayerSet) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"candidate_id": [], "source": []}, geometry=[], crs=layerset.crs)
