"""Read back a prepared LayerSet from a run's ``layers.gpkg``.

``lifecircle sites --from OUTDIR`` works on the inputs of an earlier run
exactly as they were prepared (classified facilities, demand with residents),
so the siting figures match that run's coverage figures.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from lifecircle.layers.layerset import LAYER_NAMES, LayerSet
from lifecircle.spatial.errors import LifecircleError


def _vertex_ids(text: Any) -> np.ndarray | None:
    if not isinstance(text, str) or not text:
        return None
    return np.array([int(x) for x in text.split(";")], dtype=np.int64)


def restore_vertex_ids(roads: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Turn the ';'-joined ``vertex_ids`` text of a GeoPackage back into id arrays.

    When any line lacks ids the column is dropped, so the graph builder nodes
    the lines instead of mixing the two topologies.
    """
    if "vertex_ids" not in roads:
        return roads
    ids = roads["vertex_ids"].map(_vertex_ids)
    if ids.notna().all():
        roads["vertex_ids"] = ids
        return roads
    return roads.drop(columns="vertex_ids")


def gpkg_layer_names(path: Path, missing_fix: str) -> set[str]:
    """Layer names of a GeoPackage, with clear errors when it is missing or unreadable."""
    if not path.is_file():
        raise LifecircleError(f"{path} does not exist.", where=str(path), fix=missing_fix)
    try:
        return {str(row[0]) for row in pyogrio.list_layers(path)}
    except pyogrio.errors.DataSourceError as exc:
        raise LifecircleError(
            f"{path.name} is not a readable GeoPackage: {exc}",
            where=str(path),
            fix=missing_fix,
        ) from exc


#: The GeoPackage layers water is written to, one geometry type each (GeoPackage
#: readers such as QGIS expect that); files written before hold one ``water`` layer.
WATER_LAYERS: tuple[str, ...] = ("water_polygons", "water_lines")


def split_water(water: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    """Water areas and water lines as the two layers of :data:`WATER_LAYERS`."""
    polygonal = water.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    return {"water_polygons": water[polygonal], "water_lines": water[~polygonal]}


def read_water(
    names: set[str], read: Callable[[str], gpd.GeoDataFrame]
) -> gpd.GeoDataFrame | None:
    """The water of a layers file as one frame (both split layers, or an older ``water``).

    Parameters
    ----------
    names : set of str
        The file's layer names.
    read : callable
        Reads one layer by name.
    """
    parts = [read(name) for name in ("water", *WATER_LAYERS) if name in names]
    if not parts:
        return None
    water = pd.concat(parts, ignore_index=True)
    return gpd.GeoDataFrame(water, geometry=parts[0].geometry.name, crs=parts[0].crs)


def read_layerset(path: str | Path, meta: dict[str, Any] | None = None) -> LayerSet:
    """Read the layers written by a run (``OUTDIR/layers.gpkg``) as a LayerSet.

    Parameters
    ----------
    path : str or Path
        The GeoPackage.
    meta : dict, optional
        LayerSet meta (synthetic flag, attribution, demand grid) from the run's
        summary.json.

    Raises
    ------
    LifecircleError
        When the file is missing or is not a lifecircle layers file.
    """
    path = Path(path)
    available = gpkg_layer_names(
        path, "Point --from at the output folder of an earlier `lifecircle run` or `demo`."
    )
    missing = {"boundary", "roads", "demand", "facilities"} - available
    if missing:
        raise LifecircleError(
            f"{path.name} lacks the layers {sorted(missing)}.",
            where=str(path),
            fix="Use the layers.gpkg of a complete `lifecircle run` or `demo` output folder.",
        )
    frames: dict[str, gpd.GeoDataFrame | None] = {}
    for name in LAYER_NAMES:
        frames[name] = gpd.read_file(path, layer=name) if name in available else None
    frames["water"] = read_water(available, lambda name: gpd.read_file(path, layer=name))
    frames["roads"] = restore_vertex_ids(frames["roads"])
    crs = frames["roads"].crs
    return LayerSet(crs=crs, meta=dict(meta or {}), **frames)


def run_meta(summary: dict[str, Any]) -> dict[str, Any]:
    """The LayerSet meta recorded in a run's summary.json."""
    return {
        "synthetic": bool(summary.get("synthetic")),
        "attribution": summary.get("attribution", ""),
        **(summary.get("attribution_names") or {}),
        "source": summary.get("source", ""),
        "name": summary.get("study_area", ""),
        **(summary.get("study_area_names") or {}),
        "report": [],
        **({"demand_grid": summary["demand_grid"]} if summary.get("demand_grid") else {}),
    }


def read_run(folder: str | Path) -> tuple[LayerSet, dict[str, Any]]:
    """Read an output folder's LayerSet and summary.json."""
    folder = Path(folder)
    summary_path = folder / "summary.json"
    if not summary_path.is_file():
        raise LifecircleError(
            f"{folder} holds no summary.json, so it is not a lifecircle output folder.",
            where=str(folder),
            fix="Run `lifecircle run` or `lifecircle demo` first and pass its --out folder.",
        )
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LifecircleError(
            f"{summary_path.name} is damaged (not complete JSON text: {exc}).",
            where=str(summary_path),
            fix="Run `lifecircle run` or `lifecircle demo` again to write a complete folder.",
        ) from exc
    if not isinstance(summary, dict):
        raise LifecircleError(
            f"{summary_path.name} holds a JSON {type(summary).__name__}, not the mapping a "
            "lifecircle run writes.",
            where=str(summary_path),
            fix="Point --from at the output folder of `lifecircle run` or `demo`, or run again.",
        )
    return read_layerset(folder / "layers.gpkg", run_meta(summary)), summary
