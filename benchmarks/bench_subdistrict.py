"""Benchmark of the whole access step (``analyses.access.compute_access``), all categories.

Run from the repository root::

    .venv/bin/python benchmarks/bench_subdistrict.py           # full run (about 8-10 min)
    .venv/bin/python benchmarks/bench_subdistrict.py --quick   # 10k nodes only (smoke test)

What is timed is the project's own entry point: ``compute_access(layerset, profile)`` on a
synthetic :class:`LayerSet` in EPSG:32651, for every category of the Shanghai profile, with
the network built from scratch (graph build, snapping and routing all included). The graph
build / snapping / routing split comes from wrapping ``build_walk_graph``, ``snap_points``
and ``nearest_source`` in the ``analyses.access`` namespace with timers for the duration of
a call (a few function calls of overhead; no file is changed). Snapping includes the one-off
edge grid build, which happens on the first snap. The timing ends with the table of minutes
and of nearest-facility rows; metres and facility ids are views built on first use, timed
apart ("views").

Workload: a jittered street grid (80 m spacing, +-8 m jitter, from ``bench_access.grid_lines``)
cut into OSM-like ways of 10 segments that carry vertex ids; demand points within 60 m of a
street; facilities within 30 m of a street. networkx and pandana do the same job on the same
graph (nearest facility of each category for every demand point, up to each category's
limit); both snap to the nearest NODE, which is simpler than our nearest-edge snapping and
favours them. pandana (AGPL) is never imported here: it runs in a subprocess with the
interpreter given by ``--pandana-python`` when that interpreter can import it.

Competing jobs are interleaved (ours, networkx, pandana, repeated ``--rounds`` times; pandana
only in the first ``--pandana-rounds``, as one round takes minutes) and the best of each is
kept, so load from other processes hits all of them alike. Memory is peak RSS
(VmHWM) in a fresh subprocess per size.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import geopandas as gpd
import pandas as pd
import shapely
from scipy.spatial import cKDTree

import lifecircle.analyses.access as access_mod
from benchmarks.bench_access import (
    SPACING_M,
    grid_lines,
    peak_rss_mb,
    proc_status_mb,
    reset_peak_rss,
)
from lifecircle.analyses.access import build_network, compute_access
from lifecircle.layers.layerset import LayerSet
from lifecircle.spatial.graph import WalkGraph
from lifecircle.standards.profile import Profile, load_profile

CRS = "EPSG:32651"
ORIGIN_M = (350_000.0, 3_450_000.0)  # roughly central Shanghai in UTM 51N
STREET_SPACING_M = 80.0
WAY_SEGMENTS = 10  # segments per OSM-like way
DEMAND_OFFSET_M = 60.0
FACILITY_OFFSET_M = 30.0
SUBDISTRICT_K = 175  # 175 x 175 = 30,625 nodes
SUBDISTRICT_DEMAND = 20_000
CITY_K = 1000  # 1,000,000 nodes
CITY_PER_CATEGORY = 200
SCALING = [(100, 7_000), (316, 70_000), (1000, 1_000_000)]  # (grid side k, demand points)
DEFAULT_PANDANA_PYTHON = "/tmp/benchvenv/bin/python"
PANDANA_MISSING = "pandana not installed (AGPL; install it by hand to compare)"
#: The competing jobs, in the order they run within a round, with their table labels.
JOBS = {
    "ours": "ours",
    "networkx": "networkx, same job (edge snap, metres + nearest facility)",
    "networkx_metres": "networkx, edge snap, metres only",
    "networkx_node": "networkx, node snap, metres only",
    "pandana": "pandana (node snap, metres + nearest facility)",
}

# --------------------------------------------------------------------------- synthetic input




def street_grid(k: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Jittered k x k street nodes in EPSG:32651 metres, (k, k, 2), and their ids, (k, k).

    The grid of ``bench_access.grid_lines`` (100 m, +-10 m jitter) scaled to 80 m spacing.
    """
    _, _, xy = grid_lines(k, seed)
    xy = xy.reshape(k, k, 2) * (STREET_SPACING_M / SPACING_M) + np.asarray(ORIGIN_M)
    return xy, np.arange(k * k, dtype=np.int64).reshape(k, k)


def street_ways(xy: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Cut every grid row and column into ways of ``WAY_SEGMENTS`` segments, with vertex ids."""
    k = ids.shape[0]
    lines: list[np.ndarray] = []
    vertex_ids: list[np.ndarray] = []
    for grid_xy, grid_ids in ((xy, ids), (xy.transpose(1, 0, 2), ids.T)):
        for start in range(0, k - 1, WAY_SEGMENTS):
            stop = min(start + WAY_SEGMENTS, k - 1) + 1
            lines.append(shapely.linestrings(np.ascontiguousarray(grid_xy[:, start:stop])))
            vertex_ids.extend(grid_ids[:, start:stop])
    return np.concatenate(lines), vertex_ids


def near_street_points(
    xy: np.ndarray, count: int, max_offset_m: float, rng: np.random.Generator
) -> np.ndarray:
    """``count`` random points at most ``max_offset_m`` from a random street segment, (count, 2)."""
    k = xy.shape[0]
    along_row = (rng.random(count) < 0.5)[:, None]
    i = rng.integers(0, k, count)
    j = rng.integers(0, k - 1, count)
    a = np.where(along_row, xy[i, j], xy[j, i])
    b = np.where(along_row, xy[i, j + 1], xy[j + 1, i])
    d = b - a
    normal = np.column_stack([-d[:, 1], d[:, 0]]) / np.hypot(d[:, 0], d[:, 1])[:, None]
    offset = rng.uniform(-max_offset_m, max_offset_m, count)[:, None]
    return a + rng.random(count)[:, None] * d + offset * normal


def _object_column(values: list[Any]) -> np.ndarray:
    """1-D object array holding ``values`` as they are (arrays stay arrays)."""
    out = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        out[i] = value
    return out


def synthetic_layerset(
    k: int, n_demand: int, per_category: int | tuple[int, int], categories: list[str],
    seed: int = 0,
) -> LayerSet:
    """A LayerSet in EPSG:32651: k x k street grid, demand points, facilities of every category.

    Parameters
    ----------
    k : int
        Grid side; the network has k * k nodes.
    n_demand : int
        Number of demand points (within 60 m of a street).
    per_category : int or (int, int)
        Facilities per category, or an inclusive random range for each category.
    categories : list of str
        Category ids (the profile's).
    seed : int
        Random seed; the same arguments give the same LayerSet.
    """
    rng = np.random.default_rng(seed)
    xy, ids = street_grid(k, seed)
    lines, vertex_ids = street_ways(xy, ids)
    n_roads = lines.size
    roads = gpd.GeoDataFrame(
        {
            "road_id": [f"w{i}" for i in range(n_roads)],
            "highway": "residential",
            "name": [f"Street {i}" for i in range(n_roads)],
            "foot": None,
            "layer": 0,
            "vertex_ids": _object_column(vertex_ids),
        },
        geometry=lines, crs=CRS,
    )
    dxy = near_street_points(xy, n_demand, DEMAND_OFFSET_M, rng)
    residents = rng.integers(5, 120, n_demand)
    demand = gpd.GeoDataFrame(
        {
            "demand_id": [f"d{i}" for i in range(n_demand)],
            "residents": residents,
            "elderly": np.round(residents * 0.25).astype(np.int64),
            "children": np.round(residents * 0.1).astype(np.int64),
            "unit_id": "u0",
            "source": "grid",
        },
        geometry=gpd.points_from_xy(dxy[:, 0], dxy[:, 1]), crs=CRS,
    )
    if isinstance(per_category, tuple):
        counts = rng.integers(per_category[0], per_category[1] + 1, len(categories))
    else:
        counts = np.full(len(categories), per_category)
    fac_cat = np.repeat(np.asarray(categories, dtype=object), counts)
    fxy = near_street_points(xy, fac_cat.size, FACILITY_OFFSET_M, rng)
    facilities = gpd.GeoDataFrame(
        {
            "facility_id": [f"f{i}" for i in range(fac_cat.size)],
            "category": fac_cat,
            "name": [f"{cat} {i}" for i, cat in enumerate(fac_cat)],
            "capacity": np.nan,
            "floor_area_m2": np.nan,
            "source": "synthetic",
            "tags": "{}",
        },
        geometry=gpd.points_from_xy(fxy[:, 0], fxy[:, 1]), crs=CRS,
    )
    lo, hi = xy.reshape(-1, 2).min(axis=0) - 100.0, xy.reshape(-1, 2).max(axis=0) + 100.0
    boundary = gpd.GeoDataFrame(
        {"unit_id": ["u0"], "name": ["合成街道"], "name_en": ["Synthetic sub-district"]},
        geometry=[shapely.box(*lo, *hi)], crs=CRS,
    )
    return LayerSet(
        crs=CRS, boundary=boundary, roads=roads, demand=demand, facilities=facilities,
        meta={"synthetic": True, "source": "benchmarks/bench_subdistrict.py"},
    )


def point_xy(frame: gpd.GeoDataFrame) -> np.ndarray:
    """(k, 2) coordinates of a point layer."""
    return shapely.get_coordinates(frame.geometry.values)


# --------------------------------------------------------------------------- our access step

_STAGES = {"build_walk_graph": "build_s", "snap_points": "snap_s",
           "nearest_source_by_group": "route_s"}


@contextmanager
def stage_timers() -> Iterator[dict[str, float]]:
    """Time graph build, snapping and routing inside ``compute_access`` (seconds, summed).

    Wraps the three functions in the ``analyses.access`` namespace for the duration of the
    ``with`` block and restores them afterwards.
    """
    times = dict.fromkeys(_STAGES.values(), 0.0)
    originals = {name: getattr(access_mod, name) for name in _STAGES}

    def timed(fn: Callable[..., Any], key: str) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                times[key] += time.perf_counter() - t0

        return wrapper

    for name, key in _STAGES.items():
        setattr(access_mod, name, timed(originals[name], key))
    try:
        yield times
    finally:
        for name, fn in originals.items():
            setattr(access_mod, name, fn)


def timed_access(layerset: LayerSet, profile: Profile) -> tuple[dict[str, float], Any]:
    """``compute_access`` from scratch (network built inside), with its stage times."""
    with stage_timers() as times:
        t0 = time.perf_counter()
        table = compute_access(layerset, profile)
        times["total_s"] = time.perf_counter() - t0
    times["other_s"] = times["total_s"] - times["build_s"] - times["snap_s"] - times["route_s"]
    # metres and facility ids are views of the table, built on first use: timed apart
    t0 = time.perf_counter()
    _ = table.walk_m, table.nearest
    times["views_s"] = time.perf_counter() - t0
    return times, table


def category_limits(profile: Profile) -> dict[str, float]:
    """Walk limit in metres per category, as ``compute_access`` derives it."""
    cap = access_mod.cap_minutes(profile)
    return {cat: cap * 60.0 * rule.speed_mps for cat, rule in profile.rules().items()}


# --------------------------------------------------------------------------- networkx, pandana


def networkx_graph(graph: WalkGraph):
    """An undirected ``networkx.Graph`` of our edges, weights in metres."""
    import networkx as nx

    g = nx.Graph()
    g.add_weighted_edges_from(
        zip(graph.edge_u.tolist(), graph.edge_v.tolist(), graph.edge_length_m.tolist(),
            strict=True)
    )
    return g


def networkx_job(
    graph: WalkGraph, demand_xy: np.ndarray, fac_xy: np.ndarray, fac_cat: np.ndarray,
    limits: dict[str, float],
) -> tuple[dict[str, float], np.ndarray]:
    """The same job with networkx: graph from our edges, node snapping, one search per category.

    Returns the stage times and a (categories, demand) array of metres (inf beyond the limit).
    """
    import networkx as nx

    t0 = time.perf_counter()
    g = networkx_graph(graph)
    t1 = time.perf_counter()
    tree = cKDTree(graph.node_xy)
    d_node = tree.query(demand_xy)[1].tolist()
    f_node = tree.query(fac_xy)[1]
    t2 = time.perf_counter()
    out = np.full((len(limits), len(d_node)), np.inf)
    for c, (cat, limit) in enumerate(limits.items()):
        sources = set(f_node[fac_cat == cat].tolist())
        if not sources:  # networkx refuses an empty source set; nobody is reached
            continue
        dist = nx.multi_source_dijkstra_path_length(g, sources, cutoff=limit, weight="weight")
        out[c] = np.fromiter((dist.get(n, np.inf) for n in d_node), np.float64, len(d_node))
    t3 = time.perf_counter()
    times = {"build_s": t1 - t0, "snap_s": t2 - t1, "route_s": t3 - t2, "total_s": t3 - t0}
    return times, out


def networkx_edge_job(
    graph: WalkGraph, demand_xy: np.ndarray, fac_xy: np.ndarray, fac_cat: np.ndarray,
    limits: dict[str, float], max_snap_m: float, nearest_facility: bool = True,
) -> tuple[dict[str, float], np.ndarray, np.ndarray | None]:
    """The same job as ours, with networkx and shapely, written as an analyst would.

    Snapping is to the nearest EDGE, as ours: ``shapely.STRtree.query_nearest`` (what
    ``osmnx.distance.nearest_edges`` does) and ``line_locate_point`` for the position
    along it. Each category gets one virtual node per facility, joined to its edge's two
    ends, and one search runs from them with ``cutoff=limit``. A demand point then takes
    the shorter way out of its edge, or the direct walk along an edge it shares with a
    facility. Snap distances count, and points beyond the snap limit get nothing, as in
    ours.

    With ``nearest_facility`` (ours always does this) the search is
    ``multi_source_dijkstra``, whose paths start at the facility each node is nearest
    to; without it, the lighter ``multi_source_dijkstra_path_length`` gives metres only.

    Returns
    -------
    times : dict
        Stage times, seconds.
    walk_m : np.ndarray
        (categories, demand) metres, inf beyond the limit.
    facility : np.ndarray or None
        (categories, demand) row of the nearest facility in ``fac_xy``, -1 beyond the
        limit; None without ``nearest_facility``.
    """
    import networkx as nx

    t0 = time.perf_counter()
    g = networkx_graph(graph)
    t1 = time.perf_counter()
    lines = shapely.linestrings(np.stack([graph.node_xy[graph.edge_u],
                                          graph.node_xy[graph.edge_v]], axis=1))
    tree = shapely.STRtree(lines)

    def snap(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        pts = shapely.points(xy)
        point, edge = tree.query_nearest(pts, all_matches=False)
        edge = edge[np.argsort(point)]
        along = shapely.line_locate_point(lines[edge], pts)
        snap_m = shapely.distance(lines[edge], pts)
        return edge, along, snap_m, snap_m <= max_snap_m

    d_edge, d_along, d_snap, d_ok = snap(demand_xy)
    f_edge, f_along, f_snap, f_ok = snap(fac_xy)
    t2 = time.perf_counter()
    n = graph.n_nodes
    length = graph.edge_length_m
    d_u, d_v = graph.edge_u[d_edge], graph.edge_v[d_edge]
    d_off_u = d_snap + d_along
    d_off_v = d_snap + length[d_edge] - d_along
    demand_on_edge: dict[int, list[int]] = {}
    for i, e in enumerate(d_edge.tolist()):
        demand_on_edge.setdefault(e, []).append(i)
    out = np.full((len(limits), len(demand_xy)), np.inf)
    nearest = np.full(out.shape, -1, dtype=np.int64) if nearest_facility else None
    for c, (cat, limit) in enumerate(limits.items()):
        rows = np.flatnonzero((fac_cat == cat) & f_ok)
        if rows.size == 0:  # networkx refuses an empty source set; nobody is reached
            continue
        virtual = [n + j for j in range(rows.size)]
        for node, r in zip(virtual, rows.tolist(), strict=True):
            e = int(f_edge[r])
            g.add_edge(node, int(graph.edge_u[e]), weight=f_snap[r] + f_along[r])
            g.add_edge(node, int(graph.edge_v[e]), weight=f_snap[r] + length[e] - f_along[r])
        if nearest is not None:
            dist, paths = nx.multi_source_dijkstra(g, virtual, cutoff=limit, weight="weight")
        else:
            dist = nx.multi_source_dijkstra_path_length(g, virtual, cutoff=limit,
                                                        weight="weight")
        g.remove_nodes_from(virtual)
        reached = np.fromiter(dist.keys(), np.int64, len(dist))
        at_node = np.full(n + rows.size, np.inf)
        at_node[reached] = np.fromiter(dist.values(), np.float64, len(dist))
        via_u, via_v = at_node[d_u] + d_off_u, at_node[d_v] + d_off_v
        walk = np.minimum(via_u, via_v)
        if nearest is not None:  # every path starts at the facility its node is nearest to
            origin = np.full(n + rows.size, -1, dtype=np.int64)
            origin[reached] = rows[np.fromiter((paths[v][0] for v in dist), np.int64,
                                               len(dist)) - n]
            fac = np.where(via_u <= via_v, origin[d_u], origin[d_v])
        for r in rows.tolist():  # the direct walk along a shared edge
            e = int(f_edge[r])
            for i in demand_on_edge.get(e, ()):
                direct = f_snap[r] + abs(f_along[r] - d_along[i]) + d_snap[i]
                if direct < walk[i]:
                    walk[i] = direct
                    if nearest is not None:
                        fac[i] = r
        beyond = ~d_ok | (walk > limit)
        walk[beyond] = np.inf
        out[c] = walk
        if nearest is not None:
            fac[beyond] = -1
            nearest[c] = fac
    t3 = time.perf_counter()
    times = {"build_s": t1 - t0, "snap_s": t2 - t1, "route_s": t3 - t2, "total_s": t3 - t0}
    return times, out, nearest


#: Run by the pandana interpreter (its own venv): argv = input .npz, output .npy.
PANDANA_WORKER = """
import json, sys, time
import numpy as np, pandas as pd
import pandana
from pandana import Network
z = np.load(sys.argv[1])
node_xy, limits, fac_cat, fxy, dxy = (z[k] for k in
                                      ("node_xy", "limits", "fac_cat", "fac_xy", "demand_xy"))
t0 = time.perf_counter()
net = Network(pd.Series(node_xy[:, 0]), pd.Series(node_xy[:, 1]),
              pd.Series(z["edge_u"].astype(np.int64)), pd.Series(z["edge_v"].astype(np.int64)),
              pd.DataFrame({"w": z["edge_w"]}), twoway=True)
t1 = time.perf_counter()
d_node = net.get_node_ids(pd.Series(dxy[:, 0]), pd.Series(dxy[:, 1])).to_numpy()
t2 = time.perf_counter()
out = np.full((limits.size, d_node.size), np.inf)
for c, limit in enumerate(limits.tolist()):
    rows = np.flatnonzero(fac_cat == c)
    pd_x, pd_y = pd.Series(fxy[rows, 0]), pd.Series(fxy[rows, 1])
    net.set_pois(f"c{c}", limit, 1, pd_x, pd_y)
    res = net.nearest_pois(limit, f"c{c}", num_pois=1, max_distance=np.inf,
                           include_poi_ids=True)
    out[c] = res[1].loc[d_node].to_numpy()
t3 = time.perf_counter()
np.save(sys.argv[2], out)
print(json.dumps({"version": pandana.__version__, "build_s": t1 - t0, "snap_s": t2 - t1,
                  "route_s": t3 - t2, "total_s": t3 - t0}))
"""


def pandana_available(python: str) -> bool:
    """True when ``python`` exists and can import pandana."""
    if not Path(python).exists():
        return False
    res = subprocess.run([python, "-c", "import pandana"], capture_output=True)
    return res.returncode == 0


def pandana_job(python: str, npz: Path) -> tuple[dict[str, Any], np.ndarray]:
    """Run :data:`PANDANA_WORKER` in ``python`` on the job saved in ``npz``."""
    out = npz.with_suffix(".out.npy")
    res = subprocess.run([python, "-c", PANDANA_WORKER, str(npz), str(out)],
                         capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1]), np.load(out)


# --------------------------------------------------------------------------- side by side


def same_facility_share(ours: np.ndarray, theirs: np.ndarray) -> float:
    """Share of (category, demand) pairs within the limit where both pick the same facility."""
    within = ours >= 0
    return float((ours[within] == theirs[within]).mean()) if within.any() else np.nan


def agreement(ours: pd.DataFrame, other: np.ndarray) -> dict[str, float]:
    """How close ours (edge snapping) is to a node-snapped result, over all categories."""
    a = ours.to_numpy().T  # NaN beyond the limit
    b = np.where(np.isfinite(other), other, np.nan)
    both = np.isfinite(a) & np.isfinite(b)
    diff = np.abs(a[both] - b[both])
    return {
        "same_status": float((np.isfinite(a) == np.isfinite(b)).mean()),
        "median_abs_m": float(np.median(diff)) if diff.size else np.nan,
        "p95_abs_m": float(np.percentile(diff, 95)) if diff.size else np.nan,
        "max_abs_m": float(diff.max()) if diff.size else np.nan,
    }


def side_by_side(
    k: int, n_demand: int, per_category: int | tuple[int, int], rounds: int,
    pandana_python: str | None, pandana_rounds: int = 1,
) -> dict[str, Any]:
    """Ours vs networkx vs pandana on one LayerSet, interleaved, best of ``rounds`` each.

    pandana takes part in the first ``pandana_rounds`` rounds only (its contraction
    hierarchy takes minutes at this size).
    """
    profile = load_profile("shanghai")
    layerset = synthetic_layerset(k, n_demand, per_category, list(profile.categories))
    limits = category_limits(profile)
    # the graph networkx and pandana get (our build, not timed for them: favours them)
    max_snap_m = float(profile.max_snap_m.value)
    graph = build_network(layerset, max_snap_m).graph
    demand_xy = point_xy(layerset.demand)
    fac_xy = point_xy(layerset.facilities)
    fac_cat = layerset.facilities["category"].to_numpy()
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in JOBS}
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench_subdistrict_") as tmp:
        npz = Path(tmp) / "job.npz"
        if pandana_python:
            code = {cat: c for c, cat in enumerate(limits)}
            np.savez(npz, node_xy=graph.node_xy, edge_u=graph.edge_u, edge_v=graph.edge_v,
                     edge_w=graph.edge_length_m, demand_xy=demand_xy, fac_xy=fac_xy,
                     fac_cat=np.array([code[c] for c in fac_cat]),
                     limits=np.array(list(limits.values())))
        for i in range(rounds):  # interleaved, so load from other processes hits all alike
            t, table = timed_access(layerset, profile)
            runs["ours"].append(t)
            results["ours"] = table.walk_m
            nearest_row = table.nearest_row.to_numpy().T
            t, results["networkx"], nx_nearest = networkx_edge_job(
                graph, demand_xy, fac_xy, fac_cat, limits, max_snap_m)
            runs["networkx"].append(t)
            t, _, _ = networkx_edge_job(graph, demand_xy, fac_xy, fac_cat, limits, max_snap_m,
                                        nearest_facility=False)
            runs["networkx_metres"].append(t)
            t, results["networkx_node"] = networkx_job(graph, demand_xy, fac_xy, fac_cat, limits)
            runs["networkx_node"].append(t)
            if pandana_python and i < pandana_rounds:
                t, results["pandana"] = pandana_job(pandana_python, npz)
                runs["pandana"].append(t)
    best = {name: min(rs, key=lambda r: r["total_s"]) for name, rs in runs.items() if rs}
    out: dict[str, Any] = {
        "nodes": graph.n_nodes, "edges": graph.n_edges, "ways": len(layerset.roads),
        "demand": len(layerset.demand), "facilities": len(layerset.facilities),
        "categories": len(limits), "rounds": rounds, "best": best,
        "all_totals": {name: [r["total_s"] for r in rs] for name, rs in runs.items() if rs},
        "nx_vs_ours": agreement(results["ours"], results["networkx"]),
        "nx_same_facility": same_facility_share(nearest_row, nx_nearest),
        "nx_node_vs_ours": agreement(results["ours"], results["networkx_node"]),
    }
    if "pandana" in results:
        nx_frame = pd.DataFrame(results["networkx_node"].T)
        out["pandana_vs_nx"] = agreement(nx_frame.where(np.isfinite(nx_frame)),
                                         results["pandana"])
    return out


# --------------------------------------------------------------------------- fresh-process jobs


def current_rss_mb() -> float:
    """Resident set size (VmRSS) of this process now, MB (0 where unavailable)."""
    return proc_status_mb("VmRSS") or 0.0


def access_worker(k: int, n_demand: int, per_category: int) -> dict[str, Any]:
    """One size in a fresh process: build the LayerSet, then time ``compute_access``."""
    profile = load_profile("shanghai")
    t0 = time.perf_counter()
    layerset = synthetic_layerset(k, n_demand, per_category, list(profile.categories))
    out: dict[str, Any] = {"nodes": k * k, "demand": n_demand, "per_category": per_category,
                           "ways": len(layerset.roads), "input_s": time.perf_counter() - t0,
                           "rss_input_peak_mb": peak_rss_mb(), "rss_before_mb": current_rss_mb()}
    out["per_stage"] = reset_peak_rss()
    times, table = timed_access(layerset, profile)
    out["rss_access_peak_mb"] = peak_rss_mb()
    out.update(times)
    out["reached_share"] = float(np.isfinite(table.walk_m.to_numpy()).mean())
    return out


def networkx_worker(k: int, n_demand: int, per_category: int) -> dict[str, Any]:
    """The three networkx jobs at one size in a fresh process (our graph build is not timed).

    Node snapping runs first, then the same job with edge snapping, then edge snapping
    with metres only; peak RSS is reset before each.
    """
    profile = load_profile("shanghai")
    layerset = synthetic_layerset(k, n_demand, per_category, list(profile.categories))
    max_snap_m = float(profile.max_snap_m.value)
    graph = build_network(layerset, max_snap_m).graph
    demand_xy, fac_xy = point_xy(layerset.demand), point_xy(layerset.facilities)
    fac_cat = layerset.facilities["category"].to_numpy()
    limits = category_limits(profile)
    out: dict[str, Any] = {"nodes": graph.n_nodes, "rss_before_mb": current_rss_mb()}
    jobs = {
        "networkx_node": lambda: networkx_job(graph, demand_xy, fac_xy, fac_cat, limits),
        "networkx": lambda: networkx_edge_job(graph, demand_xy, fac_xy, fac_cat, limits,
                                              max_snap_m)[:2],
        "networkx_metres": lambda: networkx_edge_job(graph, demand_xy, fac_xy, fac_cat, limits,
                                                     max_snap_m, nearest_facility=False)[:2],
    }
    for name, job in jobs.items():
        per_stage = reset_peak_rss()
        times, _ = job()
        out[name] = {**times, "rss_peak_mb": peak_rss_mb(), "per_stage": per_stage}
    return out


def in_subprocess(flag: str, k: int, n_demand: int, per_category: int) -> dict[str, Any]:
    """Run this script with ``flag`` in a fresh interpreter and return its JSON line."""
    cmd = [sys.executable, __file__, flag, str(k), str(n_demand), str(per_category)]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def scaled_per_category(nodes: int) -> int:
    """Facilities per category for a scaling row: the city's density, at least 5."""
    return max(5, round(CITY_PER_CATEGORY * nodes / CITY_K**2))


# --------------------------------------------------------------------------- report


def print_side_by_side(r: dict[str, Any]) -> None:
    """Markdown tables for :func:`side_by_side`."""
    b = r["best"]
    names = [n for n in JOBS if n in b]
    print(f"## Same job, side by side: {r['nodes']:,} nodes ({r['edges']:,} edges, "
          f"{r['ways']:,} ways), {r['demand']:,} demand points, {r['facilities']:,} facilities "
          f"in {r['categories']} categories\n")
    print(f"Best of {r['rounds']} interleaved rounds (by total; pandana in the first "
          f"{len(r['all_totals'].get('pandana', []))}). All totals, s: "
          + "; ".join(f"{JOBS[n]} " + ", ".join(f"{t:.2f}" for t in r["all_totals"][n])
                      for n in names) + "\n")
    print("| step | " + " | ".join(JOBS[n] for n in names) + " |")
    print("|---|" + "---:|" * len(names))
    labels = {"build_s": "graph build", "snap_s": "snapping", "route_s": "routing, all categories"}
    for key, label in labels.items():
        print(f"| {label} | " + " | ".join(f"{b[n][key]:.3f}" for n in names) + " |")
    if "other_s" in b["ours"]:
        print("| other (walkable mask, ids, result tables) | "
              f"{b['ours']['other_s']:.3f} |" + " — |" * (len(names) - 1))
    print("| **total** | " + " | ".join(f"**{b[n]['total_s']:.3f}**" for n in names) + " |")
    print(f"| views: metres, facility ids (after the total, not in it) | "
          f"{b['ours']['views_s']:.3f} |" + " — |" * (len(names) - 1))
    print("| **total / ours** | " + " | ".join(
        f"**{b[n]['total_s'] / b['ours']['total_s']:.1f}×**" for n in names) + " |")
    print("| routing / ours | " + " | ".join(
        f"{b[n]['route_s'] / b['ours']['route_s']:.1f}×" for n in names) + " |")
    median = {n: float(np.median(r["all_totals"][n])) for n in names}
    print("| median total / median of ours | " + " | ".join(
        f"{median[n] / median['ours']:.1f}×" for n in names) + " |\n")
    a = r["nx_vs_ours"]
    print(f"Ours against networkx doing the same job (edge snapping): same within-limit status "
          f"for {a['same_status']:.4%} of demand × category pairs; max |difference| "
          f"{a['max_abs_m']:.2g} m.")
    print(f"The nearest facility networkx finds is ours for {r['nx_same_facility']:.4%} of the "
          "pairs within the limit.")
    a = r["nx_node_vs_ours"]
    print(f"Ours against networkx with node snapping: same status for {a['same_status']:.2%}; "
          f"|difference| median {a['median_abs_m']:.1f} m, 95th percentile "
          f"{a['p95_abs_m']:.1f} m.")
    if "pandana_vs_nx" in r:
        p = r["pandana_vs_nx"]
        print(f"pandana against networkx with node snapping (both node-snapped): same status for "
              f"{p['same_status']:.2%}, max |difference| {p['max_abs_m']:.3f} m.")
    print()


def print_scaling(rows: list[dict[str, Any]]) -> None:
    """Markdown table of fresh-process ``compute_access`` runs."""
    kind = "during compute_access" if rows[0]["per_stage"] else "cumulative"
    print(f"## Scaling: `compute_access`, all 18 categories (fresh process per size; "
          f"peak RSS {kind}, MB)\n")
    print("| nodes | demand | facilities / category | graph build s | snap s | route s "
          "| other s | **total s** | views s | RSS before MB | peak RSS MB | reached |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for w in rows:
        print(f"| {w['nodes']:,} | {w['demand']:,} | {w['per_category']} | {w['build_s']:.2f} "
              f"| {w['snap_s']:.2f} | {w['route_s']:.2f} | {w['other_s']:.2f} "
              f"| **{w['total_s']:.2f}** | {w['views_s']:.2f} | {w['rss_before_mb']:.0f} "
              f"| {w['rss_access_peak_mb']:.0f} | {w['reached_share']:.1%} |")
    print()


def main() -> None:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10k nodes only (smoke test)")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds (best of)")
    ap.add_argument("--pandana-python", default=DEFAULT_PANDANA_PYTHON,
                    help="interpreter that can import pandana (its own venv)")
    ap.add_argument("--pandana-rounds", type=int, default=1,
                    help="rounds pandana takes part in (about 1.5-2 min each at 30k nodes)")
    ap.add_argument("--city-rounds", type=int, default=3,
                    help="fresh-process runs of ours at the city size (median reported)")
    ap.add_argument("--skip-pandana", action="store_true")
    ap.add_argument("--skip-city-networkx", action="store_true",
                    help="do not run networkx at the city size (about 2-3 min)")
    for flag in ("--worker", "--nx-worker"):
        ap.add_argument(flag, type=int, nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(access_worker(*args.worker)))
        return
    if args.nx_worker:
        print(json.dumps(networkx_worker(*args.nx_worker)))
        return

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"# Whole access step benchmark ({time.strftime('%Y-%m-%d %H:%M')}, "
          f"{platform.machine()}, {os.cpu_count()} cores, python "
          f"{platform.python_version()}, load average at start {load})\n")

    pandana_python = None
    if args.quick or args.skip_pandana:
        print("pandana skipped (--quick / --skip-pandana)\n")
    elif pandana_available(args.pandana_python):
        pandana_python = args.pandana_python
    else:
        print(PANDANA_MISSING + "\n")

    if args.quick:
        sbs = side_by_side(100, 7_000, (5, 60), max(1, min(args.rounds, 2)), None)
    else:
        sbs = side_by_side(SUBDISTRICT_K, SUBDISTRICT_DEMAND, (5, 60), args.rounds,
                           pandana_python, args.pandana_rounds)
    print_side_by_side(sbs)

    sizes = SCALING[:1] if args.quick else SCALING
    rows = [in_subprocess("--worker", k, n, scaled_per_category(k * k)) for k, n in sizes]
    print_scaling(rows)
    if args.quick:
        return

    city_runs = [rows[-1]] + [
        in_subprocess("--worker", CITY_K, rows[-1]["demand"], CITY_PER_CATEGORY)
        for _ in range(args.city_rounds - 1)
    ]
    city_runs.sort(key=lambda r: r["total_s"])
    city = city_runs[len(city_runs) // 2]  # the median run
    best_total = city_runs[0]["total_s"]
    print(f"## City: {city['nodes']:,} nodes, {city['demand']:,} demand points, "
          f"{CITY_PER_CATEGORY} facilities per category\n")
    print(f"Ours in {len(city_runs)} fresh processes (the first is the last scaling row), "
          f"totals " + ", ".join(f"{r['total_s']:.2f}" for r in city_runs) + " s; the median "
          f"run: graph build {city['build_s']:.2f} s, snapping {city['snap_s']:.2f} s, routing "
          f"{city['route_s']:.2f} s, other {city['other_s']:.2f} s: total "
          f"**{city['total_s']:.2f} s** (target 60 s); peak RSS during compute_access "
          f"**{city['rss_access_peak_mb'] / 1024:.2f} GiB**, while building the inputs "
          f"{city['rss_input_peak_mb'] / 1024:.2f} GiB (target 8 GiB).\n")
    if args.skip_city_networkx:
        print("networkx at the city size: not measured (--skip-city-networkx).")
    else:
        nxc = in_subprocess("--nx-worker", CITY_K, city["demand"], CITY_PER_CATEGORY)
        print("networkx, same city (fresh process, run right after ours, single run each; "
              "our graph build, untimed for networkx, is resident too):\n")
        print("| job | graph build s | snapping s | routing s | **total s** "
              "| × ours (median) | × ours (best) | peak RSS GiB |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        print(f"| ours (median run) | {city['build_s']:.2f} | {city['snap_s']:.2f} | "
              f"{city['route_s']:.2f} (+ other {city['other_s']:.2f}) | "
              f"**{city['total_s']:.2f}** | 1.0× | — | "
              f"{city['rss_access_peak_mb'] / 1024:.2f} |")
        for name in ("networkx", "networkx_metres", "networkx_node"):
            j = nxc[name]
            print(f"| {JOBS[name]} | {j['build_s']:.2f} | {j['snap_s']:.2f} | "
                  f"{j['route_s']:.2f} | **{j['total_s']:.2f}** | "
                  f"**{j['total_s'] / city['total_s']:.1f}×** | "
                  f"{j['total_s'] / best_total:.1f}× | {j['rss_peak_mb'] / 1024:.2f} |")
        print()
    print("pandana at the city size: not measured (its contraction-hierarchy build alone "
          "takes seconds per 10k nodes on this machine; see the side-by-side table).")


if __name__ == "__main__":
    main()
