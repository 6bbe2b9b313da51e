"""The strict schema of run configs (pydantic v2), shared by the CLI and the Python API.

Every block refuses unknown keys (with a did-you-mean), every number must be
finite and in range, every ``crs:`` must be one PROJ knows (or gcj02 / bd09).
:class:`RunConfigFile` is the YAML file as the planner writes it;
:class:`RunConfigFields` is the same content in the shape of
:class:`lifecircle.config.RunConfig` (``sources`` and ``study_area`` flattened),
which checks configs built in Python (``lifecircle.api.load_layers(**config)``).
The blocks themselves are one set of models used by both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from lifecircle.spatial.crs_text import crs_problem
from lifecircle.standards.schema import (
    Overrides,
    PopulationValues,
    Strict,
    number,
)
from lifecircle.standards.validation import validation_failure

#: What the keys of a block are called in messages ("Unknown map options [...]").
KEY_NOUNS = {"": "keys", "maps": "map options", "sources": "source types"}


def _crs(text: str) -> str:
    problem = crs_problem(text)
    if problem is not None:
        raise ValueError(problem[0])
    return text


def _path_spec(value: Any) -> Any:
    """``facilities: care.csv`` is short for ``{path: care.csv}``."""
    return {"path": value} if isinstance(value, str | Path) else value


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str | Path) else value


def _text_keys(value: Any) -> Any:
    """Mapping keys as text: a YAML label 1 and the CSV cell '1' are the same label."""
    if isinstance(value, dict):
        return {str(k) if isinstance(k, int | float) else k: v for k, v in value.items()}
    return value


Crs = Annotated[
    str,
    AfterValidator(_crs),
    Field(description="an EPSG code (EPSG:4326), gcj02 (AMap/Tencent) or bd09 (Baidu)"),
]
PathList = Annotated[
    list[Path], BeforeValidator(_as_list), Field(description="a path or a list of paths")
]
Degrees = number(-180.0, 180.0, "degrees (W, S, E, N), e.g. [121.42, 31.24, 121.45, 31.27]")
GridSizeM = number(10.0, 5_000.0, "metres from 10 to 5000, e.g. 150")
ColumnName = Annotated[str, Field(description="the column's name in the file, as text")]


class FacilityColumns(Strict):
    facility_id: ColumnName | None = None
    name: ColumnName | None = None
    category: ColumnName | None = None
    capacity: ColumnName | None = None
    floor_area_m2: ColumnName | None = None


class BuildingColumns(Strict):
    building_id: ColumnName | None = None
    use: ColumnName | None = None
    levels: ColumnName | None = None
    height_m: ColumnName | None = None
    residents: ColumnName | None = None
    elderly: ColumnName | None = None


class CandidateColumns(Strict):
    candidate_id: ColumnName | None = None
    name: ColumnName | None = None
    category: ColumnName | None = None
    capacity: ColumnName | None = None


class AreaColumns(Strict):
    residents: ColumnName | None = None
    elderly: ColumnName | None = None


class FileSpec(Strict):
    """A file of the planner's: ``path`` and, inside a GeoPackage, ``layer``."""

    path: Path = Field(description="a path to the file, relative to the run config")
    layer: str | None = None
    crs: Crs | None = None


class PointTableSpec(FileSpec):
    x_column: str | None = None
    y_column: str | None = None


class FacilityListSpec(PointTableSpec):
    """One planner facility list (civil affairs, health or sports bureau)."""

    columns: FacilityColumns | None = Field(
        None, description="a mapping such as {name: 名称, category: 类别}"
    )
    category: str | None = None
    category_values: Annotated[
        dict[str, str | None] | None,
        BeforeValidator(_text_keys),
        Field(description="a mapping of the file's labels to category ids, e.g. {日照: day_care}"),
    ] = None
    replace_categories: Annotated[
        list[str] | None,
        BeforeValidator(_as_list),
        Field(description="a list of category ids, e.g. [day_care]"),
    ] = None


class BuildingsSpec(FileSpec):
    columns: BuildingColumns | None = Field(
        None, description="a mapping such as {levels: 层数, use: 用途}"
    )
    residential_values: Annotated[list[str] | None, BeforeValidator(_as_list)] = None


class CandidatesSpec(PointTableSpec):
    columns: CandidateColumns | None = Field(
        None, description="a mapping such as {candidate_id: 编号, capacity: 面积}"
    )


UnitColumn = Annotated[
    str,
    Field(
        min_length=1,
        pattern=r"\S",
        description="the name of a column of the boundary file, as text, e.g. 街道",
    ),
]


class BoundarySpec(FileSpec):
    """The study area's polygons; ``name_column`` names the units (``lifecircle batch``)."""

    name_column: UnitColumn | None = None
    id_column: UnitColumn | None = None


class AreasSpec(FileSpec):
    columns: AreaColumns | None = Field(
        None, description="a mapping such as {residents: 常住人口, elderly: 老年人口}"
    )


class PopulationSpec(PopulationValues):
    """The run config's ``population``: settings, and counts per area or a raster."""

    areas: Annotated[AreasSpec | None, BeforeValidator(_path_spec)] = None
    raster: Path | None = None


class DemandSpec(Strict):
    grid_size_m: GridSizeM | None = None
    grid_shape: Literal["hexagon", "square"] | None = None


class MapsSpec(Strict):
    lang: Literal["zh", "en"] | None = None
    basemap: Literal["osm", "tianditu", "amap", "none"] | None = None
    tianditu_key: str | None = None
    offline: bool | None = None
    max_demand_points: Annotated[int, Field(strict=True, ge=1, le=10_000_000)] | None = None
    dpi: Annotated[int, Field(strict=True, ge=50, le=1200)] | None = None
    title: str | None = None
    facility_areas: Literal["auto", "all", "none"] | None = None


Bbox = Annotated[list[Degrees], Field(min_length=4, max_length=4)]


class OsmnxSpec(Strict):
    place: str | None = None
    bbox: Bbox | None = None
    polygon: Any = None


class SourcesSpec(Strict):
    osm: PathList | None = None
    geofabrik: PathList | None = None
    layers: Path | None = None
    osmnx: OsmnxSpec | None = None


class StudyAreaSpec(Strict):
    bbox: Bbox | None = Field(None, description="[west, south, east, north] in degrees")
    boundary: Annotated[
        BoundarySpec | None,
        BeforeValidator(_path_spec),
        Field(description="a path, or a mapping {path: units.gpkg, name_column: 居委}"),
    ] = None

    @model_validator(mode="after")
    def _one_area(self) -> StudyAreaSpec:
        if self.bbox is not None and self.boundary is not None:
            raise ValueError("give bbox or boundary, not both")
        return self


FacilityLists = Annotated[
    list[Annotated[FacilityListSpec, BeforeValidator(_path_spec)]],
    BeforeValidator(lambda v: [v] if isinstance(v, str | Path | dict) else v),
    Field(description="a list of facility files, each {path: ..., columns: ...}"),
]
OverridesField = Annotated[
    Overrides,
    Field(description="a mapping of profile values, e.g. {walk_speed_mps: {elderly: 0.7}}"),
]


class _Common(Strict):
    name: str | None = Field(None, description="the study area's name as text")
    profile: str | None = Field(None, description="a shipped profile name or a .yml path")
    overrides: OverridesField | None = None
    facilities: FacilityLists | None = None
    buildings: Annotated[
        BuildingsSpec | None,
        BeforeValidator(_path_spec),
        Field(description="a path, or a mapping {path: buildings.gpkg, columns: {...}}"),
    ] = None
    population: PopulationSpec | None = Field(
        None, description="a mapping such as {elderly_share: 0.3}"
    )
    demand: DemandSpec | None = Field(
        None, description="a mapping such as {grid_size_m: 150, grid_shape: hexagon}"
    )
    candidates: Annotated[
        CandidatesSpec | None,
        BeforeValidator(_path_spec),
        Field(description="a path, or a mapping {path: plots.gpkg, columns: {...}}"),
    ] = None
    output: Path | None = Field(None, description="a folder path")
    maps: MapsSpec | None = Field(None, description="a mapping such as {lang: en, basemap: none}")
    output_crs: Literal["analysis", "cgcs2000"] | None = Field(
        None, description="the CRS of results.gpkg: analysis (default) or cgcs2000"
    )


class RunConfigFile(_Common):
    """A run config YAML file as the planner writes it."""

    sources: SourcesSpec | None = Field(
        None, description="a mapping such as {osm: roads.osm, geofabrik: shapefiles/}"
    )
    study_area: StudyAreaSpec | None = Field(
        None,
        description="a mapping: {bbox: [W, S, E, N]} in degrees, or {boundary: units.gpkg}",
    )


class RunConfigFields(_Common):
    """The same content in the shape of :class:`lifecircle.config.RunConfig`."""

    osm: PathList | None = None
    geofabrik: PathList | None = None
    layers_gpkg: Path | None = None
    osmnx: OsmnxSpec | None = None
    bbox: Bbox | None = None
    boundary: Annotated[BoundarySpec | None, BeforeValidator(_path_spec)] = None
    base_dir: Path | None = None

    @field_validator("bbox", mode="before")
    @classmethod
    def _bbox_sequence(cls, value: Any) -> Any:
        return list(value) if isinstance(value, tuple) else value


def validate_run_config_file(raw: Any, path: Path) -> RunConfigFile:
    """Check a run config file's content (the mapping read from YAML).

    Raises
    ------
    LifecircleError
        Naming the file and the key path as written (``run config key demand.grid_size``).
    """
    try:
        return RunConfigFile.model_validate(raw)
    except ValidationError as exc:
        raise validation_failure(
            exc, RunConfigFile, label="run config", path=path, nouns=KEY_NOUNS
        ) from exc


def validate_run_config_fields(fields: dict[str, Any]) -> RunConfigFields:
    """Check the fields of a RunConfig built in Python (the API) or changed by the CLI.

    Raises
    ------
    LifecircleError
        Naming the field path (``run config key population.elderly_share``).
    """
    try:
        return RunConfigFields.model_validate(fields)
    except ValidationError as exc:
        raise validation_failure(
            exc, RunConfigFields, label="run config", nouns=KEY_NOUNS
        ) from exc


def plain(model: Strict | None) -> dict[str, Any] | None:
    """A validated block as the plain dict the readers take (keys the user gave only)."""
    return None if model is None else model.model_dump(exclude_unset=True)


def normalised(model: RunConfigFields) -> dict[str, Any]:
    """Plain values of the checked fields, as RunConfig and the layer loader take them.

    Blocks become dicts holding only the keys given (so ``spec.get("layer")`` is
    None when unset), paths lists of Path, ``bbox`` a list of four floats.
    """
    return {
        "overrides": plain(model.overrides) or {},
        "population": plain(model.population) or {},
        "demand": plain(model.demand) or {},
        "maps": plain(model.maps) or {},
        "boundary": plain(model.boundary),
        "buildings": plain(model.buildings),
        "candidates": plain(model.candidates),
        "osmnx": plain(model.osmnx),
        "facilities": [plain(spec) or {} for spec in model.facilities or []],
        "osm": list(model.osm or []),
        "geofabrik": list(model.geofabrik or []),
        "layers_gpkg": model.layers_gpkg,
        "bbox": list(model.bbox) if model.bbox is not None else None,
    }


def check_layer_options(**options: Any) -> dict[str, Any]:
    """Check the Python API's layer options like a run config; return them normalised.

    ``lifecircle.load_layers`` takes the run config's blocks as arguments
    (``facilities``, ``population``...) without building a RunConfig; this
    applies the same schema, with the same messages.

    Raises
    ------
    LifecircleError
        Naming the argument path, e.g. ``run config key population.elderly_shar``.
    """
    values = normalised(validate_run_config_fields(options))
    return {key: values[key] for key in options}
