"""Estimate residents, elderly and children per building or grid cell.

Three ways, chosen by the run config:

1. **Floor area** (default): residents = footprint × levels ÷ floor area per
   person, for residential buildings.
2. **Counts per residential area**: polygons with a ``residents`` (and
   optionally ``elderly``) count, spread over the buildings or cells inside in
   proportion to floor area (or cell area).
3. **A population raster** (GeoTIFF, people per pixel, read with rasterio),
   each pixel spread over the buildings or cells inside it.

Elderly and children shares come from the boundary unit (columns
``elderly_share`` / ``children_share``) when present, else the profile default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from lifecircle.layers.vector_io import row_numbers
from lifecircle.spatial.errors import LifecircleError
from lifecircle.standards.profile import Profile

METRES_PER_LEVEL = 3.0
UNTYPED_RULES = ("residential_unless_excluded", "in_residential_landuse", "never")
PLACEMENTS = ("auto", "buildings", "grid")
POSITIVE_SETTINGS = {"floor_area_per_person_m2", "default_levels"}  # divisors and storeys


@dataclass(frozen=True)
class PopulationSettings:
    """How population is estimated.

    Attributes
    ----------
    floor_area_per_person_m2 : float
        Residential floor area per resident (m²).
    elderly_share, children_share : float
        Default shares (0–1) where the boundary unit gives none.
    default_levels : float
        Levels assumed for a residential building with neither levels nor height.
    grid_density_per_km2 : float
        Residents per km² assumed on grid cells (no buildings, sparse buildings,
        or ``placement: grid``); an assumption, reported as one.
    placement : str
        ``auto`` (buildings, with the grid where they are too sparse),
        ``buildings`` (never the grid while buildings exist) or ``grid``
        (ignore buildings).
    sparse_density_share : float
        Buildings are "too sparse" when the residents they hold, per km² of the
        study area, fall below this share of ``grid_density_per_km2``; then
        grid cells with no building at all get the grid density too (mixed).
    untyped_buildings : str
        Rule for untyped buildings (``building=yes``): see :mod:`.housing`.
    min_untyped_footprint_m2 : float
        Untyped buildings with a smaller footprint (m²) are sheds, garages,
        kiosks: not housing.
    residential_building_values, untyped_building_values,
    non_residential_building_values, non_residential_tag_keys,
    residential_landuse_values, non_residential_landuse_values : tuple of str
        The OSM values and keys the housing rule reads (see :mod:`.housing`).
    """

    floor_area_per_person_m2: float = 35.0
    elderly_share: float = 0.25
    children_share: float = 0.08
    default_levels: float = 6.0
    grid_density_per_km2: float = 25_000.0
    placement: str = "auto"
    sparse_density_share: float = 0.25
    untyped_buildings: str = "residential_unless_excluded"
    min_untyped_footprint_m2: float = 30.0
    residential_building_values: tuple[str, ...] = (
        "residential", "apartments", "house", "detached", "semidetached_house",
        "terrace", "dormitory", "bungalow",
    )  # fmt: skip
    untyped_building_values: tuple[str, ...] = ("yes",)
    non_residential_building_values: tuple[str, ...] = (
        "commercial", "retail", "office", "industrial", "warehouse", "school",
        "kindergarten", "university", "college", "hospital", "public", "civic",
        "government", "train_station", "transportation", "hotel", "church", "temple",
        "mosque", "religious", "sports_hall", "stadium", "parking", "garage", "garages",
        "carport", "shed", "hut", "kiosk", "roof", "service", "transformer_tower",
        "construction", "ruins", "toilets", "supermarket", "fire_station", "factory",
    )  # fmt: skip
    non_residential_tag_keys: tuple[str, ...] = (
        "amenity", "shop", "office", "tourism", "leisure", "craft", "industrial",
        "healthcare", "man_made", "military", "public_transport", "railway", "aeroway",
        "power", "sport", "religion", "emergency",
    )  # fmt: skip
    residential_landuse_values: tuple[str, ...] = ("residential",)
    non_residential_landuse_values: tuple[str, ...] = (
        "commercial", "retail", "industrial", "railway", "military", "education",
        "religious", "construction", "garages", "port", "cemetery", "landfill",
    )  # fmt: skip

    @classmethod
    def from_values(
        cls, profile_values: Mapping[str, Any], overrides: Mapping[str, Any] | None = None
    ) -> PopulationSettings:
        """Settings from profile figure values, overridden by run-config values.

        Keys the settings do not know (``areas``, ``raster``...) are ignored.

        Raises
        ------
        LifecircleError
            For a value of the wrong kind (a list where a number belongs, an
            unknown rule name).
        """
        merged = dict(profile_values)
        merged.update(overrides or {})
        values: dict[str, Any] = {}
        for item in fields(cls):
            if item.name not in merged:
                continue
            values[item.name] = _typed_setting(item.name, merged[item.name], item.type)
        settings = cls(**values)
        for key, allowed in (("untyped_buildings", UNTYPED_RULES), ("placement", PLACEMENTS)):
            if getattr(settings, key) not in allowed:
                raise LifecircleError(
                    f"population.{key} is {getattr(settings, key)!r}.",
                    where=f"population.{key} (profile or run config)",
                    fix=f"Use one of: {', '.join(allowed)}.",
                )
        return settings


def _typed_setting(key: str, value: Any, kind: str) -> Any:
    """Convert one setting to the type its field declares (float, str or tuple of str)."""
    if kind.startswith("tuple"):
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise LifecircleError(
                f"population.{key} must be a list of OSM values, got {value!r}.",
                where=f"population.{key} (profile or run config)",
                fix=f"Write it as a YAML list, e.g. {key}: [yes, residential].",
            )
        return tuple(str(v) for v in value)
    if kind == "str":
        return str(value)
    positive = key in POSITIVE_SETTINGS
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    if number is None or not np.isfinite(number) or number < 0 or (positive and number == 0):
        raise LifecircleError(
            f"population.{key} must be a {'positive' if positive else 'non-negative'} number, "
            f"got {value!r}.",
            where=f"population.{key} (profile or run config)",
            fix="Give a plain number, e.g. 35 for floor_area_per_person_m2.",
        )
    return float(number)


def population_settings(
    profile: Profile, overrides: Mapping[str, Any] | None = None
) -> PopulationSettings:
    """Population settings from the profile, overridden by a run config's ``population``.

    Parameters
    ----------
    profile : Profile
        Its ``population`` figures: ``floor_area_per_person_m2`` (m²),
        ``elderly_share`` and ``children_share`` (0–1), the grid density and
        the housing rule (see :class:`PopulationSettings`).
    overrides : mapping, optional
        The run config's ``population`` block; keys that are not
        :class:`PopulationSettings` fields (``areas``, ``raster``) are not settings
        and are skipped.
    """
    base = {key: fig.value for key, fig in profile.population.items()}
    return PopulationSettings.from_values(base, dict(overrides or {}))


def building_floor_area(buildings: gpd.GeoDataFrame, default_levels: float) -> gpd.GeoDataFrame:
    """Fill ``levels``, ``footprint_m2`` and ``floor_area_m2`` (m²) of buildings.

    Levels come from ``levels``, else ``height_m`` ÷ 3 m, else ``default_levels``
    (counted in the returned ``levels_assumed`` column).
    """
    out = buildings.copy()
    levels = _numeric_column(out, "levels")
    from_height = np.round(_numeric_column(out, "height_m") / METRES_PER_LEVEL)
    assumed = np.isnan(levels) & np.isnan(from_height)
    levels = np.where(np.isnan(levels), from_height, levels)
    levels = np.clip(np.where(np.isnan(levels), default_levels, levels), 1, None)
    out["levels"] = levels
    out["levels_assumed"] = assumed
    out["footprint_m2"] = out.geometry.area.to_numpy()
    out["floor_area_m2"] = out["footprint_m2"] * out["levels"]
    return out


def _unit_shares(
    points: gpd.GeoSeries, boundary: gpd.GeoDataFrame, settings: PopulationSettings
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit id, elderly share and children share for each point."""
    n = len(points)
    unit = np.full(n, None, dtype=object)
    elderly = np.full(n, settings.elderly_share)
    children = np.full(n, settings.children_share)
    if boundary is None or boundary.empty or n == 0:
        return unit, elderly, children
    idx_point, idx_unit = boundary.sindex.query(points.values, predicate="intersects")
    first = pd.Series(idx_unit).groupby(idx_point).first()
    rows = first.index.to_numpy()
    units = first.to_numpy()
    unit[rows] = boundary["unit_id"].to_numpy()[units]
    for column, target in (("elderly_share", elderly), ("children_share", children)):
        if column in boundary:
            shares = pd.to_numeric(boundary[column], errors="coerce").to_numpy()[units]
            known = np.isfinite(shares)
            target[rows[known]] = shares[known]
    return unit, elderly, children


def apply_shares(
    frame: gpd.GeoDataFrame, boundary: gpd.GeoDataFrame, settings: PopulationSettings
) -> gpd.GeoDataFrame:
    """Set ``unit_id`` and, where not given, ``elderly`` and ``children`` from shares."""
    out = frame.copy()
    unit, elderly_share, children_share = _unit_shares(
        out.geometry.representative_point(), boundary, settings
    )
    out["unit_id"] = unit
    residents = out["residents"].to_numpy(dtype=float)
    for column, share in (("elderly", elderly_share), ("children", children_share)):
        given = _numeric_column(out, column)
        out[column] = np.where(np.isfinite(given), given, residents * share)
    return out


def _numeric_column(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A column as floats, all NaN when the frame lacks it."""
    if column not in frame:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)


def residents_from_floor_area(
    buildings: gpd.GeoDataFrame, settings: PopulationSettings
) -> np.ndarray:
    """Residents per building: floor area (m²) of housing ÷ m² per person.

    Housing is the ``housing`` column (see :mod:`lifecircle.layers.housing`),
    else ``use == "residential"``.
    """
    if "housing" in buildings:
        housing = buildings["housing"].to_numpy(dtype=bool)
    else:
        housing = buildings["use"].astype(str).eq("residential").to_numpy()
    return np.where(housing, buildings["floor_area_m2"] / settings.floor_area_per_person_m2, 0.0)


def spread_area_counts(
    targets: gpd.GeoDataFrame,
    weight: np.ndarray,
    areas: gpd.GeoDataFrame,
    source: str,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Spread counts given per residential area over the targets inside.

    Parameters
    ----------
    targets : GeoDataFrame
        Buildings or grid cells (their representative point decides the area).
    weight : ndarray
        Relative weight of each target (floor area in m², or cell area).
    areas : GeoDataFrame
        Polygons with a ``residents`` column and optionally ``elderly``.
    source : str
        File name, for messages.

    Returns
    -------
    residents, elderly : ndarray
        Per target (elderly is NaN where the areas give no elderly count).
    unplaced : float
        Residents of areas that hold no target (reported by the caller).
    """
    if "residents" not in areas:
        raise LifecircleError(
            "The population-per-area layer has no 'residents' column.",
            where=f"{source}, columns {list(areas.columns)}",
            fix="Map your count column to 'residents' in the run config (population.columns).",
        )
    counts = _checked_area_counts(areas, source)
    points = targets.geometry.representative_point()
    idx_target, idx_area = areas.sindex.query(points.values, predicate="intersects")
    owner = np.full(len(targets), -1)
    owner[idx_target] = idx_area
    inside = owner >= 0
    weight_sum = np.bincount(owner[inside], weights=weight[inside], minlength=len(areas))
    share = np.zeros(len(targets))
    share[inside] = np.divide(
        weight[inside],
        weight_sum[owner[inside]],
        out=np.zeros(inside.sum()),
        where=weight_sum[owner[inside]] > 0,
    )
    residents = np.zeros(len(targets))
    residents[inside] = counts.to_numpy()[owner[inside]] * share[inside]
    elderly = np.full(len(targets), np.nan)
    if "elderly" in areas:
        elderly_counts = pd.to_numeric(areas["elderly"], errors="coerce").to_numpy()
        elderly[inside] = elderly_counts[owner[inside]] * share[inside]
    unplaced = float(counts.to_numpy()[weight_sum == 0].sum())
    return residents, elderly, unplaced


def _bad_rows(areas: pd.DataFrame, bad: pd.Series, source: str) -> str:
    """Where the bad rows are (spreadsheet rows or feature numbers, see ``row_numbers``).

    The reader's integer index (0 = first data row) is used when there is one, so rows
    dropped while reading do not shift the numbers.
    """
    positions = np.flatnonzero(bad.to_numpy())
    labels = areas.index[positions]
    numbers = labels if pd.api.types.is_integer_dtype(labels) else positions
    return row_numbers(Path(source), numbers)


def _checked_area_counts(areas: gpd.GeoDataFrame, source: str) -> pd.Series:
    """The ``residents`` count per area (people), refusing counts no area can have.

    Raises
    ------
    LifecircleError
        When a resident count is missing or negative, or an elderly count is negative
        or larger than the area's residents.
    """
    counts = pd.to_numeric(areas["residents"], errors="coerce")
    bad = counts.isna() | (counts < 0)
    if bad.any():
        raise LifecircleError(
            "Some residential areas have a missing or negative resident count.",
            where=_bad_rows(areas, bad, source),
            fix="Give every area a count of zero or more.",
        )
    if "elderly" in areas:
        elderly = pd.to_numeric(areas["elderly"], errors="coerce")
        negative = elderly < 0
        if negative.any():
            raise LifecircleError(
                "Some residential areas have a negative elderly count.",
                where=_bad_rows(areas, negative, source),
                fix="Give every area an elderly count of zero or more, or leave it empty.",
            )
        more = elderly > counts
        if more.any():
            first = int(np.flatnonzero(more.to_numpy())[0])
            raise LifecircleError(
                f"Some residential areas hold more elderly than residents (e.g. "
                f"{elderly.iloc[first]:g} elderly of {counts.iloc[first]:g} residents).",
                where=_bad_rows(areas, more, source),
                fix="The elderly count is part of the residents: check the two columns are "
                "not swapped (population.columns) and that both count the same people.",
            )
    return counts


def spread_raster(
    targets: gpd.GeoDataFrame, weight: np.ndarray, raster_path: str | Path
) -> tuple[np.ndarray, float]:
    """Spread a population raster (people per pixel) over targets by weight.

    Returns
    -------
    residents : ndarray
        Per target.
    unplaced : float
        People in pixels that hold no target inside the targets' extent.
    """
    import rasterio  # heavy import, only for this path

    path = Path(raster_path)
    if not path.is_file():
        raise LifecircleError(
            f"The population raster {path} does not exist.",
            where=str(path),
            fix="Check population.raster in the run config.",
        )
    try:
        dataset = rasterio.open(path)
    except rasterio.errors.RasterioIOError as exc:
        raise LifecircleError(
            f"The population raster {path.name} could not be read: {exc}",
            where=str(path),
            fix="Give a GeoTIFF of people per pixel.",
        ) from exc
    with dataset:
        if dataset.crs is None:
            raise LifecircleError(
                f"The population raster {path.name} has no CRS.",
                where=str(path),
                fix="Set its CRS with gdal_edit.py -a_srs or in QGIS.",
            )
        band = dataset.read(1, masked=True).filled(0).astype(float)
        band[~np.isfinite(band) | (band < 0)] = 0.0
        points = targets.geometry.representative_point().to_crs(dataset.crs)
        rows, cols = rasterio.transform.rowcol(
            dataset.transform, points.x.to_numpy(), points.y.to_numpy()
        )
    rows = np.asarray(rows)
    cols = np.asarray(cols)
    inside = (rows >= 0) & (rows < band.shape[0]) & (cols >= 0) & (cols < band.shape[1])
    pixel = np.where(inside, rows * band.shape[1] + cols, -1)
    weight_sum = np.bincount(pixel[inside], weights=weight[inside], minlength=band.size)
    residents = np.zeros(len(targets))
    flat = band.ravel()
    ok = inside.copy()
    ok[inside] = weight_sum[pixel[inside]] > 0
    residents[ok] = flat[pixel[ok]] * weight[ok] / weight_sum[pixel[ok]]
    covered_pixels = np.unique(pixel[inside])
    if covered_pixels.size:
        r0, r1 = rows[inside].min(), rows[inside].max()
        c0, c1 = cols[inside].min(), cols[inside].max()
        window_total = band[r0 : r1 + 1, c0 : c1 + 1].sum()
        unplaced = float(window_total - flat[covered_pixels].sum())
    else:
        unplaced = float(band.sum())
    return residents, unplaced
