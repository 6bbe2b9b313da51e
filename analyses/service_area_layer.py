"""Service-area polygons per category (and per facility, when asked), beside the naive radius.

``kind`` is ``category`` (the network service area of all of a category's
facilities together, within the category threshold, by the rule of the circle
it is reported in), ``radius`` (each facility's straight-line 服务半径 circle of
the same distance, for comparison: it crosses rivers and railways the network
cannot) or ``facility`` (one facility's own network service area).

The category areas are built from one multi-source search per category
(:func:`lifecircle.spatial.service_areas.category_service_area`), whatever the
number of facilities. Per-facility areas cost one polygon union per facility,
so a run builds them only as :data:`FACILITY_AREAS` says: ``all``, ``none``,
or ``auto`` (every facility's area when the run has at most
:data:`AUTO_FACILITY_AREAS_MAX` facilities with a category, none otherwise).
:func:`facility_area_layer` builds them for any chosen facilities later.
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd

from lifecircle.analyses.access import AccessTable
from lifecircle.layers.layerset import LayerSet
from lifecircle.spatial.errors import LifecircleError
from lifecircle.spatial.service_areas import (
    category_service_area,
    naive_radius_circles,
    service_areas,
)
from lifecircle.spatial.threads import map_in_threads
from lifecircle.standards.profile import Profile

SERVICE_AREA_BUFFER_M = 30.0
#: The choices for per-facility service areas in a run.
FACILITY_AREAS = ("auto", "all", "none")
#: ``auto`` draws per-facility areas up to this many facilities (about 0.5 s on real streets).
AUTO_FACILITY_AREAS_MAX = 200
LAYER_COLUMNS = ("kind", "category", "facility_id", "minutes", "walk_m", "area_m2")


def wants_facility_areas(choice: str, n_facilities: int) -> bool:
    """Whether a run with ``n_facilities`` facilities draws per-facility areas.

    Raises
    ------
    LifecircleError
        When ``choice`` is not one of :data:`FACILITY_AREAS`.
    """
    if choice not in FACILITY_AREAS:
        raise LifecircleError(
            f"Unknown choice for per-facility service areas: {choice!r}.",
            where="facility_areas",
            fix=f"Use one of {', '.join(FACILITY_AREAS)}.",
        )
    return choice == "all" or (choice == "auto" and n_facilities <= AUTO_FACILITY_AREAS_MAX)


def service_area_layer(
    access: AccessTable,
    layerset: LayerSet,
    profile: Profile,
    buffer_m: float = SERVICE_AREA_BUFFER_M,
    facility_areas: str = "auto",
) -> gpd.GeoDataFrame:
    """Network service areas per category and naive radius circles per facility.

    Parameters
    ----------
    access : AccessTable
    layerset : LayerSet
    profile : Profile
    buffer_m : float
        Half-width (m) of the band drawn around the reached streets.
    facility_areas : {"auto", "all", "none"}
        Whether to add each facility's own area (``kind == "facility"``); see
        the module docstring.

    Returns
    -------
    GeoDataFrame
        Columns ``kind``, ``category``, ``facility_id``, ``minutes``,
        ``walk_m``, ``area_m2`` (m2), geometry (LayerSet CRS).
    """
    network = access.network
    ids = layerset.facilities["facility_id"].to_numpy()
    n_with_category = sum(rows.size for rows in access.facility_rows.values())
    per_facility = wants_facility_areas(facility_areas, n_with_category)

    def category_rows(cat_id: str) -> list[gpd.GeoDataFrame]:
        rows = access.facility_rows[cat_id]
        rule = access.rule(cat_id)
        walk_m = rule.threshold_m
        snapped = network.facilities.subset(rows)
        area = category_service_area(network.graph, snapped, walk_m, buffer_m)
        circles = naive_radius_circles(network.facilities.point_xy[rows], walk_m)
        out = [
            _rows(["category", *["radius"] * rows.size], cat_id, [None, *ids[rows]],
                  rule.threshold_minutes, walk_m, [area, *circles])
        ]
        if per_facility:
            polygons = service_areas(network.graph, snapped, walk_m, buffer_m)
            out.append(
                _rows(["facility"] * rows.size, cat_id, list(ids[rows]),
                      rule.threshold_minutes, walk_m, polygons)
            )
        return out

    # one polygon union per category, each on its own thread (GEOS releases the GIL)
    drawn = [c for c in profile.categories if access.facility_rows.get(c, np.array([])).size]
    frames = [frame for found in map_in_threads(category_rows, drawn) for frame in found]
    return _layer(frames, layerset.crs)


def facility_area_layer(
    access: AccessTable,
    layerset: LayerSet,
    facility_ids: Iterable[str],
    buffer_m: float = SERVICE_AREA_BUFFER_M,
) -> gpd.GeoDataFrame:
    """Each chosen facility's own network service area (``kind == "facility"``).

    Parameters
    ----------
    access : AccessTable
    layerset : LayerSet
        The layer set ``access`` was computed from.
    facility_ids : iterable of str
        Facilities to draw; ids without a category (or unknown) are skipped.
    buffer_m : float
        Half-width (m) of the band drawn around the reached streets.

    Returns
    -------
    GeoDataFrame
        The columns of :func:`service_area_layer`, one row per drawn facility.
    """
    wanted = set(map(str, facility_ids))
    ids = layerset.facilities["facility_id"].to_numpy()
    network = access.network
    frames = []
    for cat_id, rows in access.facility_rows.items():
        rows = rows[np.isin(ids[rows].astype(str), list(wanted))]
        if rows.size == 0:
            continue
        rule = access.rule(cat_id)
        polygons = service_areas(
            network.graph, network.facilities.subset(rows), rule.threshold_m, buffer_m
        )
        frames.append(
            _rows(["facility"] * rows.size, cat_id, list(ids[rows]),
                  rule.threshold_minutes, rule.threshold_m, polygons)
        )
    return _layer(frames, layerset.crs)


def _rows(kinds, cat_id, facility_ids, minutes, walk_m, geometries) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kind": kinds,
            "category": cat_id,
            "facility_id": facility_ids,
            "minutes": minutes,
            "walk_m": walk_m,
            "geometry": geometries,
        }
    )


def _layer(frames: list[pd.DataFrame], crs) -> gpd.GeoDataFrame:
    """The frames as one layer without empty geometries, with ``area_m2``."""
    if not frames:
        return gpd.GeoDataFrame({c: [] for c in LAYER_COLUMNS}, geometry=[], crs=crs)
    layer = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=crs)
    layer = layer[~layer.geometry.is_empty].reset_index(drop=True)
    layer["area_m2"] = layer.geometry.area
    return layer
