"""Compact map data: a GeoJSON FeatureCollection as integer polylines and property columns.

A map page embeds each data set once (``LC.data[name]``) in this form and the page
script decodes it (``LC.decode`` in ``assets/lifecircle.js``) into the same
FeatureCollection before Leaflet draws it. :func:`decode_collection` mirrors the
page script, for tests and tools.

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

from collections.abc import Sequence
from typing import Any

import numpy as np

from lifecircle.maps.geojson import COORD_DECIMALS

FORMAT_VERSION = 1
SCALE = 10**COORD_DECIMALS
_CODES = {
    "Point": 1,
    "LineString": 2,
    "Polygon": 3,
    "MultiPoint": 4,
    "MultiLineString": 5,
    "MultiPolygon": 6,
    "GeometryCollection": 7,
}
_TYPES = {code: name for name, code in _CODES.items()}
_MAX_GROUPS = 13  # 5-bit groups of a 64-bit zig-zag value


def encode_unsigned(values: np.ndarray) -> str:
    """Non-negative integers as polyline text (5-bit groups, low first, 0x20 = more follow)."""
    z = np.asarray(values, dtype=np.uint64)
    if z.size == 0:
        return ""
    width = min(_MAX_GROUPS, int(z.max()).bit_length() // 5 + 1)  # groups of the largest
    shifts = np.arange(width, dtype=np.uint64) * np.uint64(5)
    rest = z[:, None] >> shifts[None, :]
    groups = rest & np.uint64(31)
    # a value uses groups up to its highest non-zero one, and at least one
    used = (rest > 0) | (np.arange(width) == 0)[None, :]
    more = np.zeros_like(used)
    more[:, :-1] = used[:, 1:]
    chars = (groups + np.where(more, 32, 0).astype(np.uint64) + np.uint64(63)).astype(np.uint8)
    return chars[used].tobytes().decode("ascii")


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


def _xy(positions: list[Sequence[float]]) -> np.ndarray:
    """An (N, 2) array of longitude and latitude; a height, if any, is dropped."""
    if not positions:
        return np.zeros((0, 2), dtype=float)
    try:
        array = np.asarray(positions, dtype=float)
    except ValueError:  # some positions with a height, some without
        array = np.asarray([p[:2] for p in positions], dtype=float)
    return array[:, :2]


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
            self.structure.append(0)  # no geometry, or an empty point: nothing to draw
            return
        kind = geometry["type"]
        if kind not in _CODES:
            raise ValueError(f"unknown geometry type {kind!r}")
        self.structure.append(_CODES[kind])
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
    """A property column; repeated texts as a dictionary and indexes."""
    texts = [v for v in values if v is not None]
    if len(values) >= 8 and texts and all(isinstance(v, str) for v in texts):
        distinct = list(dict.fromkeys(texts))
        if 2 * len(distinct) <= len(values):
            index = {text: i for i, text in enumerate(distinct)}
            return {"d": distinct, "i": [-1 if v is None else index[v] for v in values]}
    return values


def encode_collection(collection: dict[str, Any]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection in the compact form (see the module docstring).

    Parameters
    ----------
    collection : dict
        Features with coordinates in degrees on the 1e-5 grid (display frames).

    Returns
    -------
    dict
        ``lc``, ``n``, ``s``, ``c`` and ``p``; JSON-ready.
    """
    features = collection.get("features", [])
    writer = _Writer()
    names: dict[str, None] = {}
    for feature in features:
        writer.geometry(feature.get("geometry"))
        names.update(dict.fromkeys(feature.get("properties") or {}))
    integers = np.rint(_xy(writer.positions) * SCALE).astype(np.int64)
    deltas = np.diff(integers, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)).reshape(-1)
    columns = {
        name: _column([(f.get("properties") or {}).get(name) for f in features]) for name in names
    }
    return {
        "lc": FORMAT_VERSION,
        "n": len(features),
        "s": encode_unsigned(np.asarray(writer.structure, dtype=np.uint64)),
        "c": encode_signed(deltas),
        "p": columns,
    }


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
