"""Service areas (isochrones) along the walk network, and naive radius circles.

A service area is the part of the network a source reaches within its walk
limit, PARTIAL edges included (an edge is walked as far as the remaining budget
allows), buffered and dissolved into a (Multi)Polygon. The 服务半径 circle is
what plans traditionally draw instead; it ignores rivers and railways.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from lifecircle.spatial.catchments import LocalSearch, per_source_limits
from lifecircle.spatial.errors import LifecircleError
from lifecircle.spatial.graph import WalkGraph
from lifecircle.spatial.snapping import Snapped

__all__ = ["naive_radius_circles", "reachable_segments", "service_areas"]

#: Segments per quarter circle in buffers: 4 keeps round ends within 2% of a true
#: circle at the 30 m display buffer, at a fraction of the default cost.
BUFFER_QUAD_SEGS = 4


def reachable_segments(
    graph: WalkGraph, sources: Snapped, j: int, limit: float, search: LocalSearch | None = None
) -> np.ndarray:
    """Return (p, 2, 2) coordinates (metres) of the network pieces reached by source ``j``.

    Includes the snap connector from the point to its snapped position, the
    part of the source's own edge within budget, every full edge whose two
    ends together cover it, and the partial pieces walked in from each reached
    end.
    """
    search = search or LocalSearch(graph)
    nodes, d = search.run(
        sources, j, limit, float(sources.offset_u_m[j]), float(sources.offset_v_m[j])
    )
    g = graph
    scratch = search.dist
    reached = nodes[d <= limit]
    node_ptr, node_edge = g.node_edges
    cnt = node_ptr[reached + 1] - node_ptr[reached]
    flat = np.repeat(node_ptr[reached] - np.cumsum(cnt) + cnt, cnt) + np.arange(int(cnt.sum()))
    edges = np.unique(node_edge[flat])
    scratch[nodes] = d
    length = g.edge_length_m[edges]
    r_u = np.maximum(limit - scratch[g.edge_u[edges]], 0.0)  # inf -> 0 budget
    r_v = np.maximum(limit - scratch[g.edge_v[edges]], 0.0)
    scratch[nodes] = np.inf
    r_u = np.where(np.isfinite(r_u), r_u, 0.0)
    r_v = np.where(np.isfinite(r_v), r_v, 0.0)
    full = r_u + r_v >= length
    # pieces as fractions [t0, t1] along u -> v
    t0 = np.concatenate([np.zeros(edges.size), 1.0 - np.minimum(r_v / length, 1.0)])
    t1 = np.concatenate([np.where(full, 1.0, np.minimum(r_u / length, 1.0)), np.ones(edges.size)])
    pe = np.concatenate([edges, edges])
    keep = np.concatenate([np.ones(edges.size, dtype=bool), ~full & (r_v > 0)])
    keep &= t1 > t0
    # the source's own edge, walked both ways from the snapped position
    e = int(sources.edge[j])
    budget = limit - float(sources.snap_m[j])
    f = float(sources.fraction[j])
    span = budget / float(g.edge_length_m[e])
    t0 = np.append(t0[keep], max(f - span, 0.0))
    t1 = np.append(t1[keep], min(f + span, 1.0))
    pe = np.append(pe[keep], e)
    a = g.node_xy[g.edge_u[pe]]
    b = g.node_xy[g.edge_v[pe]]
    pieces = np.stack([a + t0[:, None] * (b - a), a + t1[:, None] * (b - a)], axis=1)
    connector = np.stack([sources.point_xy[j], sources.xy[j]])[None]
    return np.concatenate([connector, pieces])


def service_areas(
    graph: WalkGraph, sources: Snapped, limit_m, buffer_m: float = 30.0
) -> list[BaseGeometry]:
    """Network service area polygon per source.

    Parameters
    ----------
    graph : WalkGraph
        The walk network (metres).
    sources : Snapped
        Snapped source points.
    limit_m : float or array-like
        Walk limit in metres (snap distance included), one or one per source.
    buffer_m : float, default 30.0
        Half-width in metres of the band drawn around the reached network.

    Returns
    -------
    list of shapely geometry
        One (Multi)Polygon per source, in the graph's CRS; an empty Polygon for
        a source that is not ``ok``.
    """
    if not np.isfinite(buffer_m) or buffer_m <= 0:
        raise LifecircleError(
            f"buffer_m must be a positive number of metres, got {buffer_m!r}.",
            where="service_areas(buffer_m)", fix="Use e.g. 30 (metres).",
        )
    lim = per_source_limits(limit_m, len(sources))
    search = LocalSearch(graph)
    out: list[BaseGeometry] = []
    for j in range(len(sources)):
        if not sources.ok[j] or sources.snap_m[j] > lim[j]:
            out.append(shapely.Polygon())
            continue
        seg = reachable_segments(graph, sources, j, lim[j], search)
        lines = shapely.linestrings(seg)
        nonzero = shapely.length(lines) > 0
        if not nonzero.any():  # limit == snap distance: only the point itself
            point = shapely.points(seg[0, 0])
            out.append(shapely.buffer(point, buffer_m, quad_segs=BUFFER_QUAD_SEGS))
            continue
        # Buffering each piece and merging is about 3x faster than buffering one
        # MultiLineString of overlapping pieces, for the same area.
        bands = shapely.buffer(lines[nonzero], buffer_m, quad_segs=BUFFER_QUAD_SEGS)
        out.append(shapely.union_all(bands))
    return out


def naive_radius_circles(sources_xy, radius_m) -> list[shapely.Polygon]:
    """Straight-line 服务半径 circles (radius in metres) around source points.

    For comparison on maps only: a circle crosses rivers and railways that the
    walk network cannot.
    """
    xy = np.asarray(sources_xy, dtype=np.float64).reshape(-1, 2)
    if not np.isfinite(xy).all():
        raise LifecircleError(
            "Some source points have NaN coordinates.", where="naive_radius_circles(sources_xy)",
            fix="Drop points without a location first.",
        )
    radius = np.broadcast_to(np.asarray(radius_m, dtype=np.float64), (xy.shape[0],))
    return list(shapely.buffer(shapely.points(xy), radius))
