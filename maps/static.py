"""Static PNG maps and the coverage chart, drawn with matplotlib (no pyplot state).

Chinese text needs a CJK font. :func:`cjk_font` looks for Noto Sans CJK (or
another CJK family) among matplotlib's fonts and the usual system folders.
Without one, the PNGs are labelled in English and :func:`font_note` says so,
so the report can tell the reader.
"""

from __future__ import annotations

import dataclasses
import io
from functools import lru_cache
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from lifecircle.analyses.subdistrict import RunFrames
from lifecircle.maps import mapdata
from lifecircle.maps.atomic import write_bytes_atomic
from lifecircle.maps.labels import attribution, category_name, circle_name, t
from lifecircle.maps.mapdata import MAP_KINDS, make_context
from lifecircle.maps.options import MapOptions
from lifecircle.maps.style import (
    BOUNDARY_COLOUR,
    GAP_COLOUR,
    RAIL_COLOUR,
    UNIT_COLOUR,
    WATER_COLOUR,
    WATER_FILL,
    Classes,
)

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
)
CJK_FONT_DIRS = (
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/opentype/source-han-sans"),
    Path("/usr/share/fonts/truetype/wqy"),
)
FIG_SIZE_IN = (8.0, 7.0)


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """Name of an installed CJK font family matplotlib can use, or None."""
    known = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in known:
            return family
    for folder in CJK_FONT_DIRS:
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() in {".ttc", ".otf", ".ttf"} and "Sans" in path.name:
                try:
                    font_manager.fontManager.addfont(str(path))
                except (OSError, RuntimeError, ValueError):
                    continue
    known = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in known:
            return family
    return None


def static_lang(lang: str) -> str:
    """The language the PNGs can be labelled in: English when no CJK font exists."""
    return lang if lang == "en" or cjk_font() else "en"


def font_note(lang: str) -> str | None:
    """A sentence for the report when Chinese labels fell back to English, else None."""
    return None if static_lang(lang) == lang else t("no_cjk_font", lang)


def _rc(lang: str) -> dict[str, object]:
    families = [cjk_font()] if cjk_font() else []
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [*families, "DejaVu Sans"],
        "axes.unicode_minus": False,
        # Labels come from profiles and planners' files: a '$' is text, never mathtext.
        "text.parse_math": False,
    }


def _png(fig: Figure, dpi: int) -> bytes:
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    return buffer.getvalue()


def _scale_bar(ax, length_m: float) -> None:
    xmin, xmax = ax.get_xlim()
    ymin, ymax = ax.get_ylim()
    x0 = xmin + 0.05 * (xmax - xmin)
    y0 = ymin + 0.025 * (ymax - ymin)
    ax.plot([x0, x0 + length_m], [y0, y0], color="black", linewidth=3, solid_capstyle="butt")
    ax.text(
        x0 + length_m / 2,
        y0 + 0.012 * (ymax - ymin),
        f"{length_m:g} m",
        ha="center",
        va="bottom",
        fontsize=8,
    )


def _nice_length(span_m: float) -> float:
    target = span_m / 5
    for value in (50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value >= target:
            return float(value)
    return 10000.0


def draw_map(results: RunFrames, kind: str, options: MapOptions) -> bytes:
    """One static map as PNG bytes: demand coloured by the map's headline figure.

    Parameters
    ----------
    results : RunFrames
    kind : str
        ``life_circle``, ``fitness_circle`` or ``care_coverage``.
    options : MapOptions
        Language (English when no CJK font is installed), title, dpi,
        max_demand_points (hexagons above it).
    """
    lang = static_lang(options.lang)
    options = dataclasses.replace(
        options, lang=lang, basemap="none", offline=False, tianditu_key=None
    )
    ctx = make_context(results, options)
    layerset = results.layerset
    layer = mapdata.demand_layers(ctx, kind)[0]
    frame, _, _ = mapdata.demand_frame(ctx, kind)
    classes: Classes = layer.classes
    colours = classes.colour_of(frame[layer.prop].to_numpy(dtype=float))
    symbols = mapdata.symbols_for(ctx, kind)
    cats = mapdata.map_categories(results.profile, kind)
    with matplotlib.rc_context(_rc(lang)):
        fig = Figure(figsize=FIG_SIZE_IN)
        ax = fig.add_subplot(1, 1, 1)
        ax.set_facecolor("#f4f3ef")
        if not layerset.buildings.empty:
            layerset.buildings.plot(ax=ax, color="#e3e3e3", linewidth=0)
        if not layerset.roads.empty:
            layerset.roads.plot(ax=ax, color="#c8c8c8", linewidth=0.8)
        water = layerset.water
        if not water.empty:
            polys = water[water.geom_type.isin(["Polygon", "MultiPolygon"])]
            lines = water[~water.geom_type.isin(["Polygon", "MultiPolygon"])]
            if not polys.empty:
                polys.plot(ax=ax, color=WATER_FILL, edgecolor=WATER_COLOUR, linewidth=0.8)
            if not lines.empty:
                lines.plot(ax=ax, color=WATER_COLOUR, linewidth=2)
        gaps = results.gaps
        keys = [*cats, "life_circle"] if kind == "life_circle" else list(cats)
        gaps = gaps[gaps["kind_key"].isin(keys)] if not gaps.empty else gaps
        if not gaps.empty:
            gaps.plot(ax=ax, facecolor=GAP_COLOUR, alpha=0.12, edgecolor=GAP_COLOUR, linewidth=0.6)
        railways = mapdata.surface_railways(layerset)
        if not railways.empty:
            railways.plot(ax=ax, color=RAIL_COLOUR, linewidth=2.2, linestyle=(0, (6, 3)))
        if not layerset.boundary.empty:
            layerset.boundary.boundary.plot(ax=ax, color=UNIT_COLOUR, linewidth=0.8, linestyle="--")
            boundary = layerset.boundary.dissolve()
            boundary.boundary.plot(ax=ax, color=BOUNDARY_COLOUR, linewidth=1.6)
        if frame.geom_type.isin(["Point"]).all():
            ax.scatter(
                frame.geometry.x,
                frame.geometry.y,
                c=colours,
                s=18,
                linewidths=0.3,
                edgecolors="#333333",
                zorder=4,
            )
        else:
            frame.plot(ax=ax, color=colours, edgecolor="#555555", linewidth=0.3, zorder=4)
        facilities = results.facilities[results.facilities["category"].isin(cats)]
        for cat in cats:
            subset = facilities[facilities["category"] == cat]
            if subset.empty:
                continue
            ax.scatter(
                subset.geometry.x,
                subset.geometry.y,
                marker=symbols[cat].mpl_marker,
                s=46,
                c=symbols[cat].colour,
                edgecolors="white",
                linewidths=0.8,
                zorder=5,
            )
        if not layerset.boundary.empty:
            xmin, ymin, xmax, ymax = layerset.boundary.total_bounds
            pad = 0.03 * max(xmax - xmin, ymax - ymin)
            ax.set_xlim(xmin - pad, xmax + pad)
            ax.set_ylim(ymin - 3 * pad, ymax + pad)  # room for the scale bar
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("")
        ax.set_ylabel("")
        xmin, xmax = ax.get_xlim()
        _scale_bar(ax, _nice_length(xmax - xmin))
        handles = [
            Patch(facecolor=c, edgecolor="#333333", label=lab) for c, lab in classes.legend_rows()
        ]
        handles += [
            Line2D(
                [],
                [],
                marker=symbols[c].mpl_marker,
                linestyle="",
                markersize=7,
                markerfacecolor=symbols[c].colour,
                markeredgecolor="white",
                label=category_name(results.profile, c, lang)
                + ("" if results.access.has_data(c) else f" — {t('no_data', lang)}"),
            )
            for c in cats
        ]
        handles += [
            Patch(facecolor=GAP_COLOUR, alpha=0.3, edgecolor=GAP_COLOUR, label=t("gap_zone", lang)),
            Patch(facecolor=WATER_FILL, edgecolor=WATER_COLOUR, label=t("layer_water", lang)),
            Line2D(
                [],
                [],
                color=RAIL_COLOUR,
                linestyle=(0, (6, 3)),
                linewidth=2,
                label=t("layer_railways", lang),
            ),
        ]
        ax.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            fontsize=7.5,
            title=classes.title if len(classes.title) < 40 else None,
            title_fontsize=8,
            frameon=False,
        )
        if len(classes.title) >= 40:
            ax.text(
                1.02,
                1.04,
                classes.title,
                transform=ax.transAxes,
                fontsize=8,
                va="bottom",
                wrap=True,
            )
        title = mapdata.map_title(ctx, kind)
        ax.set_title(title, fontsize=11, loc="left")
        footer = [attribution(layerset.meta, lang)]
        if layerset.meta.get("synthetic"):
            ax.text(
                0.99,
                0.98,
                t("synthetic_banner", lang),
                transform=ax.transAxes,
                ha="right",
                va="top",
                fontsize=8.5,
                color="white",
                zorder=10,
                bbox={"facecolor": "#b2182b", "edgecolor": "none", "pad": 3},
            )
        footer.append(f"{t('date', lang)}: {ctx.today}")
        fig.text(0.01, 0.005, " · ".join(f for f in footer if f), fontsize=6.5, color="#444444")
        return _png(fig, options.dpi)


def coverage_chart(results: RunFrames, lang: str, dpi: int) -> bytes:
    """Bar chart of population coverage per category against the circle's target share."""
    profile = results.profile
    tables = {
        "life_circle": results.tables.get("life_circle_categories"),
        "fitness_circle": results.tables.get("fitness_circle_categories"),
        "care_coverage": results.tables.get("care_coverage_categories"),
    }
    life_target = (
        profile.circles["life_circle"].figure("target_share")
        if "life_circle" in profile.circles
        else None
    )
    rows: list[tuple[str, str, float, float | None]] = []
    for kind, table in tables.items():
        if table is None or table.empty:
            continue
        circle = profile.circles.get(kind)
        figure = circle.figure("target_share") if circle is not None else None
        target = figure if figure is not None else life_target
        value = float(target.value) if target is not None else None
        for cat, share in zip(table["category"], table["population_share"], strict=True):
            rows.append((kind, category_name(profile, cat, lang), float(share), value))
    colours = {"life_circle": "#1f78b4", "fitness_circle": "#33a02c", "care_coverage": "#e66101"}
    with matplotlib.rc_context(_rc(lang)):
        height = max(3.0, 0.32 * len(rows) + 1.2)
        fig = Figure(figsize=(8.0, height))
        ax = fig.add_subplot(1, 1, 1)
        y = np.arange(len(rows))[::-1]
        shares = np.array([100 * r[2] for r in rows])
        # a category with no data (NaN share) gets no bar, and says so
        ax.barh(y, np.nan_to_num(shares), color=[colours[r[0]] for r in rows], height=0.7)
        for yi, share, row in zip(y, shares, rows, strict=True):
            text = t("no_data", lang) if np.isnan(share) else f"{share:.0f}%"
            ax.text(min(np.nan_to_num(share) + 1, 101), yi, text, va="center", fontsize=7.5)
            if row[3] is not None:
                ax.plot([100 * row[3]] * 2, [yi - 0.45, yi + 0.45], color="#b2182b", linewidth=1.6)
        ax.set_yticks(y)
        ax.set_yticklabels([r[1] for r in rows], fontsize=8)
        ax.set_xlim(0, 110)
        ax.set_xlabel(t("coverage_axis", lang))
        targets = sorted({r[3] for r in rows if r[3] is not None})
        handles = [
            Patch(color=colours[k], label=circle_name(profile, k, lang))
            for k in colours
            if any(r[0] == k for r in rows)
        ]
        handles += [
            Line2D(
                [],
                [],
                color="#b2182b",
                linewidth=1.6,
                label=t("target_line", lang, p=f"{100 * v:g}"),
            )
            for v in targets
        ]
        ax.legend(handles=handles, loc="lower right", fontsize=7.5)
        ax.set_title(t("coverage_chart", lang), fontsize=11, loc="left")
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        return _png(fig, dpi)


def write_static_maps(
    results: RunFrames, maps_dir: Path, options: MapOptions
) -> list[Path]:
    """Write ``<map>.png`` for each circle and ``coverage_chart.png``; return the paths."""
    lang = static_lang(options.lang)
    written = []
    for kind in MAP_KINDS:
        data = draw_map(results, kind, options)
        written.append(write_bytes_atomic(Path(maps_dir) / f"{kind}.png", data))
    chart = coverage_chart(results, lang, options.dpi)
    written.append(write_bytes_atomic(Path(maps_dir) / "coverage_chart.png", chart))
    return written
