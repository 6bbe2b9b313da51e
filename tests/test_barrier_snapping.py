"""Snapping to the main walk network only, never across water or a surface railway."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from lifecircle.analyses.access import build_network
from lifecircle.analyses.snapping_summary import snapping_lines, snapping_summary
from lifecircle.cli import main
from lifecircle.layers.barriers import (
    barrier_railways,
    barrier_water,
    railway_stations,
    walk_barriers,
)
from lifecircle.layers.geofabrik import read_geofabrik
from lifecircle.layers.layerset import LayerSet
from lifecircle.layers.osm import read_osm
from lifecircle.maps.mapdata import surface_railways
from lifecircle.spatial.barriers import BARRIER_TOLERANCE_M, make_barriers
from lifecircle.spatial.errors import LifecircleError
from lifecircle.spatial.graph import build_walk_graph, main_network_edges
from lifecircle.spatial.snapping import SnapTargets, snap_points
from tests.osm_fixtures import grid_osm, lonlat

CRS = "EPSG:32651"  # any metric CRS will do: coordinates are local metres

# Two streets 200 m apart joined by a bridge at x = 0, with 1 km of side streets so
# the pair is clearly the largest component. The river runs from y = 20 to y = 60,
# close to the south street.
SOUTH = shapely.LineString([(0, 0), (1000, 0)])
NORTH = shapely.LineString([(0, 200), (1000, 200)])
BRIDGE = shapely.LineString([(0, 0), (0, 200)])
RIVER = shapely.box(-100, 20, 1100, 60)
RAIL_Y = 40.0


def _graph(*extra: shapely.LineString):
    return build_walk_graph([SOUTH, NORTH, BRIDGE, *extra])


def _snap(lines, xy, barriers=(), max_snap_m=250.0, eligible=None):
    graph = build_walk_graph(list(lines))
    mask = main_network_edges(graph) if eligible is None else eligible
    targets = SnapTargets(graph, mask, make_barriers(list(barriers)))
    return graph, snap_points(targets, xy, max_snap_m)


# --- main network ------------------------------------------------------------------


def test_main_network_is_the_largest_component_plus_large_ones():
    far = 100_000.0
    island = [shapely.LineString([(far, 0), (far + 500, 0)]),  # 1.1 km of streets
              shapely.LineString([(far, 100), (far + 500, 100)]),
              shapely.LineString([(far, 0), (far, 100)])]
    driveway = shapely.LineString([(500, 30), (520, 30)])
    graph = build_walk_graph([SOUTH, NORTH, BRIDGE, driveway, *island])  # main: 2.2 km
    x = graph.node_xy[graph.edge_u, 0]
    y = graph.node_xy[graph.edge_u, 1]
    on_island, on_driveway = x >= far, (x < far) & (y == 30)
    main = main_network_edges(graph, min_component_m=1000.0)
    assert main[on_island].all() and not main[on_driveway].any()
    assert main[~on_island & ~on_driveway].all()
    # the default (5 km) and inf keep the largest component only
    for strict in (main_network_edges(graph), main_network_edges(graph, np.inf)):
        assert strict.tolist() == (~on_island & ~on_driveway).tolist()


def test_point_nearer_a_fragment_snaps_to_the_main_network():
    driveway = shapely.LineString([(500, 30), (520, 30)])  # 5 m from the point
    _, s = _snap([SOUTH, NORTH, BRIDGE, driveway], [[510.0, 25.0], [510.0, 180.0]])
    assert s.ok.all()
    assert s.avoided_fragment.tolist() == [True, False]
    np.testing.assert_allclose(s.snap_m, [25.0, 20.0])
    np.testing.assert_allclose(s.xy[0], [510.0, 0.0])


def test_point_with_only_a_fragment_within_the_limit_is_not_snapped():
    driveway = shapely.LineString([(500, 430), (520, 430)])
    _, s = _snap([SOUTH, NORTH, BRIDGE, driveway], [[510.0, 440.0]], max_snap_m=100.0)
    assert not s.ok[0] and s.edge[0] == -1 and s.avoided_fragment[0]
    assert s.snap_m[0] == pytest.approx(240.0)  # to the main network, beyond the limit


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_snap_to_eligible_edges_matches_brute_force(monkeypatch, seed):
    import lifecircle.spatial.snapping as snapping

    monkeypatch.setattr(snapping, "_ROUNDS", seed - 1)  # 0 forces the STRtree fallback
    rng = np.random.default_rng(seed)
    segs = rng.uniform(0, 2000, (300, 2, 2))
    graph = build_walk_graph(shapely.linestrings(segs))
    eligible = rng.random(graph.n_edges) < 0.3
    xy = rng.uniform(-300, 2300, (500, 2))
    s = snap_points(SnapTargets(graph, eligible), xy, 1e9)
    expected = shapely.distance(shapely.points(xy)[:, None],
                                graph.edge_geoms[eligible][None, :]).min(axis=1)
    np.testing.assert_allclose(s.snap_m, expected, rtol=0, atol=1e-7)
    assert eligible[s.edge].all()
    nearest_any = shapely.distance(shapely.points(xy)[:, None],
                                   graph.edge_geoms[None, :]).min(axis=1)
    assert (s.avoided_fragment == (nearest_any < expected - 1e-9)).all()


# --- barriers ----------------------------------------------------------------------


def test_point_beside_a_river_snaps_to_its_own_bank():
    # (500, 70) is 70 m from the south street across the river, 130 m from its own
    _, s = _snap([SOUTH, NORTH, BRIDGE], [[500.0, 70.0], [500.0, 10.0]], [RIVER])
    assert s.ok.all()
    assert s.avoided_barrier.tolist() == [True, False]
    np.testing.assert_allclose(s.xy, [[500.0, 200.0], [500.0, 0.0]])
    np.testing.assert_allclose(s.snap_m, [130.0, 10.0])


def test_river_centre_line_is_a_barrier_too():
    river_line = shapely.LineString([(-100, 40), (1100, 40)])
    _, s = _snap([SOUTH, NORTH, BRIDGE], [[500.0, 70.0]], [river_line])
    np.testing.assert_allclose(s.xy, [[500.0, 200.0]])


def test_point_beside_a_surface_railway_snaps_to_its_own_side():
    rail = shapely.LineString([(-100, RAIL_Y), (1100, RAIL_Y)])
    _, s = _snap([SOUTH, NORTH, BRIDGE], [[500.0, 70.0], [500.0, 30.0]], [rail])
    np.testing.assert_allclose(s.xy, [[500.0, 200.0], [500.0, 0.0]])
    assert s.avoided_barrier.tolist() == [True, False]


def test_point_with_no_clear_edge_within_the_limit_is_reported():
    _, s = _snap([SOUTH, NORTH, BRIDGE], [[500.0, 70.0]], [RIVER], max_snap_m=100.0)
    assert not s.ok[0] and s.edge[0] == -1 and np.isnan(s.fraction[0])
    assert s.avoided_barrier[0] and not s.avoided_fragment[0]
    assert s.snap_m[0] == pytest.approx(70.0)  # the nearest edge, across the river


def test_a_point_inside_water_is_not_barred_by_that_water():
    # a pier in the river, 30 m from the bridge: the river that holds it does not bar it
    pier = [[30.0, 45.0]]
    _, s = _snap([SOUTH, NORTH, BRIDGE], pier, [RIVER])
    assert s.ok[0] and not s.avoided_barrier[0]
    np.testing.assert_allclose(s.xy[0], [0.0, 45.0])
    # ... but other barriers still do: a railway along the bridge's east side
    rail = shapely.LineString([(10, -50), (10, 300)])
    _, s = _snap([SOUTH, NORTH, BRIDGE], pier, [RIVER, rail])
    assert s.avoided_barrier[0]
    np.testing.assert_allclose(s.xy[0], [30.0, 0.0])


def test_touching_a_barrier_at_either_end_is_not_crossing():
    quay = shapely.box(-100, -30, 1100, 0)  # water up to the south street's centre line
    rail = shapely.LineString([(450, -50), (550, 50)])  # a level crossing at (500, 0)
    _, s = _snap([SOUTH, NORTH, BRIDGE], [[600.0, 40.0], [500.0, 30.0]], [quay, rail])
    assert s.ok.all() and not s.avoided_barrier.any()
    np.testing.assert_allclose(s.xy, [[600.0, 0.0], [500.0, 0.0]])
    # a connector just longer than the tolerance still crosses a line in its middle
    short = make_barriers([shapely.LineString([(0, 1.5), (10, 1.5)])])
    start, end = np.array([[5.0, 3.0]]), np.array([[5.0, 0.0]])
    assert 2 * BARRIER_TOLERANCE_M < 3.0
    assert short.blocked(start, end).tolist() == [True]


@pytest.mark.parametrize("scale", [3.0, 40.0, 400.0, 30_000.0])
def test_blocked_connectors_match_a_direct_geometric_test(scale):
    # the cell screen must never hide a crossing: short barriers clipping cell corners,
    # connectors far longer and far shorter than a cell, points inside water areas
    rng = np.random.default_rng(int(scale))
    starts = rng.uniform(0, 10 * scale, (40, 2))
    walls = shapely.linestrings(np.stack([starts, starts + rng.normal(0, scale, (40, 2))], 1))
    ponds = shapely.buffer(shapely.points(rng.uniform(0, 10 * scale, (8, 2))), scale)
    geoms = np.concatenate([walls, ponds])
    barriers = make_barriers(geoms)
    start = rng.uniform(-scale, 11 * scale, (3000, 2))
    end = start + rng.normal(0, 2 * scale, (3000, 2))
    # and short connectors through points of the walls, wherever they fall in a cell
    on_wall = shapely.get_coordinates(shapely.line_interpolate_point(
        walls[rng.integers(0, walls.size, 3000)], rng.random(3000), normalized=True))
    half = rng.normal(0, 1, (3000, 2))
    half *= ((2 + rng.random(3000)) * BARRIER_TOLERANCE_M / np.hypot(*half.T))[:, None]
    start, end = np.vstack([start, on_wall - half]), np.vstack([end, on_wall + half])
    got = barriers.blocked(start, end)

    along = end - start
    length = np.hypot(*along.T)
    unit = along / length[:, None]
    trimmed = shapely.linestrings(np.stack([start + unit * BARRIER_TOLERANCE_M,
                                            end - unit * BARRIER_TOLERANCE_M], axis=1))
    hits = shapely.intersects(trimmed[:, None], geoms[None, :])
    holds = np.zeros_like(hits)
    holds[:, walls.size:] = shapely.contains_xy(ponds[None, :], start[:, :1], start[:, 1:])
    expected = (hits & ~holds).any(axis=1) & (length > 2 * BARRIER_TOLERANCE_M)
    assert got.tolist() == expected.tolist()
    assert 0 < expected.sum() < expected.size


def test_nearest_clear_edge_matches_brute_force(monkeypatch):
    import lifecircle.spatial.snapping as snapping

    # one candidate per round and tiny batches: every loop runs many times
    monkeypatch.setattr(snapping, "_FIRST_TRIES", 1)
    monkeypatch.setattr(snapping, "_RETRY_POINTS", 7)
    rng = np.random.default_rng(7)
    graph = build_walk_graph(shapely.linestrings(rng.uniform(0, 1500, (250, 2, 2))))
    eligible = main_network_edges(graph, min_component_m=300.0)
    walls = shapely.linestrings(rng.uniform(0, 1500, (60, 2, 2)))
    ponds = shapely.buffer(shapely.points(rng.uniform(0, 1500, (10, 2))), 60.0)
    barriers = make_barriers(np.concatenate([walls, ponds]))
    xy = rng.uniform(-100, 1600, (400, 2))
    limit = 120.0
    s = snap_points(SnapTargets(graph, eligible, barriers), xy, limit)

    edges = np.flatnonzero(eligible)
    pts = shapely.points(xy)
    moved = 0
    for i in range(xy.shape[0]):
        dist = shapely.distance(pts[i], graph.edge_geoms[edges])
        order = np.argsort(dist, kind="stable")
        order = order[dist[order] <= limit]
        ends = shapely.get_coordinates(
            shapely.line_interpolate_point(graph.edge_geoms[edges[order]],
                                           shapely.line_locate_point(graph.edge_geoms[edges[order]],
                                                                     pts[i])))
        clear = ~barriers.blocked(np.repeat(xy[i][None], order.size, axis=0), ends)
        if not clear.any():
            assert not s.ok[i]
            continue
        assert s.ok[i]
        assert s.snap_m[i] == pytest.approx(dist[order[np.argmax(clear)]], abs=1e-6)
        moved += int(not clear[0])
    assert moved > 5 and (~s.ok).sum() > 5  # the test covers both outcomes


def test_make_barriers_refuses_points_and_non_geometries():
    assert len(make_barriers([None, shapely.LineString(), RIVER])) == 1
    with pytest.raises(LifecircleError, match="only lines and polygons"):
        make_barriers([shapely.Point(0, 0)])
    with pytest.raises(LifecircleError, match="only lines and polygons"):
        make_barriers([shapely.GeometryCollection([RIVER, shapely.Point(0, 0)])])
    with pytest.raises(LifecircleError, match="not a shapely geometry"):
        make_barriers(["river"])


def test_snap_targets_check_the_mask():
    graph = _graph()
    with pytest.raises(LifecircleError, match="bool mask"):
        SnapTargets(graph, np.ones(2, dtype=bool))
    with pytest.raises(LifecircleError, match="No edge"):
        SnapTargets(graph, np.zeros(graph.n_edges, dtype=bool))


# --- from a LayerSet -----------------------------------------------------------------


def _layerset(railways=None, water=None) -> LayerSet:
    roads = gpd.GeoDataFrame(
        {"road_id": ["s", "n", "b", "d"], "highway": "residential", "name": None,
         "foot": None, "layer": 0},
        geometry=[SOUTH, NORTH, BRIDGE, shapely.LineString([(300, 24), (320, 24)])], crs=CRS,
    )
    demand = gpd.GeoDataFrame(
        {"demand_id": ["north-bank", "south-bank", "by-driveway"], "residents": [100.0, 50.0, 7.0],
         "elderly": 0.0, "children": 0.0, "unit_id": "u", "source": "grid"},
        geometry=shapely.points([[500.0, 70.0], [500.0, 10.0], [310.0, 28.0]]), crs=CRS,
    )
    facilities = gpd.GeoDataFrame(
        {"facility_id": ["kg-1"], "category": "kindergarten", "name": "北岸幼儿园",
         "capacity": np.nan, "floor_area_m2": np.nan, "source": "test", "tags": "{}"},
        geometry=shapely.points([[700.0, 65.0]]), crs=CRS,
    )
    boundary = gpd.GeoDataFrame({"unit_id": ["u"], "name": ["u"], "name_en": ["u"]},
                                geometry=[shapely.box(-50, -50, 1050, 250)], crs=CRS)
    return LayerSet(crs=CRS, boundary=boundary, roads=roads, demand=demand,
                    facilities=facilities, railways=railways, water=water)


def _railways(**flags) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"railway_id": ["r"], "kind": ["rail"], "name": ["京沪线"],
         **{k: [v] for k, v in flags.items()}},
        geometry=[shapely.LineString([(-100, RAIL_Y), (1100, RAIL_Y)])], crs=CRS,
    )


def test_build_network_keeps_points_on_their_side_and_off_fragments():
    network = build_network(_layerset(railways=_railways()), max_snap_m=250.0)
    d = network.demand
    np.testing.assert_allclose(d.xy[:2], [[500.0, 200.0], [500.0, 0.0]])
    assert d.avoided_barrier.tolist() == [True, False, False]
    assert d.avoided_fragment.tolist() == [False, False, True]  # the driveway is 4 m away
    assert network.facilities.avoided_barrier[0]
    np.testing.assert_allclose(network.facilities.xy[0], [700.0, 200.0])
    # candidate sites snap by the same rules
    np.testing.assert_allclose(network.snap([[500.0, 70.0]]).xy, [[500.0, 200.0]])

    summary = snapping_summary(network, _layerset(railways=_railways()))
    assert summary["demand_moved_for_barrier"] == 1
    assert summary["residents_moved_for_barrier"] == 100.0
    assert summary["demand_kept_off_fragments"] == 1
    assert summary["residents_kept_off_fragments"] == 7.0
    assert summary["facility_ids_moved_for_barrier"] == ["kg-1"]
    assert summary["barrier_features"] == 1
    en = snapping_lines(summary, "en")
    zh = snapping_lines(summary, "zh")
    assert len(en) == len(zh) == 2
    assert any("1 demand points (100 residents) and 1 facilities" in line for line in en)
    assert any("本侧道路" in line for line in zh)


def test_a_railway_station_is_reached_across_its_railway_but_not_across_water():
    layers = _layerset(railways=_railways())
    station = layers.facilities.iloc[[0]].assign(
        facility_id="station", category="transit", tags=json.dumps({"railway": "station"}))
    geofabrik = station.assign(facility_id="gf", tags=json.dumps({"fclass": "railway_station"}))
    river = gpd.GeoDataFrame({"water_id": ["w"], "kind": ["water"], "name": ["河"]},
                             geometry=[shapely.box(-100, 150, 1100, 170)], crs=CRS)
    facilities = gpd.GeoDataFrame(pd.concat([layers.facilities, station, geofabrik],
                                            ignore_index=True), crs=CRS)
    assert railway_stations(facilities).tolist() == [False, True, True]
    # (700, 65): 65 m from the south street across the railway; the north street is
    # 135 m away but a river runs along it, so only the station may cross the railway
    layers = _layerset(railways=_railways(), water=river).with_layers(facilities=facilities)
    f = build_network(layers, max_snap_m=250.0).facilities
    np.testing.assert_allclose(f.xy[1:], [[700.0, 0.0], [700.0, 0.0]])
    assert f.ok.tolist() == [False, True, True]
    assert f.avoided_barrier.tolist() == [True, False, False]


@pytest.mark.parametrize("flags", [{"tunnel": True}, {"bridge": True}, {"tunnel": "yes"},
                                   {"bridge": "T"}])
def test_railways_in_tunnels_or_on_bridges_are_not_barriers(flags):
    network = build_network(_layerset(railways=_railways(**flags)), max_snap_m=250.0)
    np.testing.assert_allclose(network.demand.xy[0], [500.0, 0.0])
    assert not network.demand.avoided_barrier.any()


def test_which_features_are_barriers():
    line = shapely.LineString([(0, 0), (10, 0)])
    rail = gpd.GeoDataFrame(
        {"kind": ["rail", "subway", "subway", "tram", "rail", "light_rail", "rail"],
         "tunnel": [False, True, None, False, np.nan, "F", "no"],
         "bridge": [False, False, False, False, "viaduct", None, None]},
        geometry=[line] * 7, crs=CRS,
    )
    assert barrier_railways(rail).tolist() == [True, False, True, False, False, True, True]
    no_flags = rail[["kind", "geometry"]]
    assert barrier_railways(no_flags).tolist() == [True, True, True, False, True, True, True]
    water = gpd.GeoDataFrame(
        {"fclass": ["riverbank", "river", "canal", "stream", "drain", None, "river"],
         "tunnel": [None, None, None, None, None, None, "culvert"]},
        geometry=[RIVER, line, line, line, line, line, line], crs=CRS,
    )
    assert barrier_water(water).tolist() == [True, True, True, False, False, True, False]
    # a point in the water layer is not a barrier, and does not break the run
    points = gpd.GeoDataFrame({"fclass": ["water"]}, geometry=[shapely.Point(0, 0)], crs=CRS)
    assert barrier_water(points).tolist() == [False]
    layers = _layerset(railways=rail, water=pd.concat([water, points]))
    assert len(walk_barriers(layers)) == 4 + 4


def test_maps_draw_only_surface_railways():
    rail = pd.concat([_railways(tunnel=False, bridge=False), _railways(tunnel=True),
                      _railways(bridge=True)], ignore_index=True)
    rail["railway_id"] = ["surface", "tunnel", "bridge"]
    drawn = surface_railways(_layerset(railways=gpd.GeoDataFrame(rail, crs=CRS)))
    assert drawn["railway_id"].tolist() == ["surface"]


# --- readers keep tunnel and bridge ------------------------------------------------------


def test_osm_reader_keeps_tunnels_bridges_and_waterway_classes(tmp_path):
    def way(way_id: int, tags: dict[str, str]) -> str:
        a, b = 2 * way_id + 100, 2 * way_id + 101
        lon_a, lat_a = lonlat(0, way_id * 10)
        lon_b, lat_b = lonlat(500, way_id * 10)
        tag_xml = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
        return (f'<node id="{a}" lat="{lat_a:.7f}" lon="{lon_a:.7f}"/>'
                f'<node id="{b}" lat="{lat_b:.7f}" lon="{lon_b:.7f}"/>'
                f'<way id="{way_id}"><nd ref="{a}"/><nd ref="{b}"/>{tag_xml}</way>')

    ways = [
        {"railway": "rail"},
        {"railway": "subway", "tunnel": "yes", "layer": "-2"},
        {"railway": "subway", "layer": "-1"},  # underground without a tunnel tag
        {"railway": "subway", "layer": "-1", "tunnel": "no"},
        {"railway": "rail", "bridge": "viaduct", "layer": "1"},
        {"waterway": "river", "name": "苏州河"},
        {"waterway": "drain", "tunnel": "culvert"},
    ]
    path = tmp_path / "rail.osm"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6">'
                    + "".join(way(i + 1, tags) for i, tags in enumerate(ways)) + "</osm>\n",
                    encoding="utf-8")
    raw = read_osm(path)
    rail = raw.railways.sort_values("railway_id")
    assert rail["tunnel"].tolist() == [False, True, True, False, False]
    assert rail["bridge"].tolist() == [False, False, False, False, True]
    water = raw.water.sort_values("water_id")
    assert water["fclass"].tolist() == ["river", "drain"]
    assert water["tunnel"].tolist() == [False, True]


def test_geofabrik_reader_keeps_tunnels_and_bridges(tmp_path):
    line = shapely.LineString([(121.44, 31.26), (121.45, 31.26)])
    frame = gpd.GeoDataFrame(
        {"osm_id": ["1", "2", "3", "4"], "code": 6101,
         "fclass": ["rail", "subway", "subway", "rail"], "name": ["京沪线", "13号线", "", ""],
         "layer": [0, -8, -1, 1], "bridge": ["F", "F", "F", "T"], "tunnel": ["F", "T", "F", "F"]},
        geometry=[line] * 4, crs="EPSG:4326",
    )
    pyogrio.write_dataframe(frame, tmp_path / "gis_osm_railways_free_1.shp")
    rail = read_geofabrik(tmp_path).railways
    assert rail["tunnel"].tolist() == [False, True, True, False]  # layer -1 subway: below ground
    assert rail["bridge"].tolist() == [False, False, False, True]
    assert barrier_railways(rail).tolist() == [True, False, False, False]


# --- the run reports it ------------------------------------------------------------------


def test_run_reports_snapping_on_stderr_and_in_summary(tmp_path, capsys):
    osm = grid_osm(tmp_path / "grid.osm",
                   facilities=[(250, 220, {"amenity": "kindergarten", "name": "铁路北幼儿园"})])
    # a surface railway 15 m north of the street y = 200, with a level crossing at every street
    a_lon, a_lat = lonlat(-50, 215)
    b_lon, b_lat = lonlat(550, 215)
    rail = (f'<node id="9001" lat="{a_lat:.7f}" lon="{a_lon:.7f}"/>'
            f'<node id="9002" lat="{b_lat:.7f}" lon="{b_lon:.7f}"/>'
            '<way id="9001"><nd ref="9001"/><nd ref="9002"/><tag k="railway" v="rail"/></way>')
    osm.write_text(osm.read_text(encoding="utf-8").replace("</osm>", rail + "</osm>"),
                   encoding="utf-8")
    west, south = lonlat(-20, -20)
    east, north = lonlat(520, 520)
    out = tmp_path / "run"
    code = main(["run", "--osm", str(osm), "--bbox", f"{west},{south},{east},{north}",
                 "--out", str(out), "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 0, err
    snapping = json.loads((out / "summary.json").read_text(encoding="utf-8"))["snapping"]
    assert snapping["facilities_moved_for_barrier"] == 1
    assert snapping["facility_ids_moved_for_barrier"] == [
        f for f in snapping["facility_ids_moved_for_barrier"] if f.startswith("osm:node/")]
    assert snapping["barrier_features"] == 1
    assert "snapped to a road on their own side of water or a surface railway" in err
