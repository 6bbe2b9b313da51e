"""Yichuan Road on real OSM data: nobody snaps across Suzhou Creek or a surface railway.

Skips on a machine without ../shared/data; fails under CI=true (see conftest.py).
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from lifecircle.analyses.access import build_network
from lifecircle.layers.barriers import barrier_railways, railway_stations
from lifecircle.maps.mapdata import surface_railways
from lifecircle.spatial.graph import main_network_edges
from lifecircle.spatial.snapping import SnapTargets, snap_points
from tests.test_real_data import yichuan_layerset  # noqa: F401 - a fixture

METRO_IN_TUNNELS = ("1号线", "7号线", "8号线", "12号线", "13号线", "14号线")


@pytest.fixture(scope="module")
def yichuan(yichuan_layerset):  # noqa: F811 - the imported fixture
    layerset, profile = yichuan_layerset
    return layerset, build_network(layerset, float(profile.max_snap_m.value))


def _creek(layerset) -> shapely.Geometry:
    """Suzhou Creek: its centre line and every water area it runs through."""
    water = layerset.water
    line = water[water["name"] == "苏州河"].geometry.union_all()
    areas = water[(water.geom_type.isin(["Polygon", "MultiPolygon"])) & water.intersects(line)]
    assert len(areas) >= 1
    return shapely.union(line, areas.geometry.union_all())


def _surface_rail(layerset) -> shapely.Geometry:
    rail = layerset.railways
    surface = ~rail["tunnel"].astype(bool) & ~rail["bridge"].astype(bool)
    return rail[surface & rail["kind"].isin(["rail", "subway"])].geometry.union_all()


def _crosses(snapped, barrier: shapely.Geometry) -> np.ndarray:
    """Connectors of snapped points that cross ``barrier`` (1 m at each end spared)."""
    ok = np.flatnonzero(snapped.ok)
    start, end = snapped.point_xy[ok], snapped.xy[ok]
    along = end - start
    length = np.hypot(*along.T)
    long_enough = length > 2.0
    unit = along / np.where(length > 0, length, 1.0)[:, None]
    connectors = shapely.linestrings(np.stack([start + unit, end - unit], axis=1))
    inside = shapely.contains_xy(barrier, *start.T)  # on a pier: that water does not bar it
    out = np.zeros(snapped.ok.size, dtype=bool)
    out[ok] = long_enough & ~inside & shapely.intersects(connectors, barrier)
    return out


def test_no_demand_point_or_facility_snaps_across_the_creek_or_a_surface_railway(yichuan):
    layerset, network = yichuan
    creek, rail = _creek(layerset), _surface_rail(layerset)
    for snapped in (network.demand, network.facilities):
        assert not _crosses(snapped, creek).any()
    assert not _crosses(network.demand, rail).any()
    # a railway station is reached from either side of its tracks
    stations = railway_stations(layerset.facilities)
    assert stations.sum() >= 5
    assert not _crosses(network.facilities, rail)[~stations].any()


def test_the_barriers_changed_real_snaps(yichuan):
    """Snapped to the nearest main-network edge alone, riverside and trackside cells
    cross; with barriers they are moved to their own side or reported."""
    layerset, network = yichuan
    graph = network.graph
    naive = snap_points(SnapTargets(graph, main_network_edges(graph)), network.demand.point_xy,
                        network.demand.max_snap_m)
    creek, rail = _creek(layerset), _surface_rail(layerset)
    across_creek, across_rail = _crosses(naive, creek), _crosses(naive, rail)
    assert across_creek.sum() >= 3 and across_rail.sum() >= 3
    handled = network.demand.avoided_barrier
    assert handled[across_creek | across_rail].all()
    moved = handled & network.demand.ok
    assert (network.demand.snap_m[moved] > naive.snap_m[moved]).all()
    # the rest of the snaps did not change
    same = ~handled & ~network.demand.avoided_fragment
    np.testing.assert_array_equal(network.demand.edge[same], naive.edge[same])


def test_points_left_unsnapped_have_no_clear_road_within_the_limit(yichuan):
    layerset, network = yichuan
    d = network.demand
    blocked = np.flatnonzero(~d.ok & d.avoided_barrier)
    graph, targets = network.graph, network.targets
    edges = np.flatnonzero(targets.eligible) if targets.eligible is not None else np.arange(
        graph.n_edges)
    barrier = shapely.union(_creek(layerset), _surface_rail(layerset))
    for i in blocked:
        point = shapely.Point(d.point_xy[i])
        dist = shapely.distance(point, graph.edge_geoms[edges])
        near = edges[dist <= d.max_snap_m]
        assert near.size > 0  # roads are within the limit, all of them across a barrier
        foot = shapely.line_interpolate_point(
            graph.edge_geoms[near], shapely.line_locate_point(graph.edge_geoms[near], point))
        ends = shapely.get_coordinates(foot)
        start = np.repeat(d.point_xy[i][None], near.size, axis=0)
        along = ends - start
        unit = along / np.hypot(*along.T)[:, None]
        connectors = shapely.linestrings(np.stack([start + unit, ends - unit], axis=1))
        assert shapely.intersects(connectors, barrier).all()


def test_metro_lines_in_tunnels_are_not_barriers_or_drawn(yichuan):
    layerset, _ = yichuan
    rail = layerset.railways
    names = rail["name"].fillna("")
    metro = names.str.contains("|".join(METRO_IN_TUNNELS))
    assert metro.sum() >= 4
    assert rail.loc[metro, "tunnel"].astype(bool).all()
    assert not barrier_railways(rail[metro]).any()
    drawn = set(surface_railways(layerset)["railway_id"])
    assert not drawn & set(rail.loc[metro, "railway_id"])
    # the Shanghai-Nanjing railway is at the surface: a barrier, and drawn
    jinghu = rail[names.isin(["京沪线", "沪宁城际线"]) & ~rail["bridge"].astype(bool)]
    assert len(jinghu) and barrier_railways(jinghu).all()
    assert set(jinghu["railway_id"]) <= drawn
    # line 3/4 runs on a viaduct here: the viaduct is no barrier
    viaduct = rail[names.str.contains("3/4号线") & rail["bridge"].astype(bool)]
    assert len(viaduct) and not barrier_railways(viaduct).any()
