"""The strict schema of standards profiles and of run-config overrides (pydantic v2).

Every mapping refuses unknown keys, every number must be finite and inside a
plausible range, and the ranges are shared: a walking speed is checked the same
way in ``shanghai.yml`` and in a run config's ``overrides``. Presence checks
(a profile with no ``sources``...) and cross-references (a figure citing an
unknown source, a circle naming an unknown category) stay in
:mod:`lifecircle.standards.profile`, whose messages are specific to them.
Classification rules are checked there too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from lifecircle.spatial.errors import LifecircleError
from lifecircle.standards.validation import did_you_mean, validation_failure


def number(low: float, high: float, description: str, *, above_low: bool = False) -> Any:
    """A finite float (int accepted, text and booleans refused) in ``[low, high]``.

    With ``above_low`` the lower bound is exclusive (``low < value``).
    """
    bounds = {"gt": low} if above_low else {"ge": low}
    return Annotated[
        float,
        Field(strict=True, allow_inf_nan=False, le=high, description=description, **bounds),
    ]


Share = number(0.0, 1.0, "a share from 0 to 1, e.g. 0.48")
SpeedMps = number(0.1, 5.0, "a walking speed in m/s from 0.1 to 5, e.g. 0.8")
Minutes = number(0.0, 120.0, "minutes, more than 0 and at most 120, e.g. 15", above_low=True)
DistanceM = number(0.0, 10_000.0, "metres, more than 0 and at most 10000", above_low=True)
SnapM = number(0.0, 5_000.0, "metres, more than 0 and at most 5000, e.g. 250", above_low=True)
FloorAreaPerPersonM2 = number(1.0, 1_000.0, "m² of floor area per person from 1 to 1000, e.g. 35")
AreaM2 = number(0.0, 1_000_000.0, "m², more than 0 and at most 1000000", above_low=True)
Capacity = number(0.0, 1_000_000.0, "a capacity more than 0 and at most 1000000", above_low=True)
PerThousandM2 = number(0.0, 100_000.0, "m² per 1,000 residents from 0 to 100000, e.g. 40")
AreaPerPersonM2 = number(0.0, 1_000.0, "m² per person from 0 to 1000, e.g. 2.6")
Levels = number(1.0, 200.0, "storeys from 1 to 200, e.g. 6")
DensityPerKm2 = number(0.0, 200_000.0, "residents per km² from 0 to 200000, e.g. 25000")
FootprintM2 = number(0.0, 10_000.0, "m² of footprint from 0 to 10000, e.g. 30")
PerTenThousand = number(
    0.0, 10_000.0, "facilities per 10,000 residents, more than 0, e.g. 0.5", above_low=True
)
MinFacilities = number(0.0, 1_000_000.0, "a number of facilities, more than 0, e.g. 1",
                       above_low=True)
# Allowed words (placement: auto|buildings|grid...) are checked by layers.population,
# which owns them; here only that they are text, or lists of text.
RuleName = Annotated[str, Field(description="a rule name, e.g. auto")]
OsmValues = Annotated[list[str], Field(description="a list of OSM values, e.g. [residential]")]

V = TypeVar("V")


class Strict(BaseModel):
    """Base of every schema model: unknown keys are refused."""

    model_config = ConfigDict(extra="forbid")


class Figure(Strict, Generic[V]):
    """A profile value with its provenance: ``{value, source, confidence, note}``."""

    value: V
    source: str
    confidence: Literal["S", "M", "I"] = Field(
        description="the confidence S (seen in a source), M (recalled) or I (assumption)"
    )
    note: str = ""


class NumberOrFigure(Figure[V], Generic[V]):
    """A figure that may also be written as a bare number (then an assumption)."""

    @model_validator(mode="before")
    @classmethod
    def _bare_number(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return data
        return {"value": data, "source": "assumption", "confidence": "I"}


class Names(Strict):
    zh: str | None = None
    en: str | None = None


class ProfileSpeeds(Strict):
    general: NumberOrFigure[SpeedMps] | None = None
    elderly: NumberOrFigure[SpeedMps] | None = None


class ProfileSnap(Strict):
    max_snap_m: NumberOrFigure[SnapM] | None = None


class ProfilePopulation(Strict):
    """The profile's population figures (see ``layers.population.PopulationSettings``)."""

    floor_area_per_person_m2: Figure[FloorAreaPerPersonM2] | None = None
    elderly_share: Figure[Share] | None = None
    children_share: Figure[Share] | None = None
    default_levels: Figure[Levels] | None = None
    grid_density_per_km2: Figure[DensityPerKm2] | None = None
    placement: Figure[RuleName] | None = None
    sparse_density_share: Figure[Share] | None = None
    untyped_buildings: Figure[RuleName] | None = None
    min_untyped_footprint_m2: Figure[FootprintM2] | None = None
    residential_building_values: Figure[OsmValues] | None = None
    untyped_building_values: Figure[OsmValues] | None = None
    non_residential_building_values: Figure[OsmValues] | None = None
    non_residential_tag_keys: Figure[OsmValues] | None = None
    residential_landuse_values: Figure[OsmValues] | None = None
    non_residential_landuse_values: Figure[OsmValues] | None = None


class ProfileDataCheck(Strict):
    min_facilities: NumberOrFigure[MinFacilities] | None = None


class ProfileCircle(Strict):
    name: Names | None = None
    speed: Literal["general", "elderly"] = "general"
    categories: list[str] = Field(default_factory=list)
    floor_area_categories: list[str] | None = None
    minutes: Figure[Minutes] | None = None
    target_share: Figure[Share] | None = None
    levels_nested: Figure[bool] | None = None
    sports_area_per_person_m2: Figure[AreaPerPersonM2] | None = None
    per_1000_targets: list[Figure[PerThousandM2]] | None = None


class ProfileCapacity(Strict):
    unit: str | None = None
    default: Capacity | None = None
    source: str | None = None
    confidence: Literal["S", "M", "I"] | None = None
    note: str = ""


class ProfileCategory(Strict):
    name: Names | None = None
    minutes: NumberOrFigure[Minutes] | None = None
    distance_m: NumberOrFigure[DistanceM] | None = None
    target: Literal["everyone", "elderly", "children"] | None = None
    capacity: ProfileCapacity | None = None
    floor_area_default_m2: NumberOrFigure[AreaM2] | None = None
    planner_list: Names | None = None
    min_facilities_per_10k_residents: NumberOrFigure[PerTenThousand] | None = None
    rules: list[Any] | None = None  # checked by the profile parser (rule syntax lives there)


IndicatorTarget = number(
    0.0, 100_000.0, "a target from 0 (a share from 0 to 1, or a per-1,000 figure)"
)


class CityStraightLineTier(Strict):
    """One straight-line radius of a city indicator, for facilities of at least a site area."""

    radius_m: Figure[DistanceM]
    min_site_area_m2: Figure[AreaM2] | None = None


class CityIndicator(Strict):
    """One 城市体检 indicator (``city_indicators.<id>``).

    ``kind`` says which keys it needs: ``coverage`` (``categories``, ``minutes``,
    optional ``straight_line``), ``complete_circle`` (``circle``) or ``per_1000``
    (``categories``, ``quantity``, ``per``).
    """

    name: Names
    kind: Literal["coverage", "complete_circle", "per_1000"]
    definition: Figure[str] | None = None
    categories: list[str] = Field(default_factory=list)
    circle: str | None = None
    minutes: Figure[Minutes] | None = None
    speed: Literal["general", "elderly"] = "general"
    straight_line: list[CityStraightLineTier] | None = None
    quantity: Literal["floor_area_m2", "capacity"] | None = None
    per: Literal["residents", "elderly"] | None = None
    target: Figure[IndicatorTarget] | None = None

    @model_validator(mode="after")
    def _keys_of_kind(self) -> CityIndicator:
        needed = {
            "coverage": ("categories", "minutes"),
            "complete_circle": ("circle",),
            "per_1000": ("categories", "quantity", "per"),
        }[self.kind]
        missing = [key for key in needed if not getattr(self, key)]
        if missing:
            raise ValueError(f"a {self.kind} indicator needs {', '.join(missing)}")
        allowed = {
            "coverage": {"categories", "minutes", "speed", "straight_line"},
            "complete_circle": {"circle"},
            "per_1000": {"categories", "quantity", "per"},
        }[self.kind]
        stray = sorted(
            key
            for key in ("categories", "circle", "minutes", "straight_line", "quantity", "per")
            if key not in allowed and getattr(self, key)
        )
        if stray:
            raise ValueError(f"a {self.kind} indicator takes no {', '.join(stray)}")
        if self.kind != "per_1000" and self.target is not None and self.target.value > 1.0:
            raise ValueError("the target of a share is from 0 to 1, e.g. 0.99")
        return self


class ProfileSchema(Strict):
    """A whole standards profile file (``standards/*.yml``)."""

    profile: str | None = None
    title: Names | None = None
    sources: dict[str, str] | None = None
    walk_speed_mps: ProfileSpeeds | None = None
    snap: ProfileSnap | None = None
    population: ProfilePopulation | None = None
    circles: dict[str, ProfileCircle] | None = None
    data_check: ProfileDataCheck | None = None
    categories: dict[str, ProfileCategory] | None = None
    city_indicators: dict[str, CityIndicator] | None = None


class SpeedOverrides(Strict):
    general: SpeedMps | None = None
    elderly: SpeedMps | None = None


class PopulationValues(Strict):
    """Population settings given as plain values (run config ``population`` and overrides)."""

    floor_area_per_person_m2: FloorAreaPerPersonM2 | None = None
    elderly_share: Share | None = None
    children_share: Share | None = None
    default_levels: Levels | None = None
    grid_density_per_km2: DensityPerKm2 | None = None
    placement: RuleName | None = None
    sparse_density_share: Share | None = None
    untyped_buildings: RuleName | None = None
    min_untyped_footprint_m2: FootprintM2 | None = None
    residential_building_values: OsmValues | None = None
    untyped_building_values: OsmValues | None = None
    non_residential_building_values: OsmValues | None = None
    non_residential_tag_keys: OsmValues | None = None
    residential_landuse_values: OsmValues | None = None
    non_residential_landuse_values: OsmValues | None = None


class CategoryOverride(Strict):
    minutes: Minutes | None = None
    distance_m: DistanceM | None = None

    @model_validator(mode="after")
    def _one_threshold(self) -> CategoryOverride:
        if self.minutes is not None and self.distance_m is not None:
            raise ValueError("give minutes or distance_m, not both")
        return self


class Overrides(Strict):
    """A run config's ``overrides:`` block: profile values changed for one run."""

    walk_speed_mps: SpeedOverrides | None = None
    max_snap_m: SnapM | None = None
    population: PopulationValues | None = None
    categories: dict[str, CategoryOverride] | None = None


def validate_profile(raw: dict[str, Any], path: Path) -> None:
    """Check a profile's keys, types and ranges.

    Raises
    ------
    LifecircleError
        Naming the profile file and the key path, e.g.
        ``standards profile key categories.day_care.minutes.value``.
    """
    try:
        ProfileSchema.model_validate(raw)
    except ValidationError as exc:
        raise validation_failure(exc, ProfileSchema, label="standards profile", path=path) from exc


def validate_overrides(overrides: Any) -> dict[str, Any]:
    """Check run-config overrides; return them with unset keys left out.

    Raises
    ------
    LifecircleError
        Naming the run-config key (``run config key overrides.walk_speed_mps.eldery``),
        never the shipped profile.
    """
    try:
        model = Overrides.model_validate(overrides or {})
    except ValidationError as exc:
        raise validation_failure(
            exc, Overrides, label="run config", key_prefix=("overrides",)
        ) from exc
    return model.model_dump(exclude_none=True)


def unknown_override_category(cat_id: str, known: list[str], profile_path: Path) -> LifecircleError:
    """The error for ``overrides.categories.<id>`` naming a category the profile lacks."""
    return LifecircleError(
        f"The run config overrides category '{cat_id}', which the profile "
        f"{profile_path.name} does not have.",
        where=f"run config key overrides.categories.{cat_id}",
        fix=f"{did_you_mean(cat_id, known)}Use one of: {', '.join(known)}.",
    )
