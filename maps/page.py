"""HTML blocks drawn over a map: the title block and the legend.

All text that can come from data (names, titles, attribution) is escaped here
with :func:`html.escape`; the symbols are SVG made from our own constants.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from lifecircle.maps.style import (
    BOUNDARY_COLOUR,
    GAP_COLOUR,
    RAIL_COLOUR,
    WATER_COLOUR,
    Classes,
    Symbol,
)


@dataclass(frozen=True)
class TitleInfo:
    """What the title block says."""

    title: str
    profile_title: str
    date_label: str
    date: str
    synthetic_text: str | None
    notes: Sequence[str] = ()
    links: Sequence[tuple[str, str]] = ()
    links_title: str = ""


def title_block(info: TitleInfo) -> str:
    """The title block HTML (top left)."""
    parts = [f'<div class="lc-title" id="lc-title"><h1>{escape(info.title)}</h1>']
    parts.append(f'<div class="lc-sub">{escape(info.profile_title)}</div>')
    parts.append(f'<div class="lc-sub">{escape(info.date_label)}: {escape(info.date)}</div>')
    if info.synthetic_text:
        parts.append(f'<div class="lc-synthetic">{escape(info.synthetic_text)}</div>')
    for note in info.notes:
        parts.append(f'<div class="lc-note">{escape(note)}</div>')
    if info.links:
        parts.append(f'<div class="lc-note">{escape(info.links_title)}: ')
        parts.append(
            " · ".join(f'<a href="{escape(href)}">{escape(text)}</a>' for text, href in info.links)
        )
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


def _swatch(colour: str, extra_class: str = "", style: str = "") -> str:
    return f'<span class="lc-sw {extra_class}" style="background:{colour};{style}"></span>'


def classes_section(section_id: str, classes: Classes, dot: bool) -> str:
    """A legend section for a demand colouring (hidden until its layer is on)."""
    rows = "".join(
        f'<div class="lc-row">{_swatch(colour, "lc-dot" if dot else "")}'
        f"<span>{escape(label)}</span></div>"
        for colour, label in classes.legend_rows()
    )
    return (
        f'<div class="lc-sec" id="{escape(section_id)}">'
        f'<div class="lc-sec-title">{escape(classes.title)}</div>{rows}</div>'
    )


def symbols_section(title: str, symbols: dict[str, Symbol], names: dict[str, str]) -> str:
    """Facility symbols, one row per category."""
    rows = "".join(
        f'<div class="lc-row">{symbol.svg(14)}<span>{escape(names[cat])}</span></div>'
        for cat, symbol in symbols.items()
    )
    return f'<div class="lc-sec"><div class="lc-sec-title">{escape(title)}</div>{rows}</div>'


def context_section(labels: dict[str, str]) -> str:
    """Rows for service areas, radius circles, gaps, water, railways and the boundary."""
    rows = [
        (
            _swatch("rgba(31,120,180,0.25)", style="border:2px solid #1f78b4"),
            labels["area_network"],
        ),
        (
            _swatch("transparent", style="border:2px dashed #1f78b4"),
            labels["area_radius"],
        ),
        (
            _swatch("rgba(197,27,125,0.30)", style=f"border:2px solid {GAP_COLOUR}"),
            labels["gap_zone"],
        ),
        (_swatch("#c6dbef", style=f"border:1px solid {WATER_COLOUR}"), labels["layer_water"]),
        (
            f'<span class="lc-sw lc-dash" style="border-top-color:{RAIL_COLOUR};'
            'border-top-width:3px"></span>',
            labels["layer_railways"],
        ),
        (
            f'<span class="lc-sw lc-line" style="border-top-color:{BOUNDARY_COLOUR}"></span>',
            labels["layer_boundary"],
        ),
    ]
    body = "".join(
        f'<div class="lc-row">{sw}<span>{escape(text)}</span></div>' for sw, text in rows
    )
    return f'<div class="lc-sec">{body}</div>'


def sites_section(labels: dict[str, str]) -> str:
    """Rows for new sites, their service areas and the demand they newly cover."""
    rows = [
        (
            '<span class="lc-sw" style="background:#ffff33;border:3px solid #000;'
            'border-radius:50%"></span>',
            labels["layer_sites"],
        ),
        (
            _swatch("rgba(255,255,51,0.25)", style="border:2px solid #000000"),
            labels["layer_site_areas"],
        ),
        (
            '<span class="lc-sw" style="background:#00e5ff;border:1px solid #000;'
            'border-radius:50%"></span>',
            labels["layer_newly_covered"],
        ),
    ]
    body = "".join(
        f'<div class="lc-row">{sw}<span>{escape(text)}</span></div>' for sw, text in rows
    )
    return f'<div class="lc-sec">{body}</div>'


def legend_block(title: str, sections: Sequence[str]) -> str:
    """The legend (bottom right)."""
    return (
        f'<div class="lc-legend" id="lc-legend"><h2>{escape(title)}</h2>{"".join(sections)}</div>'
    )
