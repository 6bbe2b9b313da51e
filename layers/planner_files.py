"""The planner's own layers: facility lists, buildings, candidate sites, LayerSet files.

Column names are mapped to the lifecircle schema by the run config, e.g.
``columns: {name: 名称, category: 类别, capacity: 床位, floor_area_m2: 建筑面积}``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from lifecircle.layers.layerset_io import gpkg_layer_names, read_water, restore_vertex_ids
from lifecircle.layers.osm import RawLayers
from lifecircle.layers.vector_io import read_vector, row_numbers
from lifecircle.spatial.errors import LifecircleError
from lifecircle.standards.validation import did_you_mean

WGS84 = "EPSG:4326"


def _mapped(frame: pd.DataFrame, columns: dict[str, str], path: Path) -> dict[str, pd.Series]:
    out = {}
    for schema_name, source_name in (columns or {}).items():
        if source_name not in frame.columns:
            raise LifecircleError(
                f"Column '{source_name}' (mapped to '{schema_name}') is not in {path.name}.",
                where=f"{path}, columns {list(frame.columns)}",
                fix="Correct the `columns:` mapping in the run config.",
            )
        out[schema_name] = frame[source_name]
    return out


#: Plausible range of each numeric column of the planner's files: (lowest, highest, unit).
NUMBER_RANGES: dict[str, tuple[float, float, str]] = {
    "capacity": (0.0, 1_000_000.0, "places, beds or m²"),
    "floor_area_m2": (0.0, 1_000_000.0, "m² of floor area"),
    "levels": (0.0, 200.0, "storeys"),
    "height_m": (0.0, 1_000.0, "metres"),
    "residents": (0.0, 1_000_000.0, "people"),
    "elderly": (0.0, 1_000_000.0, "people"),
}


def _numbers(series: pd.Series | None, n: int, key: str, path: Path) -> np.ndarray:
    """A numeric column as floats (NaN where empty), refusing text and implausible values.

    ``key`` names the schema column; its range (``NUMBER_RANGES``) rules out
    negative values, ``inf`` and absurd sizes such as a floor area of 1e308 m²,
    which would otherwise make per-1,000 figures infinite.
    """
    if series is None:
        return np.full(n, np.nan)
    low, high, unit = NUMBER_RANGES[key]
    values = pd.to_numeric(series, errors="coerce")
    text = series.notna() & values.isna()
    if text.any():
        raise LifecircleError(
            f"Column '{series.name}' ({key}) holds text that is not a number.",
            where=row_numbers(path, np.flatnonzero(text.to_numpy())),
            fix="Write plain numbers (no units) or leave the cell empty.",
        )
    numbers = values.to_numpy(dtype=float)
    outside = ~np.isnan(numbers) & ~((numbers >= low) & (numbers <= high))
    if outside.any():
        shown = sorted({float(v) for v in numbers[outside]})[:5]
        allowed = f"from {low:,.0f} to {high:,.0f} {unit}"
        raise LifecircleError(
            f"Column '{series.name}' ({key}) holds values that are not {allowed}: {shown}.",
            where=row_numbers(path, np.flatnonzero(outside)),
            fix=f"Correct those cells ({allowed}) or leave them empty.",
        )
    return numbers


def _category_names(categories: Iterable[str] | Mapping[str, Any]) -> tuple[list[str], dict]:
    """Profile category ids, and every name a planner may write for one → its id.

    ``categories`` is a list of ids, or the profile's ``categories`` mapping,
    whose display names (``name_zh`` 幼儿园, ``name_en``) are accepted too.
    """
    ids = [str(c) for c in categories]
    names: dict[str, str] = {}
    if isinstance(categories, Mapping):
        for cat_id, category in categories.items():
            for name in (getattr(category, "name_zh", None), getattr(category, "name_en", None)):
                if name:
                    names.setdefault(str(name).strip(), cat_id)
                    names.setdefault(str(name).strip().casefold(), cat_id)
    names.update({cat_id: cat_id for cat_id in ids})
    return ids, names


def _category_id(label: Any, names: dict[str, str]) -> str | None:
    text = str(label).strip()
    return names.get(text, names.get(text.casefold()))


def _check_replaced(spec: dict[str, Any], ids: list[str], path: Path) -> None:
    for position, cat_id in enumerate(spec.get("replace_categories") or []):
        if cat_id not in ids:
            raise LifecircleError(
                f"replace_categories names '{cat_id}', which the profile does not have.",
                where=f"run config key replace_categories[{position}] of the facility list "
                f"{path.name}",
                fix=f"{did_you_mean(cat_id, ids)}Profile categories: {', '.join(ids)}.",
            )


def _categories(
    spec: dict[str, Any],
    mapped: dict[str, pd.Series],
    n: int,
    categories: Iterable[str] | Mapping[str, Any],
    path: Path,
) -> tuple[pd.Series, np.ndarray]:
    """Category id of each row, and which rows ``category_values`` maps to null (dropped)."""
    ids, names = _category_names(categories)
    translation = {str(k).strip(): v for k, v in (spec.get("category_values") or {}).items()}
    if "category" in spec:
        labels = pd.Series([spec["category"]] * n, dtype=object)
    elif "category" in mapped:
        blank = mapped["category"].isna().to_numpy()
        if blank.any():
            raise LifecircleError(
                f"The facility list {path.name} has rows with an empty category.",
                where=row_numbers(path, np.flatnonzero(blank)),
                fix="Fill in the category of those rows, or delete them.",
            )
        labels = mapped["category"].astype(str).str.strip().reset_index(drop=True)
    else:
        raise LifecircleError(
            f"The facility list {path.name} says nothing about categories.",
            where=str(path),
            fix="Map a category column (columns: {category: 类别}) or give one `category:` for "
            "the whole file.",
        )
    dropped = labels.map(lambda v: v in translation and translation[v] is None).to_numpy(bool)
    translated = labels.map(lambda v: translation.get(v) or v)
    category = translated.map(lambda v: _category_id(v, names))
    unknown = category.isna().to_numpy() & ~dropped
    if unknown.any():
        counts = labels[unknown].value_counts(sort=False)
        listed = ", ".join(
            f"'{label}'"
            + (f" → '{translation[label]}'" if translation.get(label) else "")
            + f" ({count} row{'s' if count > 1 else ''})"
            for label, count in sorted(counts.items())
        )
        known = ", ".join(
            f"{cat_id} ({name})" if name != cat_id else cat_id
            for cat_id, name in ((c, _display_name(categories, c)) for c in ids)
        )
        raise LifecircleError(
            f"The facility list {path.name} has {len(counts)} category "
            f"value{'s' if len(counts) > 1 else ''} the profile does not know: {listed}.",
            where=row_numbers(path, np.flatnonzero(unknown)),
            fix="Translate each with `category_values: {你的类别: day_care}` (or `null` to drop "
            f"its rows); profile categories: {known}.",
        )
    return category, dropped


def _display_name(categories: Iterable[str] | Mapping[str, Any], cat_id: str) -> str:
    if isinstance(categories, Mapping):
        return str(getattr(categories[cat_id], "name_zh", cat_id) or cat_id)
    return cat_id


def read_facility_list(
    spec: dict[str, Any],
    categories: Iterable[str] | Mapping[str, Any],
    report: list[dict[str, Any]] | None = None,
) -> gpd.GeoDataFrame:
    """Read a facility list (civil affairs, health or sports bureau) as facilities.

    Parameters
    ----------
    spec : dict
        ``path`` and optionally ``layer``, ``crs`` (``gcj02``/``bd09``/EPSG),
        ``x_column``/``y_column`` (CSV), ``columns`` (schema → source column),
        ``category`` (one category for the whole file), ``category_values``
        (the file's own labels → category ids; ``null`` drops the label's rows)
        and ``replace_categories``.
    categories : iterable of str, or mapping
        Category ids of the profile, or the profile's ``categories`` mapping,
        whose names (幼儿园, Kindergarten) are then accepted as values too.
    report : list of dict, optional
        Rows dropped by a ``null`` in ``category_values`` are recorded here
        (the run's input report).

    Returns
    -------
    GeoDataFrame
        WGS84 points with the facilities schema; ``category`` set.
    """
    path = Path(spec["path"])
    frame = read_vector(
        path,
        layer=spec.get("layer"),
        what="facility list",
        crs=spec.get("crs"),
        x_column=spec.get("x_column") or "lon",
        y_column=spec.get("y_column") or "lat",
    ).to_crs(WGS84)
    mapped = _mapped(frame, spec.get("columns") or {}, path)
    n = len(frame)
    _check_replaced(spec, _category_names(categories)[0], path)
    category, dropped = _categories(spec, mapped, n, categories, path)
    names = mapped.get("name", pd.Series([None] * n))
    ids = mapped.get("facility_id")
    # Ids are namespaced by list, so two lists that both number their rows 1, 2, ... stay apart.
    namespace = f"{path.stem}.{spec['layer']}" if spec.get("layer") else path.stem
    facility_id = np.asarray(
        (namespace + ":" + ids.astype(str)).to_numpy()
        if ids is not None
        else [f"{namespace}:{i + 1}" for i in range(n)]
    )
    repeated = pd.Series(facility_id).duplicated(keep=False).to_numpy() & ~dropped
    if repeated.any():
        raise LifecircleError(
            f"The facility ids of {path.name} are not unique "
            f"({sorted(set(facility_id[repeated]))[:5]}).",
            where=row_numbers(path, np.flatnonzero(repeated)),
            fix="Give every facility its own id (results are joined back by id), or drop the "
            "facility_id mapping to number the rows.",
        )
    points = frame.geometry.representative_point()
    out = gpd.GeoDataFrame(
        {
            "facility_id": facility_id,
            "category": category.to_numpy(),
            "name": names.to_numpy(),
            "capacity": _numbers(mapped.get("capacity"), n, "capacity", path),
            "floor_area_m2": _numbers(mapped.get("floor_area_m2"), n, "floor_area_m2", path),
            "source": f"planner:{path.name}" + (f":{spec['layer']}" if spec.get("layer") else ""),
            "fclass": None,
            "tags": json.dumps({}),
        },
        geometry=points.values,
        crs=WGS84,
    )
    if dropped.any():
        if report is not None:
            report.append(
                {
                    "layer": "facilities",
                    "issue": "planner rows dropped by category_values: null",
                    "count": int(dropped.sum()),
                    "detail": f"{path.name}: {sorted(set(out.loc[dropped, 'facility_id']))[:5]}",
                }
            )
        out = out[~dropped].reset_index(drop=True)
    return out


def read_buildings(spec: dict[str, Any], bbox: Sequence[float] | None = None) -> gpd.GeoDataFrame:
    """Read the planner's buildings: ``columns: {levels: 层数, use: 用途}``.

    ``residential_values`` lists the ``use`` values that mean housing
    (default: residential, 住宅, 居住).
    """
    path = Path(spec["path"])
    frame = read_vector(
        path, layer=spec.get("layer"), what="buildings", crs=spec.get("crs"), bbox=bbox
    )
    mapped = _mapped(frame, spec.get("columns") or {}, path)
    n = len(frame)
    residential_values = set(spec.get("residential_values") or ["residential", "住宅", "居住"])
    use = mapped.get("use", pd.Series(["residential"] * n)).astype(str)
    ids = mapped.get("building_id")
    residents = _numbers(mapped.get("residents"), n, "residents", path)
    elderly = _numbers(mapped.get("elderly"), n, "elderly", path)
    more_elderly = elderly > residents  # False where either is NaN
    if more_elderly.any():
        raise LifecircleError(
            f"{path.name} counts more elderly than residents in some buildings.",
            where=row_numbers(path, np.flatnonzero(more_elderly)),
            fix="The elderly are part of the residents: correct those counts.",
        )
    return gpd.GeoDataFrame(
        {
            "building_id": (
                ids.astype(str).to_numpy()
                if ids is not None
                else [f"{path.stem}:{i + 1}" for i in range(n)]
            ),
            "use": np.where(use.isin(residential_values), "residential", use),
            "levels": _numbers(mapped.get("levels"), n, "levels", path),
            "height_m": _numbers(mapped.get("height_m"), n, "height_m", path),
            "residents": residents,
            "elderly": elderly,
        },
        geometry=frame.geometry.values,
        crs=frame.crs,
    )


def read_candidates(spec: dict[str, Any]) -> gpd.GeoDataFrame:
    """Read candidate or proposed sites (points or polygons; polygons use a point inside).

    A ``category`` column (profile category id) and a ``capacity`` column
    (people a site can serve) are kept when the file has them or the
    ``columns`` mapping names them.
    """
    path = Path(spec["path"])
    frame = read_vector(
        path,
        layer=spec.get("layer"),
        what="candidate sites",
        crs=spec.get("crs"),
        x_column=spec.get("x_column") or "lon",
        y_column=spec.get("y_column") or "lat",
    )
    mapped = _mapped(frame, spec.get("columns") or {}, path)
    n = len(frame)

    def column(name: str) -> pd.Series | None:
        return mapped.get(name, frame[name] if name in frame.columns else None)

    ids = column("candidate_id")
    category = column("category")
    return gpd.GeoDataFrame(
        {
            "candidate_id": (
                ids.astype(str).to_numpy()
                if ids is not None
                else [f"{path.stem}:{i + 1}" for i in range(n)]
            ),
            "name": (
                column("name") if column("name") is not None else pd.Series([None] * n)
            ).to_numpy(),
            "category": (
                category.where(category.notna(), None).to_numpy() if category is not None else None
            ),
            "capacity": _numbers(column("capacity"), n, "capacity", path),
        },
        geometry=frame.geometry.representative_point().values,
        crs=frame.crs,
    )


def read_layerset_gpkg(path: str | Path) -> RawLayers:
    """Read a GeoPackage written by ``lifecircle layers`` back as source layers."""
    path = Path(path)
    names = gpkg_layer_names(
        path, "Write one with `lifecircle layers --osm FILE --out layers.gpkg`."
    )
    if "roads" not in names:
        raise LifecircleError(
            f"{path.name} has no 'roads' layer.",
            where=str(path),
            fix="Use a GeoPackage written by `lifecircle layers`.",
        )
    roads = restore_vertex_ids(read_vector(path, layer="roads", what="layer roads"))
    others = {
        name: (
            read_vector(path, layer=name, what=f"layer {name}")
            if name in names
            else gpd.GeoDataFrame(geometry=[], crs=roads.crs)
        )
        for name in ("buildings", "water", "railways", "facilities")
    }
    water = read_water(names, lambda name: read_vector(path, layer=name, what=f"layer {name}"))
    if water is not None:
        others["water"] = water
    return RawLayers(
        roads=roads,
        **others,
        source=f"layers file {path.name}",
        attribution="",
    )
