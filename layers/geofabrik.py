"""Read a Geofabrik "free" shapefile folder (``gis_osm_*_free_1.shp``).

Geofabrik keeps ``osm_id``, ``code``, ``fclass`` and ``name`` (and ``layer``,
``bridge``, ``tunnel`` on roads and railways; railways keep ``tunnel`` and
``bridge`` as bools, so tunnels and bridges are not walk barriers). Roads carry no node ids, so
the graph builder nodes them, connecting lines of different ``layer`` only at
their end points. Any layer may be missing: a folder without roads (like
``../shared/data/shanghai-central/geofabrik``) is combined with an OSM file or
the planner's own road lines.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from lifecircle.layers.osm import ATTRIBUTION, RawLayers
from lifecircle.layers.vector_io import read_vector
from lifecircle.spatial.crs import local_metric_crs
from lifecircle.spatial.errors import LifecircleError

LAYER_FILES = {
    "roads": ["roads"],
    "buildings": ["buildings_a"],
    "water": ["water_a", "waterways"],
    "railways": ["railways"],
    "facilities": ["pois", "pois_a", "transport", "transport_a"],
}
WATER_FCLASSES_EXCLUDED = {"wetland", "glacier"}
BASE_COLUMNS = ["osm_id", "fclass", "name"]
REQUIRED_COLUMNS = set(BASE_COLUMNS)


def _shapefile(folder: Path, stem: str) -> Path | None:
    for candidate in (folder / f"gis_osm_{stem}_free_1.shp", folder / f"gis_osm_{stem}_07_1.shp"):
        if candidate.exists():
            return candidate
    return None


def _read(
    folder: Path, stems: list[str], report: list[dict], bbox: Sequence[float] | None = None
) -> list[gpd.GeoDataFrame]:
    """The layers' frames in WGS84; a layer without its attributes is skipped and reported.

    A real Geofabrik download can hold a shapefile whose ``.dbf`` is 0 bytes:
    its shapes come without ``osm_id``, ``fclass`` or ``name``, so nothing can be
    classified or identified. The layer is treated as empty, and the run goes on.
    """
    frames = []
    for stem in stems:
        path = _shapefile(folder, stem)
        if path is None:
            continue
        frame = read_vector(path, what=f"Geofabrik {stem}", crs="EPSG:4326", bbox=bbox)
        missing = sorted(REQUIRED_COLUMNS - set(frame.columns))
        if missing:
            dbf = path.with_suffix(".dbf")
            size = dbf.stat().st_size if dbf.exists() else 0
            report.append(
                {
                    "layer": stem,
                    "issue": "Geofabrik layer without attributes skipped",
                    "count": len(frame),
                    "detail": f"{path.name}: columns {missing} missing ({dbf.name} is "
                    f"{size} bytes); download the extract again to use this layer",
                }
            )
            continue
        frames.append(frame.to_crs("EPSG:4326"))
    return frames


def _concat(frames: list[gpd.GeoDataFrame], columns: list[str]) -> gpd.GeoDataFrame:
    if not frames:
        return gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs="EPSG:4326")
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs="EPSG:4326")


def _flag(frame: gpd.GeoDataFrame, column: str) -> pd.Series:
    """Geofabrik's T/F flag column as bool; False when the column is absent."""
    if column not in frame:
        return pd.Series(False, index=frame.index)
    return frame[column].eq("T")


def _layer(frame: gpd.GeoDataFrame) -> pd.Series:
    """The OSM ``layer`` as int, 0 when absent or unreadable."""
    return pd.to_numeric(frame.get("layer", 0), errors="coerce").fillna(0).astype(int)


def _site_area_m2(frame: gpd.GeoDataFrame) -> np.ndarray:
    """Footprint areas (m²) in the UTM zone of the layer's centre (no CRS database search)."""
    west, south, east, north = frame.total_bounds
    crs = local_metric_crs((west + east) / 2.0, (south + north) / 2.0)
    return frame.to_crs(crs).geometry.area.to_numpy()


def _osm_ref(frame: gpd.GeoDataFrame, stem_is_area: bool) -> pd.Series:
    kind = "way" if stem_is_area else "node"
    return "osm:" + kind + "/" + frame["osm_id"].astype(str)


def read_geofabrik(folder: str | Path, bbox: Sequence[float] | None = None) -> RawLayers:
    """Read the Geofabrik shapefiles of one folder into raw WGS84 layers.

    Parameters
    ----------
    folder : str or Path
        Folder holding ``gis_osm_*_free_1.shp`` files.
    bbox : (west, south, east, north), optional
        Degrees: read only the features whose extent meets this box (a unit of
        ``lifecircle batch`` and its halo).

    Returns
    -------
    RawLayers
        Facilities keep ``fclass`` for classification and get a tags JSON of
        ``{"fclass": ...}``.

    Raises
    ------
    LifecircleError
        When the folder is missing or holds no Geofabrik layers.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise LifecircleError(
            f"The Geofabrik folder {folder} does not exist or is not a folder.",
            where=str(folder),
            fix="Unzip the Geofabrik shapefile download and pass the folder with --geofabrik.",
        )
    if not any(folder.glob("gis_osm_*_1.shp")):
        raise LifecircleError(
            f"{folder} holds no Geofabrik shapefiles (gis_osm_*_free_1.shp).",
            where=str(folder),
            fix="Pass the folder that the Geofabrik .shp.zip unpacks to.",
        )

    report: list[dict] = []
    roads = _concat(_read(folder, LAYER_FILES["roads"], report, bbox), BASE_COLUMNS)
    if len(roads):
        roads = gpd.GeoDataFrame(
            {
                "road_id": "osm:way/" + roads["osm_id"].astype(str),
                "highway": roads["fclass"],
                "name": roads["name"],
                "foot": np.where(roads["fclass"].isin(["motorway", "motorway_link"]), "no", None),
                "layer": _layer(roads),
            },
            geometry=roads.geometry.values,
            crs="EPSG:4326",
        )

    buildings = _concat(_read(folder, LAYER_FILES["buildings"], report, bbox), BASE_COLUMNS)
    if len(buildings):
        building_type = buildings.get("type", pd.Series([None] * len(buildings)))
        buildings = gpd.GeoDataFrame(
            {
                "building_id": "osm:way/" + buildings["osm_id"].astype(str),
                "use": np.where(
                    building_type.isin(["residential", "apartments", "house"]),
                    "residential",
                    building_type.fillna("yes"),
                ),
                "levels": np.nan,
                "height_m": np.nan,
            },
            geometry=buildings.geometry.values,
            crs="EPSG:4326",
        )

    water_frames = []
    for stem in LAYER_FILES["water"]:
        for frame in _read(folder, [stem], report, bbox):
            frame = frame[~frame["fclass"].isin(WATER_FCLASSES_EXCLUDED)]
            water_frames.append(
                gpd.GeoDataFrame(
                    {
                        "water_id": _osm_ref(frame, stem.endswith("_a")).to_numpy(),
                        "kind": np.where(stem.endswith("_a"), "water", "waterway"),
                        "name": frame["name"].to_numpy(),
                        "fclass": frame["fclass"].to_numpy(),
                    },
                    geometry=frame.geometry.values,
                    crs="EPSG:4326",
                )
            )
    water = _concat(water_frames, ["water_id", "kind", "name"])

    railways = _concat(_read(folder, LAYER_FILES["railways"], report, bbox), BASE_COLUMNS)
    if len(railways):
        railways = gpd.GeoDataFrame(
            {
                "railway_id": "osm:way/" + railways["osm_id"].astype(str),
                "kind": railways["fclass"],
                "name": railways["name"],
                # as for OSM ways: a subway below ground level counts as a tunnel
                "tunnel": _flag(railways, "tunnel")
                | (railways["fclass"].eq("subway") & (_layer(railways) < 0)),
                "bridge": _flag(railways, "bridge"),
            },
            geometry=railways.geometry.values,
            crs="EPSG:4326",
        )

    facility_frames = []
    for stem in LAYER_FILES["facilities"]:
        for frame in _read(folder, [stem], report, bbox):
            is_area = stem.endswith("_a")
            geometry = frame.geometry.representative_point() if is_area else frame.geometry
            facility_frames.append(
                gpd.GeoDataFrame(
                    {
                        "facility_id": _osm_ref(frame, is_area).to_numpy(),
                        "category": None,
                        "name": frame["name"].to_numpy(),
                        "capacity": np.nan,
                        "floor_area_m2": np.nan,
                        "source": "geofabrik",
                        "fclass": frame["fclass"].to_numpy(),
                        "tags": [json.dumps({"fclass": f}) for f in frame["fclass"]],
                        "site_area_m2": _site_area_m2(frame) if is_area else np.nan,
                    },
                    geometry=geometry.values,
                    crs="EPSG:4326",
                )
            )
    facilities = _concat(facility_frames, ["facility_id", "category", "name", "tags"])
    if len(facilities):
        facilities = facilities.drop_duplicates("facility_id").reset_index(drop=True)

    return RawLayers(
        roads=roads,
        buildings=buildings,
        water=water,
        railways=railways,
        facilities=facilities,
        source=f"Geofabrik shapefiles {folder.name}",
        attribution=ATTRIBUTION,
        report=report,
    )
