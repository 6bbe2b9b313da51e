"""Colours, symbols and class breaks shared by the web maps and the static PNGs.

A :class:`Classes` scheme is computed once in Python (from the profile
thresholds, or fixed breaks) and used three times: by the small JavaScript
style function in the page, by the HTML legend and by matplotlib. Breaks are
upper bounds: a value falls in the first class whose bound it does not exceed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lifecircle.maps.labels import t
from lifecircle.standards.profile import Profile

# Two families that never share a colour (tests/test_maps_readability.py checks the
# CIE76 distance): categories (facility symbols, service areas) take blues, teals,
# browns, olive, greys and violets; classes of a figure (walk minutes, missing
# categories, care types reached, 2SFCA, gap counts) take the green–yellow–red and
# pink–magenta ramps. A colour on a map therefore means one thing.
CATEGORY_COLOURS: tuple[str, ...] = (
    "#1f78b4",
    "#01665e",
    "#8c510a",
    "#6a3d9a",
    "#17becf",
    "#808000",
    "#08306b",
    "#bf812d",
    "#525252",
    "#8073ac",
)
# Facility symbols are never circles: residents are drawn as small circles.
SHAPES: tuple[str, ...] = ("square", "diamond", "triangle", "triangle_down")
MPL_MARKERS = {"circle": "o", "square": "s", "diamond": "D", "triangle": "^", "triangle_down": "v"}

MINUTE_COLOURS = ("#1a9850", "#fee08b", "#f46d43")
NONE_COLOUR = "#a50026"
SCORE_COLOURS = ("#1a9850", "#fee08b", "#fc8d59", "#d73027")
# Care types reached (0 … 4): red (none) to green (all).
REACHED_COLOURS = ("#d73027", "#fc8d59", "#fee08b", "#91cf60", "#1a9850")
SFCA_ZERO_COLOUR = "#d73027"
SFCA_COLOURS = ("#ffffcc", "#c2e699", "#78c679", "#31a354", "#006837")
# Floor area per 1,000 residents against the targets: below the lowest, between, at or above.
TARGET_COLOURS = ("#d73027", "#fee08b", "#1a9850")
# Gap zones by the number of categories missing: light pink (one) to deep magenta (most).
GAP_COUNT_COLOURS = ("#fcc5c0", "#fa9fb5", "#f768a1", "#c51b8a", "#7a0177")
# Upper bounds of the gap-count classes when a circle has more categories than colours.
GAP_COUNT_BREAKS = (1.0, 2.0, 3.0, 5.0)
GAP_COLOUR = "#dd3497"
WATER_COLOUR = "#6baed6"
WATER_FILL = "#c6dbef"
RAIL_COLOUR = "#000000"
RAIL_HATCH = "#ffffff"
BOUNDARY_COLOUR = "#252525"
UNIT_COLOUR = "#4d4d4d"
ROAD_COLOUR = "#bdbdbd"
BUILDING_COLOUR = "#e0e0e0"
HALO = "#ffffff"


@dataclass(frozen=True)
class Classes:
    """A classification of one numeric property.

    Attributes
    ----------
    title : str
        Legend heading, with the unit.
    breaks : tuple of float
        Upper bound of each class (``inf`` for the last open class).
    colours : tuple of str
        One colour per class.
    labels : tuple of str
        One legend label per class.
    null_colour, null_label : str or None
        Class for a missing value (e.g. "none within 30 min").
    """

    title: str
    breaks: tuple[float, ...]
    colours: tuple[str, ...]
    labels: tuple[str, ...]
    null_colour: str | None = None
    null_label: str | None = None

    def classify(self, values: np.ndarray) -> np.ndarray:
        """Class index per value; -1 for missing values."""
        values = np.asarray(values, dtype=float)
        index = np.searchsorted(np.asarray(self.breaks, dtype=float), values, side="left")
        index = np.minimum(index, len(self.breaks) - 1)
        return np.where(np.isnan(values), -1, index)

    def colour_of(self, values: np.ndarray) -> list[str]:
        """Colour per value (the null colour, or light grey, for missing ones)."""
        nulls = self.null_colour or "#cccccc"
        return [nulls if i < 0 else self.colours[i] for i in self.classify(values)]

    def to_js(self) -> dict[str, object]:
        """The parts the page's style function needs (JSON has no inf: None)."""
        return {
            "breaks": [None if math.isinf(b) else b for b in self.breaks],
            "colours": list(self.colours),
            "nullColour": self.null_colour or "#cccccc",
        }

    def legend_rows(self) -> list[tuple[str, str]]:
        """(colour, label) rows, the null class last."""
        rows = list(zip(self.colours, self.labels, strict=True))
        if self.null_label:
            rows.append((self.null_colour or "#cccccc", self.null_label))
        return rows


def _num(value: float) -> str:
    return f"{value:g}"


def minute_classes(threshold: float, max_minutes: float, lang: str, title: str) -> Classes:
    """Walking-minute classes from a category threshold.

    ≤ threshold (meets the standard), up to 2 × threshold, beyond that up to
    ``max_minutes`` (the access table's cap, minutes), and "none within
    ``max_minutes``" for missing values. Classes that would start at or beyond
    the cap are left out, since no walk is computed there.
    """
    threshold = float(threshold)
    max_minutes = float(max_minutes)
    breaks: list[float] = [threshold]
    labels = [t("le_threshold", lang, a=_num(threshold))]
    double = 2.0 * threshold
    if double < max_minutes:
        breaks += [double, math.inf]
        labels += [
            t("between", lang, a=_num(threshold), b=_num(double)),
            t("between", lang, a=_num(double), b=_num(max_minutes)),
        ]
    elif threshold < max_minutes:
        breaks.append(math.inf)
        labels.append(t("between", lang, a=_num(threshold), b=_num(max_minutes)))
    else:
        breaks[-1] = math.inf
    if len(breaks) == 1:
        colours: tuple[str, ...] = (MINUTE_COLOURS[0],)
    else:  # the last, open class always takes the farthest colour
        colours = (*MINUTE_COLOURS[: len(breaks) - 1], MINUTE_COLOURS[-1])
    return Classes(
        title=f"{title}（{t('minutes_unit', lang)}）" if lang == "zh" else f"{title} (minutes)",
        breaks=tuple(breaks),
        colours=tuple(colours),
        labels=tuple(labels),
        null_colour=NONE_COLOUR,
        null_label=t("none_within", lang, m=_num(max_minutes)),
    )


def missing_classes(n_categories: int, lang: str) -> Classes:
    """Classes of the number of life-circle categories a resident lacks."""
    return Classes(
        title=t("layer_score", lang),
        breaks=(0.0, 1.0, 2.0, math.inf),
        colours=SCORE_COLOURS,
        labels=(
            t("score_complete", lang, n=n_categories),
            t("score_missing", lang, k=1),
            t("score_missing", lang, k=2),
            t("score_missing_more", lang, k=3),
        ),
    )


def reached_classes(n_categories: int, lang: str) -> Classes:
    """Classes of how many of ``n_categories`` care types a resident reaches (0 … n).

    Fixed classes, one per count, so the legend is the same in every run;
    ``n_categories`` counts the types the input has data for (none: one grey
    "no data" class).
    """
    if n_categories <= 0:  # no care type in the input: a data gap, drawn grey
        return Classes(
            title=t("layer_reached_nodata", lang),
            breaks=(math.inf,),
            colours=("#cccccc",),
            labels=(t("no_data_short", lang),),
            null_colour="#cccccc",
        )
    # one colour per count, spread over the red-to-green ramp (0 is always red, n green)
    last = len(REACHED_COLOURS) - 1
    colours = tuple(
        REACHED_COLOURS[round(k * last / max(n_categories, 1))] for k in range(n_categories + 1)
    )
    counts = range(n_categories + 1)
    return Classes(
        title=t("layer_reached", lang, n=n_categories),
        breaks=(*(float(k) for k in counts[:-1]), math.inf),
        colours=colours,
        labels=tuple(t("reached_k", lang, k=k, n=n_categories) for k in counts),
        null_colour="#cccccc",
    )


def gap_count_classes(n_categories: int, lang: str) -> Classes:
    """Classes of gap zones by the number of categories missing there.

    One class per count up to five categories; above that 1, 2, 3, 4–5 and
    6 or more (the life circle has ten), so a zone missing seven categories
    never looks like one missing four.
    """
    n = max(1, n_categories)
    if n <= len(GAP_COUNT_COLOURS):
        breaks = [*(float(k) for k in range(1, n)), math.inf]
        texts = [str(k) for k in range(1, n + 1)]
        last = len(GAP_COUNT_COLOURS) - 1
        colours = tuple(GAP_COUNT_COLOURS[round(i * last / max(n - 1, 1))] for i in range(n))
    else:
        breaks = [*GAP_COUNT_BREAKS, math.inf]
        lower = 1
        texts = []
        for upper in GAP_COUNT_BREAKS:
            texts.append(str(lower) if upper == lower else f"{lower}–{upper:g}")
            lower = int(upper) + 1
        texts.append(str(lower) if lower == n else f"{lower}–{n}")
        colours = GAP_COUNT_COLOURS
    if n == 1:
        colours = (GAP_COUNT_COLOURS[2],)
    return Classes(
        title=t("layer_gap_count", lang),
        breaks=tuple(breaks),
        colours=tuple(colours),
        labels=tuple(t("gap_missing_k", lang, k=k) for k in texts),
    )


def target_classes(targets: list[float], lang: str, title: str) -> Classes:
    """Classes of a figure against its targets (e.g. 40 and 50 m² per 1,000 residents).

    Below the lowest target, between targets, at or above the highest.
    """
    targets = sorted({float(v) for v in targets})
    if not targets:
        raise ValueError("target_classes needs at least one target")
    breaks: list[float] = []
    labels: list[str] = []
    lower = None
    for value in targets:
        breaks.append(value - 1e-9)
        labels.append(
            t("target_below", lang, a=_num(value))
            if lower is None
            else t("target_between", lang, a=_num(lower), b=_num(value))
        )
        lower = value
    breaks.append(math.inf)
    labels.append(t("target_at_least", lang, a=_num(targets[-1])))
    # below the lowest target red, at or above the highest green, in between yellow
    colours = (TARGET_COLOURS[0], *[TARGET_COLOURS[1]] * (len(breaks) - 2), TARGET_COLOURS[2])
    return Classes(
        title=title,
        breaks=tuple(breaks),
        colours=tuple(colours),
        labels=tuple(labels),
        null_colour="#cccccc",
        null_label=t("no_data_short", lang),
    )


# Fixed 2SFCA classes (m² of care floor area within reach per older person), the same in
# every run: 0.1–0.25 m² per older person is about 40–80 m² per 1,000 residents at the
# 30–35 % older share of central Shanghai, so the middle classes sit around the targets.
SFCA_BREAKS = (0.1, 0.25, 0.5, 1.0)


def sfca_classes(values: np.ndarray | None = None, lang: str = "zh") -> Classes:
    """2SFCA index classes: zero on its own, then the fixed :data:`SFCA_BREAKS`.

    Parameters
    ----------
    values : ndarray, optional
        ``care_2sfca`` per demand point (m² per older person). Not used for the
        breaks, which are fixed so that a legend reads the same in every run;
        accepted so callers that pass the values keep working.
    lang : str
        ``zh`` or ``en``.
    """
    del values  # fixed breaks: the data do not move them
    breaks = [0.0, *SFCA_BREAKS, math.inf]
    labels = [t("sfca_zero", lang)]
    lower = 0.0
    for upper in SFCA_BREAKS:
        labels.append(f"{_num(lower)} – {_num(upper)}")
        lower = upper
    labels.append(f"> {_num(lower)}")
    return Classes(
        title=f"{t('layer_2sfca', lang)}: {t('sfca_unit', lang)}",
        breaks=tuple(breaks),
        colours=(SFCA_ZERO_COLOUR, *SFCA_COLOURS),
        labels=tuple(labels),
        null_colour="#cccccc",
        null_label=None,
    )


@dataclass(frozen=True)
class Symbol:
    """Marker symbol of a facility category."""

    colour: str
    shape: str

    def svg(self, size: int = 18) -> str:
        """An inline SVG of the symbol (trusted text: no data goes in it).

        A white outline inside a thin dark one keeps the symbol readable on any
        fill, and sets it apart from the residents' plain dots.
        """
        half = size / 2
        stroke = 'stroke="#ffffff" stroke-width="2" paint-order="stroke"'
        if self.shape == "square":
            body = f'<rect x="2.5" y="2.5" width="{size - 5}" height="{size - 5}" '
            body += f'fill="{self.colour}" {stroke}/>'
        elif self.shape == "diamond":
            pts = f"{half},1.5 {size - 1.5},{half} {half},{size - 1.5} 1.5,{half}"
            body = f'<polygon points="{pts}" fill="{self.colour}" {stroke}/>'
        elif self.shape == "triangle":
            pts = f"{half},1.5 {size - 1.5},{size - 2.5} 1.5,{size - 2.5}"
            body = f'<polygon points="{pts}" fill="{self.colour}" {stroke}/>'
        elif self.shape == "triangle_down":
            pts = f"1.5,2.5 {size - 1.5},2.5 {half},{size - 1.5}"
            body = f'<polygon points="{pts}" fill="{self.colour}" {stroke}/>'
        else:
            body = f'<circle cx="{half}" cy="{half}" r="{half - 2}" fill="{self.colour}" {stroke}/>'
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
            f'viewBox="0 0 {size} {size}" class="lc-sym">{body}</svg>'
        )

    @property
    def mpl_marker(self) -> str:
        """The matching matplotlib marker."""
        return MPL_MARKERS[self.shape]


def category_symbols(
    profile: Profile, categories: tuple[str, ...] | list[str]
) -> dict[str, Symbol]:
    """A distinct (colour, shape) per category of one map.

    Colours cycle through ten, shapes through four, so the first twenty
    categories of a map all differ.
    """
    return {
        cat: Symbol(CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)], SHAPES[i % len(SHAPES)])
        for i, cat in enumerate(categories)
    }
