"""Place residents: on buildings, on a grid, or both, and say which and why.

The method (recorded in ``layerset.meta["population"]`` and as report lines):

``buildings``
    Housing (see :mod:`lifecircle.layers.housing`) floor area ÷ m² per person.
``grid``
    No buildings, no housing among them, or ``placement: grid``: every usable
    grid cell gets ``grid_density_per_km2`` (an assumption).
``mixed``
    Buildings are too sparse: the residents they hold per km² of the study
    area fall below ``sparse_density_share`` × ``grid_density_per_km2``
    (0.25 × 25,000 = 6,250 per km² by default; central Shanghai sub-districts
    hold 20,000–40,000). Housing keeps its floor-area residents and every
    usable grid cell with no building at all gets the grid density.
``areas`` / ``raster``
    Counts per area or a raster, spread over housing floor area, or over
    grid cells when no housing exists.

Set ``placement: buildings`` to keep a genuinely low-density area on its
buildings only.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from lifecircle.layers.demand import (
    DemandSettings,
    cells_without_buildings,
    demand_from_buildings,
    drop_unusable_cells,
    grid_cells,
)
from lifecircle.layers.housing import REASONS, classify_housing, ignored_examples
from lifecircle.layers.layerset import LayerSet
from lifecircle.layers.population import (
    PopulationSettings,
    apply_shares,
    building_floor_area,
    residents_from_floor_area,
    spread_area_counts,
    spread_raster,
)
from lifecircle.spatial.errors import LifecircleError

DEMAND_COLUMNS = ["demand_id", "residents", "elderly", "children", "unit_id", "source"]


def place_residents(
    layerset: LayerSet,
    population: PopulationSettings,
    demand: DemandSettings,
    max_snap_m: float,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Estimate residents and build demand points, recording the method.

    Parameters
    ----------
    layerset : LayerSet
    population : PopulationSettings
    demand : DemandSettings
    max_snap_m : float
        Grid cells whose centre is farther than this (m) from any road are
        dropped (the profile's snap limit).

    Returns
    -------
    buildings : GeoDataFrame
        With ``housing``, ``housing_rule``, floor area (m²) and residents.
    demand : GeoDataFrame
        Points with residents (``source`` ``building`` or ``grid``).

    Raises
    ------
    LifecircleError
        When no resident could be placed, with a fix that works for the case.
    """
    area_km2 = float(layerset.study_area.area) / 1e6
    info: dict[str, Any] = {
        "method": "grid",
        "placement": population.placement,
        "study_area_km2": round(area_km2, 3),
        "floor_area_per_person_m2": population.floor_area_per_person_m2,
        "grid_density_per_km2": population.grid_density_per_km2,
        "sparse_threshold_per_km2": population.sparse_density_share
        * population.grid_density_per_km2,
        "untyped_buildings": population.untyped_buildings,
        "min_untyped_footprint_m2": population.min_untyped_footprint_m2,
        "max_snap_m": max_snap_m,
        "buildings_total": len(layerset.buildings),
        "buildings_used": 0,
        "buildings_ignored": {},
        "building_residents": 0.0,
        "grid_cells": 0,
        "grid_residents": 0.0,
    }
    layerset.meta["population"] = info
    buildings = layerset.buildings
    if len(buildings):
        buildings = _classified(buildings, population, layerset, info)
    if len(buildings) and population.placement != "grid":
        buildings, parts = _on_buildings(buildings, layerset, population, demand)
    else:
        if len(buildings):
            buildings[["residents", "elderly", "children"]] = 0.0
        parts = [_grid_demand(layerset, population, demand, None)]
        info["method"] = _data_method(demand) or "grid"
    points = _concat_points(parts, layerset)
    info["residents"] = round(float(points["residents"].sum()), 1) if len(points) else 0.0
    _report_method(layerset, info)
    if points.empty or points["residents"].sum() <= 0:
        raise _nothing_placed(info, population, demand)
    return buildings, points


def _on_buildings(
    buildings: gpd.GeoDataFrame,
    layerset: LayerSet,
    population: PopulationSettings,
    demand: DemandSettings,
) -> tuple[gpd.GeoDataFrame, list[gpd.GeoDataFrame]]:
    """Residents on housing, plus grid cells where the housing is too sparse or holds nobody."""
    info = layerset.meta["population"]
    area_km2 = float(layerset.study_area.area) / 1e6
    buildings["residents"] = _building_residents(buildings, population, demand, layerset)
    buildings = apply_shares(buildings, layerset.boundary, population)
    placed = float(buildings["residents"].sum())
    info["building_residents"] = round(placed, 1)
    info["building_residents_per_km2"] = round(placed / area_km2, 1) if area_km2 else 0.0
    info["method"] = _data_method(demand) or "buildings"
    parts = [demand_from_buildings(buildings)]
    sparse = (
        _data_method(demand) is None
        and area_km2 > 0
        and placed / area_km2 < info["sparse_threshold_per_km2"]
    )
    if population.placement == "buildings" or (placed > 0 and not sparse):
        return buildings, parts
    if placed <= 0:
        parts.append(_grid_demand(layerset, population, demand, None))
        info["method"] = _data_method(demand) or "grid"
        return buildings, parts
    # sheds alone do not make a cell "mapped": its homes may be missing
    mapped = buildings[buildings["housing_rule"] != "too_small"]
    grid = _grid_demand(layerset, population, demand, mapped)
    parts.append(grid)
    if len(grid):
        info["method"] = "mixed"
    return buildings, parts


def _data_method(demand: DemandSettings) -> str | None:
    if demand.population_areas is not None:
        return "areas"
    if demand.raster is not None:
        return "raster"
    return None


def _classified(
    buildings: gpd.GeoDataFrame,
    population: PopulationSettings,
    layerset: LayerSet,
    info: dict[str, Any],
) -> gpd.GeoDataFrame:
    """Buildings with floor area and the housing rule applied; counts reported."""
    buildings = building_floor_area(buildings, population.default_levels)
    housing, reason = classify_housing(buildings, population)
    buildings["housing"] = housing
    buildings["housing_rule"] = reason
    info["buildings_used"] = int(housing.sum())
    counts = pd.Series(reason).value_counts()
    info["buildings_used_by_reason"] = {
        key: int(counts[key]) for key in counts.index if REASONS[key][0]
    }
    info["buildings_ignored"] = {
        key: int(counts[key]) for key in counts.index if not REASONS[key][0]
    }
    used = info["buildings_used_by_reason"].items()
    layerset.report(
        "buildings",
        f"buildings counted as housing (untyped rule: {population.untyped_buildings})",
        int(housing.sum()),
        ", ".join(f"{REASONS[k][1]}: {v}" for k, v in used),
        detail_zh="，".join(f"{REASONS[k][2]}：{v}" for k, v in used),
    )
    for key, count in info["buildings_ignored"].items():
        label, label_zh = REASONS[key][1], REASONS[key][2]
        if key == "too_small":
            label = f"{label} ({population.min_untyped_footprint_m2:g} m²)"
            label_zh = f"{label_zh}（{population.min_untyped_footprint_m2:g} m²）"
        layerset.report(
            "buildings",
            f"buildings ignored: {label}",
            count,
            ignored_examples(buildings, reason, key, population),
            issue_zh=f"未计入的建筑：{label_zh}",
        )
    assumed = int((buildings["levels_assumed"] & buildings["housing"]).sum())
    if assumed:
        layerset.report(
            "buildings",
            f"housing without levels or height; {population.default_levels:g} levels assumed",
            assumed,
        )
    return buildings


def _building_residents(
    buildings: gpd.GeoDataFrame,
    population: PopulationSettings,
    demand: DemandSettings,
    layerset: LayerSet,
) -> np.ndarray:
    weight = np.where(buildings["housing"], buildings["floor_area_m2"].to_numpy(dtype=float), 0.0)
    if demand.population_areas is not None:
        residents, elderly, unplaced = spread_area_counts(
            buildings, weight, demand.population_areas, demand.population_areas_source
        )
        if np.isfinite(elderly).any():
            buildings["elderly"] = elderly
        if unplaced and weight.sum() > 0:
            layerset.report("population", "residents of areas with no housing", round(unplaced))
        return residents
    if demand.raster is not None:
        residents, unplaced = spread_raster(buildings, weight, demand.raster)
        if unplaced > 0.5 and weight.sum() > 0:
            layerset.report(
                "population", "raster residents in pixels with no housing", round(unplaced)
            )
        return residents
    return residents_from_floor_area(buildings, population)


def _grid_demand(
    layerset: LayerSet,
    population: PopulationSettings,
    demand: DemandSettings,
    occupied_by: gpd.GeoDataFrame | None,
) -> gpd.GeoDataFrame:
    """Grid demand points, over the cells holding no building of ``occupied_by`` when given."""
    info = layerset.meta["population"]
    cells = grid_cells(layerset.study_area, demand.grid_size_m, demand.grid_shape)
    frame = gpd.GeoDataFrame(
        {"demand_id": cells.index.to_numpy()},
        geometry=cells.set_crs(layerset.crs).values,
        crs=layerset.crs,
    )
    cell_area_m2 = float(frame.geometry.area.iloc[0]) if len(frame) else 0.0
    info["grid_cells_in_study_area"] = len(frame)
    if occupied_by is not None:
        frame = cells_without_buildings(frame, occupied_by)
        info["grid_cells_without_buildings"] = len(frame)
    frame, in_water, too_far = drop_unusable_cells(
        frame, layerset.water, layerset.roads, info["max_snap_m"]
    )
    info["grid_cells_in_water"] = in_water
    info["grid_cells_far_from_roads"] = too_far
    if in_water:
        layerset.report("demand", "grid cells in water dropped", in_water)
    if too_far:
        held = ""
        if _data_method(demand) is None:
            lost = too_far * cell_area_m2 / 1e6 * population.grid_density_per_km2
            info["residents_far_from_roads"] = round(lost, 1)
            held = f"they would have held {lost:,.0f} residents at the assumed density"
        layerset.report(
            "demand",
            f"grid cells farther than {info['max_snap_m']:g} m from any road dropped",
            too_far,
            held,
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
    if unplaced > 0.5:
        layerset.report("population", "residents not placed on any grid cell", round(unplaced))
    frame["residents"] = residents
    frame["cell_area_m2"] = area
    frame = apply_shares(frame, layerset.boundary, population)
    frame["source"] = "grid"
    info["grid_cells"] = len(frame)
    info["grid_residents"] = round(float(np.sum(residents)), 1)
    layerset.meta["demand_grid"] = {"size_m": demand.grid_size_m, "shape": demand.grid_shape}
    return gpd.GeoDataFrame(
        frame[[*DEMAND_COLUMNS, "cell_area_m2"]],
        geometry=frame.geometry.centroid.values,
        crs=layerset.crs,
    ).reset_index(drop=True)


def _concat_points(parts: list[gpd.GeoDataFrame], layerset: LayerSet) -> gpd.GeoDataFrame:
    parts = [part for part in parts if len(part)]
    if not parts:
        return gpd.GeoDataFrame({c: [] for c in DEMAND_COLUMNS}, geometry=[], crs=layerset.crs)
    if len(parts) == 1:
        return parts[0].reset_index(drop=True)
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=layerset.crs)


def _report_method(layerset: LayerSet, info: dict[str, Any]) -> None:
    """The method as one report line (count: residents placed), the figures in detail."""
    layerset.report(
        "population",
        f"population method: {info['method']}",
        round(info["residents"]),
        method_sentence(info, "en"),
        issue_zh=f"人口方法：{METHOD_ZH.get(info['method'], info['method'])}",
        detail_zh=method_sentence(info, "zh"),
    )


def method_sentence(info: dict[str, Any], lang: str) -> str:
    """How residents were placed, in one sentence (``zh`` or ``en``)."""
    parts = []
    zh = lang == "zh"
    if info["building_residents"]:
        parts.append(
            f"{info['building_residents']:,.0f} 人在 {info['buildings_used']:,} 栋住宅中"
            f"（人均建筑面积 {info['floor_area_per_person_m2']:g} m²）"
            if zh
            else f"{info['building_residents']:,.0f} residents in {info['buildings_used']:,} "
            f"housing buildings at {info['floor_area_per_person_m2']:g} m² per person"
        )
    if info["grid_cells"]:
        parts.append(
            f"{info['grid_residents']:,.0f} 人在 {info['grid_cells']:,} 个网格单元"
            f"（假定密度 {info['grid_density_per_km2']:,.0f} 人/km²）"
            if zh
            else f"{info['grid_residents']:,.0f} residents on {info['grid_cells']:,} grid cells "
            f"at an assumed {info['grid_density_per_km2']:,.0f} per km²"
        )
    density = info.get("building_residents_per_km2")
    if density is not None and density < info["sparse_threshold_per_km2"]:
        parts.append(
            f"建筑过稀：住宅仅容纳 {density:,.0f} 人/km²，低于 "
            f"{info['sparse_threshold_per_km2']:,.0f}"
            if zh
            else f"buildings too sparse: housing holds {density:,.0f} per km², below "
            f"{info['sparse_threshold_per_km2']:,.0f}"
        )
    return ("；" if zh else "; ").join(parts)


METHOD_ZH = {
    "buildings": "按建筑",
    "grid": "按网格",
    "mixed": "建筑与网格混合",
    "areas": "按分区人口",
    "raster": "按人口栅格",
}


def population_lines(info: dict[str, Any], lang: str = "zh") -> list[str]:
    """One stderr line each: method, buildings used and ignored, dropped grid cells."""
    zh = lang == "zh"
    lines = [
        (
            f"人口方法：{METHOD_ZH[info['method']]}（{info['method']}）— "
            if zh
            else f"population method: {info['method']} — "
        )
        + method_sentence(info, lang)
    ]
    if info["buildings_total"]:
        ignored = ("，" if zh else ", ").join(
            f"{REASONS[key][2 if zh else 1]} {count:,}"
            for key, count in info["buildings_ignored"].items()
        )
        lines.append(
            f"建筑：{info['buildings_total']:,} 栋中 {info['buildings_used']:,} 栋计为住宅"
            f"（未标用途规则 {info['untyped_buildings']}，最小占地 "
            f"{info['min_untyped_footprint_m2']:g} m²）；未计：{ignored or '无'}"
            if zh
            else f"buildings: {info['buildings_used']:,} of {info['buildings_total']:,} counted "
            f"as housing (untyped rule {info['untyped_buildings']}, minimum footprint "
            f"{info['min_untyped_footprint_m2']:g} m²); ignored: {ignored or 'none'}"
        )
    if info.get("grid_cells_far_from_roads"):
        lost = info.get("residents_far_from_roads")
        lines.append(
            f"网格：{info['grid_cells_far_from_roads']:,} 个单元离道路过远被舍弃"
            + (f"（按假定密度约 {lost:,.0f} 人）" if lost is not None else "")
            if zh
            else f"grid: {info['grid_cells_far_from_roads']:,} cells far from any road dropped"
            + (f" (they would have held {lost:,.0f} residents)" if lost is not None else "")
        )
    return lines


def _nothing_placed(
    info: dict[str, Any], population: PopulationSettings, demand: DemandSettings
) -> LifecircleError:
    """The error when no resident was placed, with a fix that works for this case."""
    if info.get("grid_cells_in_study_area") == 0:
        fix = (
            f"The study area is smaller than one {demand.grid_size_m:g} m grid cell: use a "
            "smaller demand.grid_size_m in the run config (e.g. 50), or a larger study area."
        )
    elif info["grid_cells"] == 0 and info.get("grid_cells_far_from_roads") is not None:
        fix = (
            "Every grid cell lies in water or farther than "
            f"{info['max_snap_m']:g} m from a road: check that the study area (bbox or "
            "boundary) overlaps the extract's roads."
        )
    elif _data_method(demand) is not None:
        fix = "Give the population areas or raster non-zero counts inside the study area."
    elif population.placement == "buildings":
        fix = (
            "No building counts as housing. Set population.placement: auto in the run config "
            "(grid where buildings are too sparse), or population.untyped_buildings: "
            "residential_unless_excluded."
        )
    else:
        fix = (
            "population.grid_density_per_km2 is 0: give it a positive value in the run config, "
            "or give population counts per area (population.areas)."
        )
    return LifecircleError(
        "No residents were placed in the study area, so there is nothing to analyse.",
        where=f"population method {info['method']}",
        fix=fix,
    )
