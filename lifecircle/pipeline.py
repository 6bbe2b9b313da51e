"""Wire sources, layers, analyses and outputs together for one run.

The command line is a thin layer over these functions; analysts can call them
from scripts too (see README and examples/).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyproj

from lifecircle.analyses.snapping_summary import snapping_lines
from lifecircle.analyses.subdistrict import SubdistrictResults, analyse
from lifecircle.config import RunConfig, check_settings
from lifecircle.layers.assemble import bbox_boundary
from lifecircle.layers.input_report import localised_report
from lifecircle.layers.layerset import LAYER_NAMES, LayerSet
from lifecircle.layers.layerset_io import split_water
from lifecircle.layers.load import ReadWindow, load_demo_layerset, load_layerset
from lifecircle.layers.placement import population_lines
from lifecircle.maps import MapOptions, write_maps, write_report
from lifecircle.output import (
    PROFILE_COPY_NAME,
    atomic_folder,
    write_csv,
    write_gpkg_layers,
    write_json,
)
from lifecircle.output_guard import LAYERS_FILE_METADATA, check_output_file, check_output_folder
from lifecircle.progress import Progress
from lifecircle.qgis_styles import write_layer_styles
from lifecircle.spatial.crs import cgcs2000_gk3_crs
from lifecircle.spatial.errors import LifecircleError
from lifecircle.spatial.messages import translate
from lifecircle.standards.profile import Profile, load_profile
from lifecircle.workbook import WORKBOOK_NAME, write_workbook

__all__ = [
    "RunOutputs",
    "build_layerset",
    "demo_layerset",
    "run",
    "run_inputs",
    "write_layers_only",
]


@dataclass
class RunOutputs:
    """What a run wrote and computed.

    Attributes
    ----------
    folder : Path
        The output folder.
    files : list of Path
        Files to open, most useful first.
    summary : dict
        The content of summary.json.
    layerset : LayerSet
        The prepared inputs.
    results : SubdistrictResults
        The analyses' results.
    """

    folder: Path
    files: list[Path]
    summary: dict[str, Any]
    layerset: LayerSet
    results: SubdistrictResults


def build_layerset(
    config: RunConfig, profile: Profile, progress: Progress, window: ReadWindow | None = None
) -> LayerSet:
    """Read every configured source and return the prepared LayerSet.

    With a ``window`` (a unit of ``lifecircle batch``), only that piece is read.
    """
    return load_layerset(profile, **config.layer_options(), stage=progress.stage, window=window)


def demo_layerset(profile: Profile, progress: Progress) -> LayerSet:
    """The embedded synthetic demo district, prepared for analysis."""
    return load_demo_layerset(profile, progress.stage)


def layer_frames(layerset: LayerSet) -> dict[str, gpd.GeoDataFrame]:
    """The LayerSet as named layers for layers.gpkg; water as polygons and lines."""
    frames = {}
    for name in LAYER_NAMES:
        frame = getattr(layerset, name)
        if frame is None:
            continue
        if name == "water":
            frames.update(split_water(frame))
        else:
            frames[name] = frame
    return frames


def results_crs(config: RunConfig, layerset: LayerSet) -> pyproj.CRS:
    """The CRS results.gpkg is written in: the analysis CRS, or the CGCS2000 3° GK zone.

    The zone is the one whose central meridian is nearest the study area's
    centre (:func:`~lifecircle.spatial.crs.cgcs2000_gk3_crs`). ``layers.gpkg``
    stays in the analysis CRS: ``lifecircle sites`` reads it back and must
    measure exactly as the run did.
    """
    if config.output_crs != "cgcs2000":
        return layerset.crs
    centre = layerset.boundary.geometry.union_all().centroid
    lon = gpd.GeoSeries([centre], crs=layerset.crs).to_crs("EPSG:4326").x.iloc[0]
    return cgcs2000_gk3_crs(float(lon))


def base_summary(
    config: RunConfig, profile: Profile, layerset: LayerSet, lang: str = "zh"
) -> dict[str, Any]:
    """The run-level part of summary.json (inputs, profile, population, report)."""
    demand = layerset.demand
    return {
        "lifecircle_summary_version": 1,
        "study_area": config.name,
        # the names maps and report show per language (lifecircle sites draws them again)
        "study_area_names": {
            key: layerset.meta[key] for key in ("name_zh", "name_en") if layerset.meta.get(key)
        },
        "created": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "synthetic": bool(layerset.meta.get("synthetic")),
        "source": layerset.meta.get("source", ""),
        "source_text": translate(str(layerset.meta.get("source", "")), lang),
        "attribution": layerset.meta.get("attribution", ""),
        "attribution_names": {
            key: layerset.meta[key]
            for key in ("attribution_zh", "attribution_en")
            if layerset.meta.get(key)
        },
        "crs": layerset.crs.to_string(),
        "profile": profile.to_summary(),
        "profile_overrides": config.overrides,
        "demand_grid": layerset.meta.get("demand_grid"),
        "walk_speed_mps": {k: profile.speed_mps(k) for k in profile.speeds},
        "population": {
            **layerset.meta.get("population", {}),  # method and its figures
            "residents": float(demand["residents"].sum()),
            "elderly": float(demand["elderly"].sum()),
            "children": float(demand["children"].sum()),
            "demand_points": len(demand),
            "demand_source": sorted(set(demand["source"].astype(str))),
        },
        "layers": layerset.counts(),
        # all facilities used for routing, including those in the halo around the area
        "facilities_per_category": {
            cat: int((layerset.facilities["category"] == cat).sum()) for cat in profile.categories
        },
        # as recorded (English, stable for scripts), each with its sentence in ``lang``
        "input_report": localised_report(layerset.meta.get("report", []), lang),
    }


MAP_OPTION_KEYS = (
    "lang",
    "basemap",
    "tianditu_key",
    "offline",
    "max_demand_points",
    "dpi",
    "title",
    "facility_areas",
)
#: Map options the analysis reads (which service areas exist), not ``MapOptions``.
ANALYSIS_MAP_KEYS = ("facility_areas",)


def map_options(config: RunConfig) -> MapOptions:
    """Map options from the run config's ``maps:`` block (validated before any work)."""
    unknown = set(config.maps) - set(MAP_OPTION_KEYS)
    if unknown:
        raise LifecircleError(
            f"Unknown map options {sorted(unknown)}.",
            where="run config key maps",
            fix=f"Known map options: {', '.join(MAP_OPTION_KEYS)}.",
        )
    drawn = {k: v for k, v in config.maps.items() if k not in ANALYSIS_MAP_KEYS}
    return MapOptions(**drawn).validated()


def public_map_options(options: MapOptions) -> dict[str, Any]:
    """Map options for summary.json: never the Tianditu key."""
    return {
        "lang": options.lang,
        "basemap": options.basemap,
        "offline": options.offline,
        "dpi": options.dpi,
        "max_demand_points": options.max_demand_points,
    }


def run(
    config: RunConfig,
    *,
    demo: bool = False,
    quiet: bool = False,
    progress: Progress | None = None,
    inputs: Sequence[Path] = (),
    window: ReadWindow | None = None,
    summary_extra: Callable[[SubdistrictResults], dict[str, Any]] | None = None,
) -> RunOutputs:
    """Run the whole job and write one output folder atomically.

    The output folder must be new, empty or an earlier lifecircle output, and
    must not hold an input (:mod:`lifecircle.output_guard`); this is checked
    before any work. It also keeps the profile file used (``profile.yml``).

    Parameters
    ----------
    config : RunConfig
        Sources, profile and output folder.
    demo : bool
        Use the embedded synthetic demo district instead of ``config`` sources.
    quiet : bool
        Silence progress lines.
    inputs : sequence of Path
        Other files the run read (the run config file), protected like the sources.
    window : ReadWindow, optional
        Read and compute only this unit of a larger area, with its halo
        (``lifecircle batch``).
    summary_extra : callable, optional
        Given the results, returns keys added to summary.json before it is written
        (``lifecircle batch`` records the unit, its config hash and indicators).

    Returns
    -------
    RunOutputs
    """
    progress = progress or Progress(quiet=quiet)
    check_settings(config)
    options = map_options(config)
    progress.lang = options.lang
    profile = load_profile(config.profile, config.overrides, base_dir=config.base_dir)
    profile_copy = Path(profile.path).read_bytes()
    read = run_inputs(config, profile, inputs)
    check_output_folder(config.output, read)  # before any work; checked again at the swap
    layerset = (
        demo_layerset(profile, progress)
        if demo
        else build_layerset(config, profile, progress, window)
    )
    if demo:
        config.name = layerset.meta.get("name", config.name)
    else:  # the config's `name:` titles the maps and the report
        layerset.meta.setdefault("name", config.name)
    for line in population_lines(layerset.meta["population"], options.lang):
        progress.line(line)
    summary = base_summary(config, profile, layerset, options.lang)
    with progress.stage("access, circles, service areas and gaps") as info:
        results = analyse(
            layerset, profile, facility_areas=config.maps.get("facility_areas") or "auto"
        )
        summary.update(results.summary)
        life = results.summary["life_circle"]
        with_data = life["complete_share_with_data"]
        info["detail"] = (
            f"{results.access.network.graph.n_nodes} nodes, life circle complete for "
            + (f"{with_data:.1%} over categories with data, " if with_data is not None else "")
            + f"{life['complete_share_strict']:.1%} strictly"
        )
    for line in snapping_lines(results.summary["snapping"], options.lang):
        progress.line(line)
    if summary_extra is not None:
        summary.update(summary_extra(results))
    with (
        atomic_folder(config.output, inputs=read, command="demo" if demo else "run") as staging,
        progress.stage("write outputs") as info,
    ):
        (staging / PROFILE_COPY_NAME).write_bytes(profile_copy)
        write_gpkg_layers(layer_frames(layerset), staging / "layers.gpkg")
        out_crs = results_crs(config, layerset)
        result_layers = {name: frame.to_crs(out_crs) for name, frame in results.layers().items()}
        summary["results_crs"] = out_crs.to_string()
        write_gpkg_layers(result_layers, staging / "results.gpkg")
        write_layer_styles(
            staging / "results.gpkg",
            result_layers,
            profile,
            options.lang,
            results.access.max_minutes,
        )
        (staging / "tables").mkdir()
        for name, table in results.tables.items():
            write_csv(table, staging / "tables" / f"{name}.csv")
        write_workbook(results.tables, staging / WORKBOOK_NAME, profile, options.lang)
        info["detail"] = str(config.output)
        with progress.stage("maps and report") as map_info:
            map_files = write_maps(results, staging, options)
            report = write_report(results, staging, options, map_files)
            map_info["detail"] = f"{len(map_files)} map files, {report.name}"
        summary["maps"] = public_map_options(options)
        summary["timings_s"] = dict(progress.timings)
        write_json(summary, staging / "summary.json")
        pages = [path for path in map_files if path.suffix == ".html"]
        files = [
            config.output / report.relative_to(staging),
            *(config.output / path.relative_to(staging) for path in pages),
            config.output / "summary.json",
            config.output / "results.gpkg",
            config.output / "tables",
            config.output / WORKBOOK_NAME,
        ]
    return RunOutputs(
        folder=config.output, files=files, summary=summary, layerset=layerset, results=results
    )


def write_layers_only(
    config: RunConfig, out_path: Path, quiet: bool = False, inputs: Sequence[Path] = ()
) -> Path:
    """Normalize the inputs and write them to one GeoPackage (for QGIS).

    ``out_path`` must end in ``.gpkg``, must not be an input, and replaces
    an existing file only when ``lifecircle layers`` wrote it; ``inputs``
    are other files the run read (the run config file).
    """
    progress = Progress(quiet=quiet, lang=config.maps.get("lang") or "zh")
    check_settings(config)
    profile = load_profile(config.profile, config.overrides, base_dir=config.base_dir)
    read = run_inputs(config, profile, inputs)
    out_path = check_output_file(out_path, read)
    layerset = build_layerset(config, profile, progress)
    for line in population_lines(layerset.meta["population"], config.maps.get("lang") or "zh"):
        progress.line(line)
    with progress.stage("write layers") as info:
        check_output_file(out_path, read)  # again: the file may have appeared meanwhile
        write_gpkg_layers(
            layer_frames(layerset),
            out_path,
            layer_metadata=LAYERS_FILE_METADATA,
            where="--out",
        )
        info["detail"] = str(out_path)
    return out_path


def run_inputs(config: RunConfig, profile: Profile, extra: Sequence[Path] = ()) -> list[Path]:
    """Every file and folder a run reads: an output may never equal or hold one."""
    specs = [
        config.boundary,
        config.buildings,
        config.candidates,
        config.population.get("areas"),
        *config.facilities,
    ]
    paths = [*config.osm, *config.geofabrik, Path(profile.path), *extra]
    paths += [Path(spec["path"]) for spec in specs if isinstance(spec, dict) and spec.get("path")]
    for optional in (config.layers_gpkg, config.population.get("raster")):
        if optional is not None:
            paths.append(Path(optional))
    if isinstance(config.osmnx, dict) and config.osmnx.get("polygon"):
        paths.append(Path(config.osmnx["polygon"]))
    return paths


def parse_bbox(text: str) -> list[float]:
    """Parse ``W,S,E,N`` from the command line."""
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError as exc:
        raise LifecircleError(
            f"--bbox '{text}' is not four numbers.",
            where="--bbox",
            fix="Write it as W,S,E,N in degrees, e.g. 121.425,31.248,121.452,31.272.",
        ) from exc
    bbox_boundary(values)
    return values
