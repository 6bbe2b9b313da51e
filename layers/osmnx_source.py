"""Download OSM data with osmnx by place name, bounding box or polygon (online only).

Offline, the download fails with a LifecircleError that says how to use a local
extract instead. Tests exercise only that offline path: no test touches the
network.
"""

from __future__ import annotations

import socket
from typing import Any

import geopandas as gpd
import numpy as np

from lifecircle.layers.osm import ATTRIBUTION, RawLayers
from lifecircle.spatial.errors import LifecircleError

OFFLINE_FIX = (
    "lifecircle could not reach the OpenStreetMap servers. Use a local extract instead: "
    "download a .osm.pbf (for example Geofabrik's china/shanghai) on a machine with internet, "
    "then run `lifecircle run --osm FILE --bbox W,S,E,N`."
)


def _online(host: str = "overpass-api.de", port: int = 443, timeout_s: float = 3.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return True
    except OSError:
        return False


def download_osm(spec: dict[str, Any], check_host: str = "overpass-api.de") -> RawLayers:
    """Download the walk network and facilities with osmnx.

    Parameters
    ----------
    spec : dict
        One of ``{"place": "宜川路街道, 普陀区, 上海市"}``, ``{"bbox": [W, S, E, N]}``
        (degrees) or ``{"polygon": shapely Polygon in WGS84}``.
    check_host : str
        Host probed first, so an offline machine fails fast with advice.

    Raises
    ------
    LifecircleError
        Offline, or when osmnx cannot find the place.
    """
    if not any(key in spec for key in ("place", "bbox", "polygon")):
        raise LifecircleError(
            "An osmnx source needs a place, bbox or polygon.",
            where="sources.osmnx",
            fix="Write `osmnx: {place: '宜川路街道, 普陀区, 上海市'}` "
            "or `osmnx: {bbox: [W,S,E,N]}`.",
        )
    if not _online(check_host):
        raise LifecircleError(
            "No network connection for the osmnx download.", where="sources.osmnx", fix=OFFLINE_FIX
        )
    import osmnx as ox

    try:
        if "place" in spec:
            graph = ox.graph_from_place(spec["place"], network_type="walk", simplify=False)
            facilities = ox.features_from_place(spec["place"], tags=_FEATURE_TAGS)
        elif "bbox" in spec:
            west, south, east, north = spec["bbox"]
            graph = ox.graph_from_bbox(
                (west, south, east, north), network_type="walk", simplify=False
            )
            facilities = ox.features_from_bbox((west, south, east, north), tags=_FEATURE_TAGS)
        else:
            graph = ox.graph_from_polygon(spec["polygon"], network_type="walk", simplify=False)
            facilities = ox.features_from_polygon(spec["polygon"], tags=_FEATURE_TAGS)
    except (ConnectionError, OSError) as exc:
        raise LifecircleError(
            f"The osmnx download failed: {exc}", where="sources.osmnx", fix=OFFLINE_FIX
        ) from exc
    except ValueError as exc:
        raise LifecircleError(
            f"osmnx could not find that area: {exc}",
            where="sources.osmnx",
            fix="Check the place name (try the Chinese and English names), or give a bbox.",
        ) from exc
    return _to_raw(graph, facilities)


_FEATURE_TAGS = {
    "amenity": True,
    "leisure": True,
    "shop": ["supermarket", "greengrocer"],
    "social_facility": True,
    "office": "government",
    "highway": "bus_stop",
    "railway": ["station", "subway_entrance"],
    "building": True,
    "natural": "water",
    "waterway": True,
}


def _to_raw(graph: Any, features: gpd.GeoDataFrame) -> RawLayers:
    import json

    import osmnx as ox

    _, edges = ox.graph_to_gdfs(graph)
    edges = edges.reset_index()
    roads = gpd.GeoDataFrame(
        {
            "road_id": [f"osm:way/{w}" for w in edges.get("osmid", range(len(edges)))],
            "highway": edges["highway"].astype(str),
            "name": edges.get("name"),
            "foot": edges.get("foot"),
            "layer": 0,
            "vertex_ids": [
                np.array([u, v], dtype=np.int64)
                for u, v in zip(edges["u"], edges["v"], strict=True)
            ],
        },
        geometry=edges.geometry.values,
        crs=edges.crs,
    )
    features = features.reset_index()
    tag_columns = [c for c in features.columns if c not in {"geometry", "element", "id"}]
    facilities = gpd.GeoDataFrame(
        {
            "facility_id": [
                f"osm:{e}/{i}" for e, i in zip(features["element"], features["id"], strict=True)
            ],
            "category": None,
            "name": features.get("name"),
            "capacity": np.nan,
            "floor_area_m2": np.nan,
            "source": "osmnx",
            "tags": [
                json.dumps(
                    {k: row[k] for k in tag_columns if isinstance(row[k], str)}, ensure_ascii=False
                )
                for _, row in features.iterrows()
            ],
        },
        geometry=features.geometry.representative_point().values,
        crs=features.crs,
    )
    empty = gpd.GeoDataFrame(geometry=[], crs="EPSG:4326")
    return RawLayers(
        roads=roads,
        buildings=empty,
        water=empty,
        railways=empty,
        facilities=facilities,
        source="osmnx download",
        attribution=ATTRIBUTION,
    )
