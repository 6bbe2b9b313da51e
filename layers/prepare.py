"""Finish a LayerSet: classify facilities, estimate population, build demand.

Everything this step drops or assumes is recorded in ``layerset.meta["report"]``
so a run summary can say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd

from lifecircle.layers.classify import classify_facilities, split_shared_facilities
from lifecircle.layers.dedupe import merge_duplicates, merge_report_entries
from lifecircle.layers.demand import DemandSettings
from lifecircle.layers.layerset import LayerSet
from lifecircle.layers.placement import place_residents
from lifecircle.layers.population import population_settings
from lifecircle.standards.profile import Profile

__all__ = ["DemandSettings", "prepare_layerset"]


def prepare_layerset(
    layerset: LayerSet,
    profile: Profile,
    demand: DemandSettings | None = None,
    population: Mapping[str, Any] | None = None,
) -> LayerSet:
    """Classify facilities and build population-carrying demand points.

    Parameters
    ----------
    layerset : LayerSet
        From :func:`lifecircle.layers.assemble.assemble_layerset` or the demo.
    profile : Profile
        Gives the classification rules, the population figures and the snap
        limit (grid cells farther than it from any road are dropped).
    demand : DemandSettings, optional
        Grid and population sources; the defaults without.
    population : mapping, optional
        Overrides of the profile's population figures (the run config's
        ``population`` block, see :func:`population_settings`).

    Returns
    -------
    LayerSet
        With ``facilities.category`` filled (unclassified ones dropped and
        counted), buildings with floor area and residents, and ``demand``.
    """
    rules = profile.classification_rules()
    settings = population_settings(profile, population)
    demand = demand or DemandSettings()
    facilities = classify_facilities(layerset.facilities, rules)
    unclassified = facilities["category"].isna()
    if unclassified.any():
        layerset.report(
            "facilities",
            "points of interest outside every profile category (not used)",
            int(unclassified.sum()),
        )
    facilities = _split_shared(facilities[~unclassified].reset_index(drop=True), layerset)
    replaced = set(layerset.meta.get("replace_categories") or ())
    if replaced:
        from_planner = facilities["source"].astype(str).str.startswith("planner:")
        dropped = facilities["category"].isin(replaced) & ~from_planner
        if dropped.any():
            layerset.report(
                "facilities",
                "source facilities replaced by the planner's own list",
                int(dropped.sum()),
                ", ".join(sorted(replaced)),
            )
        facilities = facilities[~dropped].reset_index(drop=True)
    facilities, merges = merge_duplicates(facilities)
    layerset.meta["report"].extend(merge_report_entries(merges))
    for cat, _ in rules:
        if not (facilities["category"] == cat).any():
            layerset.report(
                "facilities",
                f"no facility of category '{cat}' (reported as no data, not as a service gap)",
                0,
                cat,
                issue_zh=f"类别“{profile.categories[cat].name_zh}”没有任何设施"
                "（报告为无数据，而非服务缺口）",
            )

    max_snap_m = float(profile.max_snap_m.value)
    buildings, demand_points = place_residents(layerset, settings, demand, max_snap_m)
    return layerset.with_layers(facilities=facilities, buildings=buildings, demand=demand_points)


def _split_shared(facilities: gpd.GeoDataFrame, layerset: LayerSet) -> gpd.GeoDataFrame:
    """One row per category for facilities serving several (reported)."""
    facilities, shared = split_shared_facilities(facilities)
    if shared:
        layerset.report(
            "facilities",
            "facilities serving several categories (one row per category, ids '<id>#<category>')",
            len(shared),
            ", ".join(shared[:10]),
        )
    return facilities

