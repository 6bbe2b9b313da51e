"""Run every analysis of one sub-district on one shared access table.

:func:`analyse` is the entry point analysts call after loading a LayerSet;
it returns :class:`SubdistrictResults`, whose frames follow the output
contract of results.gpkg and whose ``summary`` is the analyses' part of
summary.json.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from lifecircle.analyses.access import DEFAULT_MAX_MINUTES, AccessTable, compute_access
from lifecircle.analyses.care_coverage import CareCoverageResult, care_coverage
from lifecircle.analyses.fitness_circle import FitnessCircleResult, fitness_circle
from lifecircle.analyses.gaps import gap_zones, linking_distance_m
from lifecircle.analyses.life_circle import LifeCircleResult, life_circle
from lifecircle.analyses.service_area_layer import service_area_layer
from lifecircle.analyses.snapping_summary import network_figures, snapping_summary
from lifecircle.analyses.table_locations import with_locations
from lifecircle.layers.layerset import LayerSet
from lifecircle.spatial.errors import LifecircleError
from lifecircle.standards.profile import Profile

TOP_GAPS_IN_SUMMARY = 10


@dataclass
class RunFrames:
    """What the maps and the report read of a run: its layers, tables and inputs.

    A fresh run has them as :class:`SubdistrictResults`; ``lifecircle sites``
    reads them back from a run folder (``lifecircle.sites.read_results``)
    instead of running the analyses again.

    Attributes
    ----------
    demand : GeoDataFrame
        Output-contract columns: ``demand_id``, ``residents``, ``elderly``,
        ``min_<category>`` (minutes; NaN is "more than ``access.limit(cat)``"),
        ``life_circle_score`` and ``life_circle_missing`` (over the categories
        with data), ``life_circle_complete`` (strict),
        ``life_circle_complete_with_data``, ``fitness_ok``, ``care_2sfca``, and more.
    facilities : GeoDataFrame
        ``facility_id``, ``category``, ``name``, ``capacity``,
        ``served_residents``, snapping figures and care load.
    service_areas, gaps : GeoDataFrame
    tables : dict of DataFrame
        Per-category tables written as CSV.
    summary : dict
        Analyses' part of summary.json (all of it, when read back from a folder).
    access : AccessTable
    layerset : LayerSet
    profile : Profile
    """

    demand: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame
    service_areas: gpd.GeoDataFrame
    gaps: gpd.GeoDataFrame
    tables: dict[str, pd.DataFrame]
    summary: dict[str, Any]
    access: AccessTable
    layerset: LayerSet
    profile: Profile

    def layers(self) -> dict[str, gpd.GeoDataFrame]:
        """The results.gpkg layers."""
        return {
            "demand": self.demand,
            "facilities": self.facilities,
            "service_areas": self.service_areas,
            "gaps": self.gaps,
        }


@dataclass
class SubdistrictResults(RunFrames):
    """All results of one run: the frames the outputs read, and each analysis' result.

    Attributes
    ----------
    life, fitness, care : result objects of each analysis
    extra : dict
        Anything else a caller attaches.
    """

    life: LifeCircleResult
    fitness: FitnessCircleResult
    care: CareCoverageResult
    extra: dict[str, Any] = field(default_factory=dict)


def _check_same_facilities(access: AccessTable, layerset: LayerSet) -> None:
    """Refuse an access table computed for another facility layer (rows would not match)."""
    ids = layerset.facilities["facility_id"].astype(str).to_numpy()
    if len(ids) != len(access.facility_ids) or (ids != access.facility_ids).any():
        raise LifecircleError(
            f"The access table was computed for {len(access.facility_ids)} facilities, but "
            f"the layer set has {len(ids)} (or other ids, or another order).",
            where="analyse(access=...)",
            fix="Compute the access table from this layer set (leave access=None), or pass "
                "the layer set it was computed from.",
        )


def _check_same_rules(access: AccessTable, profile: Profile) -> None:
    """Refuse an access table routed or judged by other rules than the profile's."""
    expected = profile.rules()
    differing = sorted(
        c for c in expected.keys() | access.rules.keys() if access.rules.get(c) != expected.get(c)
    )
    if differing or access.circle_rules != profile.circle_rules():
        raise LifecircleError(
            "The access table was computed with other category rules (thresholds, speeds "
            f"or circles) than the profile '{profile.id}' gives"
            + (f", for {', '.join(differing)}." if differing else "."),
            where="analyse(access=...)",
            fix="Compute the access table with this profile (leave access=None).",
        )


def _served_residents(access: AccessTable, layerset: LayerSet, profile: Profile) -> np.ndarray:
    """Residents whose nearest facility of its category, within the threshold, is this one."""
    residents = layerset.demand["residents"].to_numpy(dtype=float)
    served = np.zeros(len(layerset.facilities))
    for cat_id in profile.categories:
        within = access.covered(cat_id)
        nearest = access.nearest_row[cat_id].to_numpy()[within]
        served += np.bincount(nearest, weights=np.nan_to_num(residents[within]),
                              minlength=served.size)
    return served


def _demand_layer(
    layerset: LayerSet,
    access: AccessTable,
    life: LifeCircleResult,
    fitness: FitnessCircleResult,
    care: CareCoverageResult,
) -> gpd.GeoDataFrame:
    demand = layerset.demand[
        ["demand_id", "residents", "elderly", "children", "unit_id", "source", "geometry"]
    ].copy()
    for cat_id in access.minutes.columns:
        demand[f"min_{cat_id}"] = access.minutes[cat_id].to_numpy()
    for cat_id in access.nearest.columns:
        demand[f"nearest_{cat_id}"] = access.nearest[cat_id].to_numpy()
    for column in (
        "life_circle_score",
        "life_circle_complete",
        "life_circle_complete_with_data",
        "life_circle_missing",
    ):
        demand[column] = life.demand[column].to_numpy()
    for column in ("fitness_ok", "fitness_minutes", "sports_area_m2_per_person"):
        demand[column] = fitness.demand[column].to_numpy()
    care_columns = [c for c in care.demand.columns if c.startswith("care_2sfca")]
    for column in care_columns:
        demand[column] = care.demand[column].to_numpy()
    network = access.network
    demand["snap_m"] = network.demand.snap_m
    demand["snapped"] = network.demand.ok
    return demand


def _facility_layer(
    layerset: LayerSet, access: AccessTable, profile: Profile, care: CareCoverageResult
) -> gpd.GeoDataFrame:
    facilities = layerset.facilities
    columns = ["facility_id", "category", "name", "capacity", "floor_area_m2", "source", "geometry"]
    if "site_area_m2" in facilities:
        columns.insert(-1, "site_area_m2")
    out = facilities[columns].copy()
    out["category_zh"] = out["category"].map(lambda c: profile.categories[c].name_zh)
    out["category_en"] = out["category"].map(lambda c: profile.categories[c].name_en)
    out["served_residents"] = _served_residents(access, layerset, profile)
    out["snap_m"] = access.network.facilities.snap_m
    out["snapped"] = access.network.facilities.ok
    if not care.facilities.empty:
        care_columns = care.facilities.drop(columns=["category"]).set_index("facility_id")
        out = out.join(care_columns, on="facility_id")
    return out


def analyse(
    layerset: LayerSet,
    profile: Profile,
    max_minutes: float = DEFAULT_MAX_MINUTES,
    access: AccessTable | None = None,
    facility_areas: str = "auto",
) -> SubdistrictResults:
    """Run access, the three circles, service areas and gap zones.

    Parameters
    ----------
    layerset : LayerSet
        Prepared inputs (classified facilities, demand with population).
    profile : Profile
        Standards profile.
    max_minutes : float
        Access is computed up to this many minutes, raised to the profile's longest
        threshold (``summary["network"]["max_minutes"]`` reports the cap used).
    access : AccessTable, optional
        An access table already computed for this layerset and profile (reused as is).
    facility_areas : {"auto", "all", "none"}
        Whether ``service_areas`` also holds each facility's own area (``auto``:
        up to ``AUTO_FACILITY_AREAS_MAX`` facilities); see
        :mod:`lifecircle.analyses.service_area_layer`.

    Raises
    ------
    LifecircleError
        When ``access`` was computed for other facilities or with other rules
        (another profile, other speeds or thresholds), or ``facility_areas`` is
        not one of the choices.

    Returns
    -------
    SubdistrictResults
    """
    if access is None:
        access = compute_access(layerset, profile, max_minutes=max_minutes)
    else:
        _check_same_facilities(access, layerset)
        _check_same_rules(access, profile)
    life = life_circle(access, layerset, profile)
    fitness = fitness_circle(access, layerset, profile)
    care = care_coverage(access, layerset, profile)
    areas = service_area_layer(access, layerset, profile, facility_areas=facility_areas)
    demand = _demand_layer(layerset, access, life, fitness, care)
    facilities = _facility_layer(layerset, access, profile, care)

    # Points beyond the snap limit reach nothing on foot: they are gaps too. A
    # category with no data in the input is not a service gap: no zones for it.
    uncovered = {
        cat_id: ~access.covered(cat_id) for cat_id in profile.categories if access.has_data(cat_id)
    }
    grid = layerset.meta.get("demand_grid", {}).get("size_m")
    link_m = linking_distance_m(layerset.demand, grid)
    life_cats = profile.circles["life_circle"].categories
    gaps = gap_zones(
        layerset.demand,
        access,
        uncovered,
        incomplete=~life.demand["life_circle_complete_with_data"].to_numpy(),
        link_m=link_m,
        zone_buffer_m=link_m / 2,
    )
    gaps.loc[gaps["kind"] == "life_circle", "categories"] = gaps.loc[
        gaps["kind"] == "life_circle", "categories"
    ].map(lambda text: ",".join(c for c in text.split(",") if c in life_cats))

    network = access.network
    summary = {
        "network": {
            "nodes": network.graph.n_nodes,
            "edges": network.graph.n_edges,
            "length_km": float(network.graph.edge_length_m.sum() / 1000.0),
            **network_figures(network),
            "excluded_road_lines": network.excluded_roads,
            "max_snap_m": float(profile.max_snap_m.value),
            "max_minutes": access.max_minutes,
            "clip_horizon_m": access.horizon_m if np.isfinite(access.horizon_m) else None,
            "limit_minutes": {c: access.limit(c) for c in access.minutes.columns},
            "censored_categories": access.censored_categories(),
        },
        "no_data": access.no_data,
        "snapping": snapping_summary(network, layerset),
        "life_circle": life.summary,
        "fitness_circle": fitness.summary,
        "care_coverage": care.summary,
        "gaps": _top_gaps(gaps),
        "gap_zones": {"link_m": float(link_m), "zone_radius_m": float(link_m / 2)},
        "gaps_by_category": _gaps_by_category(gaps),
    }
    tables = {
        "life_circle_categories": life.categories,
        "fitness_circle_categories": fitness.categories,
        "care_coverage_categories": care.categories,
        "care_facilities": _with_facility_names(care.facilities, layerset.facilities),
        "units_life_circle": life.units,
        "units_care": care.units,
        "gaps": with_locations(gaps, layerset.boundary),
    }
    return SubdistrictResults(
        demand=demand,
        facilities=facilities,
        service_areas=areas,
        gaps=gaps,
        tables=tables,
        summary=summary,
        life=life,
        fitness=fitness,
        care=care,
        access=access,
        layerset=layerset,
        profile=profile,
    )


def _with_facility_names(table: pd.DataFrame, facilities: gpd.GeoDataFrame) -> pd.DataFrame:
    """The care table with each facility's ``name`` after its id, so planners recognise it."""
    names = facilities.drop_duplicates("facility_id").set_index("facility_id")["name"]
    out = table.copy()
    out.insert(1, "name", out["facility_id"].map(names))
    return out


def _gaps_by_category(gaps: gpd.GeoDataFrame) -> dict[str, dict[str, Any]]:
    """Zone count and people affected per category (and for incomplete life circles)."""
    if gaps.empty:
        return {}
    grouped = gaps.groupby("kind_key")
    return {
        key: {
            "zones": len(group),
            "people_affected": float(group["people_affected"].sum()),
            "elderly": float(group["elderly"].sum()),
            "largest_zone": str(group.sort_values("rank")["gap_id"].iloc[0]),
        }
        for key, group in grouped
    }


def _top_gaps(gaps: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    if gaps.empty:
        return []
    top = gaps.sort_values("people_affected", ascending=False).head(TOP_GAPS_IN_SUMMARY)
    return pd.DataFrame(top.drop(columns="geometry")).to_dict(orient="records")
