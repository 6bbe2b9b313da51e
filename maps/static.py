"""Static PNG maps and the coverage chart, drawn with matplotlib (no pyplot state).

Chinese text needs a CJK font. :func:`cjk_font` looks for Noto Sans CJK (or
another CJK family) among matplotlib's fonts and the usual system folders.
Without one, the PNGs are labelled in English and :func:`font_note` says so,
so the report can tell the reader.
"""

from __future__ import annotations

import dataclasses
import io
import math
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import matplotlib
import numpy as np
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from lifecircle.analyses.subdistrict import RunFrames
from lifecircle.maps import geojson, mapdata
from lifecircle.maps.atomic import write_bytes_atomic
from lifecircle.maps.gap_counts import uncovered_zones, zone_radius_m
from lifecircle.maps.labels import category_name, circle_name, t
from lifecircle.maps.mapdata import MAP_KINDS, make_context
from lifecircle.maps.options import MapOptions
from lifecircle.maps.print_furniture import (
    LEGEND_PT,
    PRINT_WIDTH_IN,
    footer,
    north_arrow,
    scale_bar,
)
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
#: The map's height as a share of its width, at least and at most (a page holds 1.25).
MAP_MIN_ASPECT = 0.55
MAP_MAX_ASPECT = 1.2
#: The tallest map figure (inches): A4's text height (263 mm, 10.35 in) less a heading
#: and a caption, so the first map keeps its section heading on its page.
MAX_FIGURE_HEIGHT_IN = 9.0


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


def _png(fig: Figure, dpi: int, tight: bool = False) -> bytes:
    """PNG bytes; maps keep their print size (no tight crop), so fonts print at their size."""
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(
        buffer, format="png", dpi=dpi, bbox_inches="tight" if tight else None, facecolor="white"
    )
    return buffer.getvalue()


def _map_layout(
    bounds: tuple[float, float, float, float], legend_rows: int
) -> tuple[Figure, Axes, Axes, tuple[float, float, float, float]]:
    """A print-width figure shaped to the study area: title, map, legend below, footer.

    Sizes are paper sizes (inches). The map's height follows the area's shape
    (between :data:`MAP_MIN_ASPECT` and :data:`MAP_MAX_ASPECT` of its width), so
    a wide sub-district is not printed with blank bands. Returns the figure, map
    axes, legend axes and the extent (metres) the map shows.
    """
    xmin, ymin, xmax, ymax = bounds
    pad = 0.04 * max(xmax - xmin, ymax - ymin, 1.0)
    xmin, xmax, ymin, ymax = xmin - pad, xmax + pad, ymin - 3 * pad, ymax + 2.5 * pad
    width_in = PRINT_WIDTH_IN - 0.1
    legend_in = 0.45 + 0.19 * math.ceil(legend_rows / 2)
    title_in, footer_in = 0.45, 0.5
    # the whole figure fits one printed page: a tall area is shown wider instead
    tallest = (MAX_FIGURE_HEIGHT_IN - legend_in - title_in - footer_in) / width_in
    aspect = float(np.clip((ymax - ymin) / (xmax - xmin), MAP_MIN_ASPECT, MAP_MAX_ASPECT))
    aspect = max(min(aspect, tallest), 0.3)
    map_in = width_in * aspect
    height = title_in + map_in + legend_in + footer_in
    fig = Figure(figsize=(PRINT_WIDTH_IN, height))
    ax = fig.add_axes(
        (0.05 / PRINT_WIDTH_IN, (footer_in + legend_in) / height, width_in / PRINT_WIDTH_IN,
         map_in / height)
    )
    legend_ax = fig.add_axes(
        (0.1 / PRINT_WIDTH_IN, footer_in / height, (width_in - 0.1) / PRINT_WIDTH_IN,
         legend_in / height)
    )
    legend_ax.set_axis_off()
    # widen the shorter side so the extent has the axes' shape
    if (ymax - ymin) / (xmax - xmin) < aspect:
        grow = aspect * (xmax - xmin) - (ymax - ymin)
        ymin, ymax = ymin - grow / 2, ymax + grow / 2
    else:
        grow = (ymax - ymin) / aspect - (xmax - xmin)
        xmin, xmax = xmin - grow / 2, xmax + grow / 2
    return fig, ax, legend_ax, (xmin, ymin, xmax, ymax)


def _set_extent(ax: Axes, extent: tuple[float, float, float, float]) -> None:
    xmin, ymin, xmax, ymax = extent
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")


def map_bounds(results: RunFrames) -> tuple[float, float, float, float]:
    """The study area's bounds (metres), or the demand's without a boundary."""
    boundary = results.layerset.boundary
    frame = boundary if not boundary.empty else results.demand
    return tuple(float(v) for v in frame.total_bounds)


def draw_context(ax: Axes, layerset) -> None:
    """Buildings, roads, water, railways, 居委 and study-area boundaries (drawn under data)."""
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
    railways = mapdata.surface_railways(layerset)
    if not railways.empty:
        railways.plot(ax=ax, color=RAIL_COLOUR, linewidth=2.2, linestyle=(0, (6, 3)))
    if not layerset.boundary.empty:
        layerset.boundary.boundary.plot(ax=ax, color=UNIT_COLOUR, linewidth=0.9, linestyle=":")
        boundary = layerset.boundary.dissolve()
        boundary.boundary.plot(ax=ax, color=BOUNDARY_COLOUR, linewidth=1.6)


def context_handles(layerset, lang: str) -> list:
    """Legend rows of :func:`draw_context`'s layers."""
    handles: list = [
        Line2D([], [], color=BOUNDARY_COLOUR, linewidth=1.6, label=t("rp_study_boundary", lang)),
        Line2D(
            [], [], color=UNIT_COLOUR, linewidth=0.9, linestyle=":",
            label=t("rp_unit_boundary", lang),
        ),
        Patch(facecolor=WATER_FILL, edgecolor=WATER_COLOUR, label=t("layer_water", lang)),
    ]
    if not mapdata.surface_railways(layerset).empty:
        handles.append(
            Line2D(
                [], [], color=RAIL_COLOUR, linestyle=(0, (6, 3)), linewidth=2,
                label=t("layer_railways", lang),
            )
        )
    return handles


def finish_map(
    fig: Figure,
    ax: Axes,
    legend_ax: Axes,
    results: RunFrames,
    handles: list,
    legend_title: str | None,
    title: str,
    lang: str,
    today: str,
    extent: tuple[float, float, float, float],
) -> None:
    """Title, north arrow, scale bar, legend, synthetic banner and source/CRS footer."""
    meta = results.layerset.meta
    _set_extent(ax, extent)
    north_arrow(ax, lang)
    scale_bar(ax)
    fig.text(0.01, 0.985, title, fontsize=11, va="top", ha="left", fontweight="bold")
    legend_ax.legend(
        handles=handles,
        loc="upper left",
        ncol=2,
        fontsize=LEGEND_PT,
        title=legend_title,
        title_fontsize=LEGEND_PT + 0.5,
        frameon=False,
        alignment="left",
    )
    if meta.get("synthetic"):
        ax.text(
            0.99, 0.98, t("synthetic_banner", lang), transform=ax.transAxes, ha="right",
            va="top", fontsize=8.5, color="white", zorder=10,
            bbox={"facecolor": "#b2182b", "edgecolor": "none", "pad": 3},
        )
    footer(fig, meta, results.demand.crs, lang, today)


def care_types_reached(results: RunFrames) -> tuple[np.ndarray, list[str]]:
    """Per demand point, how many care types (with data) are within their threshold.

    Each type is judged by the access table's own test
    (:meth:`~lifecircle.analyses.access.AccessTable.covered`), the one the care
    analysis and the report's any/all shares use.
    """
    access = results.access
    members = [c for c in results.profile.circles["care_coverage"].categories if access.has_data(c)]
    count = np.zeros(len(results.demand))
    for cat in members:
        count += access.covered(cat, "care_coverage")
    return count, members


def care_count_classes(n_types: int, lang: str) -> Classes:
    """Classes 0 … n of care types reached, red (none) to green (all)."""
    cmap = matplotlib.colormaps["RdYlGn"]
    steps = np.linspace(0.05, 0.9, n_types + 1)
    return Classes(
        title=t("rp_care_count_title", lang, n=n_types),
        breaks=(*(float(k) for k in range(n_types)), math.inf),
        colours=tuple(matplotlib.colors.to_hex(cmap(v)) for v in steps),
        labels=tuple(t("rp_care_count", lang, k=k) for k in range(n_types + 1)),
    )


def _demand_values(ctx, results: RunFrames, kind: str, lang: str) -> tuple[np.ndarray, Classes]:
    """The headline value per demand point of a circle map, and its classes."""
    if kind == "care_coverage":
        count, members = care_types_reached(results)
        if not members:  # no care data: every point is "no data", not "0 types"
            classes = Classes(
                title=t("rp_care_count_title", lang, n=0),
                breaks=(math.inf,),
                colours=("#cccccc",),
                labels=(t("no_data", lang),),
            )
            return np.full(len(count), np.nan), classes
        return count, care_count_classes(len(members), lang)
    layer = mapdata.demand_layers(ctx, kind)[0]
    frame, _, _ = mapdata.demand_frame(ctx, kind)
    return frame[layer.prop].to_numpy(dtype=float), layer.classes


def circle_gap(results: RunFrames, kind: str, lang: str) -> tuple[gpd.GeoSeries, str]:
    """The circle's own gap: where its target group lacks the circle, and its legend text.

    Life circle: residents without a complete circle (over categories with data);
    fitness: residents reaching no fitness category; care: older residents
    reaching no care type. Never another circle's or a single category's gaps,
    and each point's disc stops short of the nearest served resident, so the
    zone never covers residents the map colours as served.
    """
    demand = results.demand
    profile = results.profile
    if kind == "life_circle":
        lacking = ~demand["life_circle_complete_with_data"].astype(bool).to_numpy()
        if not profile.circles["life_circle"].categories or not any(
            results.access.has_data(c) for c in profile.circles["life_circle"].categories
        ):
            lacking[:] = False
        label = t("rp_gap_life", lang)
    elif kind == "fitness_circle":
        lacking = ~demand["fitness_ok"].astype(bool).to_numpy()
        minutes = results.summary.get("fitness_circle", {}).get("minutes")
        cats = profile.circles["fitness_circle"].categories
        if not any(results.access.has_data(c) for c in cats):
            lacking[:] = False
        label = t("rp_gap_fitness", lang, m=f"{minutes:g}" if minutes else "—")
    else:
        count, members = care_types_reached(results)
        lacking = (count == 0) & (demand["elderly"].to_numpy(dtype=float) > 0)
        if not members:
            lacking[:] = False
        minutes = max((profile.rule(c).threshold_minutes for c in members), default=0)
        label = t("rp_gap_care", lang, m=f"{minutes:g}")
    zones = uncovered_zones(demand, lacking, zone_radius_m(results))
    return gpd.GeoSeries(zones.geometry, crs=demand.crs), label


def at_print_detail(
    zones: gpd.GeoSeries, bounds: tuple[float, ...], dpi: float
) -> gpd.GeoSeries:
    """Zones simplified to half a printed pixel, holes under four pixels filled.

    ``bounds`` (metres) is drawn across the printed width at ``dpi``; finer
    detail cannot be printed, and a city-wide run's zones hold thousands of
    holes that cost the drawing seconds.
    """
    if zones.empty:
        return zones
    pixel_m = (bounds[2] - bounds[0]) / (PRINT_WIDTH_IN * dpi)
    shapes = geojson.without_small_holes(zones.to_numpy(), (2.0 * pixel_m) ** 2)
    return gpd.GeoSeries(geojson.simplify(shapes, 0.5 * pixel_m), index=zones.index, crs=zones.crs)


def draw_gap(ax: Axes, zones: gpd.GeoSeries) -> None:
    """Gap zones as a light fill with a strong outline (readable over coloured points)."""
    if not zones.empty:
        zones.plot(ax=ax, facecolor=GAP_COLOUR, alpha=0.10, edgecolor="none", zorder=3)
        zones.boundary.plot(ax=ax, color=GAP_COLOUR, linewidth=1.3, zorder=3)


def marker_handle(
    label: str, colour: str, marker: str = "o", size: float = 6.0, edge: str = "#555555"
) -> Line2D:
    """A legend row for point symbols."""
    return Line2D(
        [], [], marker=marker, linestyle="", markersize=size, markerfacecolor=colour,
        markeredgecolor=edge, label=label,
    )


def draw_facilities(ax: Axes, facilities: gpd.GeoDataFrame, symbol) -> None:
    """Existing facilities: larger than resident dots, black-edged, in their category's shape."""
    ax.scatter(
        facilities.geometry.x, facilities.geometry.y, marker=symbol.mpl_marker, s=60,
        c=symbol.colour, edgecolors="black", linewidths=0.9, zorder=5,
    )


def gap_handle(label: str) -> Patch:
    """The legend row of :func:`draw_gap`."""
    return Patch(facecolor=(*matplotlib.colors.to_rgb(GAP_COLOUR), 0.10), edgecolor=GAP_COLOUR,
                 linewidth=1.3, label=label)


def map_figure(results: RunFrames, kind: str, options: MapOptions) -> Figure:
    """One static map as a matplotlib Figure, drawn at print size with its legend below.

    Demand points are coloured by the circle's headline figure (life: categories
    missing; fitness: minutes to the nearest fitness facility; care: care types
    reached, 0 … 4); the circle's own gap is outlined; facilities are drawn as
    white-edged symbols. North arrow, scale bar, CRS and source are on every map.

    Parameters
    ----------
    results : RunFrames
    kind : str
        ``life_circle``, ``fitness_circle`` or ``care_coverage``.
    options : MapOptions
        Language (English when no CJK font is installed), dpi.
    """
    lang = static_lang(options.lang)
    options = dataclasses.replace(
        options, lang=lang, basemap="none", offline=False, tianditu_key=None,
        max_demand_points=10**9,
    )
    ctx = make_context(results, options)
    layerset = results.layerset
    values, classes = _demand_values(ctx, results, kind, lang)
    colours = classes.colour_of(values)
    symbols = mapdata.symbols_for(ctx, kind)
    cats = mapdata.map_categories(results.profile, kind)
    zones, gap_label = circle_gap(results, kind, lang)
    zones = at_print_detail(zones, map_bounds(results), options.dpi)
    with matplotlib.rc_context(_rc(lang)):
        n_rows = len(classes.legend_rows()) + len(cats) + 5
        fig, ax, legend_ax, extent = _map_layout(map_bounds(results), n_rows)
        ax.set_facecolor("#f4f3ef")
        draw_context(ax, layerset)
        demand = results.demand
        ax.scatter(
            demand.geometry.x, demand.geometry.y, c=colours, s=14, linewidths=0.3,
            edgecolors="#555555", marker="o", zorder=4,
        )
        draw_gap(ax, zones)
        facilities = results.facilities[results.facilities["category"].isin(cats)]
        for cat in cats:
            subset = facilities[facilities["category"] == cat]
            if subset.empty:
                continue
            draw_facilities(ax, subset, symbols[cat])
        handles: list = [marker_handle(lab, c) for c, lab in classes.legend_rows()]
        if not zones.empty:
            handles.append(gap_handle(gap_label))
        handles += [
            marker_handle(
                category_name(results.profile, c, lang)
                + ("" if results.access.has_data(c) else f" — {t('no_data', lang)}"),
                symbols[c].colour, symbols[c].mpl_marker, 8, "black",
            )
            for c in cats
        ]
        handles += context_handles(layerset, lang)
        finish_map(
            fig, ax, legend_ax, results, handles, classes.title,
            mapdata.map_title(ctx, kind), lang, ctx.today, extent,
        )
        return fig


def draw_map(results: RunFrames, kind: str, options: MapOptions) -> bytes:
    """One static map as PNG bytes (:func:`map_figure`), at ``options.dpi``."""
    fig = map_figure(results, kind, options)
    with matplotlib.rc_context(_rc(static_lang(options.lang))):
        return _png(fig, options.dpi)


#: Bar colour of each circle in the coverage chart.
CIRCLE_COLOURS = {"life_circle": "#1f78b4", "fitness_circle": "#33a02c", "care_coverage": "#e66101"}
_CIRCLE_TABLES = {
    "life_circle": "life_circle_categories",
    "fitness_circle": "fitness_circle_categories",
    "care_coverage": "care_coverage_categories",
}


def category_label(profile, category_id: str, minutes: float | None, lang: str) -> str:
    """A category's name with its minute threshold (公园绿地 is in two circles, at two)."""
    name = category_name(profile, category_id, lang)
    if minutes is None or minutes != minutes:
        return name
    return t("rp_cat_minutes", lang, name=name, m=f"{float(minutes):g}")


def circle_totals(results: RunFrames, kind: str, lang: str) -> list[tuple[str, float | None]]:
    """The circle-level figures of the chart: (label, share 0–1 or None for no data)."""
    summary = results.summary
    if kind == "life_circle":
        return [(t("rp_total_life", lang), summary.get("life_circle", {}).get(
            "complete_share_with_data"))]
    if kind == "fitness_circle":
        fitness = summary.get("fitness_circle", {})
        has_data = len(fitness.get("categories_no_data", [])) < len(
            results.profile.circles["fitness_circle"].categories
        )
        return [(t("rp_total_any", lang), fitness.get("population_share") if has_data else None)]
    care = summary.get("care_coverage", {})
    return [
        (t("rp_total_any", lang), care.get("any_category_share")),
        (t("rp_total_all", lang), care.get("all_categories_share")),
    ]


def circle_target(profile, kind: str) -> float | None:
    """The circle's own share target (0–1), or None when the profile sets none."""
    circle = profile.circles.get(kind)
    figure = circle.figure("target_share") if circle is not None else None
    return float(figure.value) if figure is not None else None


def coverage_chart(results: RunFrames, lang: str, dpi: int) -> bytes:
    """The coverage chart (:func:`coverage_figure`) as PNG bytes."""
    with matplotlib.rc_context(_rc(lang)):
        return _png(coverage_figure(results, lang), dpi)


def coverage_figure(results: RunFrames, lang: str) -> Figure:
    """Coverage per category, one panel per circle, each with only its own target line.

    Each panel starts with the circle-level total(s) (complete circle; any / all
    care types), then every category labelled with its minute threshold. A
    category with no data gets no bar and says so.
    """
    profile = results.profile
    panels = []
    for kind, key in _CIRCLE_TABLES.items():
        table = results.tables.get(key)
        if table is None or table.empty:
            continue
        rows = [(label, share, True) for label, share in circle_totals(results, kind, lang)]
        for rec in table.to_dict(orient="records"):
            share = rec.get("population_share")
            no_data = rec.get("status") == "no_data" or share is None or share != share
            label = category_label(profile, str(rec["category"]), rec.get("minutes"), lang)
            rows.append((label, None if no_data else float(share), False))
        panels.append((kind, rows))
    heights = [len(rows) + 1.6 for _, rows in panels] or [1]
    with matplotlib.rc_context(_rc(lang)):
        fig = Figure(figsize=(PRINT_WIDTH_IN, 0.2 * sum(heights) + 0.8))
        grid = fig.add_gridspec(len(heights), 1, height_ratios=heights, hspace=0.55)
        fig.subplots_adjust(left=0.33, right=0.97, top=0.95, bottom=0.06)
        for i, (kind, rows) in enumerate(panels):
            ax = fig.add_subplot(grid[i])
            _coverage_panel(ax, profile, kind, rows, lang)
            if i == len(panels) - 1:
                ax.set_xlabel(t("coverage_axis", lang), fontsize=LEGEND_PT)
        fig.suptitle(t("coverage_chart", lang), fontsize=11, x=0.01, ha="left")
        return fig


def _coverage_panel(ax: Axes, profile, kind: str, rows: list, lang: str) -> None:
    y = np.arange(len(rows))[::-1]
    colour = CIRCLE_COLOURS[kind]
    for yi, (_, share, total) in zip(y, rows, strict=True):
        if share is None:
            ax.text(1, yi, t("no_data", lang), va="center", fontsize=LEGEND_PT, color="#b2182b")
            continue
        ax.barh(yi, 100 * share, color=colour, height=0.72, alpha=1.0 if total else 0.6,
                edgecolor="black" if total else "none", linewidth=0.8)
        ax.text(min(100 * share + 1, 101), yi, f"{100 * share:.1f}%", va="center",
                fontsize=LEGEND_PT, fontweight="bold" if total else "normal")
    ax.set_yticks(y)
    ax.set_yticklabels([r[0] for r in rows], fontsize=LEGEND_PT)
    for label, (_, _, total) in zip(ax.get_yticklabels(), rows, strict=True):
        label.set_fontweight("bold" if total else "normal")
    ax.set_xlim(0, 112)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.tick_params(axis="x", labelsize=LEGEND_PT)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    target = circle_target(profile, kind)
    title = circle_name(profile, kind, lang)
    if target is not None:
        ax.axvline(100 * target, color="#b2182b", linewidth=1.6, gid=f"target-{kind}")
        title += f" · {t('target_line', lang, p=f'{100 * target:g}')}"
    else:
        title += f" · {t('rp_no_share_target', lang)}"
    ax.set_title(title, fontsize=LEGEND_PT + 1, loc="left")


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
