"""10-minute fitness circle (10分钟健身圈).

No standard defines it (see the profile, confidence I): by default a resident
is covered when any fitness category of the profile (fitness station, court,
sports centre, park, fitness trail) is within the circle's minutes, each at the
speed it is routed at (``Profile.rule(category, "fitness_circle")``).
Where facilities have a site area (``site_area_m2``), the m² of sports space
per resident within reach is a 2SFCA index with area as supply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from lifecircle.analyses.access import AccessTable
from lifecircle.analyses.life_circle import (
    category_table,
    data_status,
    share,
    share_with_data,
    unit_table,
)
from lifecircle.analyses.two_step import facility_catchments, two_step_fca
from lifecircle.layers.layerset import LayerSet
from lifecircle.standards.profile import Profile


@dataclass
class FitnessCircleResult:
    """Result of :func:`fitness_circle`.

    Attributes
    ----------
    demand : GeoDataFrame
        ``fitness_minutes`` (to the nearest fitness facility of any kind),
        ``fitness_ok`` and ``sports_area_m2_per_person``.
    categories : DataFrame
        People within the circle minutes of each fitness category.
    units : DataFrame
        Shares per sub-unit.
    summary : dict
        The ``fitness_circle`` block of summary.json.
    """

    demand: gpd.GeoDataFrame
    categories: pd.DataFrame
    units: pd.DataFrame
    summary: dict[str, Any]


def fitness_circle(
    access: AccessTable, layerset: LayerSet, profile: Profile
) -> FitnessCircleResult:
    """Who reaches a fitness facility within the fitness-circle minutes.

    Parameters
    ----------
    access : AccessTable
    layerset : LayerSet
    profile : Profile

    Returns
    -------
    FitnessCircleResult
    """
    circle = profile.circles["fitness_circle"]
    members = list(circle.categories)
    table, covered = category_table(access, layerset, profile, circle.id)
    fitness_minutes = access.minutes[members].min(axis=1, skipna=True).to_numpy()
    fitness_ok = np.zeros(len(fitness_minutes), dtype=bool)
    for mask in covered.values():
        fitness_ok |= mask
    demand = layerset.demand.copy()
    demand["fitness_minutes"] = fitness_minutes
    demand["fitness_ok"] = fitness_ok
    residents = demand["residents"].to_numpy(dtype=float)

    area_per_person, area_facilities = _sports_area_index(access, layerset, members)
    demand["sports_area_m2_per_person"] = area_per_person
    target = circle.figure("sports_area_per_person_m2")
    definition = circle.figure("minutes")
    units = unit_table(layerset, {"fitness": (fitness_ok, residents)})
    summary = {
        "name": {"zh": circle.name_zh, "en": circle.name_en},
        "minutes": float(definition.value) if definition else None,
        "definition": definition.to_dict() if definition else None,
        # any category within reach: a category with no data adds nobody
        "population_share": share(fitness_ok, residents),
        "categories_no_data": [c for c in members if not access.has_data(c)],
        "covered_population": float(residents[fitness_ok].sum()),
        "categories": {
            row.category: {
                "name": {"zh": row.name_zh, "en": row.name_en},
                "covered_population": share_with_data(
                    access, row.category, row.covered_population
                ),
                "population_share": share_with_data(access, row.category, row.population_share),
                "facilities": int(row.facilities),
                "facilities_inside": int(row.facilities_inside),
                **data_status(access, row.category),
            }
            for row in table.itertuples(index=False)
        },
        "sports_area_m2_per_person_within_reach": (
            float(np.average(area_per_person, weights=residents))
            if residents.sum() > 0 and area_facilities
            else None
        ),
        "sports_area_facilities_with_area": area_facilities,
        "sports_area_target_m2_per_person": target.to_dict() if target else None,
        "units": units.to_dict(orient="records") if len(units) > 1 else [],
    }
    return FitnessCircleResult(demand=demand, categories=table, units=units, summary=summary)


def _sports_area_index(
    access: AccessTable, layerset: LayerSet, members: list[str]
) -> tuple[np.ndarray, int]:
    """m² of sports/green space per resident within reach (2SFCA with area as supply).

    Each facility's catchment is its category's fitness-circle threshold in
    metres, at the speed that category is routed at.
    """
    facilities = layerset.facilities
    n_demand = len(layerset.demand)
    if "site_area_m2" not in facilities or not members:
        return np.zeros(n_demand), 0
    rows_by_category = [access.facility_rows.get(c, np.array([], int)) for c in members]
    rows = np.concatenate(rows_by_category)
    limit_m = np.concatenate(
        [
            np.full(cat_rows.size, access.rule(c, "fitness_circle").threshold_m)
            for c, cat_rows in zip(members, rows_by_category, strict=True)
        ]
    )
    area = pd.to_numeric(facilities["site_area_m2"], errors="coerce").to_numpy()[rows]
    has_area = np.isfinite(area) & (area > 0)
    rows, area, limit_m = rows[has_area], area[has_area], limit_m[has_area]
    if rows.size == 0:
        return np.zeros(n_demand), 0
    network = access.network
    pairs = facility_catchments(
        network.graph, network.facilities.subset(rows), network.demand, limit_m
    )
    result = two_step_fca(pairs, area, layerset.demand["residents"].to_numpy(dtype=float))
    return result.index, int(rows.size)
