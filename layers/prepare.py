"""Finish a LayerSet: classify facilities, estimate population, build demand.

Everything this step drops or assumes is recorded in ``layerset.meta["report"]``
so a run summary can say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np

from lifecircle.layers.classify import classify_facilities, split_shared_facilities
from lifecircle.layers.dedupe import merge_duplicates, merge_report_entries
from lifecircle.layers.demand import demand_from_buildings, drop_unusable_cells, grid_cells
from lifecircle.layers.layerset import LayerSet
from lifecircle.layers.population import (
    PopulationSettings,
    apply_shares,
    building_floor_area,
    population_settings,
    residents_from_floor_area,
    spread_area_counts,
    spread_raster,
)
from lifecircle.spatial.errors import LifecircleError
from lifecircle.standards.profile import Profile


@dataclass(frozen=True)
class DemandSettings:
    """How demand points are made.

    Attributes
    ----------
    grid_size_m : float
        Centre spacing of grid cells (m) where there are no buildings.
    grid_shape : str
        ``hexagon`` or ``square``.
    population_areas : GeoDataFrame or None
        Counts per residential area (already in the LayerSet CRS).
    population_areas_source : str
        Where those counts came from (for messages).
    raster : Path or None
        Population GeoTIFF.
    """

    grid_size_m: float = 150.0
    grid_shape: str = "hexagon"
    population_areas: gpd.GeoDataFrame | None = None
    population_areas_source: str = ""
    raster: Path | None = None


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
                "facilities", f"no facility of category '{cat}' (reported as a gap)", 0, cat
            )

    buildings = layerset.buildings
    if len(buildings):
        buildings = building_floor_area(buildings, settings.default_levels)
        assumed = int((buildings["levels_assumed"] & buildings["use"].eq("residential")).sum())
        if assumed:
            layerset.report(
                "buildings",
                f"residential buildings without levels or height; {settings.default_levels:g} "
                "levels assumed",
                assumed,
            )
        buildings["residents"] = _building_residents(buildings, settings, demand, layerset)
        buildings = apply_shares(buildings, layerset.boundary, settings)
        demand_points = demand_from_buildings(buildings)
    else:
        max_snap_m = float(profile.max_snap_m.value)
        demand_points = _grid_demand(layerset, settings, demand, max_snap_m)
    if demand_points.empty or demand_points["residents"].sum() <= 0:
        raise LifecircleError(
            "No residents were placed in the study area, so there is nothing to analyse.",
            where="buildings / population inputs",
            fix="Check that residential buildings lie inside the boundary, or give population "
            "counts per area, a population raster, or a grid density.",
        )
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


def _building_residents(
    buildings: gpd.GeoDataFrame,
    population: PopulationSettings,
    demand: DemandSettings,
    layerset: LayerSet,
) -> np.ndarray:
    residential = buildings["use"].astype(str).eq("residential").to_numpy()
    weight = np.where(residential, buildings["floor_area_m2"].to_numpy(dtype=float), 0.0)
    if demand.population_areas is not None:
        residents, elderly, unplaced = spread_area_counts(
            buildings, weight, demand.population_areas, demand.population_areas_source
        )
        if np.isfinite(elderly).any():
            buildings["elderly"] = elderly
        if unplaced:
            layerset.report(
                "population", "residents of areas with no residential building", round(unplaced)
            )
        return residents
    if demand.raster is not None:
        residents, unplaced = spread_raster(buildings, weight, demand.raster)
        if unplaced > 0.5:
            layerset.report(
                "population",
                "raster residents in pixels with no residential building",
                round(unplaced),
            )
        return residents
    return residents_from_floor_area(buildings, population)


def _grid_demand(
    layerset: LayerSet, population: PopulationSettings, demand: DemandSettings, max_snap_m: float
) -> gpd.GeoDataFrame:
    """Grid cells over the study area carrying residents (cells beyond ``max_snap_m``, m,
    from every road, or in water, are dropped and reported)."""
    cells = grid_cells(layerset.study_area, demand.grid_size_m, demand.grid_shape)
    frame = gpd.GeoDataFrame(
        {"demand_id": [f"cell-{i:06d}" for i in range(len(cells))]},
        geometry=cells.set_crs(layerset.crs).values,
        crs=layerset.crs,
    )
    frame, in_water, too_far = drop_unusable_cells(
        frame, layerset.water, layerset.roads, max_snap_m
    )
    if in_water:
        layerset.report("demand", "grid cells in water dropped", in_water)
    if too_far:
        layerset.report(
            "demand",
            f"grid cells farther than {max_snap_m:g} m from any road dropped",
            too_far,
        )
    area = frame.geometry.area.to_numpy()
    if demand.population_areas is not None:
        residents, elderly, unplaced = spread_area_counts(
            frame, area, demand.population_areas, demand.population_areas_source
        )
        frame["elderly"] = elderly
    elif demand.raster is not None:
        residents, unplaced = spread_raster(frame, area, demand.raster)
    else:
        residents = area / 1e6 * population.grid_density_per_km2
        unplaced = 0.0
        layerset.report(
            "population",
            f"no buildings or population data: a uniform {population.grid_density_per_km2:g} "
            "residents per km² is ASSUMED on every grid cell",
            len(frame),
        )
    if unplaced > 0.5:
        layerset.report("population", "residents not placed on any grid cell", round(unplaced))
    frame["residents"] = residents
    frame["cell_area_m2"] = area
    frame = apply_shares(frame, layerset.boundary, population)
    frame["source"] = "grid"
    layerset.meta["demand_grid"] = {"size_m": demand.grid_size_m, "shape": demand.grid_shape}
    columns = ["demand_id", "residents", "elderly", "children", "unit_id", "source", "cell_area_m2"]
    return gpd.GeoDataFrame(
        frame[columns], geometry=frame.geometry.centroid.values, crs=layerset.crs
    ).reset_index(drop=True)
