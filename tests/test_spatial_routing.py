"""Routing, catchments and service areas against an independent networkx reference."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lifecircle.spatial.catchments import ZERO_WALK_M, catchments
from lifecircle.spatial.errors import LifecircleError
from lifecircle.spatial.graph import WalkGraph, build_walk_graph
from lifecircle.spatial.routing import nearest_source, nearest_source_by_group, to_minutes
from lifecircle.spatial.service_areas import naive_radius_circles, service_areas
from lifecircle.spatial.snapping import Snapped, snap_points

TOL_M = 1e-6


# --------------------------------------------------------------------------- helpers


def perturbed_grid(k: int, spacing: float = 100.0, drop: float = 0.2, seed: int = 0):
    """Lines of a k x k jittered grid with a share of its edges removed (metres)."""
    rng = np.random.default_rng(seed)
    xs = np.arange(k) * spacing
    xy = np.stack(np.meshgrid(xs, xs, indexing="ij"), -1) + rng.uniform(-20, 20, (k, k, 2))
    segs = [np.stack([xy[:-1, :], xy[1:, :]], axis=2).reshape(-1, 2, 2),
            np.stack([xy[:, :-1], xy[:, 1:]], axis=2).reshape(-1, 2, 2)]
    segs = np.concatenate(segs)
    segs = segs[rng.random(len(segs)) >= drop]
    return shapely.linestrings(segs)


def reference_graph(graph: WalkGraph, points: dict[str, Snapped]) -> nx.MultiGraph:
    """networkx graph with the snapped points inserted as real nodes (edges split).

    Node ids are ints for graph nodes, ("on", kind, i) for a snapped position and
    ("pt", kind, i) for the original point, joined to its snapped position by an
    edge of the snap length. Weights are euclidean distances recomputed from
    coordinates, independent of the engine's offset arithmetic.
    """
    g = nx.MultiGraph()
    split: dict[int, list[tuple[float, tuple, np.ndarray]]] = {}
    for kind, snapped in points.items():
        for i in np.flatnonzero(snapped.ok):
            e = int(snapped.edge[i])
            on = ("on", kind, int(i))
            split.setdefault(e, []).append((float(snapped.fraction[i]), on, snapped.xy[i]))
            d = float(np.hypot(*(snapped.point_xy[i] - snapped.xy[i])))
            g.add_edge(("pt", kind, int(i)), on, weight=d)
    for e in range(graph.n_edges):
        u, v = int(graph.edge_u[e]), int(graph.edge_v[e])
        chain = [(0.0, u, graph.node_xy[u])]
        chain += sorted(split.get(e, []), key=lambda t: t[0])
        chain.append((1.0, v, graph.node_xy[v]))
        for (_, a, pa), (_, b, pb) in itertools.pairwise(chain):
            g.add_edge(a, b, weight=float(np.hypot(*(pa - pb))))
    return g


def reference_nearest(graph, sources: Snapped, targets: Snapped, limit: float):
    g = reference_graph(graph, {"s": sources, "t": targets})
    src_nodes = [("pt", "s", int(i)) for i in np.flatnonzero(sources.ok)]
    walk = np.full(len(targets), np.inf)
    if not src_nodes:
        return walk, g
    dist = nx.multi_source_dijkstra_path_length(g, src_nodes, weight="weight")
    for i in np.flatnonzero(targets.ok):
        d = dist.get(("pt", "t", int(i)), np.inf)
        walk[i] = d if d <= limit else np.inf
    return walk, g


def check_against_reference(graph, sources, targets, limit):
    walk, src = nearest_source(graph, sources, targets, limit)
    ref, g = reference_nearest(graph, sources, targets, limit)
    np.testing.assert_array_equal(np.isinf(walk), np.isinf(ref))
    fin = np.isfinite(ref)
    np.testing.assert_allclose(walk[fin], ref[fin], rtol=0, atol=TOL_M)
    assert (src[~fin] == -1).all()
    # the reported source really is at that walk distance
    for s in np.unique(src[fin]):
        d = nx.single_source_dijkstra_path_length(g, ("pt", "s", int(s)), weight="weight")
        for t in np.flatnonzero(src == s):
            assert abs(d[("pt", "t", int(t))] - walk[t]) <= TOL_M
    return walk, src


def _points_on_edges(graph: WalkGraph, edges, fractions, offset=0.0):
    """Points at a fraction along edges, optionally pushed sideways (metres)."""
    a = graph.node_xy[graph.edge_u[edges]]
    b = graph.node_xy[graph.edge_v[edges]]
    p = a + np.asarray(fractions)[:, None] * (b - a)
    d = b - a
    normal = np.column_stack([-d[:, 1], d[:, 0]]) / np.hypot(*d.T)[:, None]
    return p + np.asarray(offset).reshape(-1, 1) * normal


def river_network() -> WalkGraph:
    """Two roads 150 m apart across a river (y = 0 and y = 150), one bridge at x = 800."""
    south = shapely.LineString([(x, 0.0) for x in range(-2000, 2001, 100)])
    north = shapely.LineString([(x, 150.0) for x in range(-2000, 2001, 100)])
    bridge = shapely.LineString([(800.0, 0.0), (800.0, 150.0)])
    return build_walk_graph([south, north, bridge])


# --------------------------------------------------------------------------- reference


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_nearest_source_matches_networkx_on_perturbed_grid(seed):
    rng = np.random.default_rng(seed)
    graph = build_walk_graph(perturbed_grid(12, seed=seed))
    ext = graph.node_xy.max(axis=0)
    src_xy = rng.uniform(0, ext, (6, 2))
    tgt_xy = rng.uniform(-100, ext + 100, (120, 2))
    # tricky cases: targets on a source's edge (both sides), a source exactly on a node
    e0 = rng.integers(graph.n_edges, size=3)
    src_xy = np.vstack([src_xy, _points_on_edges(graph, e0, [0.3, 0.5, 0.9], [5.0, 0.0, -3.0]),
                        graph.node_xy[[7]]])
    tgt_xy = np.vstack([tgt_xy, _points_on_edges(graph, np.repeat(e0, 3),
                                                 np.tile([0.1, 0.4, 0.95], 3), 12.0),
                        graph.node_xy[[7, 8]]])
    sources = snap_points(graph, src_xy, max_snap_m=60.0)
    targets = snap_points(graph, tgt_xy, max_snap_m=60.0)
    assert not targets.ok.all()  # some targets beyond the snap limit take part too
    for limit in (np.inf, 600.0):
        walk, _ = check_against_reference(graph, sources, targets, limit)
        assert np.isfinite(walk).sum() > 20


def test_same_edge_walk_is_direct_and_exact():
    graph = build_walk_graph([shapely.LineString([(0, 0), (1000, 0)])])
    sources = snap_points(graph, [[300.0, 10.0]])
    targets = snap_points(graph, [[350.0, -5.0], [300.0, 10.0], [0.0, 0.0]])
    walk, src = nearest_source(graph, sources, targets, 2000.0)
    np.testing.assert_allclose(walk, [10 + 50 + 5, 20.0, 310.0], atol=1e-9)
    assert (src == 0).all()


@pytest.mark.slow
@pytest.mark.shared_data
def test_nearest_source_matches_networkx_on_real_osm(shanghai_central):
    ox = pytest.importorskip("osmnx")
    g = ox.graph_from_xml(shanghai_central / "roads.osm", simplify=False, retain_all=True)
    g = ox.project_graph(g)
    nodes = np.array(list(g.nodes))
    xy = np.array([[g.nodes[n]["x"], g.nodes[n]["y"]] for n in nodes])
    centre = np.median(xy, axis=0)
    inside = set(nodes[(np.abs(xy - centre) <= 500.0).all(axis=1)].tolist())
    pairs = {tuple(sorted((u, v))) for u, v in g.edges() if u in inside and v in inside and u != v}
    pairs = sorted(pairs)
    assert len(pairs) > 100, "the 1 km window should hold a real street network"
    lines = [shapely.LineString([(g.nodes[u]["x"], g.nodes[u]["y"]),
                                 (g.nodes[v]["x"], g.nodes[v]["y"])]) for u, v in pairs]
    graph = build_walk_graph(lines, vertex_ids=[[u, v] for u, v in pairs])
    rng = np.random.default_rng(42)
    lo, hi = centre - 500, centre + 500
    sources = snap_points(graph, rng.uniform(lo, hi, (8, 2)), max_snap_m=150.0)
    targets = snap_points(graph, rng.uniform(lo, hi, (300, 2)), max_snap_m=150.0)
    # the reference is built from osmnx's own node ids and coordinates
    ref = nx.MultiGraph()
    for u, v in pairs:
        pu = np.array([g.nodes[u]["x"], g.nodes[u]["y"]])
        pv = np.array([g.nodes[v]["x"], g.nodes[v]["y"]])
        ref.add_edge(u, v, weight=float(np.hypot(*(pu - pv))))
    ids = graph.node_id
    for kind, snapped in (("s", sources), ("t", targets)):
        for i in np.flatnonzero(snapped.ok):
            e = snapped.edge[i]
            ref.add_node(("on", kind, int(i)), xy=snapped.xy[i], edge=(ids[graph.edge_u[e]],
                                                                     ids[graph.edge_v[e]]))
    by_edge: dict[tuple, list] = {}
    for n, data in list(ref.nodes(data=True)):
        if "edge" in data:
            by_edge.setdefault(data["edge"], []).append(n)
    for (u, v), pts in by_edge.items():
        pu = np.array([g.nodes[u]["x"], g.nodes[u]["y"]])
        pv = np.array([g.nodes[v]["x"], g.nodes[v]["y"]])
        ref.remove_edge(u, v)
        inner = sorted(((p, ref.nodes[p]["xy"]) for p in pts),
                       key=lambda t, pu=pu: np.hypot(*(t[1] - pu)))
        chain = [(u, pu), *inner, (v, pv)]
        for (a, pa), (b, pb) in itertools.pairwise(chain):
            ref.add_edge(a, b, weight=float(np.hypot(*(pa - pb))))
    for kind, snapped in (("s", sources), ("t", targets)):
        for i in np.flatnonzero(snapped.ok):
            ref.add_edge(("pt", kind, int(i)), ("on", kind, int(i)),
                         weight=float(np.hypot(*(snapped.point_xy[i] - snapped.xy[i]))))
    src_nodes = [("pt", "s", int(i)) for i in np.flatnonzero(sources.ok)]
    dist = nx.multi_source_dijkstra_path_length(ref, src_nodes, weight="weight")
    for limit in (np.inf, 700.0):
        walk, _ = nearest_source(graph, sources, targets, limit)
        expect = np.array([dist.get(("pt", "t", i), np.inf) if targets.ok[i] else np.inf
                           for i in range(len(targets))])
        expect[expect > limit] = np.inf
        np.testing.assert_array_equal(np.isinf(walk), np.isinf(expect))
        fin = np.isfinite(expect)
        assert fin.sum() > 50
        np.testing.assert_allclose(walk[fin], expect[fin], rtol=0, atol=TOL_M)


# --------------------------------------------------------------------------- properties

coords = st.tuples(st.floats(-50, 850), st.floats(-50, 850))


@st.composite
def scenario(draw):
    seed = draw(st.integers(0, 10_000))
    graph = build_walk_graph(perturbed_grid(8, seed=seed, drop=0.25))
    src = np.array(draw(st.lists(coords, min_size=1, max_size=5)), dtype=float)
    tgt = np.array(draw(st.lists(coords, min_size=1, max_size=25)), dtype=float)
    extra = np.array(draw(coords), dtype=float)
    limit = draw(st.sampled_from([np.inf, 300.0, 900.0]))
    return graph, src, tgt, extra, limit


PROPS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(scenario())
def test_adding_a_source_never_increases_a_walk(case):
    graph, src, tgt, extra, limit = case
    targets = snap_points(graph, tgt, max_snap_m=200.0)
    before, _ = nearest_source(graph, snap_points(graph, src, 200.0), targets, limit)
    after, _ = nearest_source(graph, snap_points(graph, np.vstack([src, extra]), 200.0),
                              targets, limit)
    assert (after <= before + 1e-9).all()


@PROPS
@given(scenario())
def test_network_walk_is_at_least_the_straight_line(case):
    graph, src, tgt, _, limit = case
    sources = snap_points(graph, src, 200.0)
    walk, which = nearest_source(graph, sources, snap_points(graph, tgt, 200.0), limit)
    fin = np.isfinite(walk)
    straight = np.hypot(*(tgt[fin] - src[which[fin]]).T)
    assert (walk[fin] >= straight - 1e-9).all()


@PROPS
@given(scenario())
def test_catchments_agree_with_nearest_source(case):
    graph, src, tgt, _, limit = case
    limit = 600.0 if np.isinf(limit) else limit
    sources = snap_points(graph, src, 200.0)
    targets = snap_points(graph, tgt, 200.0)
    walk, _ = nearest_source(graph, sources, targets, limit)
    c = catchments(graph, sources, targets, limit)
    best = np.full(len(targets), np.inf)
    np.minimum.at(best, c.target, c.walk_m)
    np.testing.assert_array_equal(np.isinf(best), np.isinf(walk))
    fin = np.isfinite(walk)
    np.testing.assert_allclose(best[fin], walk[fin], rtol=0, atol=1e-9)
    assert (c.walk_m <= limit).all()


# --------------------------------------------------------------------------- barriers


def test_river_without_bridge_blocks_walk_but_not_the_circle():
    graph = river_network()
    source_xy = np.array([[0.0, 0.0]])
    target_xy = np.array([[0.0, 150.0]])
    sources = snap_points(graph, source_xy)
    targets = snap_points(graph, target_xy)
    walk, src = nearest_source(graph, sources, targets, 500.0)
    assert np.isinf(walk[0]) and src[0] == -1
    circle = naive_radius_circles(source_xy, 500.0)[0]
    assert circle.contains(shapely.Point(target_xy[0]))  # the 服务半径 circle says "covered"
    walk_far, _ = nearest_source(graph, sources, targets, 5000.0)
    np.testing.assert_allclose(walk_far, [800.0 + 150.0 + 800.0], atol=1e-9)


def test_unsnappable_point_is_reported_not_raised():
    graph = river_network()
    targets = snap_points(graph, [[0.0, 550.0], [10.0, 5.0]], max_snap_m=250.0)
    assert targets.ok.tolist() == [False, True]
    assert targets.edge[0] == -1
    np.testing.assert_allclose(targets.snap_m[0], 400.0)
    walk, src = nearest_source(graph, snap_points(graph, [[0.0, 0.0]]), targets, 5000.0)
    assert np.isinf(walk[0]) and src[0] == -1
    np.testing.assert_allclose(walk[1], 15.0)
    c = catchments(graph, snap_points(graph, [[0.0, 0.0]]), targets, 5000.0)
    assert c.target.tolist() == [1]


def test_unsnappable_source_reaches_nobody():
    graph = river_network()
    sources = snap_points(graph, [[0.0, 600.0]], max_snap_m=250.0)
    walk, src = nearest_source(graph, sources, snap_points(graph, [[0.0, 0.0]]), np.inf)
    assert np.isinf(walk).all() and (src == -1).all()
    assert service_areas(graph, sources, 500.0)[0].is_empty


# --------------------------------------------------------------------------- catchments


def test_catchments_are_local():
    graph = build_walk_graph(perturbed_grid(60, drop=0.1, seed=3))  # 3,600 nodes, 6 km
    rng = np.random.default_rng(5)
    src_xy = rng.uniform(500, 5400, (15, 2))
    sources = snap_points(graph, src_xy)
    targets = snap_points(graph, rng.uniform(0, 5900, (800, 2)))
    limit = 400.0
    c = catchments(graph, sources, targets, limit)
    within = np.hypot(*(graph.node_xy[None, :, :] - sources.xy[:, None, :]).transpose(2, 0, 1))
    in_disc = (within <= limit + 1e-6).sum(axis=1)
    assert (c.subgraph_nodes <= in_disc + 2).all()  # + the source edge's two ends
    assert c.subgraph_nodes.max() < graph.n_nodes / 10
    walk, _ = nearest_source(graph, sources, targets, limit)
    best = np.full(len(targets), np.inf)
    np.minimum.at(best, c.target, c.walk_m)
    np.testing.assert_allclose(best, walk, atol=1e-9)


def test_catchments_per_source_limits_and_csr():
    graph = build_walk_graph([shapely.LineString([(0, 0), (1000, 0)])])
    sources = snap_points(graph, [[100.0, 0.0], [900.0, 0.0]])
    targets = snap_points(graph, [[100.0, 0.0], [300.0, 0.0], [700.0, 0.0]])
    c = catchments(graph, sources, targets, [250.0, 100.0])
    assert list(zip(c.source.tolist(), c.target.tolist(), strict=True)) == [(0, 0), (0, 1)]
    m = c.to_csr()
    assert m.shape == (2, 3)
    assert m[0, 0] == ZERO_WALK_M and m[0, 1] == pytest.approx(200.0)
    assert m.nnz == 2
    with pytest.raises(LifecircleError):
        catchments(graph, sources, targets, [100.0])


# --------------------------------------------------------------------------- service areas


def test_service_area_includes_partial_edges_to_the_exact_limit():
    road = shapely.LineString([(-5000.0, 0.0), (-1000, 0), (0, 0), (1000, 0), (5000.0, 0.0)])
    graph = build_walk_graph([road])
    sources = snap_points(graph, [[200.0, 0.0]])
    area = service_areas(graph, sources, 1000.0, buffer_m=30.0)[0]
    minx, _miny, maxx, maxy = area.bounds
    assert minx == pytest.approx(200 - 1000 - 30, abs=1e-6)
    assert maxx == pytest.approx(200 + 1000 + 30, abs=1e-6)
    assert maxy == pytest.approx(30.0, abs=1e-6)


def test_service_area_never_crosses_a_river_without_a_bridge():
    graph = river_network()
    sources = snap_points(graph, [[0.0, 0.0], [700.0, 0.0]])
    small, near_bridge = service_areas(graph, sources, 500.0, buffer_m=30.0)
    north_road = shapely.LineString([(-2000, 150), (2000, 150)])
    assert not small.intersects(north_road)
    assert small.area > 0
    # 100 m to the bridge, 150 m over it, 250 m left: the far bank is reached
    assert near_bridge.contains(shapely.Point(800.0 + 240.0, 150.0))
    assert not near_bridge.contains(shapely.Point(800.0 + 300.0, 150.0))
    circle = naive_radius_circles([[0.0, 0.0]], 500.0)[0]
    assert circle.intersects(north_road)


def test_to_minutes_keeps_inf_and_nan():
    out = to_minutes(np.array([120.0, np.inf, np.nan]), 1.0)
    assert out[0] == 2.0 and np.isinf(out[1]) and np.isnan(out[2])
    in_place = np.array([90.0])
    assert to_minutes(in_place, 0.75, out=in_place) is in_place and in_place[0] == 2.0
    with pytest.raises(LifecircleError):
        to_minutes([1.0], 0.0)


def test_groups_share_one_setup_and_match_single_searches():
    rng = np.random.default_rng(3)
    graph = build_walk_graph(perturbed_grid(10, seed=3))
    ext = graph.node_xy.max(axis=0)
    sources = snap_points(graph, rng.uniform(0, ext, (12, 2)), max_snap_m=60.0)
    targets = snap_points(graph, rng.uniform(0, ext, (150, 2)), max_snap_m=60.0)
    groups = [np.array([0, 3, 5]), np.array([], dtype=int), np.arange(6, 12), np.array([1])]
    limits = [400.0, 400.0, np.inf, 250.0]
    out = (np.zeros((4, 150)), np.zeros((4, 150), dtype=np.int64))
    results = nearest_source_by_group(graph, sources, groups, targets, limits, out=out)
    for g, (rows, limit) in enumerate(zip(groups, limits, strict=True)):
        alone_walk, alone_src = nearest_source(graph, sources.subset(rows), targets, limit)
        np.testing.assert_array_equal(results[g][0], alone_walk)
        np.testing.assert_array_equal(results[g][1], alone_src)
        np.testing.assert_array_equal(out[0][g], alone_walk)  # written in place
    assert np.isinf(out[0][1]).all() and (out[1][1] == -1).all()
    with pytest.raises(LifecircleError, match="limits"):
        nearest_source_by_group(graph, sources, groups, targets, limits[:2])
