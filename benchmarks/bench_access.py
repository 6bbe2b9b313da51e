"""Benchmark of the access engine (spatial/): graph build, snapping, routing, catchments.

Run from the repository root::

    .venv/bin/python benchmarks/bench_access.py            # full run (~5 min on 2 cores)
    .venv/bin/python benchmarks/bench_access.py --quick    # small sizes only (smoke test)

Prints markdown tables. The workload is a jittered square grid, 100 m spacing,
so edge weights vary mildly around 100 m. Times are wall-clock seconds (best of
``--repeat`` interleaved runs for the bare kernel and ``nearest_source``; single
runs elsewhere), memory is peak RSS in MB measured in a fresh subprocess per size.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scipy.sparse.csgraph import dijkstra

from lifecircle.spatial.catchments import catchments
from lifecircle.spatial.graph import WalkGraph, build_walk_graph
from lifecircle.spatial.routing import nearest_source
from lifecircle.spatial.snapping import snap_points

SPACING_M = 100.0
JITTER_M = 10.0


def grid_lines(k: int, seed: int = 0) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
    """k row lines and k column lines of a jittered k x k grid (metres), with vertex ids."""
    rng = np.random.default_rng(seed)
    xs = np.arange(k) * SPACING_M
    xy = np.stack(np.meshgrid(xs, xs, indexing="ij"), -1)
    xy += rng.uniform(-JITTER_M, JITTER_M, xy.shape)
    ids = np.arange(k * k).reshape(k, k)
    lines = np.concatenate([shapely.linestrings(xy), shapely.linestrings(xy.transpose(1, 0, 2))])
    vertex_ids = list(ids) + list(ids.T)
    return lines, vertex_ids, xy.reshape(-1, 2)


def proc_status_mb(field: str) -> float | None:
    """A memory figure (e.g. ``VmRSS``, ``VmHWM``) of /proc/self/status, MB; None elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def peak_rss_mb() -> float:
    """Peak resident set size (VmHWM) of this process, MB.

    Read from /proc/self/status, which (unlike ``ru_maxrss``) is not inherited
    from the parent across fork/exec. Falls back to ``resource.getrusage``.
    """
    peak = proc_status_mb("VmHWM")
    if peak is None:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return peak


def reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS so the next reading is a per-stage peak (Linux)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def best_of(fn, repeat: int) -> tuple[float, object]:
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def random_points(graph: WalkGraph, count: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    lo, hi = graph.node_xy.min(axis=0), graph.node_xy.max(axis=0)
    return rng.uniform(lo, hi, (count, 2))


# ----------------------------------------------------------------------------- scaling


def scaling_worker(k: int, n_sources: int) -> dict:
    """One size in a fresh process: build (ids and noded), snap, route; time and peak RSS."""
    out: dict = {"nodes": k * k}
    lines, vertex_ids, _ = grid_lines(k)
    out["rss_input_mb"] = peak_rss_mb()
    out["per_stage"] = reset_peak_rss()
    t0 = time.perf_counter()
    build_walk_graph(lines)
    out["build_noded_s"] = time.perf_counter() - t0
    out["rss_build_noded_mb"] = peak_rss_mb()
    reset_peak_rss()
    t0 = time.perf_counter()
    graph = build_walk_graph(lines, vertex_ids=vertex_ids)
    out["build_ids_s"] = time.perf_counter() - t0
    out["rss_build_mb"] = peak_rss_mb()
    reset_peak_rss()
    t0 = time.perf_counter()
    sources = snap_points(graph, random_points(graph, n_sources, 1))
    targets = snap_points(graph, random_points(graph, graph.n_nodes, 2))
    out["snap_s"] = time.perf_counter() - t0
    out["rss_snap_mb"] = peak_rss_mb()
    reset_peak_rss()
    t0 = time.perf_counter()
    nearest_source(graph, sources, targets, np.inf)
    out["route_s"] = time.perf_counter() - t0
    out["rss_route_mb"] = peak_rss_mb()
    return out


def scaling_table(sizes: list[int], n_sources: int) -> list[dict]:
    rows = []
    for k in sizes:
        cmd = [sys.executable, __file__, "--worker", str(k), "--sources", str(n_sources)]
        res = subprocess.run(cmd, capture_output=True, text=True, check=True)
        rows.append(json.loads(res.stdout.strip().splitlines()[-1]))
    return rows


# ----------------------------------------------------------------------------- main jobs


def kernel_vs_engine(k: int, n_sources: int, repeat: int) -> dict:
    """Bare csgraph multi-source dijkstra on nodes vs nearest_source on edge-snapped points."""
    lines, vertex_ids, _ = grid_lines(k)
    graph = build_walk_graph(lines, vertex_ids=vertex_ids)
    rng = np.random.default_rng(3)
    src_nodes = rng.choice(graph.n_nodes, n_sources, replace=False)
    t0 = time.perf_counter()
    sources = snap_points(graph, random_points(graph, n_sources, 1))
    t_snap_src = time.perf_counter() - t0
    t0 = time.perf_counter()
    targets = snap_points(graph, random_points(graph, graph.n_nodes, 2))
    t_snap = time.perf_counter() - t0
    # interleave the two so that load from other processes hits both alike
    t_bare = t_route = np.inf
    for _ in range(repeat):
        t, _ = best_of(
            lambda: dijkstra(graph.adjacency, directed=True, indices=src_nodes, min_only=True), 1
        )
        t_bare = min(t_bare, t)
        t, (walk, _) = best_of(lambda: nearest_source(graph, sources, targets, np.inf), 1)
        t_route = min(t_route, t)
    return {
        "nodes": graph.n_nodes, "edges": graph.n_edges, "targets": len(targets),
        "bare_s": t_bare, "snap_sources_s": t_snap_src, "snap_targets_s": t_snap,
        "route_s": t_route, "ratio": t_route / t_bare, "reached": int(np.isfinite(walk).sum()),
        "graph": graph, "src_nodes": src_nodes,
    }


def networkx_time(k: int, n_sources: int) -> dict:
    """networkx multi_source_dijkstra over the same kind of grid (node sources)."""
    import networkx as nx

    lines, vertex_ids, _ = grid_lines(k)
    graph = build_walk_graph(lines, vertex_ids=vertex_ids)
    t0 = time.perf_counter()
    g = nx.Graph()
    g.add_weighted_edges_from(
        zip(graph.edge_u.tolist(), graph.edge_v.tolist(), graph.edge_length_m.tolist(), strict=True)
    )
    t_build = time.perf_counter() - t0
    src = np.random.default_rng(3).choice(graph.n_nodes, n_sources, replace=False).tolist()
    t0 = time.perf_counter()
    nx.multi_source_dijkstra_path_length(g, src, weight="weight")
    t_route = time.perf_counter() - t0
    t_scipy, _ = best_of(
        lambda: dijkstra(graph.adjacency, directed=True, indices=src, min_only=True), 3
    )
    return {"nodes": graph.n_nodes, "nx_build_s": t_build, "nx_route_s": t_route,
            "scipy_s": t_scipy}


def pandana_time(graph: WalkGraph, src_nodes: np.ndarray, max_m: float) -> dict | None:
    """pandana (AGPL, never a dependency) on the same graph, if installed by hand."""
    try:
        import pandana  # noqa: F401
    except ImportError:
        return None
    import pandas as pd
    from pandana import Network

    nodes = pd.DataFrame(graph.node_xy, columns=["x", "y"])
    t0 = time.perf_counter()
    net = Network(nodes.x, nodes.y, pd.Series(graph.edge_u), pd.Series(graph.edge_v),
                  pd.DataFrame({"w": graph.edge_length_m}), twoway=True)
    t_net = time.perf_counter() - t0
    x, y = graph.node_xy[src_nodes].T
    t0 = time.perf_counter()
    net.set_pois("src", max_m, 1, pd.Series(x), pd.Series(y))
    t_set = time.perf_counter() - t0
    t0 = time.perf_counter()
    net.nearest_pois(max_m, "src", num_pois=1)
    return {"network_s": t_net, "set_pois_s": t_set, "query_s": time.perf_counter() - t0,
            "max_m": max_m}


def pandana_version() -> str:
    import pandana

    return str(getattr(pandana, "__version__", "?"))


def catchment_cost(graph: WalkGraph, n_sources: int, limit_m: float, n_whole: int) -> dict:
    """Local-subgraph catchments vs a whole-graph bounded dijkstra per source."""
    sources = snap_points(graph, random_points(graph, n_sources, 4))
    targets = snap_points(graph, random_points(graph, graph.n_nodes, 5))
    t0 = time.perf_counter()
    c = catchments(graph, sources, targets, limit_m)
    t_local = time.perf_counter() - t0
    nodes = graph.node_tree.query(sources.xy[:n_whole])[1]
    t0 = time.perf_counter()
    for node in nodes:  # the search, plus the O(n) scan any caller needs for the reached set
        d = dijkstra(graph.adjacency, directed=True, indices=int(node), limit=limit_m)
        np.flatnonzero(d <= limit_m)
    t_whole = (time.perf_counter() - t0) / n_whole * n_sources
    return {"sources": n_sources, "limit_m": limit_m, "pairs": int(c.source.size),
            "mean_subgraph_nodes": float(c.subgraph_nodes.mean()),
            "local_s": t_local, "whole_graph_s_scaled": t_whole, "n_whole": n_whole}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes only (smoke test)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--sources", type=int, default=200)
    ap.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(scaling_worker(args.worker, args.sources)))
        return

    big = 100 if args.quick else 1000
    nx_sizes = [30, 100] if args.quick else [100, 316, 1000]
    scale_sizes = [30, 100] if args.quick else [100, 316, 1000]
    n_catch = 50 if args.quick else 1000
    print(f"# Access engine benchmark ({time.strftime('%Y-%m-%d')}, "
          f"{platform.processor() or platform.machine()}, python {platform.python_version()})\n")

    r = kernel_vs_engine(big, args.sources, args.repeat)
    print(f"## Nearest of {args.sources} sources, {r['nodes']:,}-node grid "
          f"({r['edges']:,} edges), {r['targets']:,} targets\n")
    print("| step | seconds |")
    print("|---|---:|")
    print(f"| bare `csgraph.dijkstra(min_only=True)`, node sources | {r['bare_s']:.3f} |")
    print(f"| snap {args.sources} sources to edges | {r['snap_sources_s']:.3f} |")
    print(f"| snap {r['targets']:,} targets to edges | {r['snap_targets_s']:.2f} |")
    print(f"| `nearest_source` (edge-snapped, all targets) | {r['route_s']:.3f} |")
    print(f"| **ratio routing / bare kernel** | **{r['ratio']:.2f}** |\n")

    print("## networkx vs scipy (same job, node sources)\n")
    print("| nodes | networkx build s | networkx multi_source_dijkstra s | scipy csgraph s |")
    print("|---:|---:|---:|---:|")
    nx_rows = [networkx_time(k, args.sources) for k in nx_sizes]
    for row in nx_rows:
        print(f"| {row['nodes']:,} | {row['nx_build_s']:.2f} | {row['nx_route_s']:.2f} "
              f"| {row['scipy_s']:.3f} |")
    last = nx_rows[-1]
    if last["nodes"] < r["nodes"]:
        factor = (r["nodes"] * np.log(r["nodes"])) / (last["nodes"] * np.log(last["nodes"]))
        print(f"| {r['nodes']:,} | {last['nx_build_s'] * factor:.1f} (extrapolated) "
              f"| {last['nx_route_s'] * factor:.1f} (extrapolated, n log n) "
              f"| {r['bare_s']:.2f} (measured) |")
    print()

    # pandana's contraction-hierarchy build takes seconds per 10k nodes here, so it
    # is compared on a 10k-node grid only
    lines, vertex_ids, _ = grid_lines(100)
    small = build_walk_graph(lines, vertex_ids=vertex_ids)
    small_src = np.random.default_rng(3).choice(small.n_nodes, args.sources, replace=False)
    pdn = pandana_time(small, small_src, 3000.0)
    if pdn is None:
        print("pandana not installed (AGPL; install it by hand to compare)\n")
    else:
        s_src = snap_points(small, small.node_xy[small_src])
        s_tgt = snap_points(small, small.node_xy)
        t_ours, _ = best_of(lambda: nearest_source(small, s_src, s_tgt, 3000.0), args.repeat)
        print(f"On a {small.n_nodes:,}-node grid: `nearest_source` (limit 3000 m, all nodes "
              f"as targets) {t_ours:.3f} s; ", end="")
        print(f"pandana {pandana_version()}: Network() (contraction hierarchy) "
              f"{pdn['network_s']:.2f} s, set_pois {pdn['set_pois_s']:.2f} s, "
              f"nearest_pois(max {pdn['max_m']:.0f} m) {pdn['query_s']:.2f} s "
              f"(node sources, all nodes as targets)\n")

    rows = scaling_table(scale_sizes, args.sources)
    kind = "peak RSS during each stage" if rows[0]["per_stage"] else "cumulative peak RSS"
    print(f"## Scaling (fresh process per size; {kind}, MB, includes the input lines)\n")
    print("| nodes | input lines MB | build (noded) s | MB | build (ids) s | MB "
          "| snap 200 + n pts s | MB | route s | MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row['nodes']:,} | {row['rss_input_mb']:.0f} | {row['build_noded_s']:.2f} "
              f"| {row['rss_build_noded_mb']:.0f} | {row['build_ids_s']:.2f} "
              f"| {row['rss_build_mb']:.0f} | {row['snap_s']:.2f} | {row['rss_snap_mb']:.0f} "
              f"| {row['route_s']:.2f} | {row['rss_route_mb']:.0f} |")
    print()

    cc = catchment_cost(r["graph"], n_catch, 800.0, n_whole=20)
    print(f"## Catchments: {cc['sources']:,} sources, {cc['limit_m']:.0f} m limit, "
          f"{r['nodes']:,}-node grid\n")
    print("| method | seconds |")
    print("|---|---:|")
    print(f"| `catchments` (local subgraph per source, mean "
          f"{cc['mean_subgraph_nodes']:.0f} nodes; {cc['pairs']:,} pairs) | {cc['local_s']:.2f} |")
    print(f"| whole-graph bounded dijkstra per source + reached-node scan "
          f"(measured on {cc['n_whole']}, scaled) "
          f"| {cc['whole_graph_s_scaled']:.1f} |")


if __name__ == "__main__":
    main()
