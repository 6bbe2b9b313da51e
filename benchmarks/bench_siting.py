"""Benchmark the siting kernel against spopt's MCLP on a synthetic walk network.

Run from the repository root::

    .venv/bin/python benchmarks/bench_siting.py             # full run, spopt included (~5 min)
    .venv/bin/python benchmarks/bench_siting.py --skip-spopt
    .venv/bin/python benchmarks/bench_siting.py --quick     # small instance, a few seconds

The instance: a jittered street grid of about 21k nodes (145 x 145, 70 m
spacing, 8% of the edges removed), 20,000 demand points snapped to their
nearest node, 1,000 candidate nodes, coverage = walk distance <= 500 m from
each candidate (``scipy.sparse.csgraph.dijkstra`` with ``limit``, in chunks, so
no dense candidate x node matrix is ever held), and 40 existing facilities
that already cover part of the demand. ``build_instance`` is the one function
to swap for the project's own spatial engine later.

spopt needs a dense cost matrix: one is built here for spopt only (clients x
facilities, already covered demand removed because spopt's MCLP has no notion
of it). spopt is solved with ``results=False`` so its per-client Python loop
that fills ``fac2cli`` is not timed.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lifecircle.analyses.siting.models import MaximalCovering, TargetCovering


@dataclass(frozen=True)
class Instance:
    """A siting instance.

    Attributes
    ----------
    coverage : scipy.sparse.csr_array
        Candidates x demand, True when the walk is within the radius.
    distance : scipy.sparse.csr_array
        Same pattern, data = walk distance in metres + 1 (so a 0 m walk is stored).
    weight : numpy.ndarray
        People per demand point.
    already_covered : numpy.ndarray
        Demand within the radius of an existing facility.
    n_nodes : int
        Nodes in the walk network.
    build_seconds : float
        Time to compute the coverage (network distances), in seconds.
    """

    coverage: sparse.csr_array
    distance: sparse.csr_array
    weight: np.ndarray
    already_covered: np.ndarray
    n_nodes: int
    build_seconds: float


def _street_grid(
    side: int, spacing: float, drop: float, rng: np.random.Generator
) -> tuple[np.ndarray, sparse.csr_array]:
    """Jittered grid street network: node coordinates (m) and a symmetric edge-length graph."""
    ii, jj = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
    xy = np.column_stack([ii.ravel(), jj.ravel()]) * spacing
    xy = xy + rng.uniform(-0.12 * spacing, 0.12 * spacing, size=xy.shape)
    ids = np.arange(side * side).reshape(side, side)
    a = np.concatenate([ids[:, :-1].ravel(), ids[:-1, :].ravel()])
    b = np.concatenate([ids[:, 1:].ravel(), ids[1:, :].ravel()])
    keep = rng.random(a.size) >= drop
    a, b = a[keep], b[keep]
    length = np.hypot(*(xy[a] - xy[b]).T)
    n = side * side
    graph = sparse.csr_array(
        (np.concatenate([length, length]), (np.concatenate([a, b]), np.concatenate([b, a]))),
        shape=(n, n),
    )
    return xy, graph


def _within(graph: sparse.csr_array, sources: np.ndarray, radius: float) -> sparse.csr_array:
    """Sources x nodes walk distances <= radius, built chunk by chunk (data = distance + 1)."""
    blocks = []
    for start in range(0, sources.size, 64):
        dist = dijkstra(graph, directed=False, indices=sources[start : start + 64], limit=radius)
        rows, cols = np.nonzero(np.isfinite(dist))
        blocks.append(sparse.csr_array((dist[rows, cols] + 1.0, (rows, cols)), shape=dist.shape))
    return sparse.csr_array(sparse.vstack(blocks, format="csr"))


def build_instance(
    n_candidates: int = 1000,
    n_demand: int = 20000,
    side: int = 145,
    spacing: float = 70.0,
    radius: float = 500.0,
    n_existing: int = 40,
    seed: int = 0,
) -> Instance:
    """Build a synthetic instance on a street grid (distances in metres, weights in people)."""
    rng = np.random.default_rng(seed)
    xy, graph = _street_grid(side, spacing, drop=0.08, rng=rng)
    n_nodes = xy.shape[0]
    points = rng.uniform(xy.min(axis=0), xy.max(axis=0), size=(n_demand, 2))
    demand_node = cKDTree(xy).query(points)[1]
    weight = np.round(rng.gamma(2.0, 15.0, size=n_demand))
    candidates = rng.choice(n_nodes, size=n_candidates, replace=False)
    existing = rng.choice(n_nodes, size=n_existing, replace=False)
    start = time.perf_counter()
    node_dist = _within(graph, candidates, radius)
    distance = sparse.csr_array(node_dist[:, demand_node])
    coverage = sparse.csr_array(distance > 0)
    near_existing = dijkstra(graph, directed=False, indices=existing, limit=radius, min_only=True)
    already = np.isfinite(near_existing[demand_node])
    seconds = time.perf_counter() - start
    return Instance(coverage, distance, weight, already, n_nodes, seconds)


def _timed(func, *args, **kwargs):
    start = time.perf_counter()
    out = func(*args, **kwargs)
    return out, time.perf_counter() - start


def run_spopt(inst: Instance, k: int, radius: float, time_limit: float) -> dict[str, float]:
    """spopt MCLP on the same coverage; returns build/solve seconds and objective (people)."""
    import pulp
    from spopt.locate import MCLP

    keep = np.flatnonzero(~inst.already_covered)
    dist = sparse.csr_array(inst.distance[:, keep]).tocoo()
    # Dense clients x facilities matrix, for spopt's sake only.
    cost = np.full((keep.size, inst.coverage.shape[0]), 10.0 * radius)
    cost[dist.col, dist.row] = dist.data - 1.0
    available = pulp.listSolvers(onlyAvailable=True)
    if "HiGHS" in available:
        solver = pulp.HiGHS(msg=False, timeLimit=time_limit)
    elif "HiGHS_CMD" in available:
        solver = pulp.HiGHS_CMD(msg=False, timeLimit=time_limit)
    else:
        solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit)
    model, build = _timed(
        MCLP.from_cost_matrix,
        cost,
        inst.weight[keep],
        service_radius=radius,
        p_facilities=k,
    )
    del cost
    _, solve = _timed(model.solve, solver, results=False)
    chosen = np.array([i for i, var in enumerate(model.fac_vars) if var.value() > 0.5])
    return {
        "build": build,
        "solve": solve,
        "objective": float(model.problem.objective.value()),
        "solver": solver.name,
        "status": pulp.LpStatus[model.problem.status],
        "chosen": chosen,
    }


def _row(name: str, seconds: float, value: str, note: str = "") -> str:
    return f"| {name} | {seconds:.2f} | {value} | {note} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small instance (a few seconds)")
    parser.add_argument("--skip-spopt", action="store_true", help="do not run spopt's MCLP")
    parser.add_argument("--k", type=int, default=None, help="new sites (default 50; quick 10)")
    parser.add_argument("--time-limit", type=float, default=600.0, help="solver limit, s")
    args = parser.parse_args(argv)

    radius = 500.0
    if args.quick:
        sizes = {"side": 50, "n_demand": 3000}
        n_small, n_large = 150, 300
    else:
        sizes = {"side": 145, "n_demand": 20000}
        n_small, n_large = 1000, 2000
    k = args.k if args.k is not None else (10 if args.quick else 50)

    inst = build_instance(n_candidates=n_small, radius=radius, **sizes)
    model = MaximalCovering(inst.coverage, inst.weight, inst.already_covered)
    exact = model.solve(k, method="milp", time_limit_s=args.time_limit)
    exact_raw = model.solve(k, method="milp", time_limit_s=args.time_limit, reduce=False)
    auto = model.solve(k, method="auto", time_limit_s=args.time_limit)
    greedy = model.solve(k, method="greedy")
    auto_1pct = model.solve(k, method="auto", time_limit_s=args.time_limit, mip_rel_gap=0.01)
    best = max(exact.objective, exact_raw.objective, auto.objective)

    n_cand, n_dem = inst.coverage.shape
    lines = [
        f"Instance: {inst.n_nodes:,} nodes, {n_cand:,} candidates x {n_dem:,} demand points, "
        f"{radius:.0f} m, k = {k}; {inst.coverage.nnz:,} coverage pairs; "
        f"{int(inst.already_covered.sum()):,} demand points already covered; "
        f"reduced to {exact.reduced_shape[0]:,} x {exact.reduced_shape[1]:,}.",
        "",
        "| step | seconds | newly covered (people) | note |",
        "|---|---:|---:|---|",
        _row("coverage matrix (sparse Dijkstra, limit)", inst.build_seconds, "", ""),
        _row(
            "exact MILP, reduced (HiGHS)",
            exact.solve_seconds,
            f"{exact.objective:,.0f}",
            f"optimal={exact.optimal}, gap={exact.gap:.2e}",
        ),
        _row(
            "exact MILP, no reduction",
            exact_raw.solve_seconds,
            f"{exact_raw.objective:,.0f}",
            f"optimal={exact_raw.optimal}, gap={exact_raw.gap:.2e}",
        ),
        _row(
            "auto (greedy, then MILP if uncertified)",
            auto.solve_seconds,
            f"{auto.objective:,.0f}",
            f"method={auto.method}, optimal={auto.optimal}, gap={auto.gap:.2e}",
        ),
        _row(
            "auto, mip_rel_gap=0.01 (1% certified gap accepted)",
            auto_1pct.solve_seconds,
            f"{auto_1pct.objective:,.0f}",
            f"method={auto_1pct.method}, certified gap {100 * auto_1pct.gap:.2f}%",
        ),
        _row(
            "lazy greedy + certificate",
            greedy.solve_seconds,
            f"{greedy.objective:,.0f}",
            f"{100 * greedy.objective / best:.2f}% of optimum; "
            f"certified gap {100 * greedy.gap:.2f}%",
        ),
    ]
    ours = exact.solve_seconds
    if not args.skip_spopt:
        sp = run_spopt(inst, k, radius, args.time_limit)
        total = sp["build"] + sp["solve"]
        lines += [
            _row("spopt MCLP build (PuLP)", sp["build"], "", "dense cost matrix, for spopt only"),
            _row(
                f"spopt MCLP solve ({sp['solver']})",
                sp["solve"],
                f"{sp['objective']:,.0f}",
                f"status {sp['status']}; "
                f"same optimum: {abs(sp['objective'] - best) <= 1e-6 * best}",
            ),
            "",
            f"spopt build+solve / our exact MILP: {total / ours:.1f}x; "
            f"/ auto: {total / auto.solve_seconds:.1f}x; "
            f"/ greedy: {total / greedy.solve_seconds:.0f}x; "
            f"/ auto at 1% gap: {total / auto_1pct.solve_seconds:.0f}x.",
        ]
    target_model = TargetCovering(inst.coverage, inst.weight, inst.already_covered)
    lines += ["", "| target covering | seconds | new sites | note |", "|---|---:|---:|---|"]
    for share, method in ((0.99, "greedy"), (0.99, "auto")):
        res = target_model.solve(share, method=method, time_limit_s=min(args.time_limit, 25.0))
        lines.append(
            _row(
                f"{100 * share:.0f}% target, {method}",
                res.solve_seconds,
                f"{res.n_sites}",
                f"at least {res.sites_lower_bound} needed; reached={res.target_reached}, "
                f"share {100 * res.covered_share:.2f}%, returned {res.method}",
            )
        )
    large = build_instance(n_candidates=n_large, radius=radius, seed=1, **sizes)
    big = MaximalCovering(large.coverage, large.weight, large.already_covered)
    budget = min(args.time_limit, 25.0)
    big_auto = big.solve(k, method="auto", time_limit_s=budget)
    big_greedy = big.solve(k, method="greedy")
    big_1pct = big.solve(k, method="auto", time_limit_s=budget, mip_rel_gap=0.01)
    lines += [
        "",
        f"{n_large:,} x {n_dem:,} instance ({large.coverage.nnz:,} pairs, reduced to "
        f"{big_auto.reduced_shape[0]:,} x {big_auto.reduced_shape[1]:,}), k = {k}:",
        "",
        "| step | seconds | newly covered (people) | note |",
        "|---|---:|---:|---|",
        _row("coverage matrix", large.build_seconds, "", ""),
        _row(
            f"auto, MILP time limit {budget:.0f} s",
            big_auto.solve_seconds,
            f"{big_auto.objective:,.0f}",
            f"method={big_auto.method}, optimal={big_auto.optimal}, "
            f"certified gap {100 * big_auto.gap:.2f}%",
        ),
        _row(
            "auto, mip_rel_gap=0.01",
            big_1pct.solve_seconds,
            f"{big_1pct.objective:,.0f}",
            f"method={big_1pct.method}, certified gap {100 * big_1pct.gap:.2f}%",
        ),
        _row(
            "lazy greedy + certificate",
            big_greedy.solve_seconds,
            f"{big_greedy.objective:,.0f}",
            f"{100 * big_greedy.objective / big_auto.objective:.2f}% of auto; "
            f"certified gap {100 * big_greedy.gap:.2f}%",
        ),
        "",
        f"Machine: {platform.machine()}, {platform.python_version()}, "
        f"{__import__('os').cpu_count()} cores.",
    ]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
