"""Raw source layers (:class:`~lifecircle.layers.osm.RawLayers`) in a GeoPackage, read by box.

``lifecircle batch`` parses a city's OSM file once into such a file
(:mod:`lifecircle.batch_cache`); each unit then reads only the features that
meet its box, through the GeoPackage's R-tree index (GDAL's spatial filter via
pyogrio ``bbox=``), instead of parsing the whole file again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from lifecircle.layers.layerset_io import restore_vertex_ids
from lifecircle.layers.osm import RawLayers

#: The GeoPackage layers, one per layer of RawLayers.
RAW_LAYER_NAMES: tuple[str, ...] = ("roads", "buildings", "water", "railways", "facilities")
#: Layer metadata keys that carry the RawLayers' text fields.
META_SOURCE = "lifecircle_source"
META_ATTRIBUTION = "lifecircle_attribution"
META_REPORT = "lifecircle_report"
#: Layer metadata key listing the yes/no columns that also hold gaps (see :func:`raw_layer_frames`).
META_FLAGS = "lifecircle_flags"


def raw_layer_frames(raw: RawLayers) -> tuple[dict[str, gpd.GeoDataFrame], dict[str, str]]:
    """The layers and layer metadata to write for ``raw`` so :func:`read_raw_layers` restores it.

    A yes/no column with gaps (``tunnel`` of water: set for waterways, missing
    for water areas) is an object column GDAL would write as text, and the
    text ``"False"`` reads back as true. Such columns are written as 1/0/null
    and listed in the metadata, and read back as True/False/NaN.
    """
    frames: dict[str, gpd.GeoDataFrame] = {}
    flags: dict[str, list[str]] = {}
    for name in RAW_LAYER_NAMES:
        frame = getattr(raw, name).copy()
        for column in frame.columns.drop(frame.geometry.name):
            values = frame[column].dropna()
            if frame[column].dtype == object and len(values) and values.map(_is_flag).all():
                frame[column] = frame[column].map(lambda v: float(v) if _is_flag(v) else np.nan)
                flags.setdefault(name, []).append(column)
        frames[name] = frame
    metadata = {
        META_SOURCE: raw.source,
        META_ATTRIBUTION: raw.attribution,
        META_REPORT: json.dumps(raw.report, ensure_ascii=False, default=str),
        META_FLAGS: json.dumps(flags),
    }
    return frames, metadata


def _is_flag(value: object) -> bool:
    return isinstance(value, bool | np.bool_)


def read_raw_layers(path: str | Path, bbox: Sequence[float] | None = None) -> RawLayers:
    """Read raw layers written as :func:`raw_layer_frames` gives them, optionally only a box.

    Parameters
    ----------
    path : str or Path
        The GeoPackage (one layer per name of :data:`RAW_LAYER_NAMES`).
    bbox : (west, south, east, north), optional
        Degrees: read only the features GDAL's spatial filter finds meeting this
        box (the R-tree finds candidates by extent, GDAL keeps those whose
        geometry meets the box). Every feature that meets a region inside the
        box is read.

    Returns
    -------
    RawLayers
        Rows in the order they were written (by feature id), roads with their
        ``vertex_ids`` arrays, and the source, attribution and report of the
        read that made the file.
    """
    path = Path(path)
    frames: dict[str, gpd.GeoDataFrame] = {}
    box = None if bbox is None else tuple(float(v) for v in bbox)
    for name in RAW_LAYER_NAMES:
        frame = pyogrio.read_dataframe(path, layer=name, bbox=box, fid_as_index=True)
        frames[name] = frame.sort_index().reset_index(drop=True)
    frames["roads"] = restore_vertex_ids(frames["roads"])
    meta = pyogrio.read_info(path, layer=RAW_LAYER_NAMES[0])["layer_metadata"] or {}
    for name, columns in json.loads(meta.get(META_FLAGS, "{}")).items():
        for column in columns:
            values = frames[name][column].astype(object)
            frames[name][column] = values.map(lambda v: bool(v) if pd.notna(v) else np.nan)
    return RawLayers(
        **frames,
        source=meta.get(META_SOURCE, path.name),
        attribution=meta.get(META_ATTRIBUTION, ""),
        report=json.loads(meta.get(META_REPORT, "[]")),
    )
