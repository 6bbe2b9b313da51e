"""城市体检 indicators of one unit (a 街道/镇), from the results of its run.

The indicators and their thresholds are the profile's ``city_indicators``
(:mod:`lifecircle.standards.city_indicators`). Each is computed the way
lifecircle measures access, on the walk network for residents, and, where the
official definition counts residential land inside a straight-line radius, that
way too, in a second row labelled ``method = straight_line``: the gap between
the two is a finding in itself.

* ``coverage``, network: the share of residents (demand points inside the unit,
  weighted by residents) whose walk to the nearest facility of the indicator's
  categories is at most ``minutes`` at the indicator's speed.
* ``coverage``, straight line: the share of residential land inside the unit
  within the radius of such a facility. The run has no landuse polygons, so
  residential land is the footprints of the buildings counted as housing
  (``basis = residential_buildings``); without buildings (a grid-only run, or
  a run folder read back), the demand points as equal-area cells
  (``basis = demand_cells``).
* ``complete_circle``: the share of residents with every category of the
  circle the input has data for within reach.
* ``per_1000``: the stated floor area or capacity of the categories'
  facilities inside the unit per 1,000 residents or older residents. A
  facility with no stated value adds nothing: with none stated the figure is
  "no data", with some it is a lower bound (``status = partial``).

A category the input has no facilities of (:mod:`lifecircle.analyses.data_status`)
is "no data": an indicator over it alone is NaN with ``status = no_data``, never 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import shapely

from lifecircle.analyses.subdistrict import RunFrames
from lifecircle.spatial.errors import LifecircleError
from lifecircle.standards.city_indicators import (
    COMPLETE_CIRCLE,
    COVERAGE,
    PER_1000,
    CityIndicator,
    StraightLineTier,
)
from lifecircle.standards.profile import Figure, Profile

#: Columns of :func:`unit_indicators`, in order.
COLUMNS = [
    "indicator_id",
    "name_zh",
    "name_en",
    "method",
    "value",
    "unit",
    "target",
    "source",
    "confidence",
    "status",
    "basis",
    "note",
]
NETWORK, STRAIGHT_LINE = "network", "straight_line"
OK, NO_DATA, PARTIAL, NO_PEOPLE = "ok", "no_data", "partial", "no_people"
#: ``unit`` of a share and of the per-1,000 figures.
SHARE_UNIT = "share"
PER_1000_UNITS = {
    ("floor_area_m2", "residents"): "m2_per_1000_residents",
    ("floor_area_m2", "elderly"): "m2_per_1000_elderly",
    ("capacity", "residents"): "capacity_per_1000_residents",
    ("capacity", "elderly"): "capacity_per_1000_elderly",
}
#: The demand column that says a point's circle is complete (over the categories with data).
COMPLETE_COLUMNS = {
    "life_circle": "life_circle_complete_with_data",
    "fitness_circle": "fitness_ok",
}
_CONFIDENCE_ORDER = "SMI"  # weakest last
_TOLERANCE_M = 1e-6

_NOTES = {
    "lower_bound": {
        "zh": "下限：{cats} 无数据",
        "en": "lower bound: no data for {cats}",
    },
    "upper_bound": {
        "zh": "上限：{cats} 无数据，未计入完整性",
        "en": "upper bound: no data for {cats}, left out of completeness",
    },
    "unsized": {
        "zh": "{n} 处设施未给出用地面积，未计入",
        "en": "{n} facilities without a site area are left out",
    },
    "unstated": {
        "zh": "{n} 处设施未给出{what}，未计入（下限）",
        "en": "{n} facilities state no {what} and are left out (lower bound)",
    },
    "none_stated": {
        "zh": "单元内 {n} 处设施均未给出{what}",
        "en": "none of the unit's {n} facilities states its {what}",
    },
    "no_residential_land": {
        "zh": "单元内无居住用地（住宅建筑）",
        "en": "no residential land (housing) in the unit",
    },
    "floor_area_m2": {"zh": "建筑面积", "en": "floor area"},
    "capacity": {"zh": "规模（床位等）", "en": "capacity (beds etc.)"},
}


def _note(key: str, lang: str, **values: Any) -> str:
    return _NOTES[key][lang].format(**values)


def _check_lang(lang: str) -> str:
    if lang not in ("zh", "en"):
        raise LifecircleError(
            f"Unknown language '{lang}' for the city indicators.",
            where="--lang",
            fix="Use 'zh' (Chinese) or 'en' (English).",
        )
    return lang


def _weakest(figures: list[Figure | None]) -> str:
    """The least settled confidence mark of ``figures`` (S < M < I)."""
    marks = [f.confidence for f in figures if f is not None]
    return max(marks, key=_CONFIDENCE_ORDER.index) if marks else "I"


def _sources(figures: list[Figure | None]) -> str:
    """The distinct source keys of ``figures``, joined with ``;``."""
    return ";".join(dict.fromkeys(f.source for f in figures if f is not None))


def _no_data(results: RunFrames) -> set[str]:
    return set(results.summary.get("no_data") or {})


def _inside_demand(results: RunFrames) -> pd.DataFrame:
    """The demand points inside the unit (those with a ``unit_id``)."""
    demand = results.demand
    return demand[demand["unit_id"].notna().to_numpy()]


def _share(mask: np.ndarray, weights: np.ndarray) -> float:
    total = float(weights.sum())
    return float(weights[mask].sum() / total) if total > 0 else float("nan")


def _row(ind: CityIndicator, method: str, **values: Any) -> dict[str, Any]:
    return {
        "indicator_id": ind.id,
        "name_zh": ind.name_zh,
        "name_en": ind.name_en,
        "method": method,
        "target": float(ind.target.value) if ind.target is not None else np.nan,
        "note": "",
        **values,
    }


def _walk_m(profile: Profile, demand: pd.DataFrame, category: str) -> np.ndarray:
    """Metres walked to the nearest facility of ``category`` (NaN beyond what was computed)."""
    rule = profile.rule(category)
    return demand[f"min_{category}"].to_numpy(dtype=float) * 60.0 * rule.speed_mps


def _computed_to_m(results: RunFrames, profile: Profile, category: str) -> float:
    """How far (m) the run computed walks to ``category``: NaN means farther than this."""
    limits = (results.summary.get("network") or {}).get("limit_minutes") or {}
    minutes = limits.get(category)
    if minutes is None:
        return float("inf")
    return float(minutes) * 60.0 * profile.rule(category).speed_mps


def network_coverage(
    results: RunFrames, profile: Profile, ind: CityIndicator, lang: str
) -> dict[str, Any]:
    """The network row of a ``coverage`` indicator (see the module docstring)."""
    threshold_m = float(ind.minutes.value) * 60.0 * profile.speed_mps(ind.speed)
    no_data = _no_data(results)
    with_data = [c for c in ind.categories if c not in no_data]
    figures = [ind.minutes, ind.target]
    base = {
        "unit": SHARE_UNIT,
        "source": _sources([ind.minutes]),
        "confidence": _weakest(figures),
        "basis": "residents",
    }
    if not with_data:
        return _row(ind, NETWORK, value=np.nan, status=NO_DATA, **base)
    for category in with_data:
        computed = _computed_to_m(results, profile, category)
        if threshold_m > computed + _TOLERANCE_M:
            raise LifecircleError(
                f"The city indicator '{ind.id}' needs walks of {threshold_m:,.0f} m to "
                f"'{category}', but the run computed them only to {computed:,.0f} m.",
                where=f"{profile.path}, city_indicators.{ind.id}.minutes",
                fix="Give the indicator at most the minutes the run's circles use, or run "
                "with a larger max_minutes.",
            )
    demand = _inside_demand(results)
    walks = np.column_stack([_walk_m(profile, demand, c) for c in with_data])
    nearest = np.fmin.reduce(walks, axis=1)
    covered = nearest <= threshold_m + _TOLERANCE_M
    residents = demand["residents"].to_numpy(dtype=float)
    value = _share(covered, residents)
    missing = [c for c in ind.categories if c in no_data]
    status = NO_PEOPLE if not np.isfinite(value) else PARTIAL if missing else OK
    note = _note("lower_bound", lang, cats=", ".join(missing)) if missing else ""
    return _row(ind, NETWORK, value=value, status=status, **base) | {"note": note}


def _site_areas(facilities: pd.DataFrame) -> np.ndarray:
    """``site_area_m2`` per facility (m²; NaN where the input gives none)."""
    if "site_area_m2" not in facilities:
        return np.full(len(facilities), np.nan)
    return pd.to_numeric(facilities["site_area_m2"], errors="coerce").to_numpy(dtype=float)


def facility_radii(facilities: pd.DataFrame, tiers: tuple[StraightLineTier, ...]) -> np.ndarray:
    """Straight-line radius (m) per facility: the largest tier its site area qualifies for.

    A tier with no ``min_site_area`` applies to every facility; a facility with no
    (or an unknown) site area qualifies only for such tiers. NaN: no tier applies.
    """
    area = _site_areas(facilities)
    radii = np.full(len(facilities), np.nan)
    for tier in tiers:
        radius = float(tier.radius.value)
        if tier.min_site_area is None:
            applies = np.ones(len(facilities), dtype=bool)
        else:
            applies = np.nan_to_num(area, nan=-1.0) >= float(tier.min_site_area.value)
        radii = np.where(applies, np.fmax(radii, radius), radii)
    return radii


def residential_land(results: RunFrames) -> tuple[np.ndarray, np.ndarray, str]:
    """The unit's residential land as polygons or points, with their areas (m²).

    Returns
    -------
    geometries : ndarray of shapely geometries
        Housing footprints cut to the unit, or demand points.
    areas : ndarray
        m² of each footprint; 1 per demand point (equal-area cells).
    basis : str
        ``residential_buildings`` or ``demand_cells``.
    """
    layerset = results.layerset
    buildings = layerset.buildings
    if buildings is not None and len(buildings):
        if "housing" in buildings:
            housing = buildings["housing"].fillna(False).to_numpy(dtype=bool)
        else:
            housing = pd.to_numeric(buildings["residents"], errors="coerce").fillna(0) > 0
            housing = housing.to_numpy()
        footprints = shapely.intersection(
            buildings.geometry.values[housing], layerset.study_area
        )
        areas = shapely.area(footprints)
        if areas.sum() > 0:
            keep = areas > 0
            return footprints[keep], areas[keep], "residential_buildings"
    demand = _inside_demand(results)
    demand = demand[demand["residents"].to_numpy(dtype=float) > 0]
    points = demand.geometry.values
    return np.asarray(points), np.ones(len(points)), "demand_cells"


def straight_line_coverage(
    results: RunFrames, profile: Profile, ind: CityIndicator, lang: str
) -> dict[str, Any]:
    """The straight-line row of a ``coverage`` indicator (see the module docstring)."""
    tier_figures = [f for t in ind.straight_line for f in (t.radius, t.min_site_area)]
    base = {
        "unit": SHARE_UNIT,
        "source": _sources(tier_figures),
        "confidence": _weakest([*tier_figures, ind.target]),
    }
    no_data = _no_data(results)
    missing = [c for c in ind.categories if c in no_data]
    facilities = results.facilities
    members = facilities[facilities["category"].isin(
        [c for c in ind.categories if c not in no_data]
    ).to_numpy()]
    land, areas, basis = residential_land(results)
    base["basis"] = basis
    if len(members) == 0:
        return _row(ind, STRAIGHT_LINE, value=np.nan, status=NO_DATA, **base)
    radii = facility_radii(members, ind.straight_line)
    sized = np.isfinite(radii)
    # a facility too small for every tier has no radius by definition; one whose site
    # area the input does not give might have had one: the figure is a lower bound
    unsized = ~sized & np.isnan(_site_areas(members))
    notes = [_note("lower_bound", lang, cats=", ".join(missing))] if missing else []
    if unsized.any():
        notes.append(_note("unsized", lang, n=int(unsized.sum())))
    if not sized.any():
        status = NO_DATA if unsized.any() else OK
        value = np.nan if unsized.any() else 0.0
        return _row(ind, STRAIGHT_LINE, value=value, status=status, **base) | {
            "note": "; ".join(notes)
        }
    if areas.sum() <= 0:
        return _row(ind, STRAIGHT_LINE, value=np.nan, status=NO_PEOPLE, **base) | {
            "note": _note("no_residential_land", lang)
        }
    reach = shapely.union_all(shapely.buffer(members.geometry.values[sized], radii[sized]))
    if basis == "residential_buildings":
        covered_area = shapely.area(shapely.intersection(land, reach))
        value = float(covered_area.sum() / areas.sum())
    else:
        value = _share(shapely.contains_xy(reach, *shapely.get_coordinates(land).T), areas)
    status = PARTIAL if missing or unsized.any() else OK
    return _row(ind, STRAIGHT_LINE, value=value, status=status, **base) | {
        "note": "; ".join(notes)
    }


def complete_circle(
    results: RunFrames, profile: Profile, ind: CityIndicator, lang: str
) -> dict[str, Any]:
    """The row of a ``complete_circle`` indicator (over the circle's categories with data)."""
    column = COMPLETE_COLUMNS.get(ind.circle or "")
    if column is None:
        raise LifecircleError(
            f"The city indicator '{ind.id}' asks for complete '{ind.circle}' circles, "
            "which lifecircle does not judge per resident.",
            where=f"{profile.path}, city_indicators.{ind.id}.circle",
            fix=f"Use one of: {', '.join(COMPLETE_COLUMNS)}.",
        )
    no_data = _no_data(results)
    members = profile.circles[ind.circle].categories
    missing = [c for c in members if c in no_data]
    base = {
        "unit": SHARE_UNIT,
        "source": _sources([ind.definition, ind.target]),
        "confidence": _weakest([ind.definition, ind.target]),
        "basis": "residents",
    }
    if len(missing) == len(members):
        return _row(ind, NETWORK, value=np.nan, status=NO_DATA, **base)
    demand = _inside_demand(results)
    complete = demand[column].fillna(False).to_numpy(dtype=bool)
    value = _share(complete, demand["residents"].to_numpy(dtype=float))
    status = NO_PEOPLE if not np.isfinite(value) else PARTIAL if missing else OK
    # a category the input lacks may be out of reach on the ground: an upper bound
    note = _note("upper_bound", lang, cats=", ".join(missing)) if missing else ""
    return _row(ind, NETWORK, value=value, status=status, **base) | {"note": note}


def per_1000(
    results: RunFrames, profile: Profile, ind: CityIndicator, lang: str
) -> dict[str, Any]:
    """The row of a ``per_1000`` indicator: stated values inside the unit per 1,000 people."""
    base = {
        "unit": PER_1000_UNITS[(ind.quantity, ind.per)],
        "source": _sources([ind.definition, ind.target]),
        "confidence": _weakest([ind.definition, ind.target]),
        "basis": "facilities_inside",
    }
    no_data = _no_data(results)
    with_data = [c for c in ind.categories if c not in no_data]
    if not with_data:
        return _row(ind, "count", value=np.nan, status=NO_DATA, **base)
    facilities = results.facilities
    chosen = facilities[facilities["category"].isin(with_data).to_numpy()]
    points = chosen.geometry.values
    inside = shapely.contains_xy(
        results.layerset.study_area, shapely.get_x(points), shapely.get_y(points)
    )
    values = pd.to_numeric(chosen[ind.quantity], errors="coerce").to_numpy(dtype=float)[inside]
    stated = np.isfinite(values) & (values > 0)
    people = float(_inside_demand(results)[ind.per].to_numpy(dtype=float).sum())
    what = _note(ind.quantity, lang)
    missing = [c for c in ind.categories if c in no_data]
    notes = [_note("lower_bound", lang, cats=", ".join(missing))] if missing else []
    if values.size and not stated.any():
        notes.append(_note("none_stated", lang, n=values.size, what=what))
        return _row(ind, "count", value=np.nan, status=NO_DATA, **base) | {
            "note": "; ".join(notes)
        }
    if people <= 0:
        return _row(ind, "count", value=np.nan, status=NO_PEOPLE, **base)
    if (~stated).any():
        notes.append(_note("unstated", lang, n=int((~stated).sum()), what=what))
    value = float(values[stated].sum() * 1000.0 / people)
    status = PARTIAL if notes else OK
    return _row(ind, "count", value=value, status=status, **base) | {"note": "; ".join(notes)}


def unit_indicators(results: RunFrames, profile: Profile, *, lang: str) -> pd.DataFrame:
    """The 城市体检 indicators of one unit's run.

    Parameters
    ----------
    results : RunFrames
        The unit's run (a fresh run, or one read back from its folder).
    profile : Profile
        The profile the run used; its ``city_indicators`` say what to compute.
    lang : str
        ``zh`` or ``en``: the language of the ``note`` column.

    Returns
    -------
    DataFrame
        One row per indicator and method, columns :data:`COLUMNS`: ``method`` is
        ``network`` (walks on the network; for ``complete_circle`` too),
        ``straight_line`` (residential land within a radius) or ``count``
        (``per_1000``: facilities inside the unit); ``value`` is a share 0-1 or a
        per-1,000 figure (``unit``), NaN when ``status`` is ``no_data`` (no
        facilities of the categories in the input, or no stated capacity) or
        ``no_people``; ``partial`` marks a bound (``note`` says which: a lower
        bound, or for a complete circle an upper one);
        ``source`` and ``confidence`` (S/M/I, the least settled of the row's
        figures) come from the profile; ``basis`` says what was weighted
        (``residents``, ``residential_buildings``, ``demand_cells``,
        ``facilities_inside``).

    Raises
    ------
    LifecircleError
        For an unknown ``lang``, or an indicator the run cannot answer (walks
        longer than the run computed, a circle judged per resident by no analysis).
    """
    lang = _check_lang(lang)
    rows: list[dict[str, Any]] = []
    for ind in profile.city_indicators.values():
        if ind.kind == COVERAGE:
            rows.append(network_coverage(results, profile, ind, lang))
            if ind.straight_line:
                rows.append(straight_line_coverage(results, profile, ind, lang))
        elif ind.kind == COMPLETE_CIRCLE:
            rows.append(complete_circle(results, profile, ind, lang))
        elif ind.kind == PER_1000:
            rows.append(per_1000(results, profile, ind, lang))
    return pd.DataFrame(rows, columns=COLUMNS)
