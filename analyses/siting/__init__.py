"""New facility sites (question 4): maximal covering, fewest sites for a target, what-if.

One entry point, :func:`recommend`, serves both ``lifecircle.recommend_sites``
and ``lifecircle sites``::

    from lifecircle.analyses import siting

    outcome = siting.recommend(layers, profile, category="day_care", k=3, generate=True)
    outcome.sites, outcome.summary["message"]

Modules, one job each:

* :mod:`~lifecircle.analyses.siting.candidates`: candidate sites generated on
  the streets of a category's gap zones.
* :mod:`~lifecircle.analyses.siting.problem`: one category's coverage problem
  (snapped candidates, sparse coverage matrix, weights, capacities).
* :mod:`~lifecircle.analyses.siting.models`: the pure kernel,
  :class:`MaximalCovering` and :class:`TargetCovering` (``from_coverage`` and
  ``from_layers``, solved by HiGHS or a certified lazy greedy), with its helpers
  ``instance``, ``greedy`` and ``milp``.
* :mod:`~lifecircle.analyses.siting.recommend`: the entry point and the sites table.
* :mod:`~lifecircle.analyses.siting.evaluate`: before/after coverage of proposed sites.
"""

from lifecircle.analyses.siting.candidates import DEFAULT_SPACING_M, generate_candidates
from lifecircle.analyses.siting.evaluate import evaluate_sites
from lifecircle.analyses.siting.models import MaximalCovering, SitingResult, TargetCovering
from lifecircle.analyses.siting.problem import SitingProblem, build_problem
from lifecircle.analyses.siting.recommend import SITE_COLUMNS, SitingOutcome, recommend

__all__ = [
    "DEFAULT_SPACING_M",
    "SITE_COLUMNS",
    "MaximalCovering",
    "SitingOutcome",
    "SitingProblem",
    "SitingResult",
    "TargetCovering",
    "build_problem",
    "evaluate_sites",
    "generate_candidates",
    "recommend",
]
