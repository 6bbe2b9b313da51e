"""The geometry streams of the compact map data, straight from shapely arrays.

:func:`geometry_streams` turns an array of geometries into the structure
stream (type code and counts, per feature) and the coordinate array that
:mod:`lifecircle.maps.compact` writes as polylines, in the order GeoJSON lists
them, ring closing vertices left out. It works on whole arrays with shapely's
vectorised functions (type ids, part, ring and coordinate counts, parts, rings,
coordinates), never one geometry at a time; only the members of geometry
collections are laid out by a recursive call (on all collections at once).

Structure of one geometry (``CODES`` gives the first number): 0 no geometry or
an empty point; 1 Point; 2 LineString (or LinearRing), n; 3 Polygon, rings, n
per ring; 4 MultiPoint, n; 5 MultiLineString, lines, n per line; 6
MultiPolygon, parts, then per part its rings and n per ring; 7
GeometryCollection, members, then each member's structure. An empty polygon is
written as GeoJSON writes it, one ring of no vertices.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

CODES = {
    "Point": 1,
    "LineString": 2,
    "Polygon": 3,
    "MultiPoint": 4,
    "MultiLineString": 5,
    "MultiPolygon": 6,
    "GeometryCollection": 7,
}
# structure code by shapely type id + 1 (None, Point, LineString, LinearRing, Polygon, …)
_CODE_OF_TYPE_ID = np.array([0, 1, 2, 2, 3, 4, 5, 6, 7], dtype=np.int64)


@dataclass
class _Layout:
    """The structure stream of some geometries and where their coordinate runs sit in it.

    A run is the coordinates of a point, a line, the points of a multipoint or a
    ring; its position is that of the count (or, for a point, the code) that
    announces it, so sorting runs by position gives GeoJSON's coordinate order.
    """

    tokens: np.ndarray  # int64, the structure stream
    sizes: np.ndarray  # tokens per geometry
    run_at: np.ndarray  # token position of each run
    run_length: np.ndarray  # coordinates of each run, a ring's closing vertex included
    run_is_ring: np.ndarray  # bool


def _local_index(owner: np.ndarray) -> np.ndarray:
    """0, 1, 2 … within each group of equal, sorted ``owner`` values."""
    return np.arange(len(owner)) - np.searchsorted(owner, owner)


def _rings_per_polygon(polygons: np.ndarray) -> np.ndarray:
    """Rings GeoJSON lists per polygon: the shell and its holes (an empty polygon has one)."""
    return 1 + shapely.get_num_interior_rings(polygons)


def _polygon_bodies(polygons: np.ndarray, at: np.ndarray, tokens: np.ndarray) -> tuple:
    """Write each polygon's ring count at ``at`` and its rings' vertex counts after it."""
    tokens[at] = _rings_per_polygon(polygons)
    rings, owner = shapely.get_rings(polygons, return_index=True)
    positions = at[owner] + 1 + _local_index(owner)
    lengths = shapely.get_num_coordinates(rings)
    tokens[positions] = np.where(lengths > 1, lengths - 1, lengths)  # closing vertex left out
    return positions, lengths, np.ones(len(rings), dtype=bool)


def _layout(geometries: np.ndarray) -> _Layout:
    """The structure stream of ``geometries`` (an object array; None allowed)."""
    type_id = shapely.get_type_id(geometries)
    codes = _CODE_OF_TYPE_ID[type_id + 1]
    codes[(codes == 1) & shapely.is_empty(geometries)] = 0  # an empty point: nothing to draw
    kinds = {code: np.flatnonzero(codes == code) for code in range(8)}

    # tokens per geometry: its code, and the counts its type writes
    sizes = np.ones(len(geometries), dtype=np.int64)
    sizes[kinds[2]] = sizes[kinds[4]] = 2
    sizes[kinds[3]] = 2 + _rings_per_polygon(geometries[kinds[3]])
    sizes[kinds[5]] = 2 + shapely.get_num_geometries(geometries[kinds[5]])
    parts, part_owner = shapely.get_parts(geometries[kinds[6]], return_index=True)
    part_sizes = 1 + _rings_per_polygon(parts)
    sizes[kinds[6]] = 2 + np.bincount(part_owner, part_sizes, len(kinds[6])).astype(np.int64)
    members, member_owner = shapely.get_parts(geometries[kinds[7]], return_index=True)
    inner = _layout(members) if len(kinds[7]) else None
    if inner is not None:
        member_tokens = np.bincount(member_owner, inner.sizes, len(kinds[7])).astype(np.int64)
        sizes[kinds[7]] = 2 + member_tokens

    # each geometry's code at its start, then its counts; a run per point, line or ring
    starts = np.cumsum(sizes) - sizes
    tokens = np.zeros(int(sizes.sum()), dtype=np.int64)
    tokens[starts] = codes
    runs: list[tuple] = []

    point = starts[kinds[1]]
    runs.append((point, np.ones(len(point), dtype=np.int64), np.zeros(len(point), dtype=bool)))
    for code in (2, 4):  # a line or the points of a multipoint: one run
        at = starts[kinds[code]] + 1
        lengths = shapely.get_num_coordinates(geometries[kinds[code]])
        tokens[at] = lengths
        runs.append((at, lengths, np.zeros(len(at), dtype=bool)))
    runs.append(_polygon_bodies(geometries[kinds[3]], starts[kinds[3]] + 1, tokens))
    lines, line_owner = shapely.get_parts(geometries[kinds[5]], return_index=True)  # multilines
    tokens[starts[kinds[5]] + 1] = shapely.get_num_geometries(geometries[kinds[5]])
    at = starts[kinds[5]][line_owner] + 2 + _local_index(line_owner)
    lengths = shapely.get_num_coordinates(lines)
    tokens[at] = lengths
    runs.append((at, lengths, np.zeros(len(at), dtype=bool)))

    tokens[starts[kinds[6]] + 1] = shapely.get_num_geometries(geometries[kinds[6]])  # multipolygons
    before = np.cumsum(part_sizes) - part_sizes  # tokens of earlier parts, all polygons
    within = before - before[np.searchsorted(part_owner, part_owner)]
    runs.append(_polygon_bodies(parts, starts[kinds[6]][part_owner] + 2 + within, tokens))

    if inner is not None:
        tokens[starts[kinds[7]] + 1] = shapely.get_num_geometries(geometries[kinds[7]])
        member_starts = np.cumsum(inner.sizes) - inner.sizes
        block_starts = np.append(member_starts, len(inner.tokens))  # an empty one ends there
        first_member = block_starts[np.searchsorted(member_owner, np.arange(len(kinds[7])))]
        # each collection's members, as one block, right after its code and count
        shift = starts[kinds[7]] + 2 - first_member
        owner_of_token = member_owner[np.repeat(np.arange(len(members)), inner.sizes)]
        tokens[np.arange(len(inner.tokens)) + shift[owner_of_token]] = inner.tokens
        run_member = np.searchsorted(member_starts, inner.run_at, side="right") - 1
        at = inner.run_at + shift[member_owner[run_member]]
        runs.append((at, inner.run_length, inner.run_is_ring))

    return _Layout(
        tokens,
        sizes,
        np.concatenate([r[0] for r in runs]).astype(np.int64),
        np.concatenate([r[1] for r in runs]).astype(np.int64),
        np.concatenate([r[2] for r in runs]),
    )


def geometry_streams(geometries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The structure stream and the coordinates of ``geometries``, in GeoJSON order.

    Parameters
    ----------
    geometries : ndarray of shapely geometries
        One per feature; None for a feature without geometry.

    Returns
    -------
    structure : ndarray of uint64
        Type codes and counts, feature after feature (see the module docstring).
    coordinates : ndarray, shape (N, 2)
        Longitude and latitude (the display frame's units, degrees) of every
        vertex, without ring closing vertices; a height, if any, is dropped.
    """
    geometries = np.asarray(geometries, dtype=object).reshape(-1)
    layout = _layout(geometries)
    order = np.argsort(layout.run_at, kind="stable")
    lengths, is_ring = layout.run_length[order], layout.run_is_ring[order]
    coordinates = shapely.get_coordinates(geometries)
    ends = np.cumsum(lengths)
    if len(coordinates) != (ends[-1] if len(ends) else 0):
        raise ValueError("geometry coordinates do not match their structure")
    # GEOS keeps rings closed, so a ring's last vertex is its first again
    keep = np.ones(len(coordinates), dtype=bool)
    keep[ends[is_ring & (lengths > 1)] - 1] = False
    return layout.tokens.astype(np.uint64), coordinates[keep]
