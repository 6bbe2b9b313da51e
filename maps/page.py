"""HTML blocks drawn over a map: the title block and the legend.

All text that can come from data (names, titles, attribution) is escaped here
with :func:`html.escape`; the symbols are SVG made from our own constants.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from lifecircle.maps.style import Classes, Symbol


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


def rows_section(section_id: str | None, title: str | None, rows: Sequence[tuple[str, str]]) -> str:
    """A legend section of (swatch HTML, label) rows; with an id it is hidden until its layer is on.

    Swatches are trusted HTML from the helpers below; labels are escaped.
    """
    body = "".join(
        f'<div class="lc-row">{sw}<span>{escape(text)}</span></div>' for sw, text in rows
    )
    head = f'<div class="lc-sec-title">{escape(title)}</div>' if title else ""
    attr = f' id="{escape(section_id)}"' if section_id else ""
    return f'<div class="lc-sec"{attr}>{head}{body}</div>'


def _rgba(colour: str, alpha: float) -> str:
    """``#rrggbb`` with an opacity, as CSS ``rgba()``."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha:g})"


def area_swatch(colour: str, fill_opacity: float, dash: str | None) -> str:
    """A polygon swatch: the fill at the map's opacity and its outline (dashed or solid)."""
    line = "dashed" if dash else "solid"
    return _swatch(_rgba(colour, fill_opacity), style=f"border:2px {line} {colour}")


def line_swatch(colour: str, weight: float, dash: str | None) -> str:
    """A line swatch drawn as an SVG with the map's dash pattern."""
    dash_attr = f' stroke-dasharray="{escape(dash)}"' if dash else ""
    return (
        '<svg class="lc-sw-line" width="22" height="10" viewBox="0 0 22 10">'
        f'<line x1="0" y1="5" x2="22" y2="5" stroke="{colour}" stroke-width="{weight:g}"'
        f"{dash_attr}/></svg>"
    )


def rail_swatch(colour: str, hatch: str) -> str:
    """The railway symbol: a dark line with a light dashed hatch inside it."""
    return (
        '<svg class="lc-sw-line" width="22" height="10" viewBox="0 0 22 10">'
        f'<line x1="0" y1="5" x2="22" y2="5" stroke="{colour}" stroke-width="5"/>'
        f'<line x1="0" y1="5" x2="22" y2="5" stroke="{hatch}" stroke-width="2.5"'
        ' stroke-dasharray="4 4"/></svg>'
    )


def water_swatch(fill: str, outline: str) -> str:
    """A water-area swatch."""
    return _swatch(fill, style=f"border:1px solid {outline}")


def sites_section(labels: dict[str, str]) -> str:
    """Rows for new sites, their service areas and the demand they newly cover."""
    rows = [
        (
            '<span class="lc-site-rank lc-badge">1</span>',
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
