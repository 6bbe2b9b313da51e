"""Facility-siting kernel: maximal covering and covering to a target share.

This module is the pure optimisation core of ``lifecircle.analyses.siting``. It knows
nothing about geometry or files: it takes a sparse boolean coverage matrix
(candidate ``i`` covers demand point ``j`` when the walk from ``j`` to ``i`` is
within the category threshold), demand weights in people, which demand points
existing facilities already cover, and optionally a capacity in people per
candidate. It answers two planning questions:

* :class:`MaximalCovering` (MCLP): which ``k`` new sites cover the most people
  who are not yet covered?
* :class:`TargetCovering` (a set-covering variant of the LSCP): what is the
  fewest number of new sites that lifts the covered share of all people to a
  target such as Shanghai 2035's 99%?

The design follows ``spopt.locate.coverage`` (a small class built from a
coverage matrix, solved by a real solver, the result exposed as plain arrays),
but the model is built directly on sparse matrices and solved with HiGHS through
:func:`scipy.optimize.milp`, so a city-sized instance never becomes a dense
candidate x demand matrix.

Solvers
-------
``"milp"``
    Exact mixed-integer model solved by HiGHS with a time limit. The dual bound
    HiGHS reports is the certified bound; if the time limit stops it, the best
    solution found and the MIP gap are reported.
``"greedy"``
    Lazy greedy (CELF): a priority queue of marginal gains that are only
    recomputed when a stale value reaches the top. Coverage is monotone
    submodular, so greedy reaches at least ``1 - 1/e`` of the optimum, and at
    every step ``i`` the optimum is at most ``f(S_i) + (sum of the k largest
    marginal gains w.r.t. S_i)``. That bound is loose (5-15% on the benchmark), so
    when it does not prove optimality it is tightened by a Lagrangian
    relaxation of the covering constraints (projected subgradient, at most
    300 steps; for any multipliers ``0 <= lam <= w`` the optimum is at most
    ``sum(w - lam) + (sum of the k largest (A lam)_i)``). The smaller bound is
    reported as ``upper_bound``, so every greedy answer carries a certified
    gap (about 0.5% on the benchmark for k = 50). For target covering the
    same bounds give a proven minimum number of sites.
``"auto"``
    Uncapacitated: run greedy first; if its certificate already proves the
    answer within ``mip_rel_gap`` it is returned. Otherwise, if the reduced
    instance has at most :data:`EXACT_NNZ_LIMIT` coverage pairs, solve the MILP
    within ``time_limit_s`` and return the better solution with the tighter of
    the two bounds. Larger instances keep the certified greedy answer.
    Capacitated: always the MILP (greedy marginal gains would need a flow
    computation per step).

Instance reduction
------------------
Before solving, demand that carries no weight, is already covered, or that no
candidate covers is dropped; demand points with identical coverage sets are
merged (their weights summed; columns are grouped by a 128-bit random hash and
then checked entry by entry, so a hash collision can only cost merging, never
correctness); and, without capacities, candidates whose covered set is a subset
of another candidate's are dropped (ties keep the lowest index). With
capacities, dominated candidates are *kept*: two sites covering the same people
can both be needed when one alone lacks capacity. Results always refer to the
original candidate and demand indices.

Capacity model
--------------
With ``capacity``, demand weight is allocated continuously: the people at one
demand point may be split between several chosen sites that cover them, and a
site serves at most its capacity. This is the standard capacitated MCLP
relaxation of the allocation and it is what makes merging identical demand
points exact.

Who serves whom
---------------
Every result carries ``assignment``: per selected site (rank order) and
original demand point, the share of that point's weight the site newly serves.
Without capacities a point belongs to the first site in rank order that covers
it; with capacities it is the solver's own allocation (shared pro rata by the
demand points of a merged column). ``assignment @ weight`` is
``marginal_weight``, so a per-site table built from it adds up to
``objective`` by construction.

Constructors
------------
As in spopt, each model has a constructor from a ready coverage matrix,
``from_coverage``, and one from the geography, ``from_layers`` (a LayerSet,
the access table and candidate points: see
:func:`lifecircle.analyses.siting.problem.build_problem`), which keeps the
built problem as ``model.problem``.

Modules
-------
This module holds the public models and assembles their results. The helpers
live next to it: :mod:`lifecircle.analyses.siting.instance` (input checks and instance
reduction), :mod:`lifecircle.analyses.siting.greedy` (lazy greedy and its bounds) and
:mod:`lifecircle.analyses.siting.milp` (the HiGHS models). Only numpy and scipy are
imported at module level.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import sparse

from lifecircle.analyses.siting.greedy import (
    _GAP_TOL,
    _greedy,
    _greedy_bound,
    _lagrangian_bound,
    _lagrangian_min_sites,
    _rank_rows,
    _relative_gap,
)
from lifecircle.analyses.siting.instance import (
    _build_instance,
    _check_method,
    _check_time_and_gap,
    _cover_value,
    _Instance,
    _Solution,
    _validate,
)

# Re-exported: tests/test_location_models.py checks the column hashing directly.
from lifecircle.analyses.siting.instance import _column_groups as _column_groups
from lifecircle.analyses.siting.milp import _milp_capacitated, _milp_max_cover, _milp_min_sites
from lifecircle.spatial.errors import LifecircleError

if TYPE_CHECKING:
    import geopandas as gpd

    from lifecircle.analyses.access import AccessTable
    from lifecircle.analyses.siting.problem import SitingProblem
    from lifecircle.layers.layerset import LayerSet
    from lifecircle.standards.profile import Profile

__all__ = [
    "EXACT_NNZ_LIMIT",
    "MaximalCovering",
    "SitingResult",
    "TargetCovering",
]


#: Reduced instances with at most this many coverage pairs (non-zeros) are
#: handed to the exact MILP by ``method="auto"`` when greedy is not certified.
EXACT_NNZ_LIMIT = 3_000_000
#: Relative tolerance (of total weight) when comparing covered weight to a target.
_SHARE_TOL = 1e-9


@dataclass(frozen=True)
class SitingResult:
    """The answer of a siting model, as plain arrays.

    Attributes
    ----------
    selected : numpy.ndarray
        Original candidate indices of the new sites, in rank order: each site
        adds the most newly covered weight given the sites before it (for the
        capacitated model: ordered by the weight allocated to each site).
        Sites that would add nothing are not listed, so there may be fewer
        than ``k``.
    marginal_weight : numpy.ndarray
        Newly covered weight (people) added by each selected site, in rank
        order (capacitated: people allocated to the site).
    covered_weight : float
        People covered after the new sites, including those already covered.
    total_weight : float
        All people in the demand.
    covered_share : float
        ``covered_weight / total_weight``, in [0, 1].
    objective : float
        Newly covered weight (people) of the selected sites.
    upper_bound : float
        :class:`MaximalCovering`: a proven upper bound on the best possible
        newly covered weight with ``k`` sites. :class:`TargetCovering`: the
        newly covered weight reachable with all candidates together.
    gap : float
        :class:`MaximalCovering`: ``(upper_bound - objective) / upper_bound``.
        :class:`TargetCovering`: ``(n_sites - sites_lower_bound) / n_sites``.
        0 when proven optimal.
    method : str
        ``"milp"`` or ``"greedy"``: the solver whose solution is returned.
    optimal : bool
        True when the solution is proven optimal.
    target_reached : bool or None
        :class:`TargetCovering` only: whether ``target_share`` is reached.
    message : str
        A plain sentence for the planner.
    solve_seconds : float
        Wall time of ``solve`` including reduction.
    newly_covered : numpy.ndarray
        Per original demand point: True when it is newly covered (bool);
        capacitated model: people allocated to a new site (float; merged
        demand points share their group's allocation pro rata).
    n_sites : int
        Number of selected sites (``len(selected)``).
    sites_lower_bound : int or None
        :class:`TargetCovering` only: proven minimum number of new sites
        needed (equal to ``n_sites`` when optimal).
    reduced_shape : tuple of int
        Candidates x demand points after instance reduction.
    assignment : scipy.sparse.csr_array, shape (n_sites, n_demand)
        Share in [0, 1] of each original demand point's weight that each
        selected site (rank order) newly serves: 1 for the first site covering
        a point not covered before (uncapacitated), the solver's allocation
        divided by the weight (capacitated). ``assignment @ weight`` equals
        ``marginal_weight``.
    """

    selected: np.ndarray
    marginal_weight: np.ndarray
    covered_weight: float
    total_weight: float
    covered_share: float
    objective: float
    upper_bound: float
    gap: float
    method: str
    optimal: bool
    target_reached: bool | None
    message: str
    solve_seconds: float
    newly_covered: np.ndarray
    n_sites: int
    sites_lower_bound: int | None
    reduced_shape: tuple[int, int]
    assignment: sparse.csr_array


# --------------------------------------------------------------------------
# Result assembly
# --------------------------------------------------------------------------


def _pct(value: float) -> str:
    return f"{100.0 * value:.1f}%"


def _people(value: float) -> str:
    return f"{value:,.0f}"


def _newly_covered_mask(
    coverage: sparse.csr_array, already: np.ndarray, selected: np.ndarray
) -> np.ndarray:
    hit = np.zeros(coverage.shape[1], dtype=bool)
    if selected.size:
        hit[sparse.csr_array(coverage[selected]).indices] = True
    return hit & ~already


def _proof_phrase(optimal: bool, gap: float, method: str, status: str) -> str:
    names = {"milp": "exact MILP (HiGHS)", "greedy": "lazy greedy"}
    if optimal:
        return f"Proven optimal ({names[method]})."
    extra = f"; solver stopped: {status}" if status not in ("", "optimal") else ""
    return f"Within {100.0 * gap:.2f}% of the best possible ({names[method]}{extra})."


def _first_cover_assignment(
    coverage: sparse.csr_array, already: np.ndarray, selected: np.ndarray
) -> sparse.csr_array:
    """1 at (r, j) when site ``selected[r]`` is the first in rank order to newly cover j."""
    n_demand = coverage.shape[1]
    if selected.size == 0:
        return sparse.csr_array((0, n_demand))
    pairs = sparse.csr_array(coverage[selected]).tocoo()
    new = ~already[pairs.col]
    first = np.full(n_demand, selected.size, dtype=np.int64)
    np.minimum.at(first, pairs.col[new], pairs.row[new].astype(np.int64))
    newly = np.flatnonzero(first < selected.size)
    return sparse.csr_array(
        (np.ones(newly.size), (first[newly], newly)), shape=(selected.size, n_demand)
    )


def _allocation_assignment(
    inst: _Instance, sol: _Solution, already: np.ndarray
) -> sparse.csr_array:
    """The solver's allocation as shares of each original demand point's weight.

    Row ``r`` is the chosen reduced row ``sol.rows[r]``. A merged column's
    people are shared pro rata by its demand points, so every point of the
    column gets the same share.
    """
    n_demand = inst.group.size
    if sol.served is None or sol.rows.size == 0:
        return sparse.csr_array((sol.rows.size, n_demand))
    points = np.flatnonzero((inst.group >= 0) & ~already)
    columns = inst.group[points]
    group_weight = inst.weight[columns]
    per_person = np.divide(
        1.0, group_weight, out=np.zeros(columns.size), where=group_weight > 0
    )
    spread = sparse.csr_array(
        (per_person, (columns, points)), shape=(inst.weight.size, n_demand)
    )
    shares = sparse.csr_array(sol.served[sol.rows] @ spread)
    shares.data = np.clip(shares.data, 0.0, 1.0)
    shares.eliminate_zeros()
    return shares


# --------------------------------------------------------------------------
# Public models
# --------------------------------------------------------------------------


class MaximalCovering:
    """Maximal covering location problem (MCLP) on a sparse coverage matrix.

    Parameters
    ----------
    coverage : scipy.sparse matrix or array, shape (n_candidates, n_demand)
        True where candidate ``i`` covers demand point ``j`` (walk distance
        within the category threshold, in metres). Dense arrays are accepted
        for small cases; city instances should stay sparse (CSR).
    weight : array-like, shape (n_demand,)
        People at each demand point (>= 0).
    already_covered : array-like of bool, shape (n_demand,), optional
        Demand points existing facilities already cover. They count as
        covered but add nothing new.
    capacity : array-like, shape (n_candidates,), optional
        People each candidate site can serve (``inf`` allowed). With it, the
        capacitated model with continuous allocation is solved.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy import sparse
    >>> cov = sparse.csr_array(np.array([[1, 1, 0], [0, 1, 1]], dtype=bool))
    >>> res = MaximalCovering.from_coverage(cov, [10.0, 5.0, 20.0]).solve(1)
    >>> res.selected.tolist(), res.objective
    ([1], 25.0)
    """

    _WHERE = "MaximalCovering"

    def __init__(
        self,
        coverage: Any,
        weight: Any,
        already_covered: Any = None,
        capacity: Any = None,
    ) -> None:
        self.coverage, self.weight, self.already_covered, self.capacity = _validate(
            coverage, weight, already_covered, capacity, self._WHERE
        )
        #: The geographic problem the model was built from (``from_layers``), else None.
        self.problem: SitingProblem | None = None

    @classmethod
    def from_coverage(
        cls,
        coverage: Any,
        weight: Any,
        already_covered: Any = None,
        capacity: Any = None,
    ) -> MaximalCovering:
        """The model on a ready coverage matrix (see the class parameters)."""
        return cls(coverage, weight, already_covered, capacity)

    @classmethod
    def from_layers(
        cls,
        layers: LayerSet,
        profile: Profile,
        access: AccessTable,
        category: str,
        candidates: gpd.GeoDataFrame,
        capacitated: bool = False,
    ) -> MaximalCovering:
        """The model of one category: candidates snapped, coverage by network walks.

        Parameters are those of :func:`lifecircle.analyses.siting.problem.build_problem`
        (capacities in people, from the candidates' ``capacity`` column or the
        profile's default for the category). The problem is kept as ``model.problem``.
        """
        from lifecircle.analyses.siting.problem import build_problem

        problem = build_problem(layers, profile, access, category, candidates, capacitated)
        model = cls(problem.coverage, problem.weight, problem.already_covered, problem.capacity)
        model.problem = problem
        return model

    @property
    def n_candidates(self) -> int:
        """Number of candidate sites (rows of the coverage matrix)."""
        return int(self.coverage.shape[0])

    def solve(
        self,
        k: int,
        method: str = "auto",
        time_limit_s: float = 60.0,
        mip_rel_gap: float = 0.0,
        reduce: bool = True,
    ) -> SitingResult:
        """Choose ``k`` new sites that cover the most people not yet covered.

        Parameters
        ----------
        k : int
            Number of new sites, ``1 <= k <= n_candidates``.
        method : {"auto", "milp", "greedy"}
            Solver; see the module docstring for the ``"auto"`` rule.
        time_limit_s : float
            Wall-time limit for the MILP, in seconds.
        mip_rel_gap : float
            Relative gap at which the MILP may stop (0: prove optimality).
            ``"auto"`` also accepts a greedy answer certified within it.
        reduce : bool
            Apply instance reduction (the optimum is unchanged).

        Returns
        -------
        SitingResult
        """
        where = f"{self._WHERE}.solve"
        _check_method(method, where)
        _check_time_and_gap(time_limit_s, mip_rel_gap, where)
        if isinstance(k, bool) or not isinstance(k, int | np.integer):
            raise LifecircleError(f"k must be a whole number of sites, got {k!r}.", where=where)
        k = int(k)
        if not 1 <= k <= self.n_candidates:
            raise LifecircleError(
                f"k = {k} new sites, but there are {self.n_candidates} candidates.",
                where=where,
                fix=f"Choose k between 1 and {self.n_candidates}.",
            )
        if self.capacity is not None and method == "greedy":
            raise LifecircleError(
                "The greedy solver does not handle site capacities.",
                where=where,
                fix="Use method='milp' or 'auto' with capacity, or drop capacity.",
            )
        start = time.perf_counter()
        new_weight = np.where(self.already_covered, 0.0, self.weight)
        inst = _build_instance(self.coverage, new_weight, self.capacity, reduce)
        sol = self._solve_instance(inst, k, method, time_limit_s, mip_rel_gap)
        return self._result(inst, sol, k, time.perf_counter() - start)

    def _solve_instance(
        self,
        inst: _Instance,
        k: int,
        method: str,
        time_limit_s: float,
        mip_rel_gap: float,
    ) -> _Solution:
        mat, weight = inst.matrix, inst.weight
        if mat.shape[0] == 0:
            used = "greedy" if method == "auto" else method
            return _Solution(np.zeros(0, dtype=np.int64), 0.0, 0.0, used, "")
        if inst.capacity is not None:
            return _milp_capacitated(mat, weight, inst.capacity, k, time_limit_s, mip_rel_gap)
        if method == "milp":
            return _milp_max_cover(mat, weight, k, time_limit_s, mip_rel_gap)
        run = _greedy(mat, weight, k, bound_sites=k)
        value = float(run.gains.sum())
        bound = float(run.bound_curve[k - 1])
        if _relative_gap(bound, value) > 0:
            bound = min(bound, _lagrangian_bound(mat, weight, k, value))
        greedy = _Solution(run.order, value, max(value, bound), "greedy", "")
        if method == "greedy":
            return greedy
        certified = _relative_gap(greedy.bound, greedy.value) <= max(mip_rel_gap, _GAP_TOL)
        if certified or mat.nnz > EXACT_NNZ_LIMIT:
            return greedy
        exact = _milp_max_cover(mat, weight, k, time_limit_s, mip_rel_gap)
        best = exact if exact.value >= greedy.value else greedy
        bound = min(greedy.bound, exact.bound)
        return _Solution(best.rows, best.value, max(bound, best.value), best.method, exact.status)

    def _result(self, inst: _Instance, sol: _Solution, k: int, seconds: float) -> SitingResult:
        total = float(self.weight.sum())
        already = float(self.weight[self.already_covered].sum())
        if inst.capacity is None:
            ranked = _rank_rows(inst.matrix, inst.weight, sol.rows)
            selected = inst.candidates[ranked.order]
            marginal = ranked.gains
            newly = _newly_covered_mask(self.coverage, self.already_covered, selected)
            objective = float(self.weight[newly].sum())
            assignment = _first_cover_assignment(self.coverage, self.already_covered, selected)
        else:
            selected = inst.candidates[sol.rows]
            assignment = _allocation_assignment(inst, sol, self.already_covered)
            marginal = assignment @ self.weight
            newly = self.weight * np.asarray(assignment.sum(axis=0)).ravel()
            objective = float(marginal.sum())
        bound = max(sol.bound, objective)
        gap = _relative_gap(bound, objective)
        optimal = gap == 0.0
        covered = min(total, already + objective)
        share = covered / total
        message = (
            f"{selected.size} new site{'s' if selected.size != 1 else ''} "
            f"cover{'s' if selected.size == 1 else ''} {_people(objective)} more people; "
            f"coverage rises from "
            f"{_pct(already / total)} to {_pct(share)} of {_people(total)} people. "
            + (f"Only {selected.size} of the {k} sites add anyone. " if selected.size < k else "")
            + _proof_phrase(optimal, gap, sol.method, sol.status)
        )
        return SitingResult(
            selected=selected.astype(np.int64),
            marginal_weight=np.asarray(marginal, dtype=np.float64),
            covered_weight=covered,
            total_weight=total,
            covered_share=share,
            objective=objective,
            upper_bound=bound,
            gap=gap,
            method=sol.method,
            optimal=optimal,
            target_reached=None,
            message=message,
            solve_seconds=seconds,
            newly_covered=newly,
            n_sites=int(selected.size),
            sites_lower_bound=None,
            reduced_shape=(int(inst.matrix.shape[0]), int(inst.matrix.shape[1])),
            assignment=assignment,
        )


class TargetCovering:
    """Fewest new sites that bring the covered share to a target.

    A set-covering (LSCP) variant: instead of covering every demand point, the
    covered share of all people (already covered ones included) must reach
    ``target_share``. If the target cannot be reached even with every
    candidate, the result says so (``target_reached=False``) and gives the
    best share possible and the fewest sites that reach it.

    Parameters
    ----------
    coverage : scipy.sparse matrix or array, shape (n_candidates, n_demand)
        True where candidate ``i`` covers demand point ``j``.
    weight : array-like, shape (n_demand,)
        People at each demand point (>= 0).
    already_covered : array-like of bool, shape (n_demand,), optional
        Demand points existing facilities already cover.
    """

    _WHERE = "TargetCovering"

    def __init__(self, coverage: Any, weight: Any, already_covered: Any = None) -> None:
        self.coverage, self.weight, self.already_covered, _ = _validate(
            coverage, weight, already_covered, None, self._WHERE
        )
        #: The geographic problem the model was built from (``from_layers``), else None.
        self.problem: SitingProblem | None = None

    @classmethod
    def from_coverage(
        cls, coverage: Any, weight: Any, already_covered: Any = None
    ) -> TargetCovering:
        """The model on a ready coverage matrix (see the class parameters)."""
        return cls(coverage, weight, already_covered)

    @classmethod
    def from_layers(
        cls,
        layers: LayerSet,
        profile: Profile,
        access: AccessTable,
        category: str,
        candidates: gpd.GeoDataFrame,
    ) -> TargetCovering:
        """The model of one category, as :meth:`MaximalCovering.from_layers` (no capacities)."""
        from lifecircle.analyses.siting.problem import build_problem

        problem = build_problem(layers, profile, access, category, candidates)
        model = cls(problem.coverage, problem.weight, problem.already_covered)
        model.problem = problem
        return model

    def solve(
        self,
        target_share: float,
        method: str = "auto",
        time_limit_s: float = 60.0,
        mip_rel_gap: float = 0.0,
        reduce: bool = True,
    ) -> SitingResult:
        """Find the fewest new sites reaching ``target_share`` of all people.

        Parameters
        ----------
        target_share : float
            Covered share to reach, in (0, 1] (e.g. 0.99).
        method : {"auto", "milp", "greedy"}
            Solver; ``"auto"`` runs greedy, and the MILP when the greedy
            certificate leaves a gap and the reduced instance has at most
            :data:`EXACT_NNZ_LIMIT` coverage pairs.
        time_limit_s : float
            Wall-time limit for the MILP, in seconds.
        mip_rel_gap : float
            Relative gap at which the MILP may stop.
        reduce : bool
            Apply instance reduction.

        Returns
        -------
        SitingResult
            ``target_reached`` says whether the target is met; ``n_sites``
            and ``sites_lower_bound`` give the count and its proven minimum.
        """
        where = f"{self._WHERE}.solve"
        _check_method(method, where)
        _check_time_and_gap(time_limit_s, mip_rel_gap, where)
        try:
            share = float(target_share)
        except (TypeError, ValueError) as exc:
            raise LifecircleError(
                f"target_share must be a number, got {target_share!r}.", where=where
            ) from exc
        if not (0.0 < share <= 1.0):
            raise LifecircleError(
                f"target_share must be in (0, 1], got {target_share!r}.",
                where=where,
                fix="Give a share such as 0.99 for 99%.",
            )
        start = time.perf_counter()
        total = float(self.weight.sum())
        already = float(self.weight[self.already_covered].sum())
        new_weight = np.where(self.already_covered, 0.0, self.weight)
        inst = _build_instance(self.coverage, new_weight, None, reduce)
        reachable = _cover_value(inst.matrix, inst.weight, np.arange(inst.matrix.shape[0]))
        tol = _SHARE_TOL * total
        needed = share * total - already
        reached = needed <= reachable + tol
        required = min(needed, reachable) - tol
        if required <= 0:
            rows, lower, used, status = np.zeros(0, dtype=np.int64), 0, "greedy", ""
        else:
            rows, lower, used, status = self._min_sites(
                inst, required, method, time_limit_s, mip_rel_gap
            )
        ranked = _rank_rows(inst.matrix, inst.weight, rows)
        selected = inst.candidates[ranked.order]
        newly = _newly_covered_mask(self.coverage, self.already_covered, selected)
        objective = float(self.weight[newly].sum())
        covered = min(total, already + objective)
        n_sites = int(selected.size)
        lower = min(lower, n_sites)
        gap = 0.0 if n_sites == 0 else (n_sites - lower) / n_sites
        return SitingResult(
            selected=selected.astype(np.int64),
            marginal_weight=ranked.gains,
            covered_weight=covered,
            total_weight=total,
            covered_share=covered / total,
            objective=objective,
            upper_bound=reachable,
            gap=gap,
            method=used,
            optimal=gap == 0.0,
            target_reached=bool(reached),
            message=self._message(
                share, already / total, covered / total, n_sites, lower, reached, used, status
            ),
            solve_seconds=time.perf_counter() - start,
            newly_covered=newly,
            n_sites=n_sites,
            sites_lower_bound=int(lower),
            reduced_shape=(int(inst.matrix.shape[0]), int(inst.matrix.shape[1])),
            assignment=_first_cover_assignment(self.coverage, self.already_covered, selected),
        )

    @staticmethod
    def _min_sites(
        inst: _Instance,
        required: float,
        method: str,
        time_limit_s: float,
        mip_rel_gap: float,
    ) -> tuple[np.ndarray, int, str, str]:
        """Rows, proven lower bound on the count, method used and solver status."""
        mat, weight = inst.matrix, inst.weight
        n_rows = mat.shape[0]
        if method == "milp":
            rows, lower, status = _milp_min_sites(mat, weight, required, time_limit_s, mip_rel_gap)
            if rows is None:
                run = _greedy(mat, weight, n_rows, stop_at=required)
                return run.order, lower, "greedy", status
            return rows, lower, "milp", status
        run = _greedy(mat, weight, n_rows, stop_at=required)
        curve = _greedy_bound(mat, weight, run.order, run.gains, run.order.size)
        lower = int(np.searchsorted(curve >= required, True)) + 1
        lower = min(max(lower, 1), run.order.size)
        lower = _lagrangian_min_sites(mat, weight, run.gains, required, lower)
        if method == "greedy" or lower == run.order.size or mat.nnz > EXACT_NNZ_LIMIT:
            return run.order, lower, "greedy", ""
        if (run.order.size - lower) / run.order.size <= mip_rel_gap:
            return run.order, lower, "greedy", ""
        rows, milp_lower, status = _milp_min_sites(mat, weight, required, time_limit_s, mip_rel_gap)
        lower = max(lower, milp_lower)
        if rows is not None and rows.size < run.order.size:
            return rows, lower, "milp", status
        return run.order, lower, "greedy", status

    @staticmethod
    def _message(
        target: float,
        before: float,
        after: float,
        n_sites: int,
        lower: int,
        reached: bool,
        method: str,
        status: str,
    ) -> str:
        if reached and n_sites == 0:
            return (
                f"Existing facilities already cover {_pct(before)}, which meets the "
                f"{_pct(target)} target; no new site is needed."
            )
        proof = (
            f"Proven minimum ({method})."
            if lower == n_sites
            else f"At least {lower} sites are needed in any case ({method}"
            + (f"; solver stopped: {status}" if status not in ("", "optimal") else "")
            + ")."
        )
        if not reached and n_sites == 0:
            return (
                f"The {_pct(target)} target cannot be reached with these candidate sites: "
                f"none of them reaches anyone not yet covered (now {_pct(before)}). Add "
                "candidate sites near the people left out, or review the walking threshold."
            )
        if reached:
            return (
                f"{n_sites} new site{'s' if n_sites != 1 else ''} raise coverage from "
                f"{_pct(before)} to {_pct(after)}, meeting the {_pct(target)} target. {proof}"
            )
        return (
            f"The {_pct(target)} target cannot be reached with these candidate sites: "
            f"the most they can reach is {_pct(after)} (now {_pct(before)}), which takes "
            f"{n_sites} new site{'s' if n_sites != 1 else ''}. {proof} Add candidate sites "
            "near the people left out, or review the walking threshold."
        )
