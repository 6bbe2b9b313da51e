"""The map data path before issue #14's array encoder, kept as the tests' reference.

Each feature becomes a GeoJSON dict (``shapely.to_geojson`` per geometry, every
value through :func:`lifecircle.maps.property_columns.plain_value`, missing
properties left out), and a plain walk over those dicts writes the compact form
of :mod:`lifecircle.maps.compact`. It reads the format's documentation one
feature at a time, so the array encoder (:func:`lifecircle.maps.compact.encode_frame`)
must give exactly its text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from lifecircle.maps.compact import FORMAT_VERSION, SCALE, encode_signed, encode_unsigned
from lifecircle.maps.compact_geometry import CODES
from lifecircle.maps.property_columns import DEFAULT_DIGITS, Digits, Properties, plain_value


def reference_collection(
    frame: gpd.GeoDataFrame, properties: Properties, digits: Digits | None = None
) -> dict[str, Any]:
    """The GeoJSON FeatureCollection the map data were built as, one dict per feature."""
    places = dict(digits or {})
    columns = {}
    for name, source in properties.items():
        values = source(frame) if callable(source) else frame[source]
        columns[name] = [plain_value(v, places.get(name, DEFAULT_DIGITS)) for v in list(values)]
    texts = shapely.to_geojson(np.asarray(frame.geometry.array)) if len(frame) else []
    features = []
    for i, text in enumerate(texts):
        props = {n: v[i] for n, v in columns.items() if v[i] is not None and v[i] != ""}
        geometry = None if text is None else json.loads(text)
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


class _Writer:
    """Walks GeoJSON geometries into a structure list and one list of positions."""

    def __init__(self) -> None:
        self.structure: list[int] = []
        self.positions: list[Sequence[float]] = []

    def _points(self, coordinates: Sequence[Sequence[float]]) -> None:
        self.structure.append(len(coordinates))
        self.positions.extend(coordinates)

    def _polygon(self, rings: Sequence[Sequence[Sequence[float]]]) -> None:
        self.structure.append(len(rings))
        for ring in rings:
            closed = len(ring) > 1 and list(ring[0]) == list(ring[-1])
            self._points(ring[:-1] if closed else ring)

    def geometry(self, geometry: dict[str, Any] | None) -> None:
        if geometry is None or (geometry["type"] == "Point" and not geometry["coordinates"]):
            self.structure.append(0)
            return
        kind = geometry["type"]
        self.structure.append(CODES[kind])
        coordinates = geometry.get("coordinates")
        if kind == "Point":
            self.positions.append(coordinates)
        elif kind in ("LineString", "MultiPoint"):
            self._points(coordinates)
        elif kind == "Polygon":
            self._polygon(coordinates)
        elif kind == "MultiLineString":
            self.structure.append(len(coordinates))
            for line in coordinates:
                self._points(line)
        elif kind == "MultiPolygon":
            self.structure.append(len(coordinates))
            for polygon in coordinates:
                self._polygon(polygon)
        else:
            members = geometry["geometries"]
            self.structure.append(len(members))
            for member in members:
                self.geometry(member)


def _column(values: list[Any]) -> Any:
    texts = [v for v in values if v is not None]
    if len(values) >= 8 and texts and all(isinstance(v, str) for v in texts):
        distinct = list(dict.fromkeys(texts))
        if 2 * len(distinct) <= len(values):
            index = {text: i for i, text in enumerate(distinct)}
            return {"d": distinct, "i": [-1 if v is None else index[v] for v in values]}
    return values


def reference_encoding(collection: dict[str, Any]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection in the compact form, walked feature by feature."""
    features = collection["features"]
    writer = _Writer()
    names: dict[str, None] = {}
    for feature in features:
        writer.geometry(feature["geometry"])
        names.update(dict.fromkeys(feature["properties"]))
    positions = [p[:2] for p in writer.positions]
    xy = np.asarray(positions, dtype=float).reshape(-1, 2)
    integers = np.rint(xy * SCALE).astype(np.int64)
    deltas = np.diff(integers, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)).reshape(-1)
    columns = {name: _column([f["properties"].get(name) for f in features]) for name in names}
    return {
        "lc": FORMAT_VERSION,
        "n": len(features),
        "s": encode_unsigned(np.asarray(writer.structure, dtype=np.uint64)),
        "c": encode_signed(deltas),
        "p": columns,
    }
