"""What if the planner builds these sites? Before/after coverage per category and sub-unit."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from lifecircle.analyses.access import AccessTable
from lifecircle.analyses.life_circle import share
from lifecircle.analyses.siting.problem import build_problem
from lifecircle.layers.layerset import LayerSet
from lifecircle.spatial.errors import LifecircleError
from lifecircle.standards.profile import Profile


def evaluate_sites(
    layerset: LayerSet,
    profile: Profile,
    access: AccessTable,
    proposed: gpd.GeoDataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Before/after coverage for sites the planner proposes.

    Parameters
    ----------
    layerset : LayerSet
    profile : Profile
    access : AccessTable
        Access with the existing facilities.
    proposed : GeoDataFrame
        Points with a ``category`` column (profile category ids), LayerSet CRS.

    Returns
    -------
    by_category : DataFrame
        ``category``, ``proposed_sites``, ``share_before``, ``share_after``,
        ``newly_covered`` (target people), ``newly_covered_residents``.
    by_unit : DataFrame
        The same per boundary sub-unit and category.
    """
    if "category" not in proposed:
        raise LifecircleError(
            "The proposed sites have no 'category' column.",
            where="--evaluate file",
            fix="Add a category column with profile category ids (e.g. day_care), "
            "or pass --category for all of them.",
        )
    unknown = sorted(set(proposed["category"].astype(str)) - set(profile.categories))
    if unknown:
        raise LifecircleError(
            f"The proposed sites name unknown categories {unknown}.",
            where="--evaluate file, column category",
            fix=f"Use profile categories: {', '.join(profile.categories)}.",
        )
    demand = layerset.demand
    residents = demand["residents"].to_numpy(dtype=float)
    by_category, by_unit = [], []
    for category, group in proposed.groupby("category"):
        problem = build_problem(layerset, profile, access, str(category), group)
        people = problem.weight
        reach = np.asarray(problem.coverage.sum(axis=0)).ravel() > 0
        after = problem.already_covered | reach
        new = after & ~problem.already_covered
        by_category.append(
            {
                "category": category,
                "proposed_sites": len(group),
                "sites_beyond_snap_limit": int((~problem.candidates["snapped"]).sum()),
                "share_before": share(problem.already_covered, people),
                "share_after": share(after, people),
                "newly_covered": float(people[new].sum()),
                "newly_covered_residents": float(residents[new].sum()),
            }
        )
        for unit_id, name in layerset.boundary[["unit_id", "name"]].itertuples(index=False):
            in_unit = (demand["unit_id"] == unit_id).to_numpy()
            by_unit.append(
                {
                    "unit_id": unit_id,
                    "name": name,
                    "category": category,
                    "share_before": share(problem.already_covered[in_unit], people[in_unit]),
                    "share_after": share(after[in_unit], people[in_unit]),
                    "newly_covered": float(people[new & in_unit].sum()),
                }
            )
    return pd.DataFrame(by_category), pd.DataFrame(by_unit)
