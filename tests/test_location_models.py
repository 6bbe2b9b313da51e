"""Tests for the siting kernel (lifecircle.analyses.siting.models).

The reference answers are computed independently of the kernel: brute force
over all subsets (tests/siting_brute_force.py) and spopt's own MCLP solved by
a PuLP solver.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import sparse

from lifecircle.analyses.siting.models import (
    MaximalCovering,
    SitingResult,
    TargetCovering,
    _column_groups,
)
from lifecircle.spatial.errors import LifecircleError
from tests.siting_brute_force import brute_capacitated, brute_mclp, brute_min_sites

HYPO = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def instances(draw, max_cand: int = 7, max_dem: int = 12):
    """Small random coverage instances (dense bool, weights, already covered, k)."""
    n_cand = draw(st.integers(1, max_cand))
    n_dem = draw(st.integers(1, max_dem))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    density = draw(st.floats(0.1, 0.7))
    cov = rng.random((n_cand, n_dem)) < density
    if draw(st.booleans()) and n_cand > 1:  # duplicated / dominated rows
        cov[-1] = cov[0] & (rng.random(n_dem) < 0.8)
    if draw(st.booleans()) and n_dem > 1:  # duplicated columns
        cov[:, -1] = cov[:, 0]
    weight = np.round(rng.uniform(0, 20, n_dem), 1)
    weight[rng.random(n_dem) < 0.1] = 0.0
    weight[0] += 1.0  # total weight > 0
    already = rng.random(n_dem) < draw(st.floats(0.0, 0.5))
    k = draw(st.integers(1, n_cand))
    return cov, weight, already, k


def as_sparse(cov: np.ndarray) -> sparse.csr_array:
    return sparse.csr_array(cov)


def check_consistent(res: SitingResult, cov, weight, already) -> None:
    """The result's arrays agree with each other and with the original instance."""
    hit = cov[res.selected].any(axis=0) & ~already if res.selected.size else np.zeros_like(already)
    assert np.array_equal(res.newly_covered, hit)
    assert res.objective == pytest.approx(weight[hit].sum(), abs=1e-9)
    assert res.marginal_weight.sum() == pytest.approx(res.objective, abs=1e-9)
    assert np.all(res.marginal_weight > 0)
    assert len(set(res.selected.tolist())) == res.selected.size
    assert res.upper_bound >= res.objective - 1e-9
    assert 0.0 <= res.covered_share <= 1.0
    assert res.covered_weight == pytest.approx(weight[already].sum() + res.objective)
    # who serves whom: each newly covered point belongs to the first site covering it
    shares = res.assignment.toarray()
    assert shares.shape == (res.selected.size, cov.shape[1])
    assert np.array_equal(shares.sum(axis=0), hit.astype(float))
    assert np.allclose(shares @ weight, res.marginal_weight, atol=1e-9)
    for rank, site in enumerate(res.selected):
        assert not np.any((shares[rank] > 0) & ~cov[site])


# --------------------------------------------------------------------------
# Exactness against brute force
# --------------------------------------------------------------------------


@HYPO
@given(instances())
def test_exact_mclp_matches_brute_force(inst):
    cov, weight, already, k = inst
    expected = brute_mclp(cov, weight, already, k)
    model = MaximalCovering(as_sparse(cov), weight, already)
    for method in ("milp", "auto"):
        res = model.solve(k, method=method)
        check_consistent(res, cov, weight, already)
        assert res.objective == pytest.approx(expected, abs=1e-6), method
        assert res.optimal
        assert res.n_sites <= k


@HYPO
@given(instances(), st.sampled_from([0.3, 0.6, 0.8, 0.95, 1.0]))
def test_exact_target_uses_true_minimum(inst, share):
    cov, weight, already, _ = inst
    needed, best_share = brute_min_sites(cov, weight, already, share)
    model = TargetCovering(as_sparse(cov), weight, already)
    for method in ("milp", "auto"):
        res = model.solve(share, method=method)
        check_consistent(res, cov, weight, already)
        assert res.target_reached is (needed is not None), method
        if needed is not None:
            assert res.n_sites == needed, method
            assert res.covered_share >= share - 1e-9
        else:
            assert res.covered_share == pytest.approx(best_share)
            assert res.n_sites == brute_min_sites(cov, weight, already, best_share)[0]
        assert res.optimal
        assert res.sites_lower_bound == res.n_sites


@HYPO
@given(instances())
def test_greedy_within_one_minus_inverse_e_and_bound_valid(inst):
    cov, weight, already, k = inst
    opt = brute_mclp(cov, weight, already, k)
    res = MaximalCovering(as_sparse(cov), weight, already).solve(k, method="greedy")
    check_consistent(res, cov, weight, already)
    assert res.method == "greedy"
    assert res.objective >= (1 - 1 / math.e) * opt - 1e-9
    assert res.upper_bound >= opt - 1e-9  # the certificate is valid
    assert np.all(np.diff(res.marginal_weight) <= 1e-9)  # rank order


@HYPO
@given(instances(), st.sampled_from([0.5, 0.9, 0.99]))
def test_greedy_target_lower_bound_is_valid(inst, share):
    cov, weight, already, _ = inst
    needed, best_share = brute_min_sites(cov, weight, already, share)
    res = TargetCovering(as_sparse(cov), weight, already).solve(share, method="greedy")
    true_min = (
        needed if needed is not None else brute_min_sites(cov, weight, already, best_share)[0]
    )
    assert res.sites_lower_bound <= true_min <= res.n_sites


def test_greedy_trap_has_tight_valid_certificate():
    """Greedy takes the overlapping site first; the bound still proves it within 1/4.2."""
    cov = np.array([[1, 1, 0, 0], [0, 0, 1, 1], [0, 1, 1, 0]], dtype=bool)
    weight = np.array([1.0, 1.1, 1.1, 1.0])
    greedy = MaximalCovering(as_sparse(cov), weight).solve(2, method="greedy")
    assert greedy.selected.tolist() == [2, 0]
    assert greedy.objective == pytest.approx(3.2)
    # Step 1: f({2}) = 2.2 plus the two largest residual gains 1.0 + 1.0.
    assert greedy.upper_bound == pytest.approx(4.2)
    assert greedy.gap == pytest.approx(1.0 / 4.2)
    assert not greedy.optimal
    exact = MaximalCovering(as_sparse(cov), weight).solve(2)
    assert exact.objective == pytest.approx(4.2)
    assert exact.optimal


@pytest.mark.slow
def test_greedy_target_lower_bound_below_exact_minimum_on_larger_instances():
    """The Lagrangian lower bound on the site count never exceeds the MILP minimum."""
    tight = 0
    for seed in range(8):
        rng = np.random.default_rng(100 + seed)
        cov = sparse.random(40, 300, density=0.06, random_state=rng, format="csr") > 0
        weight = rng.gamma(2.0, 10.0, 300)
        model = TargetCovering(cov, weight)
        for share in (0.5, 0.7, 0.85):
            exact = model.solve(share, method="milp")
            greedy = model.solve(share, method="greedy")
            assert exact.optimal
            assert greedy.sites_lower_bound <= exact.n_sites <= greedy.n_sites
            tight += greedy.sites_lower_bound == exact.n_sites
    assert tight >= 6  # the bound is useful, not just valid


@pytest.mark.slow
def test_greedy_ratio_and_certificate_on_larger_instances():
    """Typical greedy quality on 40 x 300 instances against the exact MILP."""
    ratios, gaps = [], []
    for seed in range(12):
        rng = np.random.default_rng(seed)
        cov = sparse.random(40, 300, density=0.06, random_state=rng, format="csr") > 0
        weight = rng.gamma(2.0, 10.0, 300)
        already = rng.random(300) < 0.2
        model = MaximalCovering(cov, weight, already)
        exact = model.solve(6, method="milp")
        greedy = model.solve(6, method="greedy")
        assert exact.optimal
        assert greedy.upper_bound >= exact.objective - 1e-6
        assert greedy.objective <= exact.objective + 1e-6
        ratios.append(greedy.objective / exact.objective)
        gaps.append(greedy.gap)
    assert min(ratios) >= 1 - 1 / math.e
    assert np.mean(ratios) > 0.95  # typical: about 0.99 (see benchmarks/README.md)


# --------------------------------------------------------------------------
# Reduction
# --------------------------------------------------------------------------


@HYPO
@given(instances())
def test_reduction_preserves_optimum(inst):
    cov, weight, already, k = inst
    model = MaximalCovering(as_sparse(cov), weight, already)
    reduced = model.solve(k, method="milp", reduce=True)
    full = model.solve(k, method="milp", reduce=False)
    assert reduced.objective == pytest.approx(full.objective, abs=1e-6)
    check_consistent(reduced, cov, weight, already)
    check_consistent(full, cov, weight, already)


def test_reduction_merges_duplicates_and_drops_dominated():
    cov = np.array(
        [
            [1, 1, 0, 0, 1, 0],  # 0
            [1, 1, 0, 0, 1, 0],  # 1: identical to 0 -> dropped
            [1, 0, 0, 0, 0, 0],  # 2: subset of 0 -> dropped
            [0, 0, 1, 1, 0, 0],  # 3
            [0, 0, 0, 0, 0, 0],  # 4: covers nothing -> dropped
        ],
        dtype=bool,
    )
    weight = np.array([5.0, 4.0, 3.0, 2.0, 1.0, 7.0])
    already = np.array([False, False, False, False, True, False])
    res = MaximalCovering(as_sparse(cov), weight, already).solve(2)
    # Demand 5 is uncoverable, 4 already covered, 2/3 identical.
    assert res.reduced_shape == (2, 2)  # after dropping 1 and 2, demand 0 and 1 merge
    assert sorted(res.selected.tolist()) == [0, 3]
    assert res.objective == pytest.approx(14.0)
    assert res.covered_weight == pytest.approx(15.0)
    assert res.total_weight == pytest.approx(22.0)


def test_column_groups_match_naive_grouping():
    rng = np.random.default_rng(7)
    base = rng.random((30, 25)) < 0.3
    base[0] = True  # every column non-empty
    cols = rng.integers(0, 25, size=400)
    mat = sparse.csc_array(base[:, cols])
    mat.sort_indices()
    labels = _column_groups(mat)
    dense = mat.toarray()
    for a in range(0, 400, 7):
        for b in range(400):
            assert (labels[a] == labels[b]) == np.array_equal(dense[:, a], dense[:, b])


def test_result_maps_to_original_indices_after_reduction():
    rng = np.random.default_rng(3)
    cov = rng.random((30, 80)) < 0.1
    cov = np.vstack([np.zeros((10, 80), dtype=bool), cov])  # 10 useless rows shift indices
    weight = rng.uniform(1, 5, 80)
    res = MaximalCovering(as_sparse(cov), weight).solve(4)
    assert np.all(res.selected >= 10)
    check_consistent(res, cov, weight, np.zeros(80, dtype=bool))


# --------------------------------------------------------------------------
# Capacity
# --------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(instances(max_cand=5, max_dem=7), st.integers(0, 2**32 - 1))
def test_capacitated_matches_brute_force_and_respects_capacity(inst, seed):
    cov, weight, already, k = inst
    cap = np.round(np.random.default_rng(seed).uniform(0, 30, cov.shape[0]), 1)
    expected = brute_capacitated(cov, weight, already, cap, k)
    res = MaximalCovering(as_sparse(cov), weight, already, capacity=cap).solve(k)
    assert res.objective == pytest.approx(expected, abs=1e-5)
    assert np.all(res.marginal_weight <= cap[res.selected] + 1e-6)
    assert np.all(res.newly_covered <= weight + 1e-9)
    assert np.all(res.newly_covered[already] == 0)
    assert res.newly_covered.sum() == pytest.approx(res.objective, abs=1e-6)
    assert res.marginal_weight.sum() == pytest.approx(res.objective, abs=1e-6)
    assert res.n_sites <= k
    # the solver's allocation: a site serves only points it covers, within its capacity
    shares = res.assignment.toarray()
    assert np.all((shares >= 0) & (shares <= 1))
    assert not np.any((shares > 0) & ~cov[res.selected])
    assert np.all(shares.sum(axis=0) <= 1 + 1e-9)
    assert np.allclose(shares @ weight, res.marginal_weight, atol=1e-9)
    assert np.allclose(shares.sum(axis=0) * weight, res.newly_covered, atol=1e-9)


@HYPO
@given(instances())
def test_infinite_capacity_equals_plain_mclp(inst):
    cov, weight, already, k = inst
    plain = MaximalCovering(as_sparse(cov), weight, already).solve(k)
    capped = MaximalCovering(
        as_sparse(cov), weight, already, capacity=np.full(cov.shape[0], np.inf)
    ).solve(k)
    assert capped.objective == pytest.approx(plain.objective, abs=1e-6)


def test_capacity_keeps_sites_that_cover_the_same_people():
    """Dominance reduction would be wrong here: both identical sites are needed."""
    cov = np.array([[1, 1], [1, 1], [1, 0]], dtype=bool)
    weight = np.array([600.0, 400.0])
    res = MaximalCovering(as_sparse(cov), weight, capacity=[500.0, 500.0, 100.0]).solve(2)
    assert res.objective == pytest.approx(1000.0)
    assert sorted(res.selected.tolist()) == [0, 1]
    assert np.all(res.marginal_weight <= 500.0 + 1e-6)


# --------------------------------------------------------------------------
# Target covering edge cases
# --------------------------------------------------------------------------


def test_target_unreachable_reports_flag_and_best_share():
    cov = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [1, 1, 0, 0]], dtype=bool)
    weight = np.array([10.0, 10.0, 10.0, 70.0])  # demand 3 (70%) reachable by nobody
    already = np.array([False, False, True, False])
    res = TargetCovering(as_sparse(cov), weight, already).solve(0.99)
    assert res.target_reached is False
    assert res.covered_share == pytest.approx(0.30)
    assert res.selected.tolist() == [2]
    assert "cannot be reached" in res.message
    assert "30.0%" in res.message


def test_target_already_met_needs_no_site():
    cov = np.array([[1, 0], [0, 1]], dtype=bool)
    res = TargetCovering(as_sparse(cov), [99.0, 1.0], [True, False]).solve(0.99)
    assert res.target_reached is True
    assert res.n_sites == 0
    assert res.selected.size == 0
    assert "no new site" in res.message


def test_target_share_one_counts_exactly():
    cov = np.eye(5, dtype=bool)
    weight = np.full(5, 0.1)  # float sums such as 0.99 * 0.5 must not miss by rounding
    res = TargetCovering(as_sparse(cov), weight).solve(1.0)
    assert res.target_reached is True
    assert res.n_sites == 5


# --------------------------------------------------------------------------
# Solver controls and validation
# --------------------------------------------------------------------------


def test_milp_time_limit_still_returns_consistent_result():
    rng = np.random.default_rng(11)
    cov = sparse.random(150, 1500, density=0.02, random_state=rng, format="csr") > 0
    weight = rng.gamma(2.0, 10.0, 1500)
    res = MaximalCovering(cov, weight).solve(20, method="milp", time_limit_s=0.05)
    assert res.upper_bound >= res.objective
    assert res.optimal == (res.gap == 0.0)
    assert res.method == "milp"


@pytest.mark.slow
def test_auto_keeps_best_of_greedy_and_milp():
    rng = np.random.default_rng(5)
    cov = sparse.random(60, 500, density=0.05, random_state=rng, format="csr") > 0
    weight = rng.gamma(2.0, 10.0, 500)
    model = MaximalCovering(cov, weight)
    auto = model.solve(8)
    assert auto.optimal
    assert auto.objective == pytest.approx(model.solve(8, method="milp").objective)
    assert auto.objective >= model.solve(8, method="greedy").objective - 1e-9


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"weight": [1.0, 2.0]}, "weight has shape"),
        ({"weight": [1.0, -2.0, 3.0]}, "negative"),
        ({"weight": [1.0, np.nan, 3.0]}, "NaN"),
        ({"weight": [0.0, 0.0, 0.0]}, "zero"),
        ({"already_covered": [True, False]}, "already_covered has shape"),
        ({"already_covered": [0.5, 0, 0]}, "boolean"),
        ({"capacity": [1.0]}, "capacity has shape"),
        ({"capacity": [1.0, -1.0]}, "negative"),
    ],
)
def test_invalid_inputs_raise_clear_errors(kwargs, match):
    args = {
        "coverage": sparse.csr_array(np.array([[1, 0, 1], [0, 1, 1]], dtype=bool)),
        "weight": [1.0, 2.0, 3.0],
    }
    args.update(kwargs)
    with pytest.raises(LifecircleError, match=match):
        MaximalCovering(**args)


def test_invalid_solve_arguments_raise():
    cov = sparse.csr_array(np.array([[1, 0, 1], [0, 1, 1]], dtype=bool))
    model = MaximalCovering(cov, [1.0, 2.0, 3.0])
    for k in (0, 3, -1):
        with pytest.raises(LifecircleError, match="k ="):
            model.solve(k)
    with pytest.raises(LifecircleError, match="whole number"):
        model.solve(1.5)
    with pytest.raises(LifecircleError, match="Unknown method"):
        model.solve(1, method="simplex")
    target = TargetCovering(cov, [1.0, 2.0, 3.0])
    for share in (0.0, 1.2, -0.5, float("nan")):
        with pytest.raises(LifecircleError, match="target_share"):
            target.solve(share)
    with pytest.raises(LifecircleError, match="NaN"):
        MaximalCovering(sparse.csr_array(np.array([[np.nan, 1.0]])), [1.0, 1.0])
    with pytest.raises(LifecircleError, match="greedy"):
        MaximalCovering(cov, [1.0, 2.0, 3.0], capacity=[1.0, 1.0]).solve(1, method="greedy")


# --------------------------------------------------------------------------
# Against spopt
# --------------------------------------------------------------------------


def _pulp_solver():
    pulp = pytest.importorskip("pulp", reason="pulp is not installed")
    available = pulp.listSolvers(onlyAvailable=True)
    if "HiGHS" in available:
        return pulp.HiGHS(msg=False)
    if "HiGHS_CMD" in available:
        return pulp.HiGHS_CMD(msg=False)
    return pulp.PULP_CBC_CMD(msg=False)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_same_objective_as_spopt_mclp(seed):
    locate = pytest.importorskip("spopt.locate", reason="spopt is not importable")
    rng = np.random.default_rng(seed)
    clients = rng.uniform(0, 1000, size=(120, 2))
    facilities = rng.uniform(0, 1000, size=(25, 2))
    cost = np.hypot(*(clients[:, None, :] - facilities[None, :, :]).transpose(2, 0, 1))
    weight = rng.integers(1, 50, size=120).astype(float)
    radius, k = 180.0, 5
    spopt_model = locate.MCLP.from_cost_matrix(cost, weight, service_radius=radius, p_facilities=k)
    spopt_model.solve(_pulp_solver(), results=False)
    spopt_value = spopt_model.problem.objective.value()

    ours = MaximalCovering(sparse.csr_array(radius >= cost.T), weight).solve(k, method="milp")
    assert ours.optimal
    assert ours.objective == pytest.approx(spopt_value, abs=1e-6)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_same_objective_as_spopt_with_existing_coverage_removed():
    locate = pytest.importorskip("spopt.locate", reason="spopt is not importable")
    rng = np.random.default_rng(42)
    clients = rng.uniform(0, 1000, size=(150, 2))
    facilities = rng.uniform(0, 1000, size=(30, 2))
    existing = rng.uniform(0, 1000, size=(3, 2))
    cost = np.hypot(*(clients[:, None, :] - facilities[None, :, :]).transpose(2, 0, 1))
    to_existing = np.hypot(*(clients[:, None, :] - existing[None, :, :]).transpose(2, 0, 1))
    radius, k = 160.0, 6
    already = (to_existing <= radius).any(axis=1)
    weight = rng.integers(1, 50, size=150).astype(float)
    # spopt does not know existing coverage: give it only the demand still uncovered.
    keep = ~already
    spopt_model = locate.MCLP.from_cost_matrix(
        cost[keep], weight[keep], service_radius=radius, p_facilities=k
    )
    spopt_model.solve(_pulp_solver(), results=False)
    ours = MaximalCovering(sparse.csr_array(radius >= cost.T), weight, already).solve(k)
    assert ours.objective == pytest.approx(spopt_model.problem.objective.value(), abs=1e-6)
    assert ours.covered_weight == pytest.approx(weight[already].sum() + ours.objective)
