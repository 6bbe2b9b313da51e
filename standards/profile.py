"""Standards profiles: thresholds, speeds and category rules, read from YAML data.

A profile is plain data (``standards/*.yml``). This module turns it
into frozen dataclasses, checks it, and applies run-config overrides. Every
figure keeps its ``source`` and ``confidence`` (S seen in a source, M recalled
and unchecked, I assumption) so outputs can say how settled a number is.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lifecircle.spatial.errors import LifecircleError
from lifecircle.standards.city_indicators import CityIndicator, StraightLineTier
from lifecircle.standards.safe_yaml import read_yaml_file
from lifecircle.standards.schema import (
    unknown_override_category,
    validate_overrides,
    validate_profile,
)

STANDARDS_DIR = Path(__file__).resolve().parent
CONFIDENCE_MARKS = {"S", "M", "I"}
TARGET_GROUPS = {"everyone", "elderly", "children"}
SPEED_KEYS = {"general", "elderly"}
RULE_KEYS = {"tags", "fclass", "name", "not_name", "not_tags", "not_fclass", "also"}
RUN_CONFIG_SOURCE = "run_config"
#: The order :meth:`Profile.circle_of` looks for a category in; the first circle
#: holding it is where it is reported, and its ``speed`` routes it.
REPORTING_ORDER = ("care_coverage", "life_circle", "fitness_circle")


@dataclass(frozen=True)
class Figure:
    """One profile value with its provenance.

    Attributes
    ----------
    value : Any
        The number (units are in the key that holds it).
    source : str
        Key of the profile's ``sources`` table, or ``run_config``.
    confidence : str
        ``S``, ``M`` or ``I`` (see module docstring).
    note : str
        Free text.
    """

    value: Any
    source: str
    confidence: str
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for summary.json."""
        out = {"value": self.value, "source": self.source, "confidence": self.confidence}
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class Category:
    """A facility category and how far people should walk to it.

    Attributes
    ----------
    id : str
        Short identifier used in column names (``min_<id>``).
    name_zh, name_en : str
        Display names.
    threshold : Figure
        Walking threshold, in minutes or metres (see ``threshold_kind``).
    threshold_kind : str
        ``minutes`` or ``distance_m``.
    target : str
        ``everyone``, ``elderly`` or ``children``: whose coverage counts.
    rules : list of dict
        Classification rules (keys ``tags``, ``fclass``, ``name``, ``not_name``).
    capacity_unit : str or None
        Unit of ``capacity`` (beds, places, m²...).
    capacity_default : Figure or None
        Capacity assumed when a facility states none.
    floor_area_default : Figure or None
        Floor area (m²) assumed when a facility states none.
    planner_list : dict
        ``{"zh": ..., "en": ...}``: the planner's list that supplies this
        category when the input has no (or too few) facilities of it.
    min_per_10k_residents : Figure or None
        Fewer facilities in the input per 10,000 residents of the study area
        is implausible: the category is reported as "no data".
    """

    id: str
    name_zh: str
    name_en: str
    threshold: Figure
    threshold_kind: str
    target: str
    rules: tuple[dict[str, Any], ...]
    capacity_unit: str | None = None
    capacity_default: Figure | None = None
    floor_area_default: Figure | None = None
    planner_list: dict[str, str] = field(default_factory=dict)
    min_per_10k_residents: Figure | None = None

    def label(self, lang: str) -> str:
        """Display name in ``zh`` or ``en``."""
        return self.name_en if lang == "en" else self.name_zh


@dataclass(frozen=True)
class CategoryRule:
    """How one category is judged in one circle: its threshold at the speed it is routed at.

    Built only by :meth:`Profile.rule`, so the conversion between minutes and
    metres, the speed and the fitness-circle exception live in one place.

    Attributes
    ----------
    category : str
        Category id.
    circle : str
        The circle the rule judges the category in.
    threshold_minutes : float
        Walking threshold in minutes at ``speed_mps``.
    threshold_m : float
        The same threshold in metres.
    speed_mps : float
        Walking speed (m/s) the category is routed at.
    speed_key : str
        ``general`` or ``elderly``: the key of ``Profile.speeds`` that gave it.
    target : str
        ``everyone``, ``elderly`` or ``children``: whose coverage counts.
    threshold : Figure
        The profile figure the threshold comes from (value in minutes or metres,
        see ``threshold_kind``), with its source and confidence.
    threshold_kind : str
        ``minutes`` or ``distance_m``: the unit the profile gives the threshold in.
    """

    category: str
    circle: str
    threshold_minutes: float
    threshold_m: float
    speed_mps: float
    speed_key: str
    target: str
    threshold: Figure
    threshold_kind: str


@dataclass(frozen=True)
class Circle:
    """One of the circles planners report on (life, fitness, care).

    Attributes
    ----------
    id : str
        ``life_circle``, ``fitness_circle`` or ``care_coverage``.
    name_zh, name_en : str
        Display names.
    speed : str
        Key of ``Profile.speeds`` that routes the categories reported in this
        circle (see :meth:`Profile.rule`).
    categories : tuple of str
        Category ids that belong to the circle.
    figures : dict
        Other circle-level values (``target_share``, ``minutes``,
        ``per_1000_targets``...) as Figures or lists of Figures.
    """

    id: str
    name_zh: str
    name_en: str
    speed: str
    categories: tuple[str, ...]
    figures: dict[str, Any] = field(default_factory=dict)

    def figure(self, key: str) -> Any:
        """The Figure (or list of Figures) stored under ``key``, or None."""
        return self.figures.get(key)


@dataclass(frozen=True)
class Profile:
    """A whole standards profile.

    Attributes
    ----------
    id : str
        Profile name (``shanghai``, ``gb50180-2018`` or the file's own).
    title_zh, title_en : str
        Display titles.
    path : str
        File the profile came from.
    sources : dict
        Source key → document title.
    speeds : dict of Figure
        Walking speeds in m/s, keys ``general`` and ``elderly``.
    max_snap_m : Figure
        Snap limit in metres.
    population : dict of Figure
        ``floor_area_per_person_m2``, ``elderly_share``, ``children_share``.
    circles : dict of Circle
    categories : dict of Category
        In profile order (classification tries them in this order).
    min_facilities : Figure or None
        A category with fewer facilities in the input is "no data", not a
        service gap (``data_check.min_facilities``; 1 when not given).
    city_indicators : dict of CityIndicator
        The 城市体检 indicators (``city_indicators:``), in profile order; empty
        when the profile defines none.
    """

    id: str
    title_zh: str
    title_en: str
    path: str
    sources: dict[str, str]
    speeds: dict[str, Figure]
    max_snap_m: Figure
    population: dict[str, Figure]
    circles: dict[str, Circle]
    categories: dict[str, Category]
    min_facilities: Figure | None = None
    city_indicators: dict[str, CityIndicator] = field(default_factory=dict)

    def speed_mps(self, key: str) -> float:
        """Walking speed in m/s for ``general`` or ``elderly``."""
        return float(self.speeds[key].value)

    def category_choices(self) -> str:
        """The category ids with their Chinese names (``day_care 日间照料中心, ...``).

        For help texts and errors in both languages: the official Chinese name is
        the label planners know.
        """
        return ", ".join(f"{key} {category.name_zh}" for key, category in self.categories.items())

    def circle_of(self, category_id: str) -> str:
        """The circle a category is reported in: care, then life, then fitness.

        A category in no circle is reported with the life circle.
        """
        for circle_id in REPORTING_ORDER:
            if category_id in self.circles[circle_id].categories:
                return circle_id
        return "life_circle"

    def rule(self, category_id: str, circle: str | None = None) -> CategoryRule:
        """The threshold, speed and target group a category is judged by.

        Parameters
        ----------
        category_id : str
            A category of this profile.
        circle : str, optional
            The circle to judge the category in; by default the circle it is
            reported in (:meth:`circle_of`). A category can belong to two
            circles (``park`` is in the life and the fitness circle).

        Returns
        -------
        CategoryRule

        Notes
        -----
        **Speed.** ``circles.*.speed`` drives routing: a category walks at the
        speed of the circle it is reported in (:meth:`circle_of`: care, then
        life, then fitness). So care categories walk at the elderly speed because
        the care circle says ``speed: elderly``, and a category in two circles
        has one speed, that of the first in that order (``park`` walks at the
        life circle's speed in the fitness circle too), because the access table
        holds one walk per category.

        **Threshold.** The category's own ``minutes`` or ``distance_m``, except in
        the fitness circle: when the fitness circle gives ``minutes``, every
        member is judged at those minutes there (a category reported only in the
        fitness circle is therefore judged at them by default too). Minutes and
        metres convert at the rule's speed.

        Raises
        ------
        LifecircleError
            When the profile has no such category, or the category is not in
            ``circle``.
        """
        category = self.categories.get(category_id)
        if category is None:
            raise LifecircleError(
                f"The profile '{self.id}' has no category '{category_id}'.",
                where=f"category {category_id!r}",
                fix=f"Use one of: {', '.join(self.categories)}.",
            )
        home = self.circle_of(category_id)
        circle_id = circle or home
        members = self.circles[circle].categories if circle in self.circles else ()
        if circle is not None and category_id not in members:
            raise LifecircleError(
                f"The category '{category_id}' is not in the profile's '{circle}' circle.",
                where=f"{self.path}, circles.{circle}.categories",
                fix=f"Judge it in the circle it is reported in ({home}), or add it to "
                f"circles.{circle}.categories.",
            )
        speed_key = self.circles[home].speed
        speed = self.speed_mps(speed_key)
        threshold, kind = category.threshold, category.threshold_kind
        fitness_minutes = self.circles["fitness_circle"].figure("minutes")
        if circle_id == "fitness_circle" and fitness_minutes is not None:
            threshold, kind = fitness_minutes, "minutes"
            if not _is_positive_number(threshold.value):
                raise LifecircleError(
                    f"circles.fitness_circle.minutes is {threshold.value!r}.",
                    where=f"{self.path}, key 'circles.fitness_circle.minutes'",
                    fix="Give the fitness circle's walking minutes as a number above zero.",
                )
        value = float(threshold.value)
        minutes = value if kind == "minutes" else value / speed / 60.0
        return CategoryRule(
            category=category_id,
            circle=circle_id,
            threshold_minutes=minutes,
            threshold_m=value if kind == "distance_m" else value * 60.0 * speed,
            speed_mps=speed,
            speed_key=speed_key,
            target=category.target,
            threshold=threshold,
            threshold_kind=kind,
        )

    def rules(self) -> dict[str, CategoryRule]:
        """The rule of every category in the circle it is reported in, in profile order."""
        return {cat_id: self.rule(cat_id) for cat_id in self.categories}

    def circle_rules(self) -> dict[str, dict[str, CategoryRule]]:
        """Circle id → category id → rule, for every member of every circle."""
        return {
            circle_id: {cat_id: self.rule(cat_id, circle_id) for cat_id in circle.categories}
            for circle_id, circle in self.circles.items()
        }

    def all_rules(self) -> list[CategoryRule]:
        """Every rule a run judges by: :meth:`rules` and every circle's :meth:`circle_rules`."""
        by_circle = [rule for rules in self.circle_rules().values() for rule in rules.values()]
        return [*self.rules().values(), *by_circle]

    def classification_rules(self) -> list[tuple[str, list[dict[str, Any]]]]:
        """Plain (category id, rules) pairs, in profile order, for layers.classify."""
        return [(cat.id, [dict(rule) for rule in cat.rules]) for cat in self.categories.values()]

    def to_summary(self) -> dict[str, Any]:
        """The profile figures that a reader of summary.json needs."""
        return {
            "id": self.id,
            "title": {"zh": self.title_zh, "en": self.title_en},
            "path": self.path,
            "walk_speed_mps": {k: f.to_dict() for k, f in self.speeds.items()},
            "max_snap_m": self.max_snap_m.to_dict(),
            "population": {k: f.to_dict() for k, f in self.population.items()},
            "categories": {
                c.id: {
                    "name": {"zh": c.name_zh, "en": c.name_en},
                    c.threshold_kind: c.threshold.to_dict(),
                    "target": c.target,
                }
                for c in self.categories.values()
            },
        }


def _is_positive_number(value: Any) -> bool:
    """A number greater than zero (booleans are not numbers here)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def available_profiles() -> list[str]:
    """Names of the profiles that ship with lifecircle."""
    return sorted(p.stem for p in STANDARDS_DIR.glob("*.yml"))


def resolve_profile_path(name_or_path: str | Path, base_dir: Path | None = None) -> Path:
    """Find a profile by shipped name (``shanghai``) or by file path.

    Parameters
    ----------
    name_or_path : str or Path
        A shipped profile name, or a path to a YAML file.
    base_dir : Path, optional
        Folder that relative paths are resolved against (the run config's folder).
    """
    text = str(name_or_path)
    shipped = STANDARDS_DIR / f"{text}.yml"
    if "/" not in text and "\\" not in text and not text.endswith((".yml", ".yaml")):
        if shipped.is_file():
            return shipped
        raise LifecircleError(
            f"There is no shipped standards profile called '{text}'.",
            where="--profile / profile:",
            fix=f"Use one of {', '.join(available_profiles())}, or give a path to a .yml file.",
        )
    path = Path(text)
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    if not path.is_file():
        raise LifecircleError(
            f"The standards profile file {path} does not exist.",
            where="--profile / profile:",
            fix=f"Check the path; copy a shipped profile from {STANDARDS_DIR} to start one.",
        )
    return path


def load_profile(
    name_or_path: str | Path = "shanghai",
    overrides: dict[str, Any] | None = None,
    base_dir: Path | None = None,
) -> Profile:
    """Read, check and return a standards profile.

    Parameters
    ----------
    name_or_path : str or Path
        Shipped profile name or YAML path.
    overrides : dict, optional
        Run-config overrides: ``walk_speed_mps`` {general, elderly} (m/s),
        ``max_snap_m`` (m), ``population`` {key: value}, and ``categories``
        {id: {minutes | distance_m: value}}. Overridden figures get source
        ``run_config``.
    base_dir : Path, optional
        Folder for relative paths.

    Raises
    ------
    LifecircleError
        When the file is not valid YAML or a value is missing or wrong; the
        message names the file and the key.
    """
    path = resolve_profile_path(name_or_path, base_dir)
    raw = read_yaml_file(
        path,
        "standards profile",
        fix="Fix the YAML syntax (indentation, colons) or start again from a shipped profile.",
    )
    if not isinstance(raw, dict):
        raise LifecircleError(
            "The standards profile is empty or not a mapping.",
            where=str(path),
            fix=f"Start from a copy of {STANDARDS_DIR / 'shanghai.yml'}.",
        )
    validate_profile(raw, path)
    if overrides is not None:
        raw = _apply_overrides(raw, validate_overrides(overrides), path)
    return _ProfileParser(raw, path).parse()


def _apply_overrides(raw: dict[str, Any], overrides: dict[str, Any], path: Path) -> dict[str, Any]:
    raw = copy.deepcopy(raw)
    note = "overridden by the run config"

    def figure(value: Any) -> dict[str, Any]:
        return {"value": value, "source": RUN_CONFIG_SOURCE, "confidence": "I", "note": note}

    raw.setdefault("sources", {})[RUN_CONFIG_SOURCE] = "the run configuration of this run"
    for key, value in (overrides.get("walk_speed_mps") or {}).items():
        raw.setdefault("walk_speed_mps", {})[key] = figure(value)
    if "max_snap_m" in overrides:
        raw.setdefault("snap", {})["max_snap_m"] = figure(overrides["max_snap_m"])
    for key, value in (overrides.get("population") or {}).items():
        raw.setdefault("population", {})[key] = figure(value)
    for cat_id, changes in (overrides.get("categories") or {}).items():
        categories = raw.get("categories") or {}
        if cat_id not in categories:
            raise unknown_override_category(cat_id, list(categories), path)
        for key in ("minutes", "distance_m"):
            if key in (changes or {}):
                categories[cat_id].pop("minutes", None)
                categories[cat_id].pop("distance_m", None)
                categories[cat_id][key] = figure(changes[key])
    return raw


class _ProfileParser:
    """Checks one raw profile dict and builds the dataclasses."""

    def __init__(self, raw: dict[str, Any], path: Path) -> None:
        self.raw = raw
        self.path = path
        self.sources: dict[str, str] = {}

    def fail(self, key: str, what: str, fix: str) -> LifecircleError:
        return LifecircleError(what, where=f"{self.path}, key '{key}'", fix=fix)

    def parse(self) -> Profile:
        sources = self.raw.get("sources")
        if not isinstance(sources, dict) or not sources:
            raise self.fail(
                "sources",
                "The profile lists no sources.",
                "Add a `sources:` table: key → document title.",
            )
        self.sources = {str(k): str(v) for k, v in sources.items()}
        title = self.raw.get("title") or {}
        speeds = self.raw.get("walk_speed_mps") or {}
        missing = SPEED_KEYS - set(speeds)
        if missing:
            raise self.fail(
                "walk_speed_mps",
                f"Walking speeds {sorted(missing)} are missing.",
                "Give `general` and `elderly` speeds in m/s.",
            )
        speed_figures = {
            k: self.positive_figure(f"walk_speed_mps.{k}", v) for k, v in speeds.items()
        }
        categories = self.parse_categories()
        circles = self.parse_circles(categories)
        population = {
            k: self.figure(f"population.{k}", v)
            for k, v in (self.raw.get("population") or {}).items()
        }
        for key in ("floor_area_per_person_m2", "elderly_share", "children_share"):
            if key not in population:
                raise self.fail(
                    f"population.{key}",
                    f"population.{key} is missing.",
                    "Add it with value, source and confidence.",
                )
        return Profile(
            id=str(self.raw.get("profile") or self.path.stem),
            title_zh=str(title.get("zh", self.path.stem)),
            title_en=str(title.get("en", self.path.stem)),
            path=str(self.path),
            sources=self.sources,
            speeds=speed_figures,
            max_snap_m=self.positive_figure(
                "snap.max_snap_m", (self.raw.get("snap") or {}).get("max_snap_m", 250)
            ),
            population=population,
            circles=circles,
            categories=categories,
            min_facilities=self.positive_figure(
                "data_check.min_facilities",
                (self.raw.get("data_check") or {}).get("min_facilities", 1),
            ),
            city_indicators=self.parse_city_indicators(categories, circles),
        )

    def figure(self, key: str, raw: Any) -> Figure:
        if not isinstance(raw, dict):
            raise self.fail(
                key,
                f"'{key}' must be a mapping with value, source and confidence.",
                "Write it as {value: 10, source: gb50180, confidence: M}.",
            )
        for part in ("value", "source", "confidence"):
            if part not in raw:
                raise self.fail(
                    key,
                    f"'{key}' has no {part}.",
                    "Every figure needs value, source and confidence (S, M or I).",
                )
        if raw["source"] not in self.sources and raw["source"] != RUN_CONFIG_SOURCE:
            raise self.fail(
                key,
                f"'{key}' cites source '{raw['source']}', which is not in `sources`.",
                f"Use one of: {', '.join(self.sources)}, or add it to `sources`.",
            )
        if raw["confidence"] not in CONFIDENCE_MARKS:
            raise self.fail(
                key,
                f"'{key}' has confidence '{raw['confidence']}'.",
                "Use S (seen in a source), M (recalled, unchecked) or I (assumption).",
            )
        return Figure(
            raw["value"], str(raw["source"]), str(raw["confidence"]), str(raw.get("note", ""))
        )

    def positive_figure(self, key: str, raw: Any) -> Figure:
        if not isinstance(raw, dict):
            raw = {"value": raw, "source": "assumption", "confidence": "I"}
            self.sources.setdefault("assumption", "lifecircle default")
        fig = self.figure(key, raw)
        if not _is_positive_number(fig.value):
            raise self.fail(
                key,
                f"'{key}' must be a positive number, got {fig.value!r}.",
                "Use a number greater than zero (metres, minutes or m/s).",
            )
        return fig

    def parse_categories(self) -> dict[str, Category]:
        raw_categories = self.raw.get("categories")
        if not isinstance(raw_categories, dict) or not raw_categories:
            raise self.fail(
                "categories",
                "The profile defines no facility categories.",
                "Add a `categories:` table.",
            )
        categories: dict[str, Category] = {}
        for cat_id, spec in raw_categories.items():
            key = f"categories.{cat_id}"
            if not isinstance(spec, dict):
                raise self.fail(key, f"Category '{cat_id}' is not a mapping.", "See shanghai.yml.")
            kinds = [k for k in ("minutes", "distance_m") if k in spec]
            if len(kinds) != 1:
                raise self.fail(
                    key,
                    f"Category '{cat_id}' needs exactly one of minutes or distance_m.",
                    "Give the walking threshold as `minutes:` or `distance_m:`.",
                )
            target = spec.get("target")
            if target not in TARGET_GROUPS:
                raise self.fail(
                    f"{key}.target",
                    f"Category '{cat_id}' has target {target!r}.",
                    f"Use one of {sorted(TARGET_GROUPS)}.",
                )
            rules = spec.get("rules") or []
            if not rules:
                raise self.fail(
                    f"{key}.rules",
                    f"Category '{cat_id}' has no classification rules.",
                    "Add at least one rule with tags, fclass or name.",
                )
            for i, rule in enumerate(rules):
                if not isinstance(rule, dict) or not rule or set(rule) - RULE_KEYS:
                    raise self.fail(
                        f"{key}.rules[{i}]",
                        f"Rule {rule!r} is not understood.",
                        f"A rule is a mapping with keys from {sorted(RULE_KEYS)}.",
                    )
                if not set(rule) & {"tags", "fclass", "name"}:
                    raise self.fail(
                        f"{key}.rules[{i}]",
                        f"Rule {rule!r} has only exclusions, so it matches everything.",
                        "Combine not_name, not_tags, not_fclass or also with tags, fclass or name.",
                    )
                also = rule.get("also", [])
                unknown_also = set(also) - set(raw_categories) if isinstance(also, list) else also
                if unknown_also:
                    raise self.fail(
                        f"{key}.rules[{i}].also",
                        f"Rule {rule!r}: `also` is not a list of this profile's categories.",
                        f"Write also: [category, ...] with ids from {', '.join(raw_categories)}.",
                    )
            name = spec.get("name") or {}
            capacity = spec.get("capacity") or {}
            categories[cat_id] = Category(
                id=str(cat_id),
                name_zh=str(name.get("zh", cat_id)),
                name_en=str(name.get("en", cat_id)),
                threshold=self.positive_figure(f"{key}.{kinds[0]}", spec[kinds[0]]),
                threshold_kind=kinds[0],
                target=target,
                rules=tuple(rules),
                capacity_unit=capacity.get("unit"),
                capacity_default=(
                    self.positive_figure(
                        f"{key}.capacity",
                        {k: capacity[k] for k in capacity if k != "unit"}
                        | {"value": capacity["default"]},
                    )
                    if "default" in capacity
                    else None
                ),
                floor_area_default=(
                    self.positive_figure(
                        f"{key}.floor_area_default_m2", spec["floor_area_default_m2"]
                    )
                    if "floor_area_default_m2" in spec
                    else None
                ),
                planner_list=self.planner_list(f"{key}.planner_list", spec.get("planner_list")),
                min_per_10k_residents=(
                    self.positive_figure(
                        f"{key}.min_facilities_per_10k_residents",
                        spec["min_facilities_per_10k_residents"],
                    )
                    if "min_facilities_per_10k_residents" in spec
                    else None
                ),
            )
        return categories

    def planner_list(self, key: str, raw: Any) -> dict[str, str]:
        """``{zh, en}`` names of the list that supplies a category ({} when not given)."""
        if raw is None:
            return {}
        if not isinstance(raw, dict) or set(raw) - {"zh", "en"} or not raw:
            raise self.fail(
                key,
                f"'{key}' must be a mapping with zh and/or en, got {raw!r}.",
                "Write it as {zh: 民政部门养老服务设施清单, "
                "en: civil-affairs list of care facilities}.",
            )
        names = {lang: str(text) for lang, text in raw.items()}
        return {
            "zh": names.get("zh", names.get("en", "")),
            "en": names.get("en", names.get("zh", "")),
        }

    def parse_circles(self, categories: dict[str, Category]) -> dict[str, Circle]:
        circles: dict[str, Circle] = {}
        for circle_id, spec in (self.raw.get("circles") or {}).items():
            key = f"circles.{circle_id}"
            members = tuple(spec.get("categories") or ())
            unknown = [c for c in members if c not in categories]
            if unknown:
                raise self.fail(
                    f"{key}.categories",
                    f"Circle '{circle_id}' names unknown categories {unknown}.",
                    f"Use category ids from `categories`: {', '.join(categories)}.",
                )
            speed = spec.get("speed", "general")
            if speed not in SPEED_KEYS:
                raise self.fail(
                    f"{key}.speed",
                    f"Circle '{circle_id}' has speed {speed!r}.",
                    "Use general or elderly.",
                )
            figures: dict[str, Any] = {}
            for fig_key, value in spec.items():
                if fig_key in {"name", "speed", "categories", "floor_area_categories"}:
                    continue
                if isinstance(value, list):
                    figures[fig_key] = [
                        self.figure(f"{key}.{fig_key}[{i}]", v) for i, v in enumerate(value)
                    ]
                else:
                    figures[fig_key] = self.figure(f"{key}.{fig_key}", value)
            floor_cats = tuple(spec.get("floor_area_categories") or ())
            if floor_cats:
                figures["floor_area_categories"] = floor_cats
            name = spec.get("name") or {}
            circles[circle_id] = Circle(
                id=str(circle_id),
                name_zh=str(name.get("zh", circle_id)),
                name_en=str(name.get("en", circle_id)),
                speed=speed,
                categories=members,
                figures=figures,
            )
        for required in ("life_circle", "fitness_circle", "care_coverage"):
            if required not in circles:
                raise self.fail(
                    f"circles.{required}",
                    f"The profile has no '{required}' circle.",
                    "Add it under `circles:` (see shanghai.yml).",
                )
        return circles

    def optional_figure(self, key: str, raw: Any) -> Figure | None:
        """A figure, or None when the key is not given."""
        return None if raw is None else self.figure(key, raw)

    def parse_city_indicators(
        self, categories: dict[str, Category], circles: dict[str, Circle]
    ) -> dict[str, CityIndicator]:
        """The ``city_indicators:`` section (schema-checked already): figures and references."""
        out: dict[str, CityIndicator] = {}
        for ind_id, spec in (self.raw.get("city_indicators") or {}).items():
            key = f"city_indicators.{ind_id}"
            unknown = [c for c in spec.get("categories") or () if c not in categories]
            if unknown:
                raise self.fail(
                    f"{key}.categories",
                    f"City indicator '{ind_id}' names unknown categories {unknown}.",
                    f"Use category ids from `categories`: {', '.join(categories)}.",
                )
            circle = spec.get("circle")
            if circle is not None and circle not in circles:
                raise self.fail(
                    f"{key}.circle",
                    f"City indicator '{ind_id}' names the unknown circle '{circle}'.",
                    f"Use one of: {', '.join(circles)}.",
                )
            tiers = tuple(
                StraightLineTier(
                    radius=self.figure(f"{key}.straight_line[{i}].radius_m", tier["radius_m"]),
                    min_site_area=self.optional_figure(
                        f"{key}.straight_line[{i}].min_site_area_m2", tier.get("min_site_area_m2")
                    ),
                )
                for i, tier in enumerate(spec.get("straight_line") or ())
            )
            name = spec.get("name") or {}
            out[str(ind_id)] = CityIndicator(
                id=str(ind_id),
                name_zh=str(name.get("zh", ind_id)),
                name_en=str(name.get("en", name.get("zh", ind_id))),
                kind=str(spec["kind"]),
                categories=tuple(spec.get("categories") or ()),
                circle=circle,
                minutes=self.optional_figure(f"{key}.minutes", spec.get("minutes")),
                speed=str(spec.get("speed", "general")),
                straight_line=tiers,
                quantity=spec.get("quantity"),
                per=spec.get("per"),
                target=self.optional_figure(f"{key}.target", spec.get("target")),
                definition=self.optional_figure(f"{key}.definition", spec.get("definition")),
            )
        return out
