"""Barriers a snap connector may not cross: water areas, rivers, canals, surface railways.

A point joins the walk network along a straight connector to its snapped position.
The connector must not cross a barrier: a resident on one bank of a river does not
swim to the road on the other bank. Which features are barriers is decided by the
caller (:mod:`lifecircle.layers.barriers` for a LayerSet); this module only tests
connectors against their geometry.

Two rules keep mapping noise from blocking honest connectors:

* Each connector is tested without its first and last
  :data:`BARRIER_TOLERANCE_M` metres. A road drawn along a quay touches the water
  outline, a level crossing puts the snapped point on the track, and a station node
  sits on its railway line; none of these is a crossing. Connectors of at most
  twice the tolerance are never blocked.
* A point inside a water area (a pier, a boat, a pavilion mapped inside a pond) is
  on a structure that leads ashore: that area is not a barrier for it, every other
  barrier is.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import shapely

from lifecircle.spatial.errors import LifecircleError
from lifecircle.spatial.graph import as_geometry_array

__all__ = ["BARRIER_TOLERANCE_M", "Barriers", "make_barriers"]

#: Metres at each end of a connector that are not tested against barriers.
BARRIER_TOLERANCE_M = 1.0

_POLYGON_TYPES = (3, 6)  # Polygon, MultiPolygon
_LINE_OR_POLYGON_TYPES = (1, 2, 3, 5, 6)

#: Cell size (metres) of the screen that spares most connectors the exact test.
_SCREEN_CELL_M = 50.0
_MAX_SCREEN_CELLS = 1 << 24


@dataclass(frozen=True, eq=False)
class Barriers:
    """Barrier geometries in the graph's metric CRS (metres).

    Attributes
    ----------
    geoms : np.ndarray
        (b,) shapely lines and polygons; no empty or missing geometry.
    """

    geoms: np.ndarray

    def __len__(self) -> int:
        return int(self.geoms.size)

    @cached_property
    def tree(self) -> shapely.STRtree:
        """STRtree over :attr:`geoms` (built on first use)."""
        return shapely.STRtree(self.geoms)

    @cached_property
    def is_area(self) -> np.ndarray:
        """(b,) bool: the barrier is a polygon (a water area)."""
        return np.isin(shapely.get_type_id(self.geoms), _POLYGON_TYPES)

    @cached_property
    def _screen(self) -> tuple[np.ndarray, float, np.ndarray]:
        """(origin, cell_m, 2-D prefix sum of cells an outline or line passes through).

        A connector can only cross a barrier where it meets a line or an area's
        outline (inside an area, its start would be inside too, and that area is
        spared). Outlines are sampled every half cell, so every point of them lies
        in a marked cell or a neighbour of one.
        """
        box = shapely.total_bounds(self.geoms)
        origin = box[:2]
        span = np.maximum(box[2:] - origin, 1.0)
        cell_m = max(_SCREEN_CELL_M, float(np.sqrt(span[0] * span[1] / _MAX_SCREEN_CELLS)))
        n_x, n_y = (span // cell_m).astype(np.int64) + 1
        outlines = np.where(self.is_area, shapely.boundary(self.geoms), self.geoms)
        samples = shapely.get_coordinates(shapely.segmentize(outlines, cell_m / 2.0))
        cell = np.floor((samples - origin) / cell_m).astype(np.int64)
        marked = np.zeros((n_x, n_y), dtype=np.int32)
        marked[np.clip(cell[:, 0], 0, n_x - 1), np.clip(cell[:, 1], 0, n_y - 1)] = 1
        prefix = np.zeros((n_x + 1, n_y + 1), dtype=np.int32)
        np.cumsum(np.cumsum(marked, axis=0), axis=1, out=prefix[1:, 1:])
        return origin, cell_m, prefix

    def _may_cross(self, start_xy: np.ndarray, end_xy: np.ndarray) -> np.ndarray:
        """(k,) bool: a marked cell lies in or next to the connector's bounding box."""
        origin, cell_m, prefix = self._screen
        n_x, n_y = prefix.shape[0] - 1, prefix.shape[1] - 1
        # cells lo..hi - 1: the box's cells and one more on every side
        lo = np.floor((np.minimum(start_xy, end_xy) - origin) / cell_m).astype(np.int64) - 1
        hi = np.floor((np.maximum(start_xy, end_xy) - origin) / cell_m).astype(np.int64) + 2
        x0, y0 = np.clip(lo[:, 0], 0, n_x), np.clip(lo[:, 1], 0, n_y)
        x1, y1 = np.clip(hi[:, 0], 0, n_x), np.clip(hi[:, 1], 0, n_y)
        count = prefix[x1, y1] - prefix[x0, y1] - prefix[x1, y0] + prefix[x0, y0]
        return count > 0

    def blocked(self, start_xy: np.ndarray, end_xy: np.ndarray) -> np.ndarray:
        """Which connectors from ``start_xy`` to ``end_xy`` cross a barrier.

        Parameters
        ----------
        start_xy, end_xy : np.ndarray
            (k, 2) connector ends in metres: the point and its snapped position.

        Returns
        -------
        np.ndarray of bool
            (k,) True where the connector, less :data:`BARRIER_TOLERANCE_M` at each
            end, intersects a barrier other than a water area holding its start.
        """
        k = start_xy.shape[0]
        out = np.zeros(k, dtype=bool)
        if k == 0 or self.geoms.size == 0:
            return out
        along = end_xy - start_xy
        length = np.hypot(along[:, 0], along[:, 1])
        testable = np.flatnonzero(length > 2.0 * BARRIER_TOLERANCE_M)
        # a connector far from every outline needs no exact test (most of them, in a city)
        testable = testable[self._may_cross(start_xy[testable], end_xy[testable])]
        if testable.size == 0:
            return out
        trim = (BARRIER_TOLERANCE_M / length[testable])[:, None] * along[testable]
        ends = np.stack([start_xy[testable] + trim, end_xy[testable] - trim], axis=1)
        conn, hit = self.tree.query(shapely.linestrings(ends), predicate="intersects")
        area = self.is_area[hit]
        if area.any():  # a water area does not block a point that stands inside it
            x, y = start_xy[testable[conn[area]]].T
            holds_start = np.zeros(conn.size, dtype=bool)
            holds_start[area] = shapely.contains_xy(self.geoms[hit[area]], x, y)
            conn = conn[~holds_start]
        out[testable[conn]] = True
        return out


def make_barriers(geoms) -> Barriers:
    """Collect barrier geometries, dropping missing and empty ones.

    Parameters
    ----------
    geoms : array-like of shapely geometries
        Lines and polygons in the graph's metric CRS (metres). Points and geometry
        collections are refused.

    Returns
    -------
    Barriers

    Raises
    ------
    LifecircleError
        When an entry is not a geometry, or neither a line nor a polygon.
    """
    arr, missing = as_geometry_array(
        geoms, "Barrier", "barriers",
        fix="Pass water and railway geometries (lines or polygons) in metres.",
    )
    absent = missing | shapely.is_empty(arr)
    other = ~absent & ~np.isin(shapely.get_type_id(arr), _LINE_OR_POLYGON_TYPES)
    if other.any():
        row = int(np.flatnonzero(other)[0])
        raise LifecircleError(
            f"Barrier {row} is a {arr[row].geom_type}; only lines and polygons bar a "
            "connector.",
            where=f"barriers, row {row}",
            fix="Keep only lines (rivers, railways) and polygons (water areas); split "
            "geometry collections into their parts.",
        )
    return Barriers(geoms=arr[~absent])
