"""Compact map data: a GeoJSON FeatureCollection as integer polylines and property columns.

A map page embeds each data set once (``LC.data[name]``) in this form and the page
script decodes it (``LC.decode`` in ``assets/lifecircle.js``) into a
FeatureCollection before Leaflet draws it. :func:`encode_frame` writes it
straight from a display frame: the geometry streams from shapely arrays
(:mod:`lifecircle.maps.compact_geometry`), the properties as whole columns
(:mod:`lifecircle.maps.property_columns`), never a GeoJSON dict per feature.
:func:`decode_collection` mirrors the page script, for tests, tools and the
pages that embed GeoJSON itself (:func:`feature_collection`).

The encoded collection is a dict::

    {"lc": 1,                 # format version
     "n": 2080,               # number of features
     "s": "<polyline>",       # geometry structure, unsigned integers
     "c": "<polyline>",       # coordinates, signed deltas of 1e-5 degree integers
     "p": {name: column}}     # properties, one column per name

Coordinates are the display coordinates (already snapped to ``COORD_DECIMALS``
= 5 decimals by :func:`lifecircle.maps.geojson.to_display`) as integers of
1e-5 degree, each written as the difference from the previous coordinate of
the data set (longitude and latitude alternate, starting from 0), zig-zag
signed and cut into 5-bit groups: Google's encoded polyline algorithm
(https://developers.google.com/maps/documentation/utilities/polylinealgorithm).
A vertex 5 m from the previous one costs two or three characters instead of
about 21 in GeoJSON text, and decoding gives back exactly the snapped
coordinates (within 0.56 m north-south and 0.48 m east-west of the source).

The structure stream holds, per feature, a geometry code and its counts, read
recursively: 0 no geometry; 1 Point; 2 LineString, n; 3 Polygon, rings, n per
ring; 4 MultiPoint, n; 5 MultiLineString, lines, n per line; 6 MultiPolygon,
parts, then per part as a Polygon; 7 GeometryCollection, members, then each
member's code and counts. Ring counts leave out the closing vertex, which the
decoder repeats.

A property column is a list with ``null`` where a feature lacks the property,
or, for text repeated across features, ``{"d": [distinct texts], "i": [index
or -1]}``.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from lifecircle.maps.compact_geometry import CODES, geometry_streams
from lifecircle.maps.geojson import COORD_DECIMALS
from lifecircle.maps.property_columns import (
    Digits,
    Properties,
    PropertyColumn,
    property_columns,
)

FORMAT_VERSION = 1
SCALE = 10**COORD_DECIMALS
_TYPES = {code: name for name, code in CODES.items()}


def encode_unsigned(values: np.ndarray) -> str:
    """Non-negative integers as polyline text (5-bit groups, low first, 0x20 = more follow).

    Each value takes as many groups as it needs: the groups are written one
    round at a time, each round over the values that still have bits left, so
    the work follows the text's length, not the largest value's.
    """
    rest = np.asarray(values, dtype=np.uint64).ravel()
    if rest.size == 0:
        return ""
    groups = np.ones(rest.size, dtype=np.int64)  # at least one group each
    higher = rest >> np.uint64(5)
    while True:
        left = higher > 0
        if not left.any():
            break
        groups += left
        higher >>= np.uint64(5)
    start = np.cumsum(groups) - groups
    out = np.empty(int(groups.sum()), dtype=np.uint8)
    which = np.arange(rest.size)
    for group in range(int(groups.max())):
        more = groups[which] > group + 1
        out[start[which] + group] = (
            (rest & np.uint64(31)).astype(np.uint8) + np.where(more, 32 + 63, 63).astype(np.uint8)
        )
        which, rest = which[more], rest[more] >> np.uint64(5)
    return out.tobytes().decode("ascii")


def decode_unsigned(text: str) -> np.ndarray:
    """The integers of :func:`encode_unsigned` text."""
    if not text:
        return np.zeros(0, dtype=np.uint64)
    raw = np.frombuffer(text.encode("ascii"), dtype=np.uint8).astype(np.int64) - 63
    if (raw < 0).any() or (raw > 63).any():
        raise ValueError("not polyline text")
    last = (raw & 32) == 0
    if not last[-1]:
        raise ValueError("polyline text ends inside a value")
    value_of = np.concatenate([[0], np.cumsum(last)[:-1]])
    starts = np.flatnonzero(np.concatenate([[True], last[:-1]]))
    position = np.arange(len(raw)) - starts[value_of]
    parts = (raw & 31).astype(np.uint64) << (position.astype(np.uint64) * np.uint64(5))
    return np.add.reduceat(parts, starts).astype(np.uint64)


def encode_signed(values: np.ndarray) -> str:
    """Signed integers as polyline text (zig-zag: 0, -1, 1, -2 … → 0, 1, 2, 3 …)."""
    v = np.asarray(values, dtype=np.int64)
    return encode_unsigned(((v << 1) ^ (v >> 63)).astype(np.uint64))


def decode_signed(text: str) -> np.ndarray:
    """The integers of :func:`encode_signed` text."""
    z = decode_unsigned(text)
    return (z >> np.uint64(1)).astype(np.int64) ^ -((z & np.uint64(1)).astype(np.int64))


def _column(column: PropertyColumn) -> Any:
    """A property column as written; repeated texts as a dictionary and indexes."""
    values = column.values
    texts = not column.missing.all() and infer_dtype(values, skipna=True) == "string"
    if len(values) >= 8 and texts:
        index, distinct = pd.factorize(np.asarray(values, dtype=object))  # first-seen order
        if 2 * len(distinct) <= len(values):
            return {"d": distinct.tolist(), "i": index.tolist()}
    return values


def encode_frame(
    frame: gpd.GeoDataFrame, properties: Properties, digits: Digits | None = None
) -> dict[str, Any]:
    """A map data set in the compact form (see the module docstring), one feature per row.

    Parameters
    ----------
    frame : GeoDataFrame
        Already in display coordinates, degrees on the 1e-5 grid (see
        :func:`lifecircle.maps.geojson.to_display`).
    properties, digits : mapping
        The properties and their decimals, as
        :func:`lifecircle.maps.property_columns.property_columns` reads them.

    Returns
    -------
    dict
        ``lc``, ``n``, ``s``, ``c`` and ``p``; JSON-ready. A property missing
        from every feature has no column; columns come in the order features
        first have them.
    """
    geometries = np.asarray(frame.geometry.array) if len(frame) else np.zeros(0, dtype=object)
    structure, coordinates = geometry_streams(geometries)
    integers = np.rint(coordinates * SCALE).astype(np.int64)
    deltas = np.diff(integers, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)).reshape(-1)
    columns = property_columns(frame, properties, digits)
    present = [(name, c) for name, c in columns.items() if not c.missing.all()]
    # as the features list them: by the first feature that has the property
    present.sort(key=lambda item: int(np.argmin(item[1].missing)))
    return {
        "lc": FORMAT_VERSION,
        "n": len(frame),
        "s": encode_unsigned(structure),
        "c": encode_signed(deltas),
        "p": {name: _column(column) for name, column in present},
    }


def feature_collection(
    frame: gpd.GeoDataFrame, properties: Properties, digits: Digits | None = None
) -> dict[str, Any]:
    """The GeoJSON FeatureCollection of :func:`encode_frame` (for pages that embed GeoJSON).

    Coordinates are those of the 1e-5 grid; a property whose value is missing
    (None, NaN or the empty string) is left out of its feature.
    """
    return decode_collection(encode_frame(frame, properties, digits))


class _Reader:
    """Rebuilds GeoJSON geometries from the structure and coordinate streams."""

    def __init__(self, structure: np.ndarray, coords: np.ndarray) -> None:
        self.structure = structure.tolist()
        self.coords = coords.tolist()
        self.s = 0
        self.c = 0

    def _next(self) -> int:
        value = self.structure[self.s]
        self.s += 1
        return int(value)

    def _points(self, n: int) -> list[list[float]]:
        out = self.coords[self.c : self.c + n]
        self.c += n
        return out

    def _ring(self) -> list[list[float]]:
        ring = self._points(self._next())
        return [*ring, ring[0]] if ring else ring

    def _polygon(self) -> list[list[list[float]]]:
        return [self._ring() for _ in range(self._next())]

    def geometry(self) -> dict[str, Any] | None:
        code = self._next()
        if code == 0:
            return None
        kind = _TYPES[code]
        if kind == "GeometryCollection":
            return {"type": kind, "geometries": [self.geometry() for _ in range(self._next())]}
        if kind == "Point":
            coordinates: Any = self._points(1)[0]
        elif kind in ("LineString", "MultiPoint"):
            coordinates = self._points(self._next())
        elif kind == "Polygon":
            coordinates = self._polygon()
        elif kind == "MultiLineString":
            coordinates = [self._points(self._next()) for _ in range(self._next())]
        else:
            coordinates = [self._polygon() for _ in range(self._next())]
        return {"type": kind, "coordinates": coordinates}


def _values(column: Any, n: int) -> list[Any]:
    if isinstance(column, dict):
        distinct = column["d"]
        return [None if i < 0 else distinct[i] for i in column["i"]]
    return list(column) if column is not None else [None] * n


def decode_collection(data: dict[str, Any]) -> dict[str, Any]:
    """The GeoJSON FeatureCollection of :func:`encode_collection` output (as ``LC.decode``)."""
    if data.get("lc") != FORMAT_VERSION:
        raise ValueError("not a compact map data set")
    n = int(data["n"])
    integers = np.cumsum(decode_signed(data["c"]).reshape(-1, 2), axis=0)
    reader = _Reader(decode_unsigned(data["s"]), integers / SCALE)
    columns = {name: _values(column, n) for name, column in data["p"].items()}
    features = []
    for i in range(n):
        geometry = reader.geometry()
        props = {name: values[i] for name, values in columns.items() if values[i] is not None}
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}
