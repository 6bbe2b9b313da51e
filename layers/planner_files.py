"""The planner's own layers: facility lists, buildings, candidate sites, LayerSet files.

Column names are mapped to the lifecircle schema by the run config, e.g.
``columns: {name: 名称, category: 类别, capacity: 床位, floor_area_m2: 建筑面积}``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from lifecircle.layers.layerset_io import gpkg_layer_names, restore_vertex_ids
from lifecircle.layers.osm import RawLayers
from lifecircle.layers.vector_io import read_vector
from lifecircle.spatial.errors import LifecircleError

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


def _numbers(series: pd.Series | None, n: int, label: str, path: Path) -> np.ndarray:
    if series is None:
        return np.full(n, np.nan)
    values = pd.to_numeric(series, errors="coerce")
    bad = series.notna() & values.isna()
    if bad.any():
        rows = [int(i) + 1 for i in np.flatnonzero(bad.to_numpy())[:5]]
        raise LifecircleError(
            f"Column '{series.name}' ({label}) holds text that is not a number.",
            where=f"{path}, rows {rows}",
            fix="Write plain numbers (no units) or leave the cell empty.",
        )
    return values.to_numpy(dtype=float)


def read_facility_list(spec: dict[str, Any], categories: Iterable[str]) -> gpd.GeoDataFrame:
    """Read a facility list (civil affairs, health or sports bureau) as facilities.

    Parameters
    ----------
    spec : dict
        ``path`` and optionally ``layer``, ``crs`` (``gcj02``/``bd09``/EPSG),
        ``x_column``/``y_column`` (CSV), ``columns`` (schema → source column),
        ``category`` (one category for the whole file) and ``category_values``
        (the file's own labels → category ids).
    categories : iterable of str
        Category ids of the profile.

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
        x_column=spec.get("x_column", "lon"),
        y_column=spec.get("y_column", "lat"),
    ).to_crs(WGS84)
    known = set(categories)
    mapped = _mapped(frame, spec.get("columns") or {}, path)
    n = len(frame)
    if "category" in spec:
        category = pd.Series([spec["category"]] * n)
    elif "category" in mapped:
        labels = mapped["category"].astype(str).str.strip()
        category = labels.map(lambda v: (spec.get("category_values") or {}).get(v, v))
    else:
        raise LifecircleError(
            f"The facility list {path.name} says nothing about categories.",
            where=str(path),
            fix="Map a category column (columns: {category: 类别}) or give one `category:` for "
            "the whole file.",
        )
    blank = mapped["category"].isna().to_numpy() if "category" in mapped else np.zeros(n, bool)
    if blank.any():
        rows = [int(i) + 1 for i in np.flatnonzero(blank)[:5]]
        raise LifecircleError(
            f"The facility list {path.name} has rows with an empty category.",
            where=f"{path}, rows {rows}",
            fix="Fill in the category of those rows, or delete them.",
        )
    unknown = ~category.isin(known)
    if unknown.any():
        rows = [int(i) + 1 for i in np.flatnonzero(unknown.to_numpy())[:5]]
        values = sorted(set(category[unknown].astype(str)))[:5]
        raise LifecircleError(
            f"The facility list {path.name} has categories the profile does not know: {values}.",
            where=f"{path}, rows {rows}",
            fix="Translate them with `category_values: {你的类别: day_care}`; profile "
            f"categories are {', '.join(sorted(known))}.",
        )
    names = mapped.get("name", pd.Series([None] * n))
    ids = mapped.get("facility_id")
    # Ids are namespaced by list, so two lists that both number their rows 1, 2, ... stay apart.
    namespace = f"{path.stem}.{spec['layer']}" if spec.get("layer") else path.stem
    facility_id = (
        (namespace + ":" + ids.astype(str)).to_numpy()
        if ids is not None
        else [f"{namespace}:{i + 1}" for i in range(n)]
    )
    repeated = pd.Series(facility_id).duplicated(keep=False).to_numpy()
    if repeated.any():
        rows = [int(i) + 1 for i in np.flatnonzero(repeated)[:6]]
        raise LifecircleError(
            f"The facility ids of {path.name} are not unique "
            f"({sorted(set(np.asarray(facility_id)[repeated]))[:5]}).",
            where=f"{path}, rows {rows}",
            fix="Give every facility its own id (results are joined back by id), or drop the "
            "facility_id mapping to number the rows.",
        )
    points = frame.geometry.representative_point()
    return gpd.GeoDataFrame(
        {
            "facility_id": facility_id,
            "category": category.to_numpy(),
            "name": names.to_numpy(),
            "capacity": _numbers(mapped.get("capacity"), n, "capacity", path),
            "floor_area_m2": _numbers(mapped.get("floor_area_m2"), n, "floor area m²", path),
            "source": f"planner:{path.name}" + (f":{spec['layer']}" if spec.get("layer") else ""),
            "fclass": None,
            "tags": json.dumps({}),
        },
        geometry=points.values,
        crs=WGS84,
    )


def read_buildings(spec: dict[str, Any]) -> gpd.GeoDataFrame:
    """Read the planner's buildings: ``columns: {levels: 层数, use: 用途}``.

    ``residential_values`` lists the ``use`` values that mean housing
    (default: residential, 住宅, 居住).
    """
    path = Path(spec["path"])
    frame = read_vector(path, layer=spec.get("layer"), what="buildings", crs=spec.get("crs"))
    mapped = _mapped(frame, spec.get("columns") or {}, path)
    n = len(frame)
    residential_values = set(spec.get("residential_values") or ["residential", "住宅", "居住"])
    use = mapped.get("use", pd.Series(["residential"] * n)).astype(str)
    ids = mapped.get("building_id")
    return gpd.GeoDataFrame(
        {
            "building_id": (
                ids.astype(str).to_numpy()
                if ids is not None
                else [f"{path.stem}:{i + 1}" for i in range(n)]
            ),
            "use": np.where(use.isin(residential_values), "residential", use),
            "levels": _numbers(mapped.get("levels"), n, "levels", path),
            "height_m": _numbers(mapped.get("height_m"), n, "height m", path),
            "residents": _numbers(mapped.get("residents"), n, "residents", path),
            "elderly": _numbers(mapped.get("elderly"), n, "elderly", path),
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
        x_column=spec.get("x_column", "lon"),
        y_column=spec.get("y_column", "lat"),
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
    return RawLayers(
        roads=roads,
        **others,
        source=f"layers file {path.name}",
        attribution="",
    )
