"""Demand points: where residents start walking from.

Residential buildings give one point each (a point on the footprint). Where a
source has no buildings, or its buildings are too sparse to hold the
population, a regular grid of hexagons or squares covers the study area (or
its parts with no building); cells whose centre lies in water or farther than
the snap limit from any road are dropped and reported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from lifecircle.spatial.errors import LifecircleError


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


def grid_cells(area: shapely.Geometry, size_m: float, shape: str = "hexagon") -> gpd.GeoSeries:
    """Cells of a regular grid whose centres fall inside ``area``.

    Parameters
    ----------
    area : shapely geometry
        Study area polygon, in a metric CRS.
    size_m : float
        Distance between neighbouring cell centres, in metres.
    shape : {"hexagon", "square"}
        Cell shape.

    Returns
    -------
    GeoSeries
        Cell polygons, ordered row by row from the south-west, indexed by stable ids
        ``cell-<shape initial><size>-<row>-<column>`` of the lattice anchored at the
        CRS origin (``cell-h150-23145-2702``): the same cell has the same id in
        every run made in the same CRS, whatever the study area's extent.
    """
    if size_m <= 0:
        raise LifecircleError(
            f"The grid cell size must be positive, got {size_m} m.",
            where="demand.grid_size_m",
            fix="Use a size such as 100–250 m.",
        )
    if shape not in {"hexagon", "square"}:
        raise LifecircleError(
            f"Unknown grid shape '{shape}'.",
            where="demand.grid_shape",
            fix="Use hexagon or square.",
        )
    # The lattice is anchored at the CRS origin, not at the area's corner, so a cell
    # has the same centre and id whatever area it is made for: a unit of `lifecircle
    # batch` gets exactly the cells the whole city's run gives it.
    minx, miny, maxx, maxy = area.bounds
    if shape == "square":
        rows = np.arange(math.floor(miny / size_m), math.ceil(maxy / size_m) + 1)
        cols = np.arange(math.floor(minx / size_m), math.ceil(maxx / size_m) + 1)
        col_index, row_index = np.meshgrid(cols, rows)
        cx = (col_index + 0.5) * size_m
        cy = (row_index + 0.5) * size_m
        half = size_m / 2
        offsets = np.array([[-half, -half], [half, -half], [half, half], [-half, half]])
    else:
        row_step = size_m * math.sqrt(3) / 2
        rows = np.arange(math.floor(miny / row_step) - 1, math.ceil(maxy / row_step) + 1)
        cols = np.arange(math.floor(minx / size_m) - 1, math.ceil(maxx / size_m) + 1)
        col_index, row_index = np.meshgrid(cols, rows)
        cx = col_index * size_m + (row_index % 2) * size_m / 2
        cy = (row_index + 0.5) * row_step
        radius = size_m / math.sqrt(3)
        angles = np.deg2rad(np.arange(6) * 60 + 30)
        offsets = np.column_stack([np.cos(angles), np.sin(angles)]) * radius
    keep = shapely.contains_xy(area, cx.ravel(), cy.ravel())
    centres_xy = np.column_stack([cx.ravel()[keep], cy.ravel()[keep]])
    rings = centres_xy[:, None, :] + offsets[None, :, :]
    ids = [
        f"cell-{shape[0]}{size_m:g}-{row}-{col}"
        for row, col in zip(row_index.ravel()[keep], col_index.ravel()[keep], strict=True)
    ]
    return gpd.GeoSeries(shapely.polygons(rings), index=pd.Index(ids, name="demand_id"))


def drop_unusable_cells(
    cells: gpd.GeoDataFrame,
    water: gpd.GeoDataFrame,
    roads: gpd.GeoDataFrame,
    max_snap_m: float,
) -> tuple[gpd.GeoDataFrame, int, int]:
    """Drop grid cells whose centre is in water or farther than ``max_snap_m`` from a road.

    Returns
    -------
    cells : GeoDataFrame
        The kept cells.
    in_water, too_far : int
        How many were dropped for each reason.
    """
    centres = cells.geometry.centroid
    in_water = np.zeros(len(cells), dtype=bool)
    water_polygons = water[water.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    if len(water_polygons) and len(cells):
        idx, _ = water_polygons.sindex.query(centres.values, predicate="within")
        in_water[np.unique(idx)] = True
    too_far = np.ones(len(cells), dtype=bool)
    if len(roads) and len(cells):
        idx, _ = roads.sindex.query(centres.values, predicate="dwithin", distance=max_snap_m)
        too_far[np.unique(idx)] = False
    too_far &= ~in_water
    kept = cells[~in_water & ~too_far]
    return kept, int(in_water.sum()), int(too_far.sum())


def cells_without_buildings(
    cells: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """The cells that hold no building at all (no footprint point inside).

    Any building counts, housing or not: a cell of mapped shops or offices is
    mapped, only a cell with nothing mapped may be unmapped housing.
    """
    if buildings.empty or cells.empty:
        return cells
    points = buildings.geometry.representative_point()
    _, idx_cell = cells.sindex.query(points.values, predicate="intersects")
    occupied = np.zeros(len(cells), dtype=bool)
    occupied[idx_cell] = True
    return cells[~occupied]


def demand_from_buildings(buildings: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One demand point per building with residents, keeping the building id."""
    housed = buildings[buildings["residents"] > 0]
    return gpd.GeoDataFrame(
        {
            "demand_id": housed["building_id"].astype(str).to_numpy(),
            "residents": housed["residents"].to_numpy(dtype=float),
            "elderly": housed["elderly"].to_numpy(dtype=float),
            "children": housed["children"].to_numpy(dtype=float),
            "unit_id": housed["unit_id"].to_numpy(),
            "source": "building",
        },
        geometry=housed.geometry.representative_point().values,
        crs=buildings.crs,
    )
