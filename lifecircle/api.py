"""The public Python API for analysts' scripts and notebooks.

::

    import lifecircle as lc

    layers = lc.load_layers(osm="roads.osm", geofabrik="geofabrik/",
                            bbox=(121.425, 31.248, 121.452, 31.272))
    profile = lc.load_profile("shanghai")
    result = lc.life_circle(layers, profile)
    result.summary["complete_share"]
    result.demand            # GeoDataFrame, one row per demand point
    lc.map(lc.analyse_all(layers, profile))   # a folium map, inline in a notebook

The command line is a thin layer over the same functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lifecircle.analyses.access import AccessTable, compute_access
from lifecircle.analyses.care_coverage import CareCoverageResult
from lifecircle.analyses.care_coverage import care_coverage as _care_coverage
from lifecircle.analyses.fitness_circle import FitnessCircleResult
from lifecircle.analyses.fitness_circle import fitness_circle as _fitness_circle
from lifecircle.analyses.life_circle import LifeCircleResult
from lifecircle.analyses.life_circle import life_circle as _life_circle
from lifecircle.analyses.siting import recommend as recommend_sites  # `lifecircle sites` too
from lifecircle.analyses.subdistrict import SubdistrictResults, analyse
from lifecircle.config_schema import check_layer_options
from lifecircle.layers.layerset import LayerSet
from lifecircle.layers.load import load_demo_layerset, load_layerset
from lifecircle.progress import Progress
from lifecircle.spatial.errors import LifecircleError
from lifecircle.standards.profile import Profile, load_profile

__all__ = [
    "LayerSet",
    "Profile",
    "analyse_all",
    "care_coverage",
    "demo_layers",
    "fitness_circle",
    "life_circle",
    "load_layers",
    "load_profile",
    "map",
    "recommend_sites",
    "write_maps",
]


def _as_paths(value: str | Path | Sequence[str | Path] | None) -> list[Path]:
    if value is None:
        return []
    if isinstance(value, str | Path):
        return [Path(value)]
    return [Path(v) for v in value]


def load_layers(
    osm: str | Path | Sequence[str | Path] | None = None,
    geofabrik: str | Path | Sequence[str | Path] | None = None,
    layers_gpkg: str | Path | None = None,
    bbox: Sequence[float] | None = None,
    boundary: str | Path | dict[str, Any] | None = None,
    profile: Profile | str = "shanghai",
    quiet: bool = True,
    *,
    osmnx: dict[str, Any] | None = None,
    facilities: Sequence[dict[str, Any]] = (),
    buildings: dict[str, Any] | None = None,
    candidates: dict[str, Any] | None = None,
    population: dict[str, Any] | None = None,
    demand: dict[str, Any] | None = None,
) -> LayerSet:
    """Read sources into a prepared LayerSet (facilities classified, residents placed).

    Parameters
    ----------
    osm, geofabrik : path or list of paths, optional
        OSM extracts and Geofabrik shapefile folders.
    layers_gpkg : path, optional
        A GeoPackage written by ``lifecircle layers``.
    bbox : (west, south, east, north), optional
        Study area in degrees.
    boundary : path or dict, optional
        Study-area polygons (``{"path": ..., "name_column": ...}``).
    profile : Profile or str
        Standards profile (classification rules, population defaults, snap limit,
        thresholds for the halo kept around the study area).
    quiet : bool
        No progress lines.
    osmnx, facilities, buildings, candidates, population, demand
        As the run config keys of those names (see :mod:`lifecircle.config`):
        online download, the planner's facility lists, buildings and candidate
        sites, population figures and sources, and the demand grid.
    """
    profile = load_profile(profile) if isinstance(profile, str) else profile
    boundary_spec = {"path": Path(boundary)} if isinstance(boundary, str | Path) else boundary
    options = check_layer_options(  # the run-config schema, as for a config file
        osm=_as_paths(osm),
        geofabrik=_as_paths(geofabrik),
        layers_gpkg=Path(layers_gpkg) if layers_gpkg else None,
        osmnx=osmnx,
        bbox=list(bbox) if bbox is not None else None,
        boundary=boundary_spec,
        facilities=list(facilities),
        buildings=buildings,
        candidates=candidates,
        population=dict(population or {}),
        demand=dict(demand or {}),
    )
    return load_layerset(profile, **options, stage=Progress(quiet=quiet).stage)


def demo_layers(profile: Profile | str = "shanghai", quiet: bool = True) -> LayerSet:
    """The embedded synthetic demo district, prepared (labelled synthetic)."""
    profile = load_profile(profile) if isinstance(profile, str) else profile
    return load_demo_layerset(profile, Progress(quiet=quiet).stage)


def _access(layers: LayerSet, profile: Profile | str, access: AccessTable | None):
    profile = load_profile(profile) if isinstance(profile, str) else profile
    return profile, access or compute_access(layers, profile)


def life_circle(
    layers: LayerSet, profile: Profile | str = "shanghai", access: AccessTable | None = None
) -> LifeCircleResult:
    """15-minute life circle per demand point and per area (see analyses.life_circle)."""
    profile, access = _access(layers, profile, access)
    return _life_circle(access, layers, profile)


def fitness_circle(
    layers: LayerSet, profile: Profile | str = "shanghai", access: AccessTable | None = None
) -> FitnessCircleResult:
    """10-minute fitness circle (see analyses.fitness_circle)."""
    profile, access = _access(layers, profile, access)
    return _fitness_circle(access, layers, profile)


def care_coverage(
    layers: LayerSet, profile: Profile | str = "shanghai", access: AccessTable | None = None
) -> CareCoverageResult:
    """Elderly-care coverage, 2SFCA and the per-1,000 indicator (see analyses.care_coverage)."""
    profile, access = _access(layers, profile, access)
    return _care_coverage(access, layers, profile)


def write_maps(results: SubdistrictResults, out_dir: str | Path, **options: Any) -> list[Path]:
    """Write the interactive maps and PNGs of ``analyse_all`` results under ``out_dir/maps``.

    ``options`` are :class:`lifecircle.maps.MapOptions` fields: ``lang`` (zh|en), ``basemap``
    (osm|tianditu|amap|none), ``offline``, ``dpi``, ``max_demand_points``, ``title``.
    Returns the written files, ``maps/index.html`` first.
    """
    from lifecircle.maps import MapOptions
    from lifecircle.maps import write_maps as _write_maps

    return _write_maps(results, Path(out_dir), MapOptions(**options).validated())


def map(  # lc.map, as the notebook calls it; the builtin map is not used in this module
    results: SubdistrictResults, kind: str = "life_circle", **options: Any
) -> Any:
    """One interactive map of ``analyse_all`` results, as a ``folium.Map`` (nothing is written).

    In a notebook it shows inline; ``.save("map.html")`` writes it as a page.

    Parameters
    ----------
    results : SubdistrictResults
        What :func:`analyse_all` returned.
    kind : str
        ``life_circle``, ``fitness_circle`` or ``care_coverage``.
    **options
        :class:`lifecircle.maps.MapOptions` fields: ``lang`` (zh|en), ``basemap``
        (osm|tianditu|amap|none), ``offline``, ``max_demand_points``, ``title``.

    Returns
    -------
    folium.Map
        The same map as ``maps/<kind>.html`` of a run, with Leaflet inlined.
    """
    from lifecircle.maps import MapOptions
    from lifecircle.maps.folium_maps import build_map
    from lifecircle.maps.mapdata import MAP_KINDS, make_context

    if kind not in MAP_KINDS:
        raise LifecircleError(
            f"Unknown map kind '{kind}'.",
            where="lifecircle.map(kind=...)",
            fix=f"Use one of: {', '.join(MAP_KINDS)}.",
        )
    ctx = make_context(results, MapOptions(**options).validated())
    folium_map, _ = build_map(ctx, kind)
    return folium_map


def analyse_all(
    layers: LayerSet, profile: Profile | str = "shanghai", facility_areas: str = "auto"
) -> SubdistrictResults:
    """Every analysis at once, sharing one access computation.

    ``facility_areas`` (auto|all|none) says whether ``service_areas`` also holds each
    facility's own network area (``auto``: only up to 200 facilities).
    """
    profile = load_profile(profile) if isinstance(profile, str) else profile
    return analyse(layers, profile, facility_areas=facility_areas)
