"""Hexagon summary of demand points, for overview maps of large areas.

Above ``MapOptions.max_demand_points`` an overview map would carry too many
points for a browser (and for a 10 MB page). The points are then summed into
flat-topped hexagons in the metric CRS: people are added up, and walking
minutes and indices become the resident-weighted mean of the points that have
a value. A hexagon where most residents have no facility within the search
limit keeps "none" (null), so the legend class stays honest.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely


def hex_size_for(frame: gpd.GeoDataFrame, target_cells: int, minimum_m: float = 100.0) -> float:
    """Hexagon circumradius (m) so that the area holds about ``target_cells`` cells."""
    xmin, ymin, xmax, ymax = frame.total_bounds
    area = max((xmax - xmin) * (ymax - ymin), 1.0)
    cell_area = area / max(target_cells, 1)
    radius = math.sqrt(cell_area / (1.5 * math.sqrt(3.0)))
    return float(max(radius, minimum_m))


def hex_index(x: np.ndarray, y: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray]:
    """Axial (q, r) of the flat-topped hexagon holding each point (cube rounding)."""
    q = (2.0 / 3.0 * x) / radius
    r = (-1.0 / 3.0 * x + math.sqrt(3.0) / 3.0 * y) / radius
    s = -q - r
    rq, rr, rs = np.round(q), np.round(r), np.round(s)
    dq, dr, ds = np.abs(rq - q), np.abs(rr - r), np.abs(rs - s)
    fix_q = (dq > dr) & (dq > ds)
    fix_r = ~fix_q & (dr > ds)
    rq = np.where(fix_q, -rr - rs, rq)
    rr = np.where(fix_r, -rq - rs, rr)
    return rq.astype(np.int64), rr.astype(np.int64)


def hex_polygons(q: np.ndarray, r: np.ndarray, radius: float) -> np.ndarray:
    """Polygons of flat-topped hexagons at axial (q, r)."""
    cx = radius * 1.5 * q
    cy = radius * math.sqrt(3.0) * (r + q / 2.0)
    angles = np.deg2rad(np.arange(0, 360, 60))
    xs = cx[:, None] + radius * np.cos(angles)[None, :]
    ys = cy[:, None] + radius * np.sin(angles)[None, :]
    rings = np.stack([xs, ys], axis=-1)
    return shapely.polygons(rings)


def aggregate_to_hexagons(
    demand: gpd.GeoDataFrame,
    radius_m: float,
    mean_columns: Sequence[str],
    weight: str = "residents",
    elderly_mean_columns: Sequence[str] = (),
    null_share: float = 0.5,
) -> gpd.GeoDataFrame:
    """Sum demand points into hexagons.

    Parameters
    ----------
    demand : GeoDataFrame
        Points in a metric CRS with ``residents`` and ``elderly``.
    radius_m : float
        Hexagon circumradius in metres.
    mean_columns : sequence of str
        Columns averaged with ``weight`` over the points that have a value.
    elderly_mean_columns : sequence of str
        Columns averaged with the ``elderly`` weight (2SFCA for older people).
    null_share : float
        A hexagon's value is null when more than this share of its weight
        has no value (no facility within the search limit).

    Returns
    -------
    GeoDataFrame
        One row per occupied hexagon: ``hex_id``, ``points``, ``residents``,
        ``elderly``, the averaged columns, polygon geometry.
    """
    x = shapely.get_x(np.asarray(demand.geometry.array))
    y = shapely.get_y(np.asarray(demand.geometry.array))
    q, r = hex_index(x, y, radius_m)
    # one integer key per hexagon, in (q, r) order: np.unique sorts and numbers them
    q0, r0 = (int(q.min()), int(r.min())) if len(q) else (0, 0)
    span = int(r.max()) - r0 + 1 if len(r) else 1
    keys, cell_of = np.unique((q - q0) * span + (r - r0), return_inverse=True)
    cell_of = cell_of.reshape(-1)
    n_cells = len(keys)
    cells = np.column_stack([keys // span + q0, keys % span + r0])

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(cell_of, weights=values, minlength=n_cells)

    residents = demand["residents"].to_numpy(dtype=float)
    elderly = demand["elderly"].to_numpy(dtype=float)
    out = pd.DataFrame(
        {
            "points": np.bincount(cell_of, minlength=n_cells).astype(np.int64),
            "residents": total(residents),
            "elderly": total(elderly),
        }
    )
    for columns, weight_name in ((mean_columns, weight), (elderly_mean_columns, "elderly")):
        w = demand[weight_name].to_numpy(dtype=float)
        w = np.where(w > 0, w, 1e-9)
        w_all = total(w)
        for column in columns:
            values = demand[column].to_numpy(dtype=float)
            has = ~np.isnan(values)
            w_has = total(np.where(has, w, 0.0))
            weighted = total(np.where(has, values * w, 0.0))
            with np.errstate(invalid="ignore", divide="ignore"):
                mean = np.where(w_has > 0, weighted / w_has, np.nan)
            mean[w_has < (1.0 - null_share) * w_all] = np.nan
            out[column] = mean
    geometry = hex_polygons(cells[:, 0], cells[:, 1], radius_m)
    out.insert(0, "hex_id", [f"hex-{i + 1}" for i in range(len(out))])
    return gpd.GeoDataFrame(out, geometry=geometry, crs=demand.crs)
