"""What every printed static map carries: north arrow, scale bar, CRS note, data source.

The figures are drawn at the width they print at in the report
(:data:`PRINT_WIDTH_IN`, the A4 text width), so a font size set here is the
size on paper: legends use :data:`LEGEND_PT` (≥ 8 pt).
"""

from __future__ import annotations

import pyproj
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from lifecircle.maps import labels
from lifecircle.maps.labels import t

#: A4 (210 mm) less the report's 14 mm side margins: the printed width of a figure (inches).
PRINT_WIDTH_IN = 182.0 / 25.4
#: Legend text on paper (points); issue 13 asks for at least 8.
LEGEND_PT = 8.5
#: Footer lines (source, CRS, date) on paper (points).
FOOTER_PT = 8.0

_NICE_LENGTHS_M = (50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000)


def nice_length(span_m: float) -> float:
    """A round scale-bar length (m) about a fifth of the map's width ``span_m`` (m)."""
    target = span_m / 5
    for value in _NICE_LENGTHS_M:
        if value >= target:
            return float(value)
    return float(_NICE_LENGTHS_M[-1])


def scale_bar(ax: Axes) -> None:
    """A two-segment scale bar at the lower left of a map in a metric CRS."""
    xmin, xmax = ax.get_xlim()
    ymin, ymax = ax.get_ylim()
    length = nice_length(xmax - xmin)
    x0 = xmin + 0.04 * (xmax - xmin)
    y0 = ymin + 0.035 * (ymax - ymin)
    half = length / 2
    for i, colour in enumerate(("black", "white")):
        ax.add_patch(_rect(x0 + i * half, y0, half, 0.012 * (ymax - ymin), colour))
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    ax.text(x0, y0 + 0.02 * (ymax - ymin), "0", ha="center", va="bottom", fontsize=LEGEND_PT)
    ax.text(
        x0 + length,
        y0 + 0.02 * (ymax - ymin),
        label,
        ha="center",
        va="bottom",
        fontsize=LEGEND_PT,
        gid="scale-bar",
    )


def _rect(x: float, y: float, w: float, h: float, colour: str) -> Rectangle:
    return Rectangle((x, y), w, h, facecolor=colour, edgecolor="black", linewidth=0.8, zorder=9)


def north_arrow(ax: Axes, lang: str) -> None:
    """A north arrow at the upper left (the maps are drawn in a projected CRS, north up)."""
    ax.annotate(
        "",
        xy=(0.05, 0.93),
        xytext=(0.05, 0.83),
        xycoords="axes fraction",
        textcoords="axes fraction",
        arrowprops={"facecolor": "black", "edgecolor": "black", "width": 3, "headwidth": 10},
        zorder=10,
    )
    ax.text(
        0.05,
        0.94,
        t("rp_north", lang),
        transform=ax.transAxes,
        ha="center",
        va="bottom",
        fontsize=10,
        fontweight="bold",
        zorder=10,
        gid="north-arrow",
    )


def crs_text(crs: object) -> str:
    """A short name of a CRS: its name and EPSG code when it has one."""
    try:
        parsed = pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError:
        return str(crs)
    code = parsed.to_epsg()
    return f"{parsed.name} (EPSG:{code})" if code else parsed.name


def source_text(meta: dict, lang: str) -> str:
    """The data source line: the inputs' attribution, with the OSM credit its licence asks."""
    attribution = (labels.attribution(meta, lang) or str(meta.get("source") or "")).strip()
    source = f"{attribution} {meta.get('source') or ''}".lower()
    osm = "openstreetmap" in source or "osm" in source.split() or "geofabrik" in source
    if osm and "openstreetmap" not in attribution.lower():
        attribution = "; ".join(p for p in (attribution, t("rp_osm", lang)) if p)
    return t("rp_source", lang, src=attribution or "—")


def footer(fig: Figure, meta: dict, crs: object, lang: str, date: str) -> None:
    """Source, CRS and date lines at the foot of a figure."""
    lines = [
        source_text(meta, lang),
        f"{t('rp_crs', lang, crs=crs_text(crs))} · {t('date', lang)}: {date}",
    ]
    fig.text(
        0.01,
        0.008,
        "\n".join(lines),
        fontsize=FOOTER_PT,
        color="#333333",
        va="bottom",
        gid="source-crs",
        wrap=True,
    )
