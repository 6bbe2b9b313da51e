"""Snapping points to the nearest walk-graph EDGE (not node), with a limit.

A point joins the network at its projection onto the nearest segment; the
perpendicular snap distance (metres) counts as part of the walk.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from lifecircle.spatial.edge_grid import cell_keys
from lifecircle.spatial.errors import LifecircleError
from lifecircle.spatial.graph import WalkGraph

__all__ = ["Snapped", "snap_points"]

_CHUNK = 65536  # points per call; the grid measures them in cache-sized blocks
_RINGS = (1, 3, 7)  # grid rounds: 3 x 3, 7 x 7, 15 x 15 cells, then the STRtree fallback
_ROUNDS = len(_RINGS)
_SORT_CELL_M = 500.0  # cell size (metres) of the spatial sort of query points


@dataclass(frozen=True, eq=False)
class Snapped:
    """Points snapped to graph edges. All distances in metres.

    Attributes
    ----------
    edge : np.ndarray
        (k,) int64 edge index; -1 where the point is beyond the snap limit.
    fraction : np.ndarray
        (k,) position along the edge measured from ``edge_u`` (0..1); NaN where
        ``edge`` is -1.
    snap_m : np.ndarray
        (k,) metres from the point to its projection on the nearest edge. Kept
        (not NaN) for points beyond the limit, so reports can say how far off
        they are.
    xy : np.ndarray
        (k, 2) the projected position on the nearest edge (metres).
    ok : np.ndarray
        (k,) bool, True where ``snap_m <= max_snap_m``.
    edge_length_m : np.ndarray
        (k,) length in metres of the snapped edge (NaN where ``edge`` is -1).
    point_xy : np.ndarray
        (k, 2) the original point coordinates (metres).
    max_snap_m : float
        The snap limit used, metres.
    """

    edge: np.ndarray
    fraction: np.ndarray
    snap_m: np.ndarray
    xy: np.ndarray
    ok: np.ndarray
    edge_length_m: np.ndarray
    point_xy: np.ndarray
    max_snap_m: float

    def __len__(self) -> int:
        return int(self.edge.shape[0])

    @property
    def offset_u_m(self) -> np.ndarray:
        """Metres from the point to the edge's ``u`` node: snap + fraction * length."""
        return self.snap_m + self.fraction * self.edge_length_m

    @property
    def offset_v_m(self) -> np.ndarray:
        """Metres from the point to the edge's ``v`` node: snap + (1 - fraction) * length."""
        return self.snap_m + (1.0 - self.fraction) * self.edge_length_m

    def subset(self, index) -> Snapped:
        """Return the snapped points selected by a boolean mask or index array."""
        return Snapped(
            edge=self.edge[index], fraction=self.fraction[index], snap_m=self.snap_m[index],
            xy=self.xy[index], ok=self.ok[index], edge_length_m=self.edge_length_m[index],
            point_xy=self.point_xy[index], max_snap_m=self.max_snap_m,
        )


def _as_xy(xy, where: str) -> np.ndarray:
    arr = np.asarray(xy, dtype=np.float64)
    if arr.size == 0:
        return np.zeros((0, 2))
    if arr.ndim == 1 and arr.size == 2:
        arr = arr.reshape(1, 2)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise LifecircleError(
            f"Expected an (k, 2) array of x/y metres, got shape {arr.shape}.",
            where=where, fix="Pass point coordinates as an array with columns x and y.",
        )
    bad = ~np.isfinite(arr).all(axis=1)
    if bad.any():
        rows = np.flatnonzero(bad)[:5].tolist()
        raise LifecircleError(
            f"{int(bad.sum())} points have NaN or infinite coordinates (rows {rows}).",
            where=where,
            fix="Drop points without a location, or geocode them, before the analysis.",
        )
    return arr


def _grid_nearest(graph: WalkGraph, pts: np.ndarray, ring: int):
    """Nearest edge within ``ring`` grid cells, chunk by chunk, and whether it is proven."""
    grid = graph.edge_grid
    n = pts.shape[0]
    edge = np.empty(n, dtype=np.int64)
    frac = np.empty(n)
    sure = np.empty(n, dtype=bool)
    for lo in range(0, n, _CHUNK):
        e, f, _, proven = grid.nearest(pts[lo: lo + _CHUNK], ring)
        edge[lo: lo + _CHUNK], frac[lo: lo + _CHUNK], sure[lo: lo + _CHUNK] = e, f, proven
    return edge, frac, sure


def _nearest_edges(graph: WalkGraph, pts_xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact nearest edge and fraction along it (from ``edge_u``) for every point.

    Candidates come from the grid of edge pieces (:attr:`WalkGraph.edge_grid`,
    see :mod:`lifecircle.spatial.edge_grid`): first the 3 x 3 cells around the point, then
    7 x 7 and 15 x 15 for points whose answer is not proven exact. The few points
    left (far from every road) go to ``shapely.STRtree.query_nearest`` (exact,
    slower).
    """
    n = pts_xy.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    # query in a spatially coherent order: neighbouring points read the same cells
    order = np.argsort(cell_keys(pts_xy, _SORT_CELL_M)[0])
    edge = np.empty(n, dtype=np.int64)
    frac = np.empty(n)
    todo = order
    for ring in _RINGS[:_ROUNDS]:
        e, f, sure = _grid_nearest(graph, pts_xy[todo], ring)
        edge[todo], frac[todo] = e, f
        todo = todo[~sure]
        if todo.size == 0:
            return edge, frac
    pts = shapely.points(pts_xy[todo])
    hit = graph.edge_tree.query_nearest(pts, all_matches=False)
    e = hit[1][np.argsort(hit[0])]
    edge[todo] = e
    frac[todo] = np.clip(
        shapely.line_locate_point(graph.edge_geoms[e], pts, normalized=True), 0.0, 1.0
    )
    return edge, frac


def snap_points(graph: WalkGraph, xy, max_snap_m: float = 250.0) -> Snapped:
    """Snap points to the nearest edge of the walk graph.

    Parameters
    ----------
    graph : WalkGraph
        The walk network (metres).
    xy : array-like, shape (k, 2)
        Point coordinates in the graph's metric CRS (metres).
    max_snap_m : float, default 250.0
        Largest allowed distance in metres from a point to the network. Points
        farther away are kept with ``ok=False`` and ``edge=-1``; callers report
        them.

    Returns
    -------
    Snapped
        Per point: edge, fraction along it from ``edge_u``, snap distance (m),
        projected position, and the ``ok`` flag.

    Raises
    ------
    LifecircleError
        For NaN/infinite coordinates or a negative/NaN ``max_snap_m``.
    """
    pts_xy = _as_xy(xy, "snap_points(xy)")
    if not np.isfinite(max_snap_m) or max_snap_m < 0:
        raise LifecircleError(
            f"max_snap_m must be a non-negative number of metres, got {max_snap_m!r}.",
            where="snap_points(max_snap_m)", fix="Use e.g. 250 (metres).",
        )
    edge, frac = _nearest_edges(graph, pts_xy)
    a = graph.node_xy[graph.edge_u[edge]]
    along = graph.node_xy[graph.edge_v[edge]] - a
    along *= frac[:, None]
    # measured from the edge's start, not in absolute coordinates: at 1e7 m eastings
    # the difference of two absolute positions would lose nanometres
    offset = pts_xy - a
    offset -= along
    snap_m = np.hypot(offset[:, 0], offset[:, 1])
    snapped = a + along
    length = graph.edge_length_m[edge].copy()
    ok = snap_m <= max_snap_m
    edge[~ok] = -1
    frac[~ok] = np.nan
    length[~ok] = np.nan
    return Snapped(
        edge=edge, fraction=frac, snap_m=snap_m, xy=snapped, ok=ok,
        edge_length_m=length, point_xy=pts_xy, max_snap_m=float(max_snap_m),
    )
