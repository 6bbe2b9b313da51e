"""Service-area polygons per facility and per category, beside the naive radius.

``kind`` is ``facility`` (one facility's network service area within its
category threshold, by the rule of the circle it is reported in), ``category``
(all of a category's facility areas dissolved) or ``radius`` (the straight-line
服务半径 circle of the same distance, for comparison: it crosses rivers and
railways the network cannot).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from lifecircle.analyses.access import AccessTable
from lifecircle.layers.layerset import LayerSet
from lifecircle.spatial.service_areas import naive_radius_circles, service_areas
from lifecircle.standards.profile import Profile

SERVICE_AREA_BUFFER_M = 30.0


def service_area_layer(
    access: AccessTable,
    layerset: LayerSet,
    profile: Profile,
    buffer_m: float = SERVICE_AREA_BUFFER_M,
) -> gpd.GeoDataFrame:
    """Network service areas and naive radius circles for every category.

    Parameters
    ----------
    access : AccessTable
    layerset : LayerSet
    profile : Profile
    buffer_m : float
        Half-width (m) of the band drawn around the reached streets.

    Returns
    -------
    GeoDataFrame
        Columns ``kind``, ``category``, ``facility_id``, ``minutes``,
        ``walk_m``, ``area_m2``, geometry (LayerSet CRS).
    """
    network = access.network
    facilities = layerset.facilities
    frames = []
    for cat_id in profile.categories:
        rows = access.facility_rows.get(cat_id, np.array([], dtype=int))
        if rows.size == 0:
            continue
        rule = access.rule(cat_id)
        walk_m, minutes = rule.threshold_m, rule.threshold_minutes
        polygons = service_areas(network.graph, network.facilities.subset(rows), walk_m, buffer_m)
        ids = facilities["facility_id"].to_numpy()[rows]
        xy = network.facilities.point_xy[rows]
        circles = naive_radius_circles(xy, walk_m)
        dissolved = shapely.union_all([p for p in polygons if not p.is_empty])
        frames.append(
            pd.DataFrame(
                {
                    "kind": ["facility"] * len(rows) + ["radius"] * len(rows) + ["category"],
                    "category": cat_id,
                    "facility_id": [*ids, *ids, None],
                    "minutes": minutes,
                    "walk_m": walk_m,
                    "geometry": [*polygons, *circles, dissolved],
                }
            )
        )
    if not frames:
        return gpd.GeoDataFrame(
            {c: [] for c in ("kind", "category", "facility_id", "minutes", "walk_m", "area_m2")},
            geometry=[],
            crs=layerset.crs,
        )
    layer = gpd.GeoDataFrame(
        pd.concat(frames, ignore_index=True), geometry="geometry", crs=layerset.crs
    )
    layer = layer[~layer.geometry.is_empty].reset_index(drop=True)
    layer["area_m2"] = layer.geometry.area
    return layer
