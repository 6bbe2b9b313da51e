"""Pedestrian areas (squares, plazas) are walkable: along their outline and across."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from scipy.sparse.csgraph import dijkstra

from lifecircle.cli import main
from lifecircle.layers.osm import read_osm
from lifecircle.spatial.crs import local_metric_crs
from lifecircle.spatial.graph import build_walk_graph, walkable_mask
from tests.osm_fixtures import ORIGIN_LAT, ORIGIN_LON, write_osm

WEST_MID, EAST_MID = 2, 12
DETOUR_M = 500 + 100 + 500  # up the west street, across the north road, down the east one
STREETS = {
    # west street x=0 and east street x=100, joined only far north (y=600)
    1: (0, 0),
    2: (0, 100),
    3: (0, 600),
    11: (100, 0),
    12: (100, 100),
    13: (100, 600),
}
STREET_WAYS = [
    (1, [1, 2, 3], {"highway": "residential"}),
    (2, [11, 12, 13], {"highway": "residential"}),
    (3, [3, 13], {"highway": "residential"}),
]


def _walk_m(path, a: int = WEST_MID, b: int = EAST_MID) -> float:
    """Shortest walk (m) between two OSM nodes over the walkable lines read from ``path``."""
    roads = read_osm(path).roads
    roads = roads[walkable_mask(roads["highway"], roads["foot"], roads["access"])]
    metric = roads.to_crs(local_metric_crs(ORIGIN_LON, ORIGIN_LAT))
    graph = build_walk_graph(metric.geometry.values, vertex_ids=list(metric["vertex_ids"]))
    start = int(np.flatnonzero(graph.node_id == a)[0])
    end = int(np.flatnonzero(graph.node_id == b)[0])
    return float(dijkstra(graph.adjacency, directed=False, indices=start)[end])


@pytest.mark.parametrize("highway", ["pedestrian", "footway"])
def test_a_plaza_way_between_two_streets_is_crossed_straight(tmp_path, highway):
    # a diamond plaza whose west and east corners are nodes of the two streets
    nodes = {**STREETS, 21: (50, 60), 22: (50, 140)}
    plaza = (30, [WEST_MID, 21, EAST_MID, 22, WEST_MID], {"highway": highway, "area": "yes"})
    path = write_osm(tmp_path / "plaza.osm", nodes, [*STREET_WAYS, plaza])
    assert _walk_m(write_osm(tmp_path / "none.osm", STREETS, STREET_WAYS)) == pytest.approx(
        DETOUR_M, rel=0.01
    )
    assert _walk_m(path) == pytest.approx(100, rel=0.01)
    closed = (30, plaza[1], {**plaza[2], "access": "private"})
    private = write_osm(tmp_path / "private.osm", nodes, [*STREET_WAYS, closed])
    assert _walk_m(private) == pytest.approx(DETOUR_M, rel=0.01)  # nor across it


def test_a_multipolygon_plaza_with_a_hole_is_walked_around_the_hole(tmp_path):
    # square plaza from y=50 to 150 with a fountain (inner ring) right on the straight line
    nodes = {
        **STREETS,
        21: (0, 50),
        22: (100, 50),
        23: (100, 150),
        24: (0, 150),
        31: (40, 90),
        32: (60, 90),
        33: (60, 110),
        34: (40, 110),
    }
    ways = [
        *STREET_WAYS,
        (40, [21, 22, EAST_MID, 23, 24, WEST_MID, 21], {}),
        (41, [31, 32, 33, 34, 31], {}),
    ]
    relation = (
        50,
        [("way", 40, "outer"), ("way", 41, "inner")],
        {"type": "multipolygon", "highway": "pedestrian", "name": "测试广场"},
    )
    path = write_osm(tmp_path / "square.osm", nodes, ways, [relation])
    raw = read_osm(path)
    assert (raw.roads["name"] == "测试广场").any()
    # the straight crossing would pass through the fountain, so there is none
    assert not raw.roads["road_id"].str.contains("#cross").any()
    assert _walk_m(path) == pytest.approx(50 + 100 + 50, rel=0.02)  # along the outline


def test_crossings_join_every_pair_of_entrances_and_stay_inside(tmp_path):
    # a concave (L-shaped) plaza touched by four streets at its corners
    corners = {2: (0, 100), 12: (100, 100), 41: (100, 200), 42: (50, 200), 43: (50, 150)}
    nodes = {**STREETS, **corners, 44: (0, 150), 51: (50, 300), 52: (100, 300), 53: (-50, 150)}
    plaza = (30, [2, 12, 41, 42, 43, 44, 2], {"highway": "pedestrian", "area": "yes"})
    spurs = [
        (4, [42, 51], {"highway": "footway"}),
        (5, [41, 52], {"highway": "footway"}),
        (6, [44, 53], {"highway": "footway"}),
    ]
    raw = read_osm(write_osm(tmp_path / "l.osm", nodes, [*STREET_WAYS, *spurs, plaza]))
    crossings = raw.roads[raw.roads["road_id"].str.contains("#cross")]
    ends = {tuple(sorted(ids)) for ids in crossings["vertex_ids"]}
    polygon = shapely.Polygon([nodes[n] for n in (2, 12, 41, 42, 43, 44)])
    entrances = [2, 12, 41, 42, 44]
    inside = {
        tuple(sorted((a, b)))
        for i, a in enumerate(entrances)
        for b in entrances[i + 1 :]
        if polygon.buffer(0.01).covers(shapely.LineString([nodes[a], nodes[b]]))
    }
    assert ends == inside
    assert (44, 41) not in ends and (41, 44) not in ends  # that line would leave the L
    assert len(inside) < 10


def test_a_run_walks_across_the_plaza(tmp_path):
    """End to end: a home west of the plaza reaches a kindergarten east of it straight across."""
    nodes = {
        **STREETS,
        21: (50, 60),
        22: (50, 140),
        # inside the study area (the roads' bounds), 10 m east of the west street
        **{30 + k: xy for k, xy in enumerate([(10, 20), (30, 20), (30, 40), (10, 40)])},
        99: (130, 100, {"amenity": "kindergarten"}),
    }
    plaza = (30, [WEST_MID, 21, EAST_MID, 22, WEST_MID], {"highway": "pedestrian", "area": "yes"})
    home = (40, [30, 31, 32, 33, 30], {"building": "apartments"})
    path = write_osm(tmp_path / "run.osm", nodes, [*STREET_WAYS, plaza, home])
    out = tmp_path / "out"
    assert main(["run", "--quiet", "--osm", str(path), "--out", str(out)]) == 0
    demand = gpd.read_file(out / "results.gpkg", layer="demand")
    home_row = demand[demand["source"] == "building"]
    assert len(home_row) == 1
    # 10 m to the street, 70 m up it, 100 m across, 30 m to the kindergarten: not 1.2 km round
    assert float(home_row["min_kindergarten"].iloc[0]) == pytest.approx(210 / 60, abs=0.5)
