"""A uniform grid over walk-graph edges, for exact nearest-edge search in bulk.

Every edge is cut into pieces no longer than the cell size, and each piece is
filed under the grid cell that holds its midpoint. To find the nearest edge of a
point, the pieces filed in the block of cells around the point's cell are
measured exactly (projection onto the whole edge). Any piece filed outside that
block has its midpoint outside the block, so it is at least
``(distance from the point to the block's border) - (half the longest piece)``
away. When the best edge found is nearer than that, it is proven to be the
nearest edge; otherwise the point is retried with a wider block.

Everything is vectorized over (point, candidate) pairs: there is no tree to walk,
and points in the same cell read the same contiguous run of pieces.

The two array helpers the grid is built on, :func:`run_indices` and
:func:`column_bounds`, live here too; the graph, routing and catchments use them
as well (this module is at the bottom of the engine's imports, so none of them
makes a cycle).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "SNAP_CELL_M",
    "EdgeGrid",
    "adapted_cell_m",
    "build_edge_grid",
    "cell_keys",
    "column_bounds",
    "run_indices",
]

#: Starting cell size in metres; :func:`build_edge_grid` adapts it to the density
#: of the network. At 100 m, 3 x 3 cells prove any snap up to 50-100 m (depending
#: on where in its cell the point lies) in the first round.
SNAP_CELL_M = 100.0

#: Edge pieces per cell the adapted cell size aims at, as seen from an edge (so
#: dense cells count for more): a point then measures about 9 x 3 edges.
_PIECES_PER_CELL = 3.0
_MIN_CELL_M = 10.0
_MAX_CELL_M = 500.0

#: Edges sampled to measure the crowding of a large network.
_CROWDING_SAMPLE = 100_000

#: Upper bound on the number of cells; the cell size grows for vast extents.
_MAX_CELLS = 1 << 24

#: (point, candidate edge) pairs measured at once: bounds memory whatever the density.
_PAIRS_PER_BLOCK = 1 << 17


@dataclass(frozen=True, eq=False)
class EdgeGrid:
    """Edge pieces filed by grid cell. Coordinates are metres relative to ``origin``.

    Attributes
    ----------
    origin : np.ndarray
        (2,) lower-left corner of cell (0, 0), metres in the graph's CRS.
    cell_m : float
        Cell size in metres.
    n_x, n_y : int
        Number of cells along x and y; cell (i, j) has key ``i * n_y + j``.
    cell_start : np.ndarray
        (n_x * n_y + 1,) int64; the pieces of cell ``key`` are
        ``cell_start[key]:cell_start[key + 1]`` in the arrays below.
    edge : np.ndarray
        (p,) int32 edge index of each piece (int64 beyond 2^31 edges).
    ax, ay, dx, dy : np.ndarray
        (p,) float64 start (relative to ``origin``) and direction (b - a) of the
        piece's whole edge, metres.
    len2 : np.ndarray
        (p,) float64 |b - a|^2 of that edge, m^2.
    half_piece_m : float
        Half the longest piece: no point of an edge is farther than this from
        the midpoint of one of its pieces.
    """

    origin: np.ndarray
    cell_m: float
    n_x: int
    n_y: int
    cell_start: np.ndarray
    edge: np.ndarray
    ax: np.ndarray
    ay: np.ndarray
    dx: np.ndarray
    dy: np.ndarray
    len2: np.ndarray
    half_piece_m: float

    def nearest(
        self, xy: np.ndarray, ring: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Nearest edge among those filed within ``ring`` cells of each point's cell.

        Parameters
        ----------
        xy : np.ndarray
            (k, 2) points, metres in the graph's CRS.
        ring : int
            Search the (2 ring + 1)^2 cells centred on the point's cell.

        Returns
        -------
        edge : np.ndarray
            (k,) int64 nearest edge found, -1 when the block holds no piece.
        fraction : np.ndarray
            (k,) position of the projection along that edge from its start (0..1).
        dist_m : np.ndarray
            (k,) distance to that edge in metres (inf when none).
        proven : np.ndarray
            (k,) bool: no edge outside the block can be nearer.
        """
        k = xy.shape[0]
        px = xy[:, 0] - self.origin[0]
        py = xy[:, 1] - self.origin[1]
        cx = np.floor(px / self.cell_m).astype(np.int64)
        cy = np.floor(py / self.cell_m).astype(np.int64)
        # cells (x, y_lo..y_hi) of one grid column are one contiguous run of pieces
        y_lo = np.clip(cy - ring, 0, self.n_y - 1)
        y_hi = np.clip(cy + ring, 0, self.n_y - 1)
        gx = cx[:, None] + np.arange(-ring, ring + 1)[None, :]
        inside = (gx >= 0) & (gx < self.n_x) & (cy + ring >= 0)[:, None] & (
            cy - ring < self.n_y)[:, None]
        col = np.where(inside, gx, 0) * self.n_y
        # (k, 2 ring + 1) runs of pieces, one per grid column of the block
        start = np.where(inside, self.cell_start[col + y_lo[:, None]], 0)
        count = np.where(inside, self.cell_start[col + y_hi[:, None] + 1], 0) - start
        per_point = count.sum(axis=1)
        edge = np.full(k, -1, dtype=np.int64)
        fraction = np.full(k, np.nan)
        dist = np.full(k, np.inf)
        # blocks of points with at most _PAIRS_PER_BLOCK candidates (at least one point)
        pairs = np.cumsum(per_point)
        lo = 0
        while lo < k:
            done = pairs[lo - 1] if lo else 0
            hi = max(lo + 1, int(np.searchsorted(pairs, done + _PAIRS_PER_BLOCK, side="right")))
            block = slice(lo, hi)
            edge[block], fraction[block], dist[block] = self._measure(
                px[block], py[block], start[block].ravel(), count[block].ravel(),
                per_point[block])
            lo = hi
        # distance from the point to the border of the searched block of cells
        to_border = np.minimum.reduce([
            px - (cx - ring) * self.cell_m, (cx + ring + 1) * self.cell_m - px,
            py - (cy - ring) * self.cell_m, (cy + ring + 1) * self.cell_m - py,
        ])
        proven = (edge >= 0) & (dist <= to_border - self.half_piece_m)
        return edge, fraction, dist, proven

    def _measure(
        self, px: np.ndarray, py: np.ndarray, start: np.ndarray, count: np.ndarray,
        per_point: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Nearest edge among the runs of pieces ``start[j]:start[j] + count[j]``.

        ``start`` and ``count`` hold the runs of each point in turn, flattened;
        ``per_point`` is the number of pieces of each point. Returns (edge,
        fraction, distance in metres) per point; -1, NaN, inf without runs.
        """
        k = px.size
        total = int(per_point.sum())
        # piece index of every (point, candidate) pair, grouped by point
        piece = run_indices(start, count)
        rx = np.repeat(px, per_point) - self.ax[piece]
        ry = np.repeat(py, per_point) - self.ay[piece]
        ddx, ddy = self.dx[piece], self.dy[piece]
        t = np.clip((rx * ddx + ry * ddy) / self.len2[piece], 0.0, 1.0)
        rx -= t * ddx
        ry -= t * ddy
        d2 = rx * rx
        d2 += ry * ry

        edge = np.full(k, -1, dtype=np.int64)
        fraction = np.full(k, np.nan)
        dist = np.full(k, np.inf)
        has = per_point > 0
        if total:
            group_start = (np.cumsum(per_point) - per_point)[has]
            best = np.minimum.reduceat(d2, group_start)
            at_best = np.flatnonzero(d2 == np.repeat(best, per_point[has]))
            group = np.searchsorted(group_start, at_best, side="right")
            first = np.ones(at_best.size, dtype=bool)
            first[1:] = group[1:] != group[:-1]
            pick = at_best[first]
            edge[has] = self.edge[piece[pick]]
            fraction[has] = t[pick]
            dist[has] = np.sqrt(best)
        return edge, fraction, dist


def cell_keys(xy: np.ndarray, cell_m: float) -> tuple[np.ndarray, int]:
    """Row-major key of the cell holding each point, on a grid anchored at the points.

    Parameters
    ----------
    xy : np.ndarray
        (k, 2) points, k >= 1, metres.
    cell_m : float
        Cell size in metres; cell (0, 0) starts at the points' lower-left corner.

    Returns
    -------
    key : np.ndarray
        (k,) int64 ``column * rows + row`` of each point's cell.
    n_cells : int
        Number of cells of the grid that covers the points.
    """
    cell = np.floor((xy - column_bounds(xy)[0]) / cell_m).astype(np.int64)
    n_y = int(cell[:, 1].max()) + 1
    return cell[:, 0] * n_y + cell[:, 1], (int(cell[:, 0].max()) + 1) * n_y


def adapted_cell_m(node_xy: np.ndarray, edge_u: np.ndarray, edge_v: np.ndarray) -> float:
    """A cell size (metres) that files about :data:`_PIECES_PER_CELL` edges per cell.

    Edges are counted at their midpoints on a :data:`SNAP_CELL_M` grid, weighted by
    the crowding of their own cell (sum of squared counts / sum of counts), which
    is what a point near them meets. A street mesh cut into 5 m segments thus gets
    cells of about 25 m, and an 80 m block grid about 100 m. The size stays within
    10-500 m.
    """
    share = min(1.0, _CROWDING_SAMPLE / max(edge_u.size, 1))
    if share < 1.0:  # a fixed random sample of edges is enough to measure crowding
        keep = np.random.default_rng(0).random(edge_u.size) < share
        edge_u, edge_v = edge_u[keep], edge_v[keep]
    key, n_cells = cell_keys(0.5 * (node_xy[edge_u] + node_xy[edge_v]), SNAP_CELL_M)
    if n_cells <= 4 * key.size + (1 << 20):
        per_cell = np.bincount(key)
        per_cell = per_cell[per_cell > 0]
    else:  # a vast, sparse extent: count without a dense array
        per_cell = np.unique(key, return_counts=True)[1]
    crowding = float((per_cell.astype(float) ** 2).sum() / per_cell.sum())
    # sampling each edge with probability q adds (1 - q) to the crowding and scales the rest
    crowding = (crowding - (1.0 - share)) / share
    if 0.5 * _PIECES_PER_CELL <= crowding <= 2.0 * _PIECES_PER_CELL:
        return SNAP_CELL_M  # close enough: a small change buys nothing
    # in a street mesh the edges per cell grow between linearly and quadratically
    # with the cell side; the square root errs on the side of larger cells
    cell_m = SNAP_CELL_M * np.sqrt(_PIECES_PER_CELL / crowding)
    return float(np.clip(cell_m, _MIN_CELL_M, _MAX_CELL_M))


def build_edge_grid(
    node_xy: np.ndarray, edge_u: np.ndarray, edge_v: np.ndarray, edge_length_m: np.ndarray,
    cell_m: float | None = None, edge_ids: np.ndarray | None = None,
) -> EdgeGrid:
    """File every edge, cut into pieces of at most ``cell_m`` metres, under a grid.

    Parameters
    ----------
    node_xy : np.ndarray
        (n, 2) node coordinates, metres.
    edge_u, edge_v : np.ndarray
        (m,) end nodes of each straight edge.
    edge_length_m : np.ndarray
        (m,) edge lengths, metres (> 0).
    cell_m : float, optional
        Cell size in metres; by default :func:`adapted_cell_m`. Enlarged when the
        extent would need more than 2^24 cells.
    edge_ids : np.ndarray, optional
        (m,) the edge index the grid reports for each edge; by default its position.
        Lets a grid over a subset of a graph's edges answer in the graph's indices.

    Returns
    -------
    EdgeGrid
    """
    if cell_m is None:
        cell_m = adapted_cell_m(node_xy, edge_u, edge_v)
    origin, top = column_bounds(node_xy)
    span = top - origin
    cell_m = max(cell_m, float(np.sqrt(max(span[0], 1.0) * max(span[1], 1.0) / _MAX_CELLS)))
    n_x = int(span[0] // cell_m) + 1
    n_y = int(span[1] // cell_m) + 1
    pieces = np.maximum(np.ceil(edge_length_m / cell_m), 1).astype(np.int64)
    # few, one-dimensional temporaries: at millions of edges fresh memory is slow
    if (pieces == 1).all():  # the common case: every edge is one piece
        piece_edge = None
        mid_x = 0.5 * (node_xy[edge_u, 0] + node_xy[edge_v, 0]) - origin[0]
        mid_y = 0.5 * (node_xy[edge_u, 1] + node_xy[edge_v, 1]) - origin[1]
    else:
        piece_edge = np.repeat(np.arange(edge_u.size, dtype=np.int64), pieces)
        piece_in_edge = run_indices(np.zeros_like(pieces), pieces)
        t_mid = (piece_in_edge + 0.5) / pieces[piece_edge]
        a = node_xy[edge_u[piece_edge]]
        mid = a - origin + t_mid[:, None] * (node_xy[edge_v[piece_edge]] - a)
        mid_x, mid_y = mid[:, 0], mid[:, 1]
    # floor(x / cell), as EdgeGrid.nearest computes a point's cell
    key = np.clip(np.floor(mid_x / cell_m).astype(np.int64), 0, n_x - 1) * n_y
    key += np.clip(np.floor(mid_y / cell_m).astype(np.int64), 0, n_y - 1)
    del mid_x, mid_y
    order = np.argsort(key)
    cell_start = np.zeros(n_x * n_y + 1, dtype=np.int64)
    np.cumsum(np.bincount(key, minlength=n_x * n_y), out=cell_start[1:])
    e = order if piece_edge is None else piece_edge[order]
    u, v = edge_u[e], edge_v[e]
    largest_id = edge_u.size - 1
    if edge_ids is not None:
        e = np.asarray(edge_ids, dtype=np.int64)[e]
        largest_id = int(e.max(initial=0))
    if largest_id < 2**31:
        e = e.astype(np.int32)
    ux, vx = node_xy[u, 0], node_xy[v, 0]
    uy, vy = node_xy[u, 1], node_xy[v, 1]
    dx, dy = vx - ux, vy - uy
    return EdgeGrid(
        origin=origin, cell_m=cell_m, n_x=n_x, n_y=n_y, cell_start=cell_start, edge=e,
        ax=ux - origin[0], ay=uy - origin[1], dx=dx, dy=dy, len2=dx * dx + dy * dy,
        half_piece_m=float((edge_length_m / pieces).max() / 2.0),
    )


def run_indices(start, count) -> np.ndarray:
    """The positions ``start[i], ..., start[i] + count[i] - 1`` of every run, concatenated.

    The positions of many slices of one array at once: the candidate pieces of
    the grid's cells, same-edge pairs in routing, subgraph rows in catchments.

    Parameters
    ----------
    start, count : array-like of int
        (r,) first position and length of each run (lengths >= 0).

    Returns
    -------
    np.ndarray
        (sum(count),) int64 positions, run after run.
    """
    start = np.asarray(start, dtype=np.int64)
    count = np.asarray(count, dtype=np.int64)
    run_offset = np.cumsum(count) - count  # where each run begins in the output
    return np.arange(int(count.sum()), dtype=np.int64) + np.repeat(start - run_offset, count)


def column_bounds(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-column minimum and maximum of a non-empty (n, d) array.

    ``a.min(axis=0)`` on a C-ordered (n, 2) array walks it row by row two values
    at a time, about 15x slower than reducing each column as one strided vector;
    at a million points the difference is tens of milliseconds per call.

    Returns
    -------
    lo, hi : np.ndarray
        (d,) arrays of ``a``'s dtype, equal to ``a.min(axis=0)`` and ``a.max(axis=0)``.
    """
    columns = range(a.shape[1])
    lo = np.array([a[:, j].min() for j in columns], dtype=a.dtype)
    hi = np.array([a[:, j].max() for j in columns], dtype=a.dtype)
    return lo, hi
