"""15-minute elderly-service circle (15分钟养老服务圈) and care capacity.

For the elderly population at the elderly walking speed:

* coverage per care category (综合为老服务中心, 日间照料中心, 长者照护之家,
  长者食堂/助餐点) within the category's threshold;
* a capacity-aware 2SFCA index per category (in the category's capacity unit:
  places, beds, meals a day), and ``care_2sfca``: care floor area (m²) per
  older person within reach, over all care categories;
* the area indicator: care floor area per 1,000 residents against the
  profile's targets (40 and 50 m²), for the whole area and per sub-unit;
* over-subscribed facilities: older people inside the catchment above capacity.

Facilities without a stated capacity or floor area get the profile default,
and the count of such defaults is reported.

A care category the input has no facilities of is "no data"
(:mod:`lifecircle.analyses.data_status`): its share is null with ``status:
"no_data"``, and so is the per-1,000 figure when no counted category has data
(``per_1000_m2_status``: ``ok``, ``partial``, a lower bound over the
categories with data, or ``no_data``), never 0 m² and "target missed".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from lifecircle.analyses.access import AccessTable
from lifecircle.analyses.data_status import HAS_DATA, NO_DATA
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
class CareCoverageResult:
    """Result of :func:`care_coverage`.

    Attributes
    ----------
    demand : GeoDataFrame
        ``care_2sfca`` (m² care floor area per older person within reach) and
        ``care_2sfca_<cat>`` (capacity units per older person).
    facilities : DataFrame
        Per care facility: capacity used, floor area used, whether defaults
        were assumed, elderly in catchment, load ratio, over-subscribed.
    categories : DataFrame
        Elderly covered per care category.
    units : DataFrame
        Per sub-unit: elderly shares, care floor area per 1,000 residents.
    summary : dict
        The ``care_coverage`` block of summary.json.
    """

    demand: gpd.GeoDataFrame
    facilities: pd.DataFrame
    categories: pd.DataFrame
    units: pd.DataFrame
    summary: dict[str, Any]


def _with_default(values: pd.Series, default: float | None) -> tuple[np.ndarray, np.ndarray]:
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    missing = ~np.isfinite(numbers) | (numbers <= 0)
    if default is not None:
        numbers = np.where(missing, default, numbers)
    else:
        numbers = np.where(missing, 0.0, numbers)
    return numbers, missing


def care_coverage(access: AccessTable, layerset: LayerSet, profile: Profile) -> CareCoverageResult:
    """Elderly-care coverage, 2SFCA and the per-1,000 floor-area indicator.

    Parameters
    ----------
    access : AccessTable
    layerset : LayerSet
    profile : Profile

    Returns
    -------
    CareCoverageResult
    """
    circle = profile.circles["care_coverage"]
    members = list(circle.categories)
    table, covered = category_table(access, layerset, profile, circle.id)
    demand = layerset.demand.copy()
    elderly = demand["elderly"].to_numpy(dtype=float)
    residents = demand["residents"].to_numpy(dtype=float)
    facilities = layerset.facilities
    network = access.network

    facility_rows = []
    floor_index = np.zeros(len(demand))
    for cat_id in members:
        cat = profile.categories[cat_id]
        rows = access.facility_rows.get(cat_id, np.array([], dtype=int))
        demand[f"covered_{cat_id}"] = covered[cat_id]
        if rows.size == 0:
            demand[f"care_2sfca_{cat_id}"] = 0.0
            continue
        subset = facilities.iloc[rows]
        capacity, capacity_assumed = _with_default(
            subset["capacity"], cat.capacity_default.value if cat.capacity_default else None
        )
        floor_area, floor_assumed = _with_default(
            subset["floor_area_m2"],
            cat.floor_area_default.value if cat.floor_area_default else None,
        )
        limit_m = access.rule(cat_id, circle.id).threshold_m
        pairs = facility_catchments(
            network.graph, network.facilities.subset(rows), network.demand, limit_m
        )
        by_capacity = two_step_fca(pairs, capacity, elderly)
        by_floor = two_step_fca(pairs, floor_area, elderly)
        demand[f"care_2sfca_{cat_id}"] = by_capacity.index
        floor_index += by_floor.index
        load = np.divide(
            by_capacity.catchment_demand,
            capacity,
            out=np.full(len(rows), np.nan),
            where=capacity > 0,
        )
        facility_rows.append(
            pd.DataFrame(
                {
                    "facility_id": subset["facility_id"].to_numpy(),
                    "category": cat_id,
                    "capacity_used": capacity,
                    "capacity_unit": cat.capacity_unit,
                    "capacity_assumed": capacity_assumed,
                    "floor_area_used_m2": floor_area,
                    "floor_area_assumed": floor_assumed,
                    "elderly_in_catchment": by_capacity.catchment_demand,
                    "load_ratio": load,
                    "oversubscribed": np.nan_to_num(load, nan=0.0) > 1.0,
                }
            )
        )
    demand["care_2sfca"] = floor_index
    facility_table = (
        pd.concat(facility_rows, ignore_index=True)
        if facility_rows
        else pd.DataFrame(
            columns=[
                "facility_id",
                "category",
                "capacity_used",
                "floor_area_used_m2",
                "elderly_in_catchment",
                "load_ratio",
                "oversubscribed",
            ]
        )
    )
    per_1000, unit_area = _floor_area_per_1000(layerset, facility_table, circle, residents)
    counted = list(circle.figure("floor_area_categories") or members)
    counted_no_data = [c for c in counted if not access.has_data(c)]
    per_1000_status = (
        NO_DATA if len(counted_no_data) == len(counted)
        else "partial" if counted_no_data else HAS_DATA
    )
    units = unit_table(
        layerset, {c: (covered[c], elderly) if access.has_data(c) else None for c in members}
    )
    units["care_floor_area_m2"] = units["unit_id"].map(unit_area).fillna(0.0).to_numpy()
    units["per_1000_m2"] = np.divide(
        units["care_floor_area_m2"] * 1000.0,
        units["residents"],
        out=np.zeros(len(units)),
        where=units["residents"].to_numpy() > 0,
    )
    if per_1000_status == NO_DATA:
        units["care_floor_area_m2"] = np.nan
        units["per_1000_m2"] = np.nan
    targets = circle.figure("per_1000_targets") or []
    for target in targets:
        units[f"meets_{target.value:g}_m2"] = _meets(
            units["per_1000_m2"].to_numpy(dtype=float), target.value, per_1000_status
        )
    with_data = [c for c in members if access.has_data(c)]
    if with_data:
        any_care = np.column_stack([covered[c] for c in with_data]).any(axis=1)
        all_care = np.column_stack([covered[c] for c in with_data]).all(axis=1)
    summary = {
        "name": {"zh": circle.name_zh, "en": circle.name_en},
        "speed": circle.speed,
        "elderly": float(elderly.sum()),
        "any_category_share": share(any_care, elderly) if with_data else None,
        "all_categories_share": share(all_care, elderly) if with_data else None,
        "shares_over": "categories_with_data",
        "categories_with_data": with_data,
        "categories_no_data": [c for c in members if not access.has_data(c)],
        "categories": {
            row.category: {
                "name": {"zh": row.name_zh, "en": row.name_en},
                "minutes": row.minutes,
                "walk_m": row.walk_m,
                "population_share": share_with_data(access, row.category, row.population_share),
                "covered_elderly": share_with_data(access, row.category, row.covered_population),
                "facilities": int(row.facilities),
                "facilities_inside": int(row.facilities_inside),
                **data_status(access, row.category),
            }
            for row in table.itertuples(index=False)
        },
        "care_2sfca_m2_per_elderly_mean": (
            float(np.average(floor_index, weights=elderly)) if elderly.sum() > 0 else 0.0
        ),
        "per_1000_m2": None if per_1000_status == NO_DATA else per_1000,
        "per_1000_m2_status": per_1000_status,
        "per_1000_m2_no_data_categories": counted_no_data,
        "target_per_1000_m2": [t.to_dict() for t in targets],
        "meets_targets": {
            f"{t.value:g}": _meets(np.array([per_1000]), t.value, per_1000_status)[0]
            for t in targets
        },
        "oversubscribed_facilities": int(facility_table["oversubscribed"].sum()),
        "defaults_assumed": {
            "capacity": int(facility_table.get("capacity_assumed", pd.Series(dtype=bool)).sum()),
            "floor_area": int(
                facility_table.get("floor_area_assumed", pd.Series(dtype=bool)).sum()
            ),
        },
        "units": units.to_dict(orient="records") if len(units) > 1 else [],
    }
    return CareCoverageResult(
        demand=demand, facilities=facility_table, categories=table, units=units, summary=summary
    )


def _meets(per_1000: np.ndarray, target: float, status: str) -> list[bool | None]:
    """Whether a per-1,000 figure meets ``target``: None where the data cannot say.

    With no data it is unknown; with some counted categories missing (``partial``)
    the figure is a lower bound, so only a met target is certain.
    """
    out: list[bool | None] = []
    for value in per_1000:
        meets = bool(value >= target)
        out.append(None if status == NO_DATA or (status == "partial" and not meets) else meets)
    return out


def _floor_area_per_1000(
    layerset: LayerSet, facility_table: pd.DataFrame, circle, residents: np.ndarray
) -> tuple[float, dict[str, float]]:
    """Care floor area (m²) per 1,000 residents, counting facilities inside the boundary."""
    counted = set(circle.figure("floor_area_categories") or circle.categories)
    if facility_table.empty:
        return 0.0, {}
    table = facility_table[facility_table["category"].isin(counted)]
    located = layerset.facilities.set_index("facility_id").loc[table["facility_id"]]
    points = gpd.GeoSeries(located.geometry.values, crs=layerset.crs)
    idx_point, idx_unit = layerset.boundary.sindex.query(points.values, predicate="intersects")
    unit_of = np.full(len(table), None, dtype=object)
    unit_of[idx_point] = layerset.boundary["unit_id"].to_numpy()[idx_unit]
    inside = pd.notna(unit_of)
    area = table["floor_area_used_m2"].to_numpy(dtype=float)
    per_unit = pd.Series(area[inside]).groupby(unit_of[inside]).sum().to_dict()
    total_residents = float(residents.sum())
    per_1000 = float(area[inside].sum() * 1000.0 / total_residents) if total_residents > 0 else 0.0
    return per_1000, per_unit
