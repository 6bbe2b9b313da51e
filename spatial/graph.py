"""The walk graph: road lines turned into an undirected graph of straight segments.

Two ways to get topology:

* **OSM-style ids** (``vertex_ids`` given): two vertices are the same node exactly
  when they carry the same id. Coordinates play no part, so a bridge over a road
  (same x/y, different node ids) is not a junction.
* **Noding** (``vertex_ids`` is None): for line layers with no shared ids
  (Geofabrik roads, a planner's own drawing). Lines of the same ``grade`` are
  split where they cross or touch, and vertices are merged by coordinate on a
  1 mm grid. Lines of different grade (OSM ``layer``) are joined only at a point
  that is an END POINT of at least one of the lines (a ramp or a bridge landing),
  never where their interiors cross.

Every edge is a straight segment between two nodes, with its length in metres.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from lifecircle.spatial.edge_grid import EdgeGrid, build_edge_grid, column_bounds
from lifecircle.spatial.errors import LifecircleError

__all__ = [
    "NODE_TOLERANCE_M",
    "WalkGraph",
    "as_geometry_array",
    "build_walk_graph",
    "largest_component_mask",
    "main_network_edges",
    "walkable_mask",
]

#: Vertices closer than this (metres) are merged when noding (grid rounding).
NODE_TOLERANCE_M = 0.001

#: A connected component with at least this many metres of edges is part of the main
#: walk network even when it is not the largest (see :func:`main_network_edges`).
MAIN_COMPONENT_MIN_M = 5000.0

_NO_WALK_HIGHWAY = frozenset(
    {"motorway", "motorway_link", "construction", "proposed", "raceway", "bus_guideway"}
)
_NO_ACCESS = frozenset({"no", "private"})
_FOOT_YES = frozenset({"yes", "designated", "permissive"})

_NO_ROADS_FIX = (
    "Check that the road layer covers the study area (enlarge the boundary or its "
    "buffer, or load a road source such as an OSM extract that includes "
    "footway/residential ways) and that it is in the study area's metric CRS."
)


@dataclass(frozen=True, eq=False)
class WalkGraph:
    """An undirected walk network of straight segments, lengths in metres.

    Attributes
    ----------
    node_xy : np.ndarray
        (n, 2) float64 node coordinates in metres, in the caller's metric CRS.
    edge_u, edge_v : np.ndarray
        (m,) int32 end nodes of each undirected edge (u != v).
    edge_length_m : np.ndarray
        (m,) float64 straight-line length of each edge in metres (> 0).
    edge_line : np.ndarray
        (m,) int64 index of the input line each edge came from, to look up names.
    adjacency : scipy.sparse.csr_matrix
        (n, n) symmetric, weights in metres; of parallel edges the shortest is kept.
    node_id : np.ndarray or None
        (n,) int64 topological id of each node (e.g. the OSM node id) when the
        graph was built from ``vertex_ids``; None for a noded graph.
    """

    node_xy: np.ndarray
    edge_u: np.ndarray
    edge_v: np.ndarray
    edge_length_m: np.ndarray
    edge_line: np.ndarray
    adjacency: sp.csr_matrix
    node_id: np.ndarray | None = None

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.node_xy.shape[0])

    @property
    def n_edges(self) -> int:
        """Number of undirected edges (segments)."""
        return int(self.edge_u.shape[0])

    @cached_property
    def edge_geoms(self) -> np.ndarray:
        """(m,) shapely LineStrings from node ``edge_u`` to node ``edge_v``."""
        seg = np.stack([self.node_xy[self.edge_u], self.node_xy[self.edge_v]], axis=1)
        return shapely.linestrings(seg)

    @cached_property
    def edge_tree(self) -> shapely.STRtree:
        """STRtree over :attr:`edge_geoms` (built once, on first snap)."""
        return shapely.STRtree(self.edge_geoms)

    @cached_property
    def edge_grid(self) -> EdgeGrid:
        """Grid of edge pieces for exact nearest-edge search (built once, on first snap)."""
        return build_edge_grid(self.node_xy, self.edge_u, self.edge_v, self.edge_length_m)

    @cached_property
    def node_tree(self) -> cKDTree:
        """KD-tree over :attr:`node_xy` (metres), for local subgraphs."""
        return cKDTree(self.node_xy)

    @cached_property
    def node_edges(self) -> tuple[np.ndarray, np.ndarray]:
        """CSR-style (indptr, edge index) listing the edges incident to each node."""
        return _group_by(np.concatenate([self.edge_u, self.edge_v]),
                         np.tile(np.arange(self.n_edges), 2), self.n_nodes)


def _group_by(keys: np.ndarray, values: np.ndarray, n_keys: int) -> tuple[np.ndarray, np.ndarray]:
    """Group ``values`` by integer ``keys`` in [0, n_keys) into (indptr, values)."""
    order = np.argsort(keys)
    counts = np.bincount(keys, minlength=n_keys)
    indptr = np.zeros(n_keys + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return indptr, values[order]


def _as_str_array(values, n: int | None) -> np.ndarray:
    if values is None:
        return np.full(n, "", dtype=object)
    arr = np.asarray(values, dtype=object).ravel()
    codes, uniques = pd.factorize(arr)  # None and NaN get code -1
    # tag values repeat a lot: clean each distinct value once; -1 picks the final ""
    cleaned = np.array([str(v).strip() for v in uniques] + [""], dtype=object)
    return cleaned[codes]


def walkable_mask(highway, foot, access=None) -> np.ndarray:
    """Return which OSM ways a pedestrian may use.

    Parameters
    ----------
    highway : array-like of str or None
        OSM ``highway`` tag per way.
    foot : array-like of str or None
        OSM ``foot`` tag per way (None where untagged).
    access : array-like of str or None, optional
        OSM ``access`` tag per way.

    Returns
    -------
    np.ndarray of bool
        False for ``motorway``, ``motorway_link``, ``construction``,
        ``proposed``, ``raceway``, ``bus_guideway`` and untagged ways, and for
        ``foot`` in {no, private}; ``access`` in {no, private} excludes a way
        unless ``foot`` is yes/designated/permissive. ``trunk`` stays walkable
        (unless foot=no): Chinese urban trunk roads usually have sidewalks.
    """
    hw = _as_str_array(highway, None)
    n = hw.size
    ft = _as_str_array(foot, n)
    ac = _as_str_array(access, n)
    if ft.size != n or ac.size != n:
        raise LifecircleError(
            f"highway has {n} values but foot has {ft.size} and access {ac.size}.",
            where="walkable_mask(highway, foot, access)",
            fix="Pass one tag value (or None) per way for every column.",
        )
    foot_yes = np.isin(ft, list(_FOOT_YES))
    ok = (hw != "") & ~np.isin(hw, list(_NO_WALK_HIGHWAY))
    ok &= ~np.isin(ft, list(_NO_ACCESS))
    ok &= ~np.isin(ac, list(_NO_ACCESS)) | foot_yes
    return ok


def as_geometry_array(values, what: str, where: str, fix: str) -> tuple[np.ndarray, np.ndarray]:
    """Coerce geometries (GeoDataFrame, GeoSeries, list, array) to a 1-D object array.

    Parameters
    ----------
    values : GeoDataFrame, GeoSeries or array-like of shapely geometries
    what, where, fix : str
        Words for the error: "{what} {row} is not a shapely geometry", at
        "{where}, row {row}", and how to fix it.

    Returns
    -------
    geoms : np.ndarray
        (k,) object array; None where a geometry is missing.
    missing : np.ndarray
        (k,) bool, True where the entry is None.

    Raises
    ------
    LifecircleError
        When an entry is neither None nor a shapely geometry.
    """
    if hasattr(values, "geometry") and hasattr(values, "crs") and not hasattr(values, "geom_type"):
        values = values.geometry
    arr = np.atleast_1d(np.asarray(getattr(values, "values", values), dtype=object)).ravel()
    missing = np.array([g is None for g in arr.tolist()], dtype=bool)
    is_geom = shapely.is_geometry(arr) | missing
    if not is_geom.all():
        row = int(np.flatnonzero(~is_geom)[0])
        raise LifecircleError(
            f"{what} {row} is not a shapely geometry ({type(arr[row]).__name__}).",
            where=f"{where}, row {row}", fix=fix,
        )
    return arr, missing


def _as_line_array(lines) -> np.ndarray:
    """Coerce lines (GeoSeries, list, array) to a 1-D object array of geometries."""
    arr, missing = as_geometry_array(
        lines, "Road line", "roads",
        fix="Pass a GeoSeries or array of LineString/MultiLineString geometries.",
    )
    if arr.size == 0:
        return arr
    if missing.any():
        arr = arr.copy()
        arr[missing] = shapely.LineString()
    type_id = shapely.get_type_id(arr)
    bad = ~np.isin(type_id, [1, 2, 5])
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise LifecircleError(
            f"Road layer holds a {arr[row].geom_type} at row {row}; roads must be lines.",
            where=f"roads, row {row}",
            fix="Keep only LineString/MultiLineString features in the road layer.",
        )
    return arr


def _compact(
    node_xy: np.ndarray, u: np.ndarray, v: np.ndarray, line: np.ndarray,
    node_id: np.ndarray | None = None,
) -> WalkGraph:
    """Drop zero-length edges and unused nodes, then build the adjacency.

    Arrays are copied only when something is dropped: at millions of edges each
    needless copy is tens of MB of fresh memory.
    """
    length = np.hypot(node_xy[u, 0] - node_xy[v, 0], node_xy[u, 1] - node_xy[v, 1])
    keep = (u != v) & (length > 0)
    if not keep.all():
        u, v, line, length = u[keep], v[keep], line[keep], length[keep]
    if u.size == 0:
        raise LifecircleError(
            "The study area has no walkable roads: after removing empty and "
            "zero-length lines no road segment is left.",
            where="roads layer", fix=_NO_ROADS_FIX,
        )
    # renumber the nodes still used, keeping their order (O(n), no sort)
    is_used = np.zeros(node_xy.shape[0], dtype=bool)
    is_used[u] = True
    is_used[v] = True
    if is_used.all():
        n = is_used.size
        u, v = u.astype(np.int32, copy=False), v.astype(np.int32, copy=False)
    else:
        used = np.flatnonzero(is_used)
        n = used.size
        new_index = np.cumsum(is_used) - 1
        u = new_index[u].astype(np.int32)
        v = new_index[v].astype(np.int32)
        node_xy = node_xy[used]
        node_id = None if node_id is None else node_id[used]
    return WalkGraph(
        node_xy=np.ascontiguousarray(node_xy, dtype=np.float64),
        edge_u=u,
        edge_v=v,
        edge_length_m=length,
        edge_line=line.astype(np.int64, copy=False),
        adjacency=_adjacency(n, u, v, length),
        node_id=None if node_id is None else node_id.astype(np.int64, copy=False),
    )


def _adjacency(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> sp.csr_matrix:
    """Symmetric CSR matrix (metres); parallel edges keep the shortest."""
    index_dtype = np.int32 if n < 2**31 else np.int64
    rows = np.concatenate([u, v]).astype(index_dtype, copy=False)
    cols = np.concatenate([v, u]).astype(index_dtype, copy=False)
    data = np.concatenate([w, w])
    fast = sp.csr_matrix((data, (rows, cols)), shape=(n, n))
    if fast.nnz == rows.size:  # no parallel edges: nothing was summed
        fast.sort_indices()
        return fast
    key = rows.astype(np.int64) * n + cols
    order = np.lexsort((data, key))
    key_sorted = key[order]
    first = np.ones(order.size, dtype=bool)
    first[1:] = key_sorted[1:] != key_sorted[:-1]
    sel = order[first]
    # key order == (row, col) order, so the CSR arrays can be filled directly
    counts = np.bincount(rows[sel], minlength=n)
    indptr = np.zeros(n + 1, dtype=np.int32 if sel.size < 2**31 else np.int64)
    np.cumsum(counts, out=indptr[1:])
    return sp.csr_matrix((data[sel], cols[sel], indptr), shape=(n, n))


def _segments(coords: np.ndarray, coord_part: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices (a, b) of consecutive coordinates within the same part."""
    same = coord_part[1:] == coord_part[:-1]
    a = np.flatnonzero(same)
    return a, a + 1


def _unique_rows(q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique over rows of an (k, 2) int64 array: (first index, inverse)."""
    lo, hi = column_bounds(q)
    span = hi - lo + 1
    if span[0] * span[1] < 2**62:
        key = (q[:, 0] - lo[0]) * span[1] + (q[:, 1] - lo[1])
        _, first, inv = np.unique(key, return_index=True, return_inverse=True)
    else:  # pragma: no cover - continental extents at 1 mm
        _, first, inv = np.unique(q, axis=0, return_index=True, return_inverse=True)
    return first, inv.ravel()


def build_walk_graph(lines, vertex_ids=None, grade=None) -> WalkGraph:
    """Build the walk graph from road lines in a metric CRS.

    Parameters
    ----------
    lines : GeoSeries or array-like of shapely LineString / MultiLineString
        Road centre lines, coordinates in metres. MultiLineString parts are
        split; empty/None lines are ignored.
    vertex_ids : list of array-like of int, optional
        One integer array per line with the topological id of each vertex (OSM
        node ids), in the order of ``shapely.get_coordinates(line)``. When given,
        topology comes only from the ids.
    grade : array-like of int, optional
        Vertical level per line (OSM ``layer``), default 0; used only when
        ``vertex_ids`` is None.

    Returns
    -------
    WalkGraph
        Edges are straight segments; zero-length segments are dropped, and nodes
        not used by any edge are removed.

    Raises
    ------
    LifecircleError
        If no line is left (no roads, all empty or zero-length), NaN coordinates,
        non-line geometries, or ``vertex_ids`` / ``grade`` that do not match.
    """
    geoms = _as_line_array(lines)
    n_lines = geoms.size
    if n_lines == 0:
        raise LifecircleError(
            "The study area has no walkable roads: the road layer is empty.",
            where="roads layer", fix=_NO_ROADS_FIX,
        )
    if (shapely.get_type_id(geoms) == 1).all():  # LineStrings only: no parts to copy out
        parts, part_line = geoms, np.arange(n_lines)
    else:
        parts, part_line = shapely.get_parts(geoms, return_index=True)
    coords, coord_part = shapely.get_coordinates(parts, return_index=True)
    if not np.isfinite(coords).all():
        bad_line = int(part_line[coord_part[np.flatnonzero(~np.isfinite(coords).all(1))[0]]])
        raise LifecircleError(
            "A road line has NaN or infinite coordinates.",
            where=f"roads, row {bad_line}",
            fix="Repair or drop that feature before building the graph.",
        )
    a, b = _segments(coords, coord_part)
    seg_line = part_line[coord_part[a]].astype(np.int64)
    if vertex_ids is not None:
        return _build_from_ids(geoms, coords, a, b, seg_line, vertex_ids)
    if grade is None:
        line_grade = np.zeros(n_lines, dtype=np.int64)
    else:
        line_grade = np.asarray(grade).astype(np.int64).ravel()
        if line_grade.size != n_lines:
            raise LifecircleError(
                f"grade has {line_grade.size} values for {n_lines} lines.",
                where="build_walk_graph(grade=...)",
                fix="Give one integer grade (OSM layer) per line, or leave it out.",
            )
    if a.size == 0:
        raise LifecircleError(
            "The study area has no walkable roads: no line has two distinct vertices.",
            where="roads layer", fix=_NO_ROADS_FIX,
        )
    return _build_noded(coords, coord_part, a, b, seg_line, line_grade)


def _build_from_ids(geoms, coords, a, b, seg_line, vertex_ids) -> WalkGraph:
    n_lines = geoms.size
    if len(vertex_ids) != n_lines:
        raise LifecircleError(
            f"vertex_ids has {len(vertex_ids)} entries for {n_lines} lines.",
            where="build_walk_graph(vertex_ids=...)",
            fix="Give one id array per line (e.g. the OSM node ids of each way).",
        )
    vertex_ids = list(vertex_ids)  # a Series would be indexed by label below
    sizes = np.fromiter(map(len, vertex_ids), dtype=np.int64, count=n_lines)
    expected = shapely.get_num_coordinates(geoms)
    if not np.array_equal(sizes, expected):
        row = int(np.flatnonzero(sizes != expected)[0])
        raise LifecircleError(
            f"Line {row} has {expected[row]} vertices but {sizes[row]} vertex ids.",
            where=f"build_walk_graph(vertex_ids=...), line {row}",
            fix="Give exactly one id per vertex, in coordinate order.",
        )
    if a.size == 0:
        raise LifecircleError(
            "The study area has no walkable roads: no line has two vertices.",
            where="roads layer", fix=_NO_ROADS_FIX,
        )
    ids = np.concatenate(vertex_ids).astype(np.int64, copy=False)
    # hash, not sort: nodes are numbered in order of first appearance along the
    # ways, which also keeps neighbouring nodes close in memory for routing
    node, uniq = pd.factorize(ids)
    # an id should have one location; if not, its first occurrence wins
    first = np.full(uniq.size, ids.size, dtype=np.int64)
    np.minimum.at(first, node, np.arange(ids.size))
    node_xy = coords[first]
    return _compact(node_xy, node[a], node[b], seg_line, node_id=np.asarray(uniq))


def _build_noded(coords, coord_part, a, b, seg_line, line_grade) -> WalkGraph:
    q = np.round(coords / NODE_TOLERANCE_M).astype(np.int64)
    nonzero = (q[a] != q[b]).any(axis=1)
    a, b, seg_line = a[nonzero], b[nonzero], seg_line[nonzero]
    if a.size == 0:
        raise LifecircleError(
            "The study area has no walkable roads: every road segment has zero length.",
            where="roads layer", fix=_NO_ROADS_FIX,
        )
    n_coords = coords.shape[0]
    # part end points (first and last vertex of each part)
    part_start = np.ones(n_coords, dtype=bool)
    part_start[1:] = coord_part[1:] != coord_part[:-1]
    part_end = np.ones(n_coords, dtype=bool)
    part_end[:-1] = coord_part[1:] != coord_part[:-1]
    is_end = part_start | part_end
    first_of_part = np.flatnonzero(part_start)
    last_of_part = np.flatnonzero(part_end)
    seg_part = coord_part[a]
    seg_grade = line_grade[seg_line]

    _, coord_loc = _unique_rows(q)
    split_seg, split_xy = _split_points(
        coords, q, coord_loc, a, b, seg_part, seg_grade,
        q[first_of_part], q[last_of_part],
    )
    # vertex entries: segment start (t=0), split points, segment end (t=1)
    n_seg = a.size
    seg_ids = np.arange(n_seg)
    d = coords[b] - coords[a]
    t_split = np.einsum("ij,ij->i", split_xy - coords[a[split_seg]], d[split_seg]) / np.einsum(
        "ij,ij->i", d[split_seg], d[split_seg]
    )
    e_seg = np.concatenate([seg_ids, split_seg, seg_ids])
    e_t = np.concatenate([np.zeros(n_seg), np.clip(t_split, 0.0, 1.0), np.ones(n_seg)])
    e_xy = np.concatenate([coords[a], split_xy, coords[b]])
    e_end = np.concatenate([is_end[a], np.zeros(split_seg.size, dtype=bool), is_end[b]])
    e_grade = seg_grade[e_seg]
    order = np.lexsort((e_t, e_seg))
    e_seg, e_xy, e_end, e_grade = e_seg[order], e_xy[order], e_end[order], e_grade[order]

    # node key = location (1 mm grid), plus grade unless a line ends there
    eq = np.round(e_xy / NODE_TOLERANCE_M).astype(np.int64)
    loc_first, loc = _unique_rows(eq)
    loc_has_end = np.zeros(loc_first.size, dtype=bool)
    loc_has_end[loc[e_end]] = True
    grades, grade_idx = np.unique(e_grade, return_inverse=True)
    g = np.where(loc_has_end[loc], grades.size, grade_idx.ravel()).astype(np.int64)
    _, node_first, node = np.unique(loc * (grades.size + 1) + g,
                                    return_index=True, return_inverse=True)
    node = node.ravel()
    node_xy = e_xy[node_first]
    # consecutive entries of the same segment form the sub-segments
    same = e_seg[1:] == e_seg[:-1]
    i = np.flatnonzero(same)
    return _compact(node_xy, node[i], node[i + 1], seg_line[e_seg[i]])


def _split_points(coords, q, coord_loc, a, b, seg_part, seg_grade, q_first, q_last):
    """Points where a segment must be split: (segment index, xy) pairs."""
    segs = shapely.linestrings(np.stack([coords[a], coords[b]], axis=1))
    tree = shapely.STRtree(segs)
    pi, pj = tree.query(segs)
    keep = pi < pj
    pi, pj = pi[keep], pj[keep]
    la, lb = coord_loc[a], coord_loc[b]
    la_i, lb_i, la_j, lb_j = la[pi], lb[pi], la[pj], lb[pj]
    shares = (la_i == la_j) | (la_i == lb_j) | (lb_i == la_j) | (lb_i == lb_j)
    # Two straight segments that share an end vertex and are not collinear meet
    # only at that vertex, which is already a vertex of both: nothing to split.
    s_i, s_j = pi[shares], pj[shares]
    di = coords[b[s_i]] - coords[a[s_i]]
    dj = coords[b[s_j]] - coords[a[s_j]]
    cross = di[:, 0] * dj[:, 1] - di[:, 1] * dj[:, 0]
    scale = np.hypot(di[:, 0], di[:, 1]) * np.hypot(dj[:, 0], dj[:, 1])
    collinear = np.abs(cross) <= 1e-12 * scale
    pi = np.concatenate([pi[~shares], s_i[collinear]])
    pj = np.concatenate([pj[~shares], s_j[collinear]])
    if pi.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 2))
    inter = shapely.intersection(segs[pi], segs[pj])
    pts, pair = shapely.get_coordinates(inter, return_index=True)
    if pts.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 2))
    si, sj = pi[pair], pj[pair]
    qp = np.round(pts / NODE_TOLERANCE_M).astype(np.int64)
    same_grade = seg_grade[si] == seg_grade[sj]
    at_line_end = (
        (qp == q_first[seg_part[si]]).all(1) | (qp == q_last[seg_part[si]]).all(1)
        | (qp == q_first[seg_part[sj]]).all(1) | (qp == q_last[seg_part[sj]]).all(1)
    )
    ok = same_grade | at_line_end
    pts, si, sj, qp = pts[ok], si[ok], sj[ok], qp[ok]
    seg = np.concatenate([si, sj])
    xy = np.concatenate([pts, pts])
    qq = np.concatenate([qp, qp])
    # a point equal to the segment's own end vertex needs no split
    interior = ~((qq == q[a[seg]]).all(1) | (qq == q[b[seg]]).all(1))
    return seg[interior], xy[interior]


def _component_labels(graph: WalkGraph) -> np.ndarray:
    """(n_nodes,) connected-component label of every node."""
    return connected_components(graph.adjacency, directed=False)[1]


def largest_component_mask(graph: WalkGraph) -> np.ndarray:
    """Return a bool mask (n_nodes,) of the nodes in the largest connected component."""
    labels = _component_labels(graph)
    return labels == int(np.argmax(np.bincount(labels)))


def main_network_edges(
    graph: WalkGraph, min_component_m: float = MAIN_COMPONENT_MIN_M
) -> np.ndarray:
    """Return a bool mask (n_edges,) of the edges of the main walk network.

    The main network is the largest connected component, by metres of edges, plus
    every other component with at least ``min_component_m`` metres of edges.
    Points snap only to it: a point joined to a fragment reaches nothing beyond it.

    Why 5 km by default: the pieces that strand points are short. A car tunnel's
    walkable approach ramps, a driveway or a service road of two nodes, a gated
    compound whose gate is not mapped (a 300 x 300 m estate holds about 1-3 km of
    internal roads), or the stub of a road cut at the extract's edge are all well
    under 5 km. A network of 5 km or more is a neighbourhood of its own (about
    0.5 km² of city blocks at Shanghai's 10 km of street per km²), such as an island
    or a district cut off by a river in the extract, whose residents do reach the
    facilities inside it. A riverside estate joined by a mapped footbridge is part
    of the main component anyway, whatever its size.

    Parameters
    ----------
    graph : WalkGraph
        The walk network (metres).
    min_component_m : float, default :data:`MAIN_COMPONENT_MIN_M`
        Metres of edges from which a component counts as main; ``inf`` keeps the
        largest component only.

    Returns
    -------
    np.ndarray of bool
        True for edges of the main network. The largest component is always in it.
    """
    labels = _component_labels(graph)
    edge_label = labels[graph.edge_u]
    metres = np.bincount(edge_label, weights=graph.edge_length_m, minlength=labels.max() + 1)
    main = metres >= min_component_m
    main[int(np.argmax(metres))] = True
    return main[edge_label]
