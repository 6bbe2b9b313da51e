"""The union of equal discs around many points, without polygon unions.

Unioning thousands of disc polygons costs seconds (GEOS overlays them pair by
pair). Here the distance from every node of a regular grid to its nearest
point is computed exactly (each point writes only the grid nodes within reach
of its disc), and the region "distance <= radius" is traced with contourpy's
filled contours (marching squares with linear interpolation along the grid
lines). contourpy comes with matplotlib; it assembles outer rings and their
holes, which a raster polygoniser would draw as pixel staircases instead.

Accuracy: every traced vertex lies on a grid line, interpolated between two
exact distances. Along a circle arc the traced boundary is within about
``step² / (8 · radius)`` of the truth (0.3 % of the radius at the default step of
radius / 6), closer than the 16-gons the discs used to be drawn with (1.9 %).
Where two discs meet, the distance field has a ridge that linear interpolation
cuts, so the trace fills the notch between the discs a little: measured on a
20,000-point case, the traced area was within 0.8 % (symmetric difference) of
the exact union of 128-gon discs, and every point lay at least 0.97 radius
inside it.
"""

from __future__ import annotations

import contourpy
import numpy as np
import shapely

__all__ = ["DEFAULT_STEPS_PER_RADIUS", "disc_union_parts"]

#: Grid nodes per radius: the grid step is ``radius / DEFAULT_STEPS_PER_RADIUS``.
DEFAULT_STEPS_PER_RADIUS = 6


def _distance_field(
    xy: np.ndarray, group: np.ndarray, radius: float, step: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Grid x, y (metres), distance (metres, capped) and group of each node's nearest point.

    Each point writes the nodes of a square stencil around its own cell, one
    stencil offset at a time. Points sharing a cell would write the same node
    in one step, so they are written in rounds (the first point of each cell,
    then the second, ...), each round a plain vectorised minimum. Nodes no
    point reaches keep group -1.
    """
    margin = radius + 2 * step
    origin = xy.min(axis=0) - margin
    shape = np.ceil((xy.max(axis=0) + margin - origin) / step).astype(np.int64) + 1
    field = np.full((int(shape[1]), int(shape[0])), 2.0 * radius, dtype=np.float32)
    owner = np.full(field.shape, -1, dtype=np.int64)
    base = np.floor((xy - origin) / step).astype(np.int64)
    cell = base[:, 1] * shape[0] + base[:, 0]
    order = np.argsort(cell, kind="stable")
    n = len(xy)
    first = np.r_[True, cell[order][1:] != cell[order][:-1]]
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - np.maximum.accumulate(np.where(first, np.arange(n), 0))
    flat, flat_owner = field.ravel(), owner.ravel()
    reach = int(np.ceil(radius / step)) + 1
    # stencil nodes within radius + step of some position in the own cell (farther
    # nodes are outside the disc whatever they hold)
    stencil = [
        (ox, oy)
        for oy in range(-reach, reach + 1)
        for ox in range(-reach, reach + 1)
        if (max(abs(ox) - 1, 0) ** 2 + max(abs(oy) - 1, 0) ** 2) * step**2 <= (radius + step) ** 2
    ]
    for r in range(int(rank.max()) + 1):
        members = order[rank[order] == r]  # in cell order, so the writes walk the grid
        b, p, g = base[members], xy[members], group[members]
        rel = ((origin + b * step) - p).astype(np.float32)  # own cell's node minus the point
        node = b[:, 1] * shape[0] + b[:, 0]
        for ox, oy in stencil:
            d = np.hypot(rel[:, 0] + np.float32(ox * step), rel[:, 1] + np.float32(oy * step))
            at = node + (oy * shape[0] + ox)
            closer = d < flat[at]
            flat[at[closer]] = d[closer]
            flat_owner[at[closer]] = g[closer]
    xs = origin[0] + step * np.arange(shape[0])
    ys = origin[1] + step * np.arange(shape[1])
    return xs, ys, field.astype(np.float64), owner


def _separate_groups(field: np.ndarray, owner: np.ndarray, radius: float) -> None:
    """Lift to just over ``radius`` the farther node of every pair of neighbours of two groups.

    Then no grid cell holds inside nodes of two groups, so no traced part can
    join two groups. Of two neighbouring nodes, the one farther from its own
    point is lifted: it lies within ``0.71 · step`` of the line of equal
    distance between the two groups' points, so a zone loses at most that
    strip where it nearly touches (or overlaps) another.
    """
    lifted = np.zeros(owner.shape, dtype=bool)
    h, w = owner.shape
    for dy, dx in ((0, 1), (1, 0), (1, 1), (1, -1)):  # each pair of neighbours once
        here = (slice(0, h - dy), slice(max(-dx, 0), w - max(dx, 0)))
        there = (slice(dy, h), slice(max(dx, 0), w - max(-dx, 0)))
        a, b = owner[here], owner[there]
        clash = (a != b) & (a >= 0) & (b >= 0)
        here_farther = field[here] >= field[there]
        lifted[here] |= clash & here_farther
        lifted[there] |= clash & ~here_farther
    field[lifted] = np.maximum(field[lifted], radius * (1.0 + 1e-9) + 1e-9)


def disc_union_parts(
    xy: np.ndarray,
    radius_m: float,
    group: np.ndarray | None = None,
    steps_per_radius: int = DEFAULT_STEPS_PER_RADIUS,
) -> np.ndarray:
    """The separate polygons of the union of discs of ``radius_m`` around ``xy``.

    Parameters
    ----------
    xy : ndarray
        (n, 2) point coordinates in metres (n >= 1).
    radius_m : float
        Disc radius in metres (> 0).
    group : ndarray of int, optional
        (n,) group of each point (>= 0): the discs of each group are traced
        apart, so no polygon holds points of two groups.
    steps_per_radius : int
        Grid resolution: the grid step is ``radius_m / steps_per_radius``.

    Returns
    -------
    ndarray of shapely.Polygon
        One polygon (with its holes) per connected part of the union, in the
        points' CRS. Every point lies inside one of them.
    """
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    group = np.zeros(len(xy), dtype=np.int64) if group is None else np.asarray(group)
    step = radius_m / steps_per_radius
    xs, ys, field, owner = _distance_field(xy, group, radius_m, step)
    _separate_groups(field, owner, radius_m)
    generator = contourpy.contour_generator(xs, ys, field, fill_type="OuterOffset")
    rings_per_polygon, offsets_per_polygon = generator.filled(-1.0, radius_m)
    polygons = np.empty(len(rings_per_polygon), dtype=object)
    for i, (coords, offsets) in enumerate(
        zip(rings_per_polygon, offsets_per_polygon, strict=True)
    ):
        ring_of = np.repeat(np.arange(offsets.size - 1), np.diff(offsets))
        rings = shapely.linearrings(coords, indices=ring_of)
        polygons[i] = shapely.Polygon(rings[0], rings[1:])
    return polygons
