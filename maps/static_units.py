"""Per-居委 figures of the three circles, and their choropleth against the targets.

:func:`unit_figures` gives one row per sub-unit (居委) with the share meeting each
circle and the home-care floor area per 1,000 residents; the report's per-unit
tables and :func:`units_map` read it. Colours compare each unit with its
circle's own target: the life circle's share target, the care circle's
per-1,000 floor-area targets; the fitness circle has no share target in the
profile, so its classes are plain shares and the legend says so.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from lifecircle.analyses.subdistrict import RunFrames
from lifecircle.maps import static
from lifecircle.maps.labels import circle_name, fmt_number, t
from lifecircle.maps.print_furniture import (
    LEGEND_PT,
    PRINT_WIDTH_IN,
    footer,
    north_arrow,
    scale_bar,
)

MEETS, NEAR, FAR, LOW = "#1a9850", "#a6d96a", "#fdae61", "#d73027"
NO_DATA_COLOUR = "#d9d9d9"


@dataclass(frozen=True)
class UnitClasses:
    """Class bounds (lower bounds, descending), colours and labels of one panel."""

    title: str
    lower: tuple[float, ...]
    colours: tuple[str, ...]
    labels: tuple[str, ...]

    def colour_of(self, value: float) -> str:
        if value is None or value != value:
            return NO_DATA_COLOUR
        for bound, colour in zip(self.lower, self.colours, strict=True):
            if value >= bound:
                return colour
        return self.colours[-1]


def unit_figures(results: RunFrames) -> pd.DataFrame:
    """One row per 居委: residents, older residents and each circle's figure.

    Returns
    -------
    DataFrame
        ``unit_id``, ``name``, ``name_en``, ``residents``, ``elderly`` (people),
        ``life_share`` (complete circle over categories with data, 0–1),
        ``fitness_share`` (any fitness category within its threshold, 0–1),
        ``care_any_share`` (older residents reaching any care type, 0–1),
        ``per_1000_m2`` (home-care floor area per 1,000 residents, m²; NaN = no data),
        and ``fitness_<category>`` shares per fitness category.
    """
    demand = results.demand
    profile = results.profile
    boundary = results.layerset.boundary
    residents = demand["residents"].to_numpy(dtype=float)
    elderly = demand["elderly"].to_numpy(dtype=float)
    unit = demand["unit_id"].astype(str).to_numpy()
    count, members = static.care_types_reached(results)
    columns = {
        "residents": residents,
        "elderly": elderly,
        "_life": residents * demand["life_circle_complete_with_data"].astype(bool).to_numpy(),
        "_fit": residents * demand["fitness_ok"].astype(bool).to_numpy(),
        "_care": elderly * (count > 0),
    }
    fitness_cats = [
        c for c in profile.circles["fitness_circle"].categories if results.access.has_data(c)
    ]
    for cat in fitness_cats:
        minutes = demand[f"min_{cat}"].to_numpy(dtype=float)
        limit = profile.rule(cat, "fitness_circle").threshold_minutes
        columns[f"_f_{cat}"] = residents * (minutes <= limit)
    sums = pd.DataFrame(columns).groupby(unit).sum()
    out = boundary[["unit_id", "name", "name_en"]].copy()
    out["unit_id"] = out["unit_id"].astype(str)
    out = out.join(sums, on="unit_id").fillna({"residents": 0.0, "elderly": 0.0})

    def share(column: str, base: str) -> pd.Series:
        return out[column] / out[base].where(out[base] > 0)

    has_life = any(results.access.has_data(c) for c in profile.circles["life_circle"].categories)
    out["life_share"] = share("_life", "residents") if has_life else np.nan
    out["fitness_share"] = share("_fit", "residents") if fitness_cats else np.nan
    out["care_any_share"] = share("_care", "elderly") if members else np.nan
    for cat in fitness_cats:
        out[f"fitness_{cat}"] = share(f"_f_{cat}", "residents")
    care = results.tables.get("units_care")
    if care is not None and "per_1000_m2" in care:
        per_1000 = care.assign(unit_id=care["unit_id"].astype(str)).set_index("unit_id")
        out["per_1000_m2"] = out["unit_id"].map(per_1000["per_1000_m2"]).astype(float)
    else:
        out["per_1000_m2"] = np.nan
    return out.drop(columns=[c for c in out.columns if c.startswith("_")])


def _pct(value: float) -> str:
    return f"{100 * value:g}%"


def share_classes(title: str, target: float | None, lang: str) -> UnitClasses:
    """Share classes: against ``target`` (meets, ≥80 % of it, ≥50 %, below), else plain."""
    if target is None:
        lower = (0.95, 0.8, 0.5, 0.0)
        labels = (
            f"≥ {_pct(0.95)}",
            t("rp_class_range", lang, a=_pct(0.8), b=_pct(0.95)),
            t("rp_class_range", lang, a=_pct(0.5), b=_pct(0.8)),
            t("rp_class_below", lang, v=_pct(0.5)),
        )
        title = (
            f"{title}\n（{t('rp_no_share_target', lang)}）"
            if lang == "zh"
            else (f"{title}\n({t('rp_no_share_target', lang)})")
        )
    else:
        near, far = round(0.8 * target, 2), round(0.5 * target, 2)
        lower = (target, near, far, 0.0)
        labels = (
            t("rp_class_meets", lang, v=_pct(target)),
            t("rp_class_range", lang, a=_pct(near), b=_pct(target)),
            t("rp_class_range", lang, a=_pct(far), b=_pct(near)),
            t("rp_class_below", lang, v=_pct(far)),
        )
    return UnitClasses(title, lower, (MEETS, NEAR, FAR, LOW), labels)


def per_1000_classes(targets: list[float], lang: str) -> UnitClasses:
    """Floor area per 1,000 residents against the profile's targets (e.g. 40 and 50 m²)."""
    title = t("rp_units_per_1000_title", lang)
    values = sorted({float(v) for v in targets}, reverse=True)
    if not values:
        return UnitClasses(title, (0.0,), (NEAR,), ("m²",))
    colours = [*(MEETS, NEAR, FAR)[: len(values)], LOW]
    labels = [t("rp_class_meets", lang, v=f"{values[0]:g} m²")]
    labels += [
        t("rp_class_range", lang, a=f"{lo:g}", b=f"{hi:g} m²")
        for hi, lo in itertools.pairwise(values)
    ]
    labels.append(t("rp_class_below", lang, v=f"{values[-1]:g} m²"))
    return UnitClasses(title, (*values, -math.inf), tuple(colours), tuple(labels))


def panels(results: RunFrames, lang: str) -> list[tuple[str, str, UnitClasses, str]]:
    """(figure column, panel title, classes, value format) of the three panels."""
    profile = results.profile
    care = results.summary.get("care_coverage", {})
    targets = [float(x["value"]) for x in care.get("target_per_1000_m2") or []]
    life_title = t("rp_complete_vs", lang)
    fitness_title = t(
        "rp_units_share_title", lang, circle=circle_name(profile, "fitness_circle", lang)
    )
    return [
        (
            "life_share",
            circle_name(profile, "life_circle", lang),
            share_classes(life_title, static.circle_target(profile, "life_circle"), lang),
            "share",
        ),
        (
            "fitness_share",
            circle_name(profile, "fitness_circle", lang),
            share_classes(fitness_title, static.circle_target(profile, "fitness_circle"), lang),
            "share",
        ),
        (
            "per_1000_m2",
            circle_name(profile, "care_coverage", lang),
            per_1000_classes(targets, lang),
            "m2",
        ),
    ]


def units_map(results: RunFrames, lang: str, dpi: int, today: str) -> bytes | None:
    """Three 居委 choropleths side by side (life, fitness, care), or None with one unit."""
    boundary = results.layerset.boundary
    if len(boundary) < 2:
        return None
    figures = unit_figures(results).set_index("unit_id")
    shapes = boundary.assign(unit_id=boundary["unit_id"].astype(str)).set_index("unit_id")
    xmin, ymin, xmax, ymax = shapes.total_bounds
    aspect = float(np.clip((ymax - ymin) / max(xmax - xmin, 1.0), 0.5, 1.4))
    panel_w = (PRINT_WIDTH_IN - 0.3) / 3
    map_h = panel_w * aspect
    legend_h = 0.45 + 0.2 * 5
    footer_h = 0.45
    height = 0.75 + map_h + legend_h + footer_h
    bottom = footer_h + legend_h
    with matplotlib.rc_context(static._rc(lang)):
        fig = Figure(figsize=(PRINT_WIDTH_IN, height))
        for i, (column, title, classes, kind) in enumerate(panels(results, lang)):
            left = (0.1 + i * (panel_w + 0.05)) / PRINT_WIDTH_IN
            ax = fig.add_axes((left, bottom / height, panel_w / PRINT_WIDTH_IN, map_h / height))
            values = figures[column].reindex(shapes.index)
            shapes.plot(
                ax=ax,
                color=[classes.colour_of(v) for v in values],
                edgecolor="#333333",
                linewidth=0.7,
            )
            for unit_id, point in shapes.geometry.representative_point().items():
                value = values.get(unit_id)
                text = (
                    t("no_data", lang)
                    if value is None or value != value
                    else (f"{100 * value:.0f}%" if kind == "share" else fmt_number(value, 0))
                )
                ax.text(
                    point.x,
                    point.y,
                    text,
                    ha="center",
                    va="center",
                    fontsize=7.5,
                    bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 1},
                )
            ax.set_aspect("equal")
            ax.set_axis_off()
            ax.set_title(title, fontsize=LEGEND_PT + 0.5, loc="left")
            handles = [
                Patch(facecolor=c, edgecolor="#333333", label=lab)
                for c, lab in zip(classes.colours, classes.labels, strict=True)
            ]
            if values.isna().any():
                handles.append(
                    Patch(facecolor=NO_DATA_COLOUR, edgecolor="#333333", label=t("no_data", lang))
                )
            fig.legend(
                handles=handles,
                loc="upper left",
                fontsize=LEGEND_PT,
                frameon=False,
                bbox_to_anchor=(left, (bottom - 0.1) / height),
                title=classes.title,
                title_fontsize=LEGEND_PT,
                alignment="left",
            )
            if i == 0:
                north_arrow(ax, lang)
                scale_bar(ax)
        fig.text(
            0.01,
            1 - 0.1 / height,
            t("rp_units_map", lang),
            fontsize=11,
            va="top",
            fontweight="bold",
        )
        footer(fig, results.layerset.meta, results.demand.crs, lang, today)
        return static._png(fig, dpi)
