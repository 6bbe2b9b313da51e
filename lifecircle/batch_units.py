"""The units of ``lifecircle batch``: read from one boundary file, checked, and cut into windows.

Every unit (街道/镇) is one row of ``study_area.boundary``, named by its
``name_column``. A unit is computed with the halo one run uses
(:func:`lifecircle.layers.load.halo_m`: the longest threshold plus the snap
limit), and the access table reports walks up to that horizon only (halo minus
snap limit; :func:`lifecircle.analyses.access.clip_horizon_m`). A walk that
short from a point of the unit stays within the unit's halo, so every figure of
its demand points equals what one run over the whole boundary gives. Each unit
reads only the features in its window (:class:`lifecircle.layers.load.ReadWindow`),
all in the whole area's CRS, and keeps only those the whole area's run keeps
(they also meet the whole area's halo).
"""

from __future__ import annotations

import dataclasses
import glob
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from lifecircle.batch_cache import cache_key
from lifecircle.config import RunConfig
from lifecircle.layers.assemble import repair_geometries, trim_unit_overlaps
from lifecircle.layers.load import ReadWindow, halo_m
from lifecircle.layers.vector_io import read_vector
from lifecircle.spatial.crs import local_metric_crs
from lifecircle.spatial.errors import LifecircleError
from lifecircle.standards.profile import Profile

WGS84 = "EPSG:4326"
#: Characters a folder name cannot hold (on Windows or POSIX), and white space.
UNSAFE_IN_FOLDER_NAME = re.compile(r'[\\/:*?"<>|\s\x00-\x1f]+')
#: Where the units' run folders go inside the batch output folder.
UNITS_FOLDER = "units"


@dataclass(frozen=True)
class UnitTask:
    """Everything a worker needs to compute one unit (picklable, no open files).

    Attributes
    ----------
    unit_id, name : str
        The unit's id (its folder name) and name as written in the boundary file.
    config : RunConfig
        The run config with ``output`` set to the unit's folder and ``name`` to the unit's.
    window : ReadWindow
        The unit's polygon, read box, CRS and halos.
    config_hash : str
        SHA-256 of everything that decides the unit's figures (see :func:`config_hash`).
    inputs : tuple of Path
        Files the run reads besides its sources (the run config file).
    lang : str
        Language of the indicators' names (``zh`` or ``en``).
    """

    unit_id: str
    name: str
    config: RunConfig
    window: ReadWindow
    config_hash: str
    inputs: tuple[Path, ...]
    lang: str

    @property
    def folder(self) -> str:
        """The unit's run folder, relative to the batch output folder."""
        return f"{UNITS_FOLDER}/{self.unit_id}"


def unit_id_of(name: str) -> str:
    """A folder-safe id made from a unit's name: 宜川路街道 stays, ``a/b c`` becomes ``a_b_c``."""
    return UNSAFE_IN_FOLDER_NAME.sub("_", name.strip()).strip("._") or "_"


def read_units(config: RunConfig, config_path: Path) -> gpd.GeoDataFrame:
    """The units of the run config's boundary: ``unit_id``, ``name``, ``name_en``, WGS84 polygons.

    Raises
    ------
    LifecircleError
        When the config has no ``study_area.boundary`` with a ``name_column``,
        the column is missing (the message lists the columns the file has), or
        a name is empty or used twice (also after it is made folder-safe).
    """
    where = f"{config_path} study_area.boundary"
    spec = config.boundary
    if spec is None or not spec.get("name_column"):
        raise LifecircleError(
            "lifecircle batch needs a boundary file whose rows are the units, and the "
            "column that names them.",
            where=where,
            fix="Write study_area: {boundary: {path: 街道.gpkg, name_column: 街道}} in the "
            "run config (see README, 'Every sub-district at once').",
        )
    column = spec["name_column"]
    frame = read_vector(spec["path"], layer=spec.get("layer"), what="boundary", crs=spec.get("crs"))
    path = Path(spec["path"])
    if column not in frame.columns:
        existing = [c for c in frame.columns if c != frame.geometry.name]
        raise LifecircleError(
            f"The boundary file {path.name} has no column '{column}'.",
            where=f"{where}.name_column ({path})",
            fix=f"The file's columns are {existing}; name the one that holds the units' "
            "names (e.g. name_column: 街道).",
        )
    polygons = frame[frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    if polygons.empty:
        raise LifecircleError(
            f"The boundary file {path.name} holds no polygons.",
            where=f"{where} ({path})",
            fix="Give a polygon layer with one row per sub-district (街道/镇).",
        )
    names = polygons[column].map(_text)
    blank = [int(i) + 1 for i in names.index[names.eq("")]]
    if blank:
        raise LifecircleError(
            f"{len(blank)} units of {path.name} have no name in column '{column}' "
            f"(rows {blank[:10]}).",
            where=f"{where}.name_column ({path})",
            fix="Give every unit a name, or delete the rows that are not units.",
        )
    ids = names.map(unit_id_of)
    clashes = sorted(set(names[ids.duplicated(keep=False)]))
    if clashes:
        raise LifecircleError(
            f"Unit names of {path.name} are not unique: {clashes[:10]} (each unit gets a "
            "folder named after it).",
            where=f"{where}.name_column ({path})",
            fix="Make the names unique, e.g. add the district: 长风新村街道（普陀）.",
        )
    name_en = polygons["name_en"].map(_text) if "name_en" in polygons else names
    units = gpd.GeoDataFrame(
        {
            "unit_id": ids.to_numpy(),
            "name": names.to_numpy(),
            "name_en": name_en.where(name_en.ne(""), names).to_numpy(),
        },
        geometry=polygons.geometry.to_numpy(),
        crs=polygons.crs,
    )
    return units.to_crs(WGS84).reset_index(drop=True)


def _text(value: Any) -> str:
    """A cell as stripped text; empty for a missing value."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


def unit_tasks(
    units: gpd.GeoDataFrame,
    config: RunConfig,
    profile: Profile,
    out: Path,
    inputs: tuple[Path, ...],
    lang: str,
) -> list[UnitTask]:
    """One task per unit: its config, its window and its hash.

    The units are projected to the whole area's CRS (the UTM zone of its
    centre) and made disjoint there (slivers go to the unit listed first, as in
    one run over the file), so every demand point belongs to exactly one unit.
    """
    centre = units.geometry.union_all().centroid
    crs = local_metric_crs(centre.x, centre.y)
    report: list[dict] = []
    metric = trim_unit_overlaps(repair_geometries(units.to_crs(crs), "boundary", report), report)
    halo = halo_m(profile)
    whole_halo = metric.geometry.union_all().buffer(halo)
    profile_digest = hashlib.sha256(Path(profile.path).read_bytes()).hexdigest()
    tasks = []
    for row in range(len(metric)):
        unit = metric.iloc[[row]].reset_index(drop=True)
        region = unit.geometry.iloc[0].buffer(halo).intersection(whole_halo)
        bbox = gpd.GeoSeries([region], crs=crs).to_crs(WGS84).total_bounds
        window = ReadWindow(
            boundary=unit,
            bbox=tuple(float(v) for v in bbox),
            crs=crs.to_string(),
            within=whole_halo,
            halo_m=halo,
        )
        unit_id = str(unit["unit_id"].iloc[0])
        unit_config = dataclasses.replace(
            config, name=str(unit["name"].iloc[0]), output=out / UNITS_FOLDER / unit_id
        )
        tasks.append(
            UnitTask(
                unit_id=unit_id,
                name=str(unit["name"].iloc[0]),
                config=unit_config,
                window=window,
                config_hash=config_hash(unit_config, window, profile_digest, lang),
                inputs=inputs,
                lang=lang,
            )
        )
    return tasks


def config_hash(config: RunConfig, window: ReadWindow, profile_digest: str, lang: str) -> str:
    """SHA-256 of what decides a unit's output: config, profile file, unit, halos, version.

    ``--resume`` skips a unit whose folder records the same hash. The output
    path is left out, so a moved batch folder still resumes. The identity of
    every input file the config names is in (:func:`input_files_identity`; for
    OSM files also :func:`~lifecircle.batch_cache.cache_key`), so a unit made
    from an older version of any input is computed again.
    """
    from lifecircle import __version__

    fields = _config_fields(config)
    content = {
        "config": fields,
        "profile_sha256": profile_digest,
        "unit": shapely.to_wkb(window.boundary.geometry.iloc[0], hex=True),
        "crs": window.crs,
        "halo_m": window.halo_m,
        "within": hashlib.sha256(shapely.to_wkb(window.within)).hexdigest(),
        "lang": lang,
        "osm_files": [cache_key(Path(path)) for path in config.osm],
        "input_files": input_files_identity(config),
        "version": __version__,
    }
    text = json.dumps(content, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def input_files_identity(config: RunConfig) -> list[list[Any]]:
    """Path, size (bytes) and modification time (ns) of every input file ``config`` names.

    Every path in the config (sources, boundary, facility lists, buildings,
    population, candidates, …) counts, except the output folder. A file brings
    its sidecars (the files beside it with the same stem: a shapefile's
    ``.dbf``, ``.shx``, ``.prj``, …); a folder (a Geofabrik extract) every file
    under it. A path that does not exist is listed as such.
    """
    fields = _config_fields(config)
    files: set[Path] = set()
    missing: set[Path] = set()
    for path in _paths_in(fields):
        if path.is_dir():
            files.update(p for p in path.rglob("*") if p.is_file())
        elif path.is_file():
            files.update(p for p in path.parent.glob(f"{glob.escape(path.stem)}.*") if p.is_file())
            files.add(path)
        else:
            missing.add(path)
    identity: list[list[Any]] = []
    for path in sorted(files):
        stat = path.stat()
        identity.append([str(path), stat.st_size, stat.st_mtime_ns])
    identity += [[str(path), "missing"] for path in sorted(missing)]
    return identity


def _config_fields(config: RunConfig) -> dict[str, Any]:
    """The config's fields that decide a unit's figures: all but its output and base folder."""
    return {
        key: value
        for key, value in dataclasses.asdict(config).items()
        if key not in {"output", "base_dir"}
    }


def _paths_in(value: Any) -> list[Path]:
    """Every :class:`~pathlib.Path` inside nested dicts, lists and tuples."""
    if isinstance(value, Path):
        return [value]
    if isinstance(value, dict):
        return [path for item in value.values() for path in _paths_in(item)]
    if isinstance(value, list | tuple):
        return [path for item in value for path in _paths_in(item)]
    return []
