"""The access benchmark script still runs (``--quick`` smoke test)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_access.py"


@pytest.mark.slow
def test_bench_access_quick_runs():
    res = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--repeat", "1"],
                         capture_output=True, text=True, timeout=300, check=False)
    assert res.returncode == 0, res.stderr
    assert "ratio routing / bare kernel" in res.stdout
    assert "## Catchments" in res.stdout


def test_networkx_baseline_does_the_same_job_as_ours():
    """The benchmark's 'networkx, same job' must give our answer, or its ratio means nothing."""
    from benchmarks.bench_subdistrict import (
        build_network,
        category_limits,
        networkx_edge_job,
        point_xy,
        synthetic_layerset,
        timed_access,
    )
    from lifecircle.standards.profile import load_profile

    profile = load_profile("shanghai")
    layerset = synthetic_layerset(24, 400, (1, 4), list(profile.categories), seed=7)
    _, table = timed_access(layerset, profile)
    max_snap_m = float(profile.max_snap_m.value)
    graph = build_network(layerset, max_snap_m).graph
    job = (graph, point_xy(layerset.demand), point_xy(layerset.facilities),
           layerset.facilities["category"].to_numpy(), category_limits(profile), max_snap_m)
    _, theirs, their_facility = networkx_edge_job(*job)
    ours = table.walk_m.to_numpy().T
    assert (np.isfinite(ours) == np.isfinite(theirs)).all()
    assert np.isfinite(ours).mean() > 0.3  # a real comparison, not two empty tables
    both = np.isfinite(ours)
    np.testing.assert_allclose(ours[both], theirs[both], rtol=0, atol=1e-6)
    # the same nearest facility too (random coordinates: no ties)
    np.testing.assert_array_equal(table.nearest_row.to_numpy().T, their_facility)
    _, metres_only, none = networkx_edge_job(*job, nearest_facility=False)
    assert none is None
    np.testing.assert_array_equal(metres_only, theirs)


def test_networkx_baselines_reach_nobody_for_a_category_without_facilities():
    """networkx refuses an empty source set; the baselines must answer as ours does (none)."""
    import shapely

    from benchmarks.bench_subdistrict import networkx_edge_job, networkx_job
    from lifecircle.spatial.graph import build_walk_graph

    graph = build_walk_graph(np.array([shapely.LineString([(0, 0), (100, 0)])]))
    demand, facility = np.array([[50.0, 1.0]]), np.array([[10.0, 0.0]])
    limits = {"with": 500.0, "without": 500.0}
    _, walk, nearest = networkx_edge_job(graph, demand, facility, np.array(["with"]), limits, 250.0)
    np.testing.assert_allclose(walk[:, 0], [1.0 + 40.0, np.inf])
    np.testing.assert_array_equal(nearest[:, 0], [0, -1])
    _, walk = networkx_job(graph, demand, facility, np.array(["with"]), limits)
    assert np.isfinite(walk[0, 0]) and np.isinf(walk[1, 0])
