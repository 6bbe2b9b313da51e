"""From sources to a prepared LayerSet: read, assemble around the study area, prepare.

:func:`load_layerset` is the one path from readers to a LayerSet that the
command line (``lifecircle.pipeline``) and the Python API
(``lifecircle.load_layers``) share; :func:`load_demo_layerset` is the same for
the synthetic demo district. Both take plain values (paths and the run
config's mappings) and a :class:`~lifecircle.standards.profile.Profile`, so
the API needs no run config.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from lifecircle.layers.assemble import assemble_layerset, bbox_boundary, normalize_boundary
from lifecircle.layers.geofabrik import read_geofabrik
from lifecircle.layers.layerset import LayerSet
from lifecircle.layers.osm import RawLayers, read_osm
from lifecircle.layers.planner_files import (
    read_buildings,
    read_candidates,
    read_facility_list,
    read_layerset_gpkg,
)
from lifecircle.layers.prepare import DemandSettings, prepare_layerset
from lifecircle.layers.raw_io import read_raw_layers
from lifecircle.layers.vector_io import read_vector
from lifecircle.spatial.errors import LifecircleError
from lifecircle.standards.profile import Profile

#: Times one named stage; the yielded dict takes a ``detail`` line
#: (``lifecircle.progress.Progress.stage`` is one).
Stage = Callable[[str], AbstractContextManager[dict[str, str]]]


@contextlib.contextmanager
def untimed(name: str) -> Iterator[dict[str, str]]:
    """A stage that reports nothing: the default of the loaders here."""
    yield {}


def halo_m(profile: Profile) -> float:
    """Metres of context kept around the study area: the longest threshold plus the snap limit.

    The longest threshold is taken over every rule of the profile
    (:meth:`Profile.all_rules`), in metres at the speed each category walks.
    """
    longest = max(rule.threshold_m for rule in profile.all_rules())
    return longest + float(profile.max_snap_m.value)


@dataclass(frozen=True)
class ReadWindow:
    """The part of a larger area one piece of it reads (a unit of ``lifecircle batch``).

    Attributes
    ----------
    boundary : GeoDataFrame
        The piece itself: one polygon row with ``unit_id``, ``name``, ``name_en``
        (it replaces the run config's boundary as the study area).
    bbox : (west, south, east, north)
        Degrees: the readers keep only features whose extent meets this box
        (the unit plus its halo).
    crs : str
        The metric CRS of the whole area, so every piece measures in the same
        one (and grid cells keep their ids across pieces).
    within : shapely geometry
        In ``crs``: the whole area's own halo. A piece keeps only features that meet
        both its halo and this, exactly the features the whole area's run keeps.
    halo_m : float
        Metres around the piece within which features are kept.
    osm_layers : mapping of Path to Path
        OSM file → a GeoPackage of its raw layers (parsed once for all pieces,
        :mod:`lifecircle.layers.raw_io`): the piece reads its box from the
        GeoPackage instead of parsing the OSM file.
    """

    boundary: gpd.GeoDataFrame
    bbox: tuple[float, float, float, float]
    crs: str
    within: shapely.Geometry
    halo_m: float
    osm_layers: Mapping[Path, Path] = field(default_factory=dict)


def _read_sources(
    osm: Sequence[Path],
    geofabrik: Sequence[Path],
    layers_gpkg: Path | None,
    osmnx: Mapping[str, Any] | None,
    bbox: Sequence[float] | None = None,
    osm_layers: Mapping[Path, Path] | None = None,
) -> list[RawLayers]:
    parsed = osm_layers or {}
    raws: list[RawLayers] = [
        read_raw_layers(parsed[Path(path)], bbox) if Path(path) in parsed else read_osm(path, bbox)
        for path in osm
    ]
    raws += [read_geofabrik(path, bbox) for path in geofabrik]
    if layers_gpkg is not None:
        raws.append(read_layerset_gpkg(layers_gpkg))
    if osmnx:
        from lifecircle.layers.osmnx_source import download_osm

        raws.append(download_osm(dict(osmnx)))
    if not raws:
        raise LifecircleError(
            "No input data was given.",
            where="command line / run config `sources`",
            fix="Pass --osm FILE, --geofabrik DIR or --layers FILE.gpkg "
            "(or run `lifecircle demo`).",
        )
    return raws


def _boundary(
    boundary: Mapping[str, Any] | None, bbox: Sequence[float] | None, layers_gpkg: Path | None
) -> gpd.GeoDataFrame | None:
    if boundary is not None:
        frame = read_vector(
            boundary["path"], layer=boundary.get("layer"), what="boundary", crs=boundary.get("crs")
        )
        return normalize_boundary(frame, boundary.get("name_column"), boundary.get("id_column"))
    if bbox is not None:
        return bbox_boundary(bbox)
    if layers_gpkg is not None:
        # A layers file written by `lifecircle layers` carries its study area.
        names = {str(row[0]) for row in pyogrio.list_layers(layers_gpkg)}
        if "boundary" in names:
            frame = read_vector(layers_gpkg, layer="boundary", what="boundary")
            return normalize_boundary(frame, None, None) if len(frame) else None
    return None


def load_layerset(
    profile: Profile,
    *,
    osm: Sequence[Path] = (),
    geofabrik: Sequence[Path] = (),
    layers_gpkg: Path | None = None,
    osmnx: Mapping[str, Any] | None = None,
    bbox: Sequence[float] | None = None,
    boundary: Mapping[str, Any] | None = None,
    facilities: Sequence[Mapping[str, Any]] = (),
    buildings: Mapping[str, Any] | None = None,
    candidates: Mapping[str, Any] | None = None,
    population: Mapping[str, Any] | None = None,
    demand: Mapping[str, Any] | None = None,
    stage: Stage = untimed,
    window: ReadWindow | None = None,
) -> LayerSet:
    """Read every source and return the prepared LayerSet.

    Parameters
    ----------
    profile : Profile
        Categories and classification rules, population figures, the snap
        limit, and the thresholds that size the halo (:func:`halo_m`).
    osm, geofabrik : sequence of Path
        OSM extracts and Geofabrik shapefile folders.
    layers_gpkg : Path, optional
        A GeoPackage written by ``lifecircle layers`` (its boundary is the study
        area when neither ``boundary`` nor ``bbox`` is given).
    osmnx : mapping, optional
        ``{place: ...}``, ``{bbox: [W, S, E, N]}`` or ``{polygon: path}`` (online).
    bbox : (west, south, east, north), optional
        Study area in degrees.
    boundary : mapping, optional
        Study-area polygons ``{path, layer, name_column, id_column, crs}``.
    facilities : sequence of mapping
        The planner's facility lists (run config ``facilities``).
    buildings, candidates : mapping, optional
        The planner's buildings and candidate sites (run config keys of those names).
    population : mapping, optional
        The run config's ``population`` block: figures overriding the profile's,
        ``areas`` (counts per area) or ``raster``.
    demand : mapping, optional
        ``grid_size_m`` (m, default 150) and ``grid_shape`` (``hexagon`` or ``square``).
    stage : callable, optional
        Times the stages ``read sources``, ``assemble layers`` and ``classify
        facilities and place residents`` (e.g. ``Progress(...).stage``).
    window : ReadWindow, optional
        Read only this piece of a larger area (``lifecircle batch``); ``boundary``
        is then the piece's own polygon.

    Raises
    ------
    LifecircleError
        When no source is given, or a reader or a step finds bad input.
    """
    with stage("read sources") as info:
        box = window.bbox if window is not None else None
        parsed = window.osm_layers if window is not None else None
        raws = _read_sources(osm, geofabrik, layers_gpkg, osmnx, box, parsed)
        planner_report: list[dict[str, Any]] = []
        planner_facilities = [
            read_facility_list(dict(spec), profile.categories, planner_report)
            for spec in facilities
        ]
        replace = [c for spec in facilities for c in spec.get("replace_categories", [])]
        extra = (
            gpd.GeoDataFrame(pd.concat(planner_facilities, ignore_index=True), crs="EPSG:4326")
            if planner_facilities
            else None
        )
        planner_buildings = read_buildings(dict(buildings), box) if buildings else None
        planner_candidates = read_candidates(dict(candidates)) if candidates else None
        info["detail"] = ", ".join(raw.source for raw in raws)
    with stage("assemble layers") as info:
        layerset = assemble_layerset(
            raws,
            window.boundary if window is not None else _boundary(boundary, bbox, layers_gpkg),
            window.halo_m if window is not None else halo_m(profile),
            extra_facilities=extra,
            replace_categories=replace,
            candidates=planner_candidates,
            buildings=planner_buildings,
            crs=window.crs if window is not None else None,
            within=window.within if window is not None else None,
        )
        layerset.meta["report"].extend(planner_report)
        info["detail"] = f"CRS {layerset.crs.to_string()}, {len(layerset.roads)} road lines"
    return _prepare(layerset, profile, population or {}, demand or {}, stage)


def load_demo_layerset(profile: Profile, stage: Stage = untimed) -> LayerSet:
    """The embedded synthetic demo district, prepared for analysis (labelled synthetic)."""
    from lifecircle.layers.demo.district import build_demo_layerset

    with stage("build synthetic demo district") as info:
        layerset = build_demo_layerset()
        info["detail"] = f"{len(layerset.roads)} road lines, {len(layerset.buildings)} buildings"
    return _prepare(layerset, profile, {}, {}, stage)


def _prepare(
    layerset: LayerSet,
    profile: Profile,
    population: Mapping[str, Any],
    demand: Mapping[str, Any],
    stage: Stage,
) -> LayerSet:
    with stage("classify facilities and place residents") as info:
        areas = None
        source = ""
        if population.get("areas"):
            spec = population["areas"]
            frame = read_vector(
                spec["path"],
                layer=spec.get("layer"),
                what="population per area",
                crs=spec.get("crs"),
            )
            rename = {v: k for k, v in (spec.get("columns") or {}).items()}
            areas = frame.rename(columns=rename).to_crs(layerset.crs)
            source = str(spec["path"])
        settings = DemandSettings(
            grid_size_m=float(demand.get("grid_size_m", 150.0)),
            grid_shape=str(demand.get("grid_shape", "hexagon")),
            population_areas=areas,
            population_areas_source=source,
            raster=population.get("raster"),
        )
        prepared = prepare_layerset(layerset, profile, settings, population)
        info["detail"] = (
            f"{len(prepared.facilities)} facilities classified, {len(prepared.demand)} demand "
            f"points, {prepared.demand['residents'].sum():,.0f} residents"
        )
    return prepared
