"""15-minute community life circle (15分钟社区生活圈).

Per demand point: which required categories are within their own threshold
(levels are not nested, GB 50180 条文说明 5.0.2), a completeness score (the
share of required categories within reach) and whether the circle is complete.
Per area and per named sub-unit: the people covered per category and the
share of residents with a complete circle.

A category the input has no data for (:mod:`lifecircle.analyses.data_status`)
is not a service gap: its coverage is reported as null with ``status:
"no_data"``, and completeness is reported twice, each labelled:
``complete_share_with_data`` (every category the input has data for is within
reach) and ``complete_share_strict`` (every category is, as the input has them:
a category with no facility in the input is out of reach). ``complete_share``
is the strict one, as before.

The population shares every circle reports are defined here too: which people
count for a category (:func:`target_population`) and the covered share of them
(:func:`share`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from lifecircle.analyses.access import AccessTable
from lifecircle.analyses.data_status import HAS_DATA, NO_DATA
from lifecircle.layers.layerset import LayerSet
from lifecircle.standards.profile import Profile

#: The demand column that counts the people of each target group.
TARGET_COLUMNS = {"everyone": "residents", "elderly": "elderly", "children": "children"}


def target_population(demand: pd.DataFrame, target: str) -> np.ndarray:
    """People of the target group per demand point (residents, elderly or children)."""
    return demand[TARGET_COLUMNS[target]].to_numpy(dtype=float)


def share(covered: np.ndarray, people: np.ndarray) -> float:
    """Covered people ÷ all people, in [0, 1]; 0 when there are no people."""
    total = float(people.sum())
    return float(people[covered].sum() / total) if total > 0 else 0.0


@dataclass
class LifeCircleResult:
    """Result of :func:`life_circle`.

    Attributes
    ----------
    demand : GeoDataFrame
        Demand points with ``covered_<cat>``, ``life_circle_score`` (0–1),
        ``life_circle_complete`` and ``life_circle_missing``.
    categories : DataFrame
        One row per required category: threshold (minutes), target group,
        people covered and their share, facility count.
    units : DataFrame
        Per boundary sub-unit: residents, complete share, share per category.
    summary : dict
        The ``life_circle`` block of summary.json.
    """

    demand: gpd.GeoDataFrame
    categories: pd.DataFrame
    units: pd.DataFrame
    summary: dict[str, Any]


def data_status(access: AccessTable, category: str) -> dict[str, Any]:
    """The ``status`` keys of a category in summary.json.

    ``{"status": "ok"}``, or ``{"status": "no_data", "no_data": {...}}`` with the
    reason, the facility count and the planner's list that would fill it.
    """
    if access.has_data(category):
        return {"status": HAS_DATA}
    return {"status": NO_DATA, "no_data": access.no_data[category]}


def share_with_data(access: AccessTable, category: str, value: float) -> float | None:
    """``value`` for a category with data; None (no data, not 0 %) otherwise."""
    return float(value) if access.has_data(category) else None


def facilities_inside(layerset: LayerSet) -> np.ndarray:
    """Bool per facility: it stands inside the study area (not only in the routing halo)."""
    facilities = layerset.facilities
    if facilities.empty:
        return np.zeros(0, dtype=bool)
    return shapely.contains_xy(
        layerset.study_area, facilities.geometry.x.to_numpy(), facilities.geometry.y.to_numpy()
    )


def category_table(
    access: AccessTable, layerset: LayerSet, profile: Profile, circle: str
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """People covered per category of ``circle`` and the covered mask per category.

    Each category is judged by the access table's rule for it in ``circle``
    (:meth:`AccessTable.rule`).

    Returns
    -------
    table : DataFrame
        Columns ``category``, ``name_zh``, ``name_en``, ``minutes`` (threshold),
        ``walk_m`` (the same threshold in metres), ``target``,
        ``target_population``, ``covered_population``, ``population_share``,
        ``facilities`` (all used for routing, including those in the halo outside
        the study area), ``facilities_inside`` (inside the study area),
        ``status`` (``ok`` or ``no_data``: then ``population_share`` and
        ``covered_population`` are NaN) and ``planner_list_zh``/``_en`` (the
        list that would supply a no-data category).
    covered : dict
        Category → bool mask per demand point.
    """
    demand = layerset.demand
    inside = facilities_inside(layerset)
    rows = []
    covered = {}
    for cat_id in profile.circles[circle].categories:
        cat = profile.categories[cat_id]
        rule = access.rule(cat_id, circle)
        mask = access.covered(cat_id, circle)
        covered[cat_id] = mask
        people = target_population(demand, rule.target)
        has_data = access.has_data(cat_id)
        rows.append(
            {
                "category": cat_id,
                "name_zh": cat.name_zh,
                "name_en": cat.name_en,
                "minutes": rule.threshold_minutes,
                "walk_m": rule.threshold_m,
                "target": rule.target,
                "target_population": float(people.sum()),
                "covered_population": float(people[mask].sum()) if has_data else np.nan,
                "population_share": share(mask, people) if has_data else np.nan,
                "facilities": len(access.facility_rows.get(cat_id, [])),
                "facilities_inside": int(inside[access.facility_rows.get(cat_id, [])].sum()),
                "status": HAS_DATA if has_data else NO_DATA,
                "planner_list_zh": cat.planner_list.get("zh", ""),
                "planner_list_en": cat.planner_list.get("en", ""),
            }
        )
    return pd.DataFrame(rows), covered


def unit_table(
    layerset: LayerSet,
    covered: dict[str, tuple[np.ndarray, np.ndarray] | None],
    complete: dict[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Shares per named sub-unit of the boundary.

    Parameters
    ----------
    layerset : LayerSet
    covered : dict
        Name → (covered mask, people of the target group) per demand point;
        each becomes a ``share_<name>`` column (NaN where the value is None:
        a category with no data).
    complete : dict, optional
        Column name → complete-circle mask (e.g. ``complete_share``).
    """
    demand = layerset.demand
    residents = demand["residents"].to_numpy(dtype=float)
    elderly = demand["elderly"].to_numpy(dtype=float)
    rows = []
    for unit_id, name, name_en in layerset.boundary[["unit_id", "name", "name_en"]].itertuples(
        index=False
    ):
        in_unit = (demand["unit_id"] == unit_id).to_numpy()
        row: dict[str, Any] = {
            "unit_id": unit_id,
            "name": name,
            "name_en": name_en,
            "residents": float(residents[in_unit].sum()),
            "elderly": float(elderly[in_unit].sum()),
        }
        for column, mask in (complete or {}).items():
            row[column] = share(mask[in_unit], residents[in_unit])
        for key, pair in covered.items():
            row[f"share_{key}"] = (
                np.nan if pair is None else share(pair[0][in_unit], pair[1][in_unit])
            )
        rows.append(row)
    return pd.DataFrame(rows)


def life_circle(access: AccessTable, layerset: LayerSet, profile: Profile) -> LifeCircleResult:
    """Score every demand point against the life-circle categories of the profile.

    Parameters
    ----------
    access : AccessTable
        From :func:`lifecircle.analyses.access.compute_access`.
    layerset : LayerSet
    profile : Profile

    Returns
    -------
    LifeCircleResult
    """
    circle = profile.circles["life_circle"]
    table, covered = category_table(access, layerset, profile, circle.id)
    with_data = [c for c in circle.categories if access.has_data(c)]
    no_data = [c for c in circle.categories if not access.has_data(c)]
    n = len(layerset.demand)
    stacked = (
        np.column_stack([covered[c] for c in with_data]) if with_data else np.ones((n, 0), bool)
    )
    # scores and the missing list are over the categories with data (a no-data
    # category is not missing from the ground); completeness is reported both ways
    score = stacked.mean(axis=1) if with_data else np.full(n, np.nan)
    complete_with_data = stacked.all(axis=1) if with_data else np.zeros(n, dtype=bool)
    # strictly: every category within reach as the input has it (no facility, no reach)
    complete_strict = np.column_stack([covered[c] for c in circle.categories]).all(axis=1)
    names = np.array(with_data, dtype=object)
    missing = [",".join(names[~row]) for row in stacked]
    demand = layerset.demand.copy()
    for cat_id in circle.categories:
        demand[f"covered_{cat_id}"] = covered[cat_id]
    demand["life_circle_score"] = score
    demand["life_circle_complete"] = complete_strict
    demand["life_circle_complete_with_data"] = complete_with_data
    demand["life_circle_missing"] = missing
    residents = demand["residents"].to_numpy(dtype=float)
    units = unit_table(
        layerset,
        {
            c: (covered[c], target_population(demand, access.rule(c, circle.id).target))
            if access.has_data(c) else None
            for c in circle.categories
        },
        {
            "complete_share": complete_strict,
            "complete_share_strict": complete_strict,
            "complete_share_with_data": complete_with_data,
        },
    )
    target_share = circle.figure("target_share")
    if not with_data:
        mean_score = None
    else:
        mean_score = float(np.average(score, weights=residents)) if residents.sum() > 0 else 0.0
    summary = {
        "name": {"zh": circle.name_zh, "en": circle.name_en},
        "complete_share": share(complete_strict, residents),
        "complete_share_strict": share(complete_strict, residents),
        "complete_share_with_data": share(complete_with_data, residents) if with_data else None,
        "completeness_labels": {
            "complete_share_strict": {
                "zh": "生活圈完整（严格：全部类别，按输入数据）",
                "en": "complete life circle (strict: all categories, as the input has them)",
            },
            "complete_share_with_data": {
                "zh": "生活圈完整（仅计有数据的类别）",
                "en": "complete life circle (categories with data only)",
            },
        },
        "categories_with_data": with_data,
        "categories_no_data": no_data,
        "mean_score": mean_score,
        "mean_score_over": "categories_with_data",
        "target_share": target_share.value if target_share else None,
        "categories": {
            row.category: {
                "name": {"zh": row.name_zh, "en": row.name_en},
                "minutes": row.minutes,
                "walk_m": row.walk_m,
                "target": row.target,
                "population_share": share_with_data(access, row.category, row.population_share),
                "covered_population": share_with_data(
                    access, row.category, row.covered_population
                ),
                "facilities": int(row.facilities),
                "facilities_inside": int(row.facilities_inside),
                **data_status(access, row.category),
            }
            for row in table.itertuples(index=False)
        },
        "units": units.to_dict(orient="records") if len(units) > 1 else [],
    }
    return LifeCircleResult(demand=demand, categories=table, units=units, summary=summary)
