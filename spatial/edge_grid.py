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
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["SNAP_CELL_M", "EdgeGrid", "build_edge_grid"]

#: Default cell size in metres. 3 x 3 cells then prove any snap up to 50-100 m
#: (depending on where in its cell the point lies) in the first round.
SNAP_CELL_M = 100.0

#: Upper bound on the number of cells; the cell size grows for vast extents.
_MAX_CELLS = 1 << 24


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
        (p,) int64 edge index of each piece.
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
        start = np.where(inside, self.cell_start[col + y_lo[:, None]], 0).ravel()
        count = np.where(inside, self.cell_start[col + y_hi[:, None] + 1], 0).ravel() - start
        per_point = count.reshape(k, -1).sum(axis=1)
        total = int(per_point.sum())
        # piece index of every (point, candidate) pair, grouped by point
        piece = np.arange(total, dtype=np.int64) + np.repeat(start - (np.cumsum(count) - count),
                                                            count)
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
        # distance from the point to the border of the searched block of cells
        to_border = np.minimum.reduce([
            px - (cx - ring) * self.cell_m, (cx + ring + 1) * self.cell_m - px,
            py - (cy - ring) * self.cell_m, (cy + ring + 1) * self.cell_m - py,
        ])
        proven = has & (dist <= to_border - self.half_piece_m)
        return edge, fraction, dist, proven


def build_edge_grid(
    node_xy: np.ndarray, edge_u: np.ndarray, edge_v: np.ndarray, edge_length_m: np.ndarray,
    cell_m: float = SNAP_CELL_M,
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
    cell_m : float
        Cell size in metres; enlarged when the extent would need more than
        2^24 cells.

    Returns
    -------
    EdgeGrid
    """
    a = node_xy[edge_u]
    b = node_xy[edge_v]
    origin = node_xy.min(axis=0)
    span = node_xy.max(axis=0) - origin
    cell_m = max(cell_m, float(np.sqrt(max(span[0], 1.0) * max(span[1], 1.0) / _MAX_CELLS)))
    n_x = int(span[0] // cell_m) + 1
    n_y = int(span[1] // cell_m) + 1
    pieces = np.maximum(np.ceil(edge_length_m / cell_m), 1).astype(np.int64)
    a_rel = a - origin
    d = b - a
    if (pieces == 1).all():  # the common case: every edge is one piece
        piece_edge = np.arange(edge_u.size, dtype=np.int64)
        mid = a_rel + 0.5 * d
    else:
        piece_edge = np.repeat(np.arange(edge_u.size, dtype=np.int64), pieces)
        first_piece = np.repeat(np.cumsum(pieces) - pieces, pieces)
        t_mid = (np.arange(piece_edge.size) - first_piece + 0.5) / pieces[piece_edge]
        mid = a_rel[piece_edge] + t_mid[:, None] * d[piece_edge]
    cx = np.clip((mid[:, 0] // cell_m).astype(np.int64), 0, n_x - 1)
    cy = np.clip((mid[:, 1] // cell_m).astype(np.int64), 0, n_y - 1)
    key = cx * n_y + cy
    order = np.argsort(key)
    cell_start = np.zeros(n_x * n_y + 1, dtype=np.int64)
    np.cumsum(np.bincount(key, minlength=n_x * n_y), out=cell_start[1:])
    e = piece_edge[order]
    return EdgeGrid(
        origin=origin, cell_m=cell_m, n_x=n_x, n_y=n_y, cell_start=cell_start, edge=e,
        ax=np.ascontiguousarray(a_rel[e, 0]), ay=np.ascontiguousarray(a_rel[e, 1]),
        dx=np.ascontiguousarray(d[e, 0]), dy=np.ascontiguousarray(d[e, 1]),
        len2=np.einsum("ij,ij->i", d, d)[e],
        half_piece_m=float((edge_length_m / pieces).max() / 2.0),
    )
