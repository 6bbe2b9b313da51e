"""Run configuration: a YAML file plus command-line overrides.

Read with ``yaml.safe_load`` (no code execution). Paths are resolved against
the config file's folder. Example::

    name: 宜川路街道
    profile: shanghai                 # or a path to a copied profile
    overrides:                        # optional, recorded as source run_config
      walk_speed_mps: {elderly: 0.7}
      categories: {day_care: {minutes: 10}}
    sources:
      osm: ../shared/data/shanghai-central/roads.osm
      geofabrik: ../shared/data/shanghai-central/geofabrik
    study_area:
      bbox: [121.425, 31.248, 121.452, 31.272]     # W, S, E, N degrees
      # boundary: {path: units.gpkg, name_column: 居委, crs: EPSG:4326}
    facilities:                       # the planner's own lists
      - path: 养老设施.csv
        crs: gcj02                    # AMap coordinates, converted to WGS84
        x_column: lng
        y_column: lat
        columns: {name: 名称, category: 类别, capacity: 床位, floor_area_m2: 建筑面积}
        category_values: {日间照料中心: day_care}
        replace_categories: [day_care]
    population:
      elderly_share: 0.48
      # areas: {path: 居委人口.gpkg, columns: {residents: 常住人口, elderly: 老年人口}}
      # raster: population.tif
    demand: {grid_size_m: 150, grid_shape: hexagon}
    output: out/yichuan
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lifecircle.spatial.errors import LifecircleError

if TYPE_CHECKING:
    from lifecircle.config_schema import RunConfigFile


@dataclass
class RunConfig:
    """Everything one run needs to know.

    Attributes
    ----------
    name : str
        Name of the study area for titles (e.g. 宜川路街道).
    profile : str
        Shipped profile name or path.
    overrides : dict
        Profile overrides (see :func:`lifecircle.standards.profile.load_profile`).
    osm : list of Path
        OSM extracts.
    geofabrik : list of Path
        Geofabrik shapefile folders.
    layers_gpkg : Path or None
        A GeoPackage written by ``lifecircle layers``.
    osmnx : dict or None
        ``{place: ...}``, ``{bbox: [W,S,E,N]}`` or ``{polygon: path}`` (online only).
    bbox : list of float or None
        W, S, E, N in degrees.
    boundary : dict or None
        ``{path, layer, name_column, id_column, crs}``.
    facilities : list of dict
        The planner's facility lists.
    buildings : dict or None
        The planner's buildings ``{path, columns, residential_values}``.
    population : dict
        Population settings and sources.
    demand : dict
        Grid settings.
    candidates : dict or None
        Candidate sites file.
    output : Path
        Output folder.
    maps : dict
        Map options (lang, basemap, offline...), used once maps exist.
    output_crs : str
        CRS of ``results.gpkg``: ``analysis`` (the run's metric CRS) or
        ``cgcs2000`` (CGCS2000 3-degree Gauss-Kruger zone of the study area).
    base_dir : Path
        Folder that relative paths were resolved against.
    """

    name: str = "研究范围 / Study area"
    profile: str = "shanghai"
    overrides: dict[str, Any] = field(default_factory=dict)
    osm: list[Path] = field(default_factory=list)
    geofabrik: list[Path] = field(default_factory=list)
    layers_gpkg: Path | None = None
    osmnx: dict[str, Any] | None = None
    bbox: list[float] | None = None
    boundary: dict[str, Any] | None = None
    facilities: list[dict[str, Any]] = field(default_factory=list)
    buildings: dict[str, Any] | None = None
    population: dict[str, Any] = field(default_factory=dict)
    demand: dict[str, Any] = field(default_factory=dict)
    candidates: dict[str, Any] | None = None
    output: Path = Path("out/run")
    maps: dict[str, Any] = field(default_factory=dict)
    output_crs: str = "analysis"
    base_dir: Path = field(default_factory=Path.cwd)

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Check every field against the run-config schema and normalise the blocks.

        Called on construction (so the Python API is checked like a config file)
        and again before a run (the command line may have changed fields).

        Raises
        ------
        LifecircleError
            Naming the key, e.g. ``run config key population.elderly_share``.
        """
        # imported here: pydantic is not needed for `lifecircle --help`
        from lifecircle.config_schema import normalised, validate_run_config_fields

        model = validate_run_config_fields({f.name: getattr(self, f.name) for f in fields(self)})
        for name, value in normalised(model).items():
            setattr(self, name, value)

    def layer_options(self) -> dict[str, Any]:
        """The sources and blocks as keyword arguments of
        :func:`lifecircle.layers.load.load_layerset`."""
        return {
            "osm": self.osm,
            "geofabrik": self.geofabrik,
            "layers_gpkg": self.layers_gpkg,
            "osmnx": self.osmnx,
            "bbox": self.bbox,
            "boundary": self.boundary,
            "facilities": self.facilities,
            "buildings": self.buildings,
            "candidates": self.candidates,
            "population": self.population,
            "demand": self.demand,
        }

    def has_source(self) -> bool:
        """True when at least one road source is configured."""
        return bool(self.osm or self.geofabrik or self.layers_gpkg or self.osmnx)


def _resolve(base: Path, value: Path | None) -> Path | None:
    if value is None:
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() else (base / path)


def _resolved_spec(base: Path, spec: dict[str, Any] | None) -> dict[str, Any] | None:
    if spec is None:
        return None
    return {**spec, "path": _resolve(base, spec["path"])}


def load_config(path: str | Path | None) -> RunConfig:
    """Read a run config YAML file (or return defaults when ``path`` is None).

    The file is read with a safe loader that bounds alias expansion, checked
    against :class:`lifecircle.config_schema.RunConfigFile`, and its relative
    paths are resolved against the file's folder.

    Raises
    ------
    LifecircleError
        When the file is missing, not YAML, or has unknown, mistyped or
        out-of-range keys; the message names the key as written.
    """
    from lifecircle.config_schema import validate_run_config_file
    from lifecircle.standards.safe_yaml import read_yaml_file

    if path is None:
        return RunConfig()
    path = Path(path)
    if not path.is_file():
        raise LifecircleError(
            f"The run config {path} does not exist.",
            where=str(path),
            fix="Check the path; see examples/ for a run config to copy.",
        )
    raw = read_yaml_file(
        path, "run config", fix="Fix the YAML syntax (indentation, colons, quotes)."
    )
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise LifecircleError(
            "The run config is not a mapping.",
            where=str(path),
            fix="Start from an example in examples/.",
        )
    return _from_file(validate_run_config_file(raw, path), path.resolve().parent)


def _from_file(model: RunConfigFile, base: Path) -> RunConfig:
    from lifecircle.config_schema import plain

    sources = model.sources
    study_area = model.study_area
    population = plain(model.population) or {}
    if population.get("areas"):
        population["areas"] = _resolved_spec(base, population["areas"])
    if population.get("raster"):
        population["raster"] = _resolve(base, population["raster"])
    defaults = RunConfig.__dataclass_fields__
    return RunConfig(
        name=model.name if model.name is not None else defaults["name"].default,
        profile=model.profile or "shanghai",
        overrides=plain(model.overrides) or {},
        osm=[_resolve(base, p) for p in (sources.osm or [])] if sources else [],
        geofabrik=[_resolve(base, p) for p in (sources.geofabrik or [])] if sources else [],
        layers_gpkg=_resolve(base, sources.layers) if sources else None,
        osmnx=plain(sources.osmnx) if sources else None,
        bbox=list(study_area.bbox) if study_area and study_area.bbox else None,
        boundary=_resolved_spec(base, plain(study_area.boundary)) if study_area else None,
        facilities=[_resolved_spec(base, plain(spec)) for spec in model.facilities or []],
        buildings=_resolved_spec(base, plain(model.buildings)),
        population=population,
        demand=plain(model.demand) or {},
        candidates=_resolved_spec(base, plain(model.candidates)),
        output=_resolve(base, model.output or Path("out/run")),
        maps=plain(model.maps) or {},
        output_crs=model.output_crs or "analysis",
        base_dir=base,
    )


def check_settings(config: RunConfig) -> None:
    """Check the run config again before any data is read (the CLI may have changed it).

    Raises
    ------
    LifecircleError
        For an unknown key, or a value that is not a number or is out of range
        (a share of 48 instead of 0.48, "150m" for a grid size...), naming the key.
    """
    config.validate()
