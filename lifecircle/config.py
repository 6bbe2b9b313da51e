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

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lifecircle.spatial.errors import LifecircleError

KNOWN_KEYS = {
    "name",
    "profile",
    "overrides",
    "sources",
    "study_area",
    "facilities",
    "buildings",
    "population",
    "demand",
    "candidates",
    "output",
    "maps",
}
SOURCE_KEYS = {"osm", "geofabrik", "layers", "osmnx"}


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
    base_dir: Path = field(default_factory=Path.cwd)

    def has_source(self) -> bool:
        """True when at least one road source is configured."""
        return bool(self.osm or self.geofabrik or self.layers_gpkg or self.osmnx)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _resolve(base: Path, value: Any) -> Path:
    path = Path(str(value)).expanduser()
    return path if path.is_absolute() else (base / path)


def _resolve_spec(base: Path, spec: Any, key: str) -> dict[str, Any]:
    if isinstance(spec, str):
        spec = {"path": spec}
    if not isinstance(spec, dict) or "path" not in spec:
        raise LifecircleError(
            f"'{key}' must be a path or a mapping with a 'path'.",
            where=f"run config key {key}",
            fix=f"Write `{key}: {{path: file.gpkg}}`.",
        )
    out = dict(spec)
    out["path"] = _resolve(base, spec["path"])
    return out


def load_config(path: str | Path | None) -> RunConfig:
    """Read a run config YAML file (or return defaults when ``path`` is None).

    Raises
    ------
    LifecircleError
        When the file is missing, not YAML, or has unknown or malformed keys.
    """
    if path is None:
        return RunConfig()
    path = Path(path)
    if not path.is_file():
        raise LifecircleError(
            f"The run config {path} does not exist.",
            where=str(path),
            fix="Check the path; see examples/ for a run config to copy.",
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise LifecircleError(
            f"The run config is not valid UTF-8 YAML: {exc}",
            where=str(path),
            fix="Fix the YAML syntax (indentation, colons, quotes).",
        ) from exc
    if not isinstance(raw, dict):
        raise LifecircleError(
            "The run config is not a mapping.",
            where=str(path),
            fix="Start from an example in examples/.",
        )
    unknown = set(raw) - KNOWN_KEYS
    if unknown:
        raise LifecircleError(
            f"The run config has unknown keys {sorted(unknown)}.",
            where=str(path),
            fix=f"Known keys: {', '.join(sorted(KNOWN_KEYS))}.",
        )
    base = path.resolve().parent
    sources = raw.get("sources") or {}
    unknown_sources = set(sources) - SOURCE_KEYS
    if unknown_sources:
        raise LifecircleError(
            f"Unknown source types {sorted(unknown_sources)}.",
            where=f"{path}, key sources",
            fix=f"Use {', '.join(sorted(SOURCE_KEYS))}.",
        )
    study_area = raw.get("study_area") or {}
    config = RunConfig(
        name=str(raw.get("name", RunConfig.name)),
        profile=str(raw.get("profile", "shanghai")),
        overrides=raw.get("overrides") or {},
        osm=[_resolve(base, p) for p in _as_list(sources.get("osm"))],
        geofabrik=[_resolve(base, p) for p in _as_list(sources.get("geofabrik"))],
        layers_gpkg=_resolve(base, sources["layers"]) if sources.get("layers") else None,
        osmnx=sources.get("osmnx"),
        bbox=study_area.get("bbox"),
        boundary=(
            _resolve_spec(base, study_area["boundary"], "study_area.boundary")
            if study_area.get("boundary")
            else None
        ),
        facilities=[_resolve_spec(base, f, "facilities") for f in _as_list(raw.get("facilities"))],
        buildings=_resolve_spec(base, raw["buildings"], "buildings")
        if raw.get("buildings")
        else None,
        population=dict(raw.get("population") or {}),
        demand=dict(raw.get("demand") or {}),
        candidates=(
            _resolve_spec(base, raw["candidates"], "candidates") if raw.get("candidates") else None
        ),
        output=_resolve(base, raw.get("output", "out/run")),
        maps=dict(raw.get("maps") or {}),
        base_dir=base,
    )
    for key in ("areas",):
        if config.population.get(key):
            config.population[key] = _resolve_spec(
                base, config.population[key], f"population.{key}"
            )
    if config.population.get("raster"):
        config.population["raster"] = _resolve(base, config.population["raster"])
    return config


#: Numeric run-config settings: key → (lowest allowed, highest allowed, unit).
NUMERIC_SETTINGS: dict[str, dict[str, tuple[float, float, str]]] = {
    "population": {
        "floor_area_per_person_m2": (1.0, 1000.0, "m² per person"),
        "elderly_share": (0.0, 1.0, "a share between 0 and 1, e.g. 0.48"),
        "children_share": (0.0, 1.0, "a share between 0 and 1, e.g. 0.08"),
        "default_levels": (1.0, 200.0, "storeys"),
        "grid_density_per_km2": (0.0, 200_000.0, "residents per km²"),
    },
    "demand": {"grid_size_m": (10.0, 5000.0, "metres")},
}
GRID_SHAPES = ("hexagon", "square")


def check_settings(config: RunConfig) -> None:
    """Check the run config's numbers before any data is read.

    Raises
    ------
    LifecircleError
        For a value that is not a number or is out of range (a share of 48
        instead of 0.48, "150m" for a grid size...), naming the key.
    """
    for block, limits in NUMERIC_SETTINGS.items():
        values = getattr(config, block)
        for key, (low, high, unit) in limits.items():
            if key not in values:
                continue
            raw = values[key]
            number = raw if isinstance(raw, int | float) and not isinstance(raw, bool) else None
            if number is None or not low <= float(number) <= high:
                raise LifecircleError(
                    f"{block}.{key} is {raw!r}, which is not {unit}.",
                    where=f"run config key {block}.{key}",
                    fix=f"Give a plain number from {low:g} to {high:g} ({unit}).",
                )
    shape = config.demand.get("grid_shape", "hexagon")
    if shape not in GRID_SHAPES:
        raise LifecircleError(
            f"demand.grid_shape is {shape!r}.",
            where="run config key demand.grid_shape",
            fix=f"Use one of {', '.join(GRID_SHAPES)}.",
        )
