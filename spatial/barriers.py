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

__all__ = ["BARRIER_TOLERANCE_M", "Barriers", "make_barriers"]

#: Metres at each end of a connector that are not tested against barriers.
BARRIER_TOLERANCE_M = 1.0

_POLYGON_TYPES = (3, 6)  # Polygon, MultiPolygon


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
        Lines and polygons in the graph's metric CRS (metres). Points are refused.

    Returns
    -------
    Barriers

    Raises
    ------
    LifecircleError
        When an entry is not a geometry, or is a point.
    """
    arr = np.atleast_1d(np.asarray(getattr(geoms, "values", geoms), dtype=object)).ravel()
    keep = np.array([g is not None for g in arr.tolist()], dtype=bool)
    arr = arr[keep]
    is_geom = shapely.is_geometry(arr)
    if not is_geom.all():
        row = int(np.flatnonzero(~is_geom)[0])
        raise LifecircleError(
            f"Barrier {row} is a {type(arr[row]).__name__}, not a shapely geometry.",
            where=f"barriers, row {row}",
            fix="Pass water and railway geometries (lines or polygons) in metres.",
        )
    arr = arr[~shapely.is_empty(arr)]
    points = np.isin(shapely.get_type_id(arr), (0, 4))
    if points.any():
        row = int(np.flatnonzero(points)[0])
        raise LifecircleError(
            f"Barrier {row} is a {arr[row].geom_type}; a point cannot bar a connector.",
            where=f"barriers, row {row}",
            fix="Keep only lines (rivers, railways) and polygons (water areas).",
        )
    return Barriers(geoms=arr)
