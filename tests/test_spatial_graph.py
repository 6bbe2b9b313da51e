"""Walk graph building (ids and noding, grade separation), walkability and snapping."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import connected_components, dijkstra

from lifecircle.spatial.errors import LifecircleError
from lifecircle.spatial.graph import build_walk_graph, largest_component_mask, walkable_mask
from lifecircle.spatial.snapping import snap_points


def _connected(graph, xy_a, xy_b) -> bool:
    """True when the nodes nearest two coordinates are in one component."""
    ia = int(np.argmin(np.hypot(*(graph.node_xy - xy_a).T)))
    ib = int(np.argmin(np.hypot(*(graph.node_xy - xy_b).T)))
    _, labels = connected_components(graph.adjacency, directed=False)
    return bool(labels[ia] == labels[ib])


def brute_force_snap_m(graph, xy) -> np.ndarray:
    """Metres from each point to its nearest edge, measured against every edge."""
    return shapely.distance(shapely.points(xy)[:, None], graph.edge_geoms[None, :]).min(axis=1)


def test_walkable_mask():
    highway = ["residential", "motorway", "motorway_link", "trunk", "trunk", "footway",
               "construction", "service", "primary", None, "bus_guideway", "service"]
    foot = [None, None, None, None, "no", None, None, None, None, None, None, "designated"]
    access = [None, None, None, None, None, "private", None, "private", "no", None, None,
              "private"]
    got = walkable_mask(highway, foot, access)
    assert got.tolist() == [True, False, False, True, False, False, False, False, False,
                            False, False, True]
    assert walkable_mask(["residential"], [None]).tolist() == [True]
    with pytest.raises(LifecircleError):
        walkable_mask(["residential", "primary"], [None])


def test_osm_ids_keep_a_bridge_apart_from_the_road_below():
    road = shapely.LineString([(0, 0), (50, 0), (100, 0)])
    bridge = shapely.LineString([(50, -50), (50, 0), (50, 50)])  # same x/y at (50, 0)
    g = build_walk_graph([road, bridge], vertex_ids=[[1, 2, 3], [10, 20, 30]])
    assert g.n_nodes == 6 and g.n_edges == 4
    assert not _connected(g, (0, 0), (50, 50))
    assert set(g.node_id.tolist()) == {1, 2, 3, 10, 20, 30}
    # with a shared id the same geometry is a junction
    g2 = build_walk_graph([road, bridge], vertex_ids=[[1, 2, 3], [10, 2, 30]])
    assert g2.n_nodes == 5 and _connected(g2, (0, 0), (50, 50))


def test_noding_splits_same_grade_crossings():
    a = shapely.LineString([(0, 0), (100, 0)])
    b = shapely.LineString([(50, -50), (50, 50)])
    g = build_walk_graph([a, b])
    assert g.n_nodes == 5 and g.n_edges == 4
    assert sorted(g.edge_line.tolist()) == [0, 0, 1, 1]
    d = dijkstra(g.adjacency, indices=int(np.argmin(np.hypot(*(g.node_xy - (0, 0)).T))))
    far = int(np.argmin(np.hypot(*(g.node_xy - (50, 50)).T)))
    assert d[far] == pytest.approx(100.0)
    np.testing.assert_allclose(g.edge_length_m.sum(), 200.0)


def test_noding_different_grades_cross_without_junction_but_join_at_end_points():
    road = shapely.LineString([(0, 0), (50, 0), (100, 0)])  # vertex at the crossing
    bridge = shapely.LineString([(50, -50), (50, 0), (50, 50)])
    g = build_walk_graph([road, bridge], grade=[0, 1])
    assert not _connected(g, (0, 0), (50, 50))
    g_same = build_walk_graph([road, bridge], grade=[0, 0])
    assert _connected(g_same, (0, 0), (50, 50))
    # a ramp (grade 1) that ENDS on the road (grade 0) joins it, at a vertex ...
    ramp = shapely.LineString([(50, 50), (50, 0)])
    g = build_walk_graph([road, ramp], grade=[0, 1])
    assert _connected(g, (0, 0), (50, 50))
    # ... and in the interior of a road segment (the road is split there)
    road2 = shapely.LineString([(0, 0), (100, 0)])
    g = build_walk_graph([road2, ramp], grade=[0, 1])
    assert _connected(g, (0, 0), (50, 50)) and g.n_nodes == 4
    # the road ends on the bridge's interior: joined at the road's end point
    stub = shapely.LineString([(0, 0), (50, 0)])
    g = build_walk_graph([stub, bridge], grade=[0, 1])
    assert _connected(g, (0, 0), (50, 50))


def test_noding_merges_vertices_within_a_millimetre_and_t_junctions():
    a = shapely.LineString([(0, 0), (100, 0)])
    b = shapely.LineString([(100.0002, 0.0001), (100, 80)])  # 0.2 mm gap: same node
    c = shapely.LineString([(40, 0), (40, -30)])  # T onto a's interior
    g = build_walk_graph([a, b, c])
    assert g.n_nodes == 5 and g.n_edges == 4
    assert largest_component_mask(g).all()


def test_parallel_segments_keep_the_shortest_and_multilines_are_split():
    multi = shapely.MultiLineString([[(0, 0), (10, 0)], [(10, 0), (10, 10)]])
    g = build_walk_graph(gpd.GeoSeries([multi, shapely.LineString([(0, 0), (10, 0)])]))
    assert g.n_nodes == 3
    assert g.adjacency.nnz == 4  # duplicates collapsed in the adjacency
    assert g.edge_line.tolist().count(0) == 2


@pytest.mark.parametrize(
    "lines",
    [[], [shapely.LineString()], [shapely.LineString([(1, 1), (1, 1)])], [None]],
)
def test_no_walkable_roads_is_a_user_error(lines):
    with pytest.raises(LifecircleError, match="no walkable roads"):
        build_walk_graph(lines)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_bad_inputs_are_user_errors():
    with pytest.raises(LifecircleError, match="Polygon"):
        build_walk_graph([shapely.box(0, 0, 1, 1)])
    with pytest.raises(LifecircleError, match="NaN"):
        build_walk_graph([shapely.LineString([(0, 0), (np.nan, 1)])])
    with pytest.raises(LifecircleError, match="vertex ids"):
        build_walk_graph([shapely.LineString([(0, 0), (1, 1)])], vertex_ids=[[1, 2, 3]])
    with pytest.raises(LifecircleError, match="grade"):
        build_walk_graph([shapely.LineString([(0, 0), (1, 1)])], grade=[0, 1])


def test_largest_component_mask():
    g = build_walk_graph([shapely.LineString([(0, 0), (10, 0), (20, 0)]),
                          shapely.LineString([(100, 0), (110, 0)])])
    mask = largest_component_mask(g)
    assert mask.sum() == 3
    assert np.all(g.node_xy[mask, 0] <= 20)


def test_snap_to_edge_not_node():
    g = build_walk_graph([shapely.LineString([(0, 0), (1000, 0)])])
    s = snap_points(g, [[400.0, 30.0], [1100.0, 0.0], [-10.0, 0.0]])
    assert s.ok.all()
    np.testing.assert_allclose(s.snap_m, [30.0, 100.0, 10.0])
    np.testing.assert_allclose(s.xy, [[400, 0], [1000, 0], [0, 0]])
    f = np.where(g.edge_u[0] < g.edge_v[0], 1, 1)  # fraction is measured from edge_u
    start = g.node_xy[g.edge_u[s.edge]]
    np.testing.assert_allclose(np.abs(s.xy[:, 0] - start[:, 0]), s.fraction * 1000.0 * f)
    np.testing.assert_allclose(s.offset_u_m + s.offset_v_m, 2 * s.snap_m + 1000.0)


def test_snap_limit_and_nan():
    g = build_walk_graph([shapely.LineString([(0, 0), (1000, 0)])])
    s = snap_points(g, [[500.0, 400.0]], max_snap_m=250.0)
    assert not s.ok[0] and s.edge[0] == -1 and np.isnan(s.fraction[0])
    assert s.snap_m[0] == pytest.approx(400.0)
    with pytest.raises(LifecircleError, match="NaN"):
        snap_points(g, [[1.0, np.nan]])
    with pytest.raises(LifecircleError):
        snap_points(g, [[1.0, 1.0]], max_snap_m=-1)
    assert len(snap_points(g, np.zeros((0, 2)))) == 0


@pytest.fixture(scope="module")
def crossing_segments():
    """300 random segments noded into ~18k edges, 401 points, and the brute-force answer."""
    rng = np.random.default_rng(11)
    segs = rng.uniform(0, 2000, (300, 2, 2))
    segs[:20, 1] = segs[:20, 0] + rng.uniform(-800, 800, (20, 2))  # a few long ones
    g = build_walk_graph(shapely.linestrings(segs))
    xy = np.vstack([rng.uniform(-500, 2500, (400, 2)), [[20000.0, -9000.0]]])
    return g, xy, brute_force_snap_m(g, xy)


@pytest.mark.parametrize("rounds", [3, 1, 0])  # 0 forces the STRtree fallback for every point
def test_snap_finds_the_exact_nearest_edge(monkeypatch, crossing_segments, rounds):
    import lifecircle.spatial.snapping as snapping

    monkeypatch.setattr(snapping, "_ROUNDS", rounds)
    g, xy, expected_m = crossing_segments
    s = snap_points(g, xy, max_snap_m=1e9)
    np.testing.assert_allclose(s.snap_m, expected_m, rtol=0, atol=1e-7)
    on_line = shapely.distance(g.edge_geoms[s.edge], shapely.points(s.xy))
    assert (on_line < 1e-7).all()


def test_snap_is_exact_when_the_extent_forces_larger_cells():
    # two clusters 3,000 km apart: the grid would need too many 100 m cells, so its
    # cells grow; answers must stay exact (and points between the clusters fall back)
    rng = np.random.default_rng(5)
    near = rng.uniform(0, 500, (40, 2, 2))
    far = near + 3_000_000.0
    g = build_walk_graph(shapely.linestrings(np.concatenate([near, far])))
    assert g.edge_grid.cell_m > 100.0
    xy = np.vstack([rng.uniform(-50, 550, (200, 2)), rng.uniform(-50, 550, (200, 2)) + 3e6,
                    [[1_500_000.0, 1_500_000.0]]])
    s = snap_points(g, xy, max_snap_m=1e9)
    np.testing.assert_allclose(s.snap_m, brute_force_snap_m(g, xy), rtol=0, atol=1e-6)


def test_edge_grid_proves_only_what_it_searched():
    import lifecircle.spatial.snapping as snapping

    # one edge; a point 40 m off is proven in the 3 x 3 block, one 400 m off is not
    g = build_walk_graph([shapely.LineString([(0, 0), (1000, 0)])])
    edge, fraction, dist, proven = g.edge_grid.nearest(np.array([[500.0, 40.0],
                                                                 [500.0, 400.0]]), ring=1)
    assert proven.tolist() == [True, False]
    assert edge[0] == 0 and dist[0] == pytest.approx(40.0) and fraction[0] == pytest.approx(0.5)
    assert edge[1] == -1 and np.isinf(dist[1])  # nothing filed within 3 x 3 cells
    assert snapping._RINGS == (1, 3, 7)


def test_osm_ids_number_nodes_in_order_of_appearance():
    lines = [shapely.LineString([(0, 0), (10, 0), (20, 0)]),
             shapely.LineString([(20, 0), (20, 10)])]
    g = build_walk_graph(lines, vertex_ids=[[900, 50, 7], [7, 3]])
    assert g.node_id.tolist() == [900, 50, 7, 3]
    np.testing.assert_allclose(g.node_xy, [[0, 0], [10, 0], [20, 0], [20, 10]])


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    scale=st.sampled_from([0.5, 20.0, 100.0, 900.0, 20_000.0]),
    n_segments=st.integers(1, 60),
)
def test_snap_matches_brute_force_at_any_scale(seed, scale, n_segments):
    # segment lengths from well below to far above the 100 m grid cell
    rng = np.random.default_rng(seed)
    start = rng.uniform(0, 5 * scale, (n_segments, 2))
    segs = np.stack([start, start + rng.normal(0, scale, (n_segments, 2))], axis=1)
    segs[:, 1] += 1e-3  # no zero-length segment
    g = build_walk_graph(shapely.linestrings(segs))
    xy = rng.uniform(-2 * scale, 7 * scale, (50, 2))
    s = snap_points(g, xy, max_snap_m=1e12)
    np.testing.assert_allclose(s.snap_m, brute_force_snap_m(g, xy), rtol=1e-9, atol=1e-6)


def test_osm_ids_as_a_series_and_an_id_seen_at_two_places():
    import pandas as pd

    lines = [shapely.LineString([(0, 0), (10, 0), (20, 0)]),
             shapely.LineString([(20.5, 0), (20, 10)])]  # id 7 again, half a metre off
    ids = pd.Series([[900, 50, 7], [7, 3]], index=[10, 20])  # labels, not positions
    g = build_walk_graph(lines, vertex_ids=ids)
    assert g.node_id.tolist() == [900, 50, 7, 3]
    np.testing.assert_allclose(g.node_xy[2], [20, 0])  # the first occurrence wins


def test_grid_cells_follow_the_density_of_the_network():
    from lifecircle.spatial.edge_grid import adapted_cell_m

    # 1 km square of 80 m blocks: the cell size follows density, not extent, and
    # 1,500 points x 5,200 edges keep the brute-force check at ~60 MB
    xs = np.arange(0, 1001, 80.0)
    streets = np.array([shapely.LineString([(0, y), (1000, y)]) for y in xs]
                       + [shapely.LineString([(x, 0), (x, 1000)]) for x in xs])
    blocks = build_walk_graph(streets)
    fine = build_walk_graph(shapely.segmentize(streets, 5.0))  # OSM-like short segments
    coarse = adapted_cell_m(blocks.node_xy, blocks.edge_u, blocks.edge_v)
    small = adapted_cell_m(fine.node_xy, fine.edge_u, fine.edge_v)
    assert 60.0 < coarse < 150.0 and small < 40.0
    grid = fine.edge_grid
    assert grid.edge.size / np.count_nonzero(np.diff(grid.cell_start)) < 8  # not 16x denser
    xy = np.random.default_rng(2).uniform(-300, 1300, (1500, 2))
    s = snap_points(fine, xy, max_snap_m=1e9)
    np.testing.assert_allclose(s.snap_m, brute_force_snap_m(fine, xy), rtol=0, atol=1e-6)


def test_crowding_measured_on_a_sample_matches_all_edges(monkeypatch):
    import lifecircle.spatial.edge_grid as edge_grid

    xs = np.arange(0, 3001, 80.0)
    streets = np.array([shapely.LineString([(0, y), (3000, y)]) for y in xs]
                       + [shapely.LineString([(x, 0), (x, 3000)]) for x in xs])
    g = build_walk_graph(shapely.segmentize(streets, 6.0))
    every_edge = edge_grid.adapted_cell_m(g.node_xy, g.edge_u, g.edge_v)
    monkeypatch.setattr(edge_grid, "_CROWDING_SAMPLE", g.n_edges // 10)
    sampled = edge_grid.adapted_cell_m(g.node_xy, g.edge_u, g.edge_v)
    assert every_edge < 50.0 and sampled == pytest.approx(every_edge, rel=0.05)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 500), st.sampled_from([np.float64, np.int64]), st.integers(0, 2**31))
def test_column_bounds_equal_numpy_min_and_max(rows, dtype, seed):
    from lifecircle.spatial.edge_grid import column_bounds

    a = (np.random.default_rng(seed).normal(size=(rows, 2)) * 1e6).astype(dtype)
    lo, hi = column_bounds(a)
    np.testing.assert_array_equal(lo, a.min(axis=0))
    np.testing.assert_array_equal(hi, a.max(axis=0))
    assert lo.dtype == hi.dtype == a.dtype


def test_snap_distance_keeps_its_precision_at_large_eastings():
    """Gauss–Krüger eastings carry a zone prefix (e.g. 39,500,000 m): the snap distance
    must not lose precision to the size of the coordinates."""
    rng = np.random.default_rng(3)
    offset = np.array([39_500_000.0, 3_400_000.0])
    ends_far = rng.random((40, 2, 2)) * 500.0 + offset
    pts_far = rng.random((500, 2)) * 500.0 + offset
    # the same geometry moved to the origin: subtracting the offset is exact here
    ends, pts = ends_far - offset, pts_far - offset
    ids = list(np.arange(80).reshape(40, 2))  # no noding: it would compute new crossings

    def snapped(lines, xy):
        return snap_points(build_walk_graph(shapely.linestrings(lines), vertex_ids=ids), xy, 1e6)

    near, far = snapped(ends, pts), snapped(ends_far, pts_far)
    np.testing.assert_array_equal(far.edge, near.edge)
    np.testing.assert_allclose(far.snap_m, near.snap_m, rtol=0, atol=1e-11)
