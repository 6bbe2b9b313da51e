"""Colours, symbols and class breaks shared by the web maps and the static PNGs.

A :class:`Classes` scheme is computed once in Python (from the profile
thresholds or with mapclassify) and used three times: by the small JavaScript
style function in the page, by the HTML legend and by matplotlib. Breaks are
upper bounds: a value falls in the first class whose bound it does not exceed.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import mapclassify
import numpy as np

from lifecircle.maps.labels import t
from lifecircle.standards.profile import Profile

# Qualitative palette (ColorBrewer Set1/Dark2 mix, readable on light basemaps).
CATEGORY_COLOURS: tuple[str, ...] = (
    "#1f78b4",
    "#e31a1c",
    "#33a02c",
    "#ff7f00",
    "#6a3d9a",
    "#b15928",
    "#e7298a",
    "#1b9e77",
    "#7570b3",
    "#666666",
)
SHAPES: tuple[str, ...] = ("circle", "square", "diamond", "triangle")

MINUTE_COLOURS = ("#1a9850", "#fee08b", "#f46d43")
NONE_COLOUR = "#5e3c99"
SCORE_COLOURS = ("#1a9850", "#fee08b", "#fc8d59", "#d73027")
SFCA_ZERO_COLOUR = "#d73027"
SFCA_COLOURS = ("#fdd49e", "#c7e9b4", "#7fcdbb", "#41b6c4", "#225ea8")
GAP_COLOUR = "#c51b7d"
WATER_COLOUR = "#6baed6"
WATER_FILL = "#c6dbef"
RAIL_COLOUR = "#303030"
BOUNDARY_COLOUR = "#252525"
UNIT_COLOUR = "#737373"
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


def _sig(value: float) -> str:
    """Three significant figures."""
    return f"{value:.3g}"


def sfca_classes(values: np.ndarray, lang: str, k: int = 5) -> Classes:
    """2SFCA index classes: zero on its own, then Fisher–Jenks (Quantiles when large).

    Parameters
    ----------
    values : ndarray
        ``care_2sfca`` per demand point (m² care floor area per older person).
    k : int
        Number of classes for the positive values.
    """
    values = np.asarray(values, dtype=float)
    positive = values[np.isfinite(values) & (values > 0)]
    breaks: list[float] = [0.0]
    labels = [t("sfca_zero", lang)]
    colours = [SFCA_ZERO_COLOUR]
    unique = np.unique(positive)
    if unique.size:
        n_classes = int(min(k, unique.size))
        if n_classes == 1:
            bins = [float(unique[0])]
        elif unique.size <= 3000:
            with warnings.catch_warnings():  # "Numba not installed": the pure-Python path is fine
                warnings.simplefilter("ignore", UserWarning)
                bins = [float(b) for b in mapclassify.FisherJenks(unique, k=n_classes).bins]
        else:
            bins = [float(b) for b in mapclassify.Quantiles(positive, k=n_classes).bins]
        bins = sorted(set(bins))
        lower = 0.0
        palette = SFCA_COLOURS[-len(bins) :] if len(bins) < len(SFCA_COLOURS) else SFCA_COLOURS
        for i, upper in enumerate(bins):
            breaks.append(upper)
            labels.append(f"{_sig(lower)} – {_sig(upper)}")
            colours.append(palette[i])
            lower = upper
        breaks[-1] = math.inf
    else:
        breaks[-1] = math.inf
    return Classes(
        title=f"{t('layer_2sfca', lang)}: {t('sfca_unit', lang)}",
        breaks=tuple(breaks),
        colours=tuple(colours),
        labels=tuple(labels),
        null_colour="#cccccc",
        null_label=None,
    )


@dataclass(frozen=True)
class Symbol:
    """Marker symbol of a facility category."""

    colour: str
    shape: str

    def svg(self, size: int = 16) -> str:
        """An inline SVG of the symbol (trusted text: no data goes in it)."""
        half = size / 2
        stroke = 'stroke="#ffffff" stroke-width="1.5"'
        if self.shape == "square":
            body = f'<rect x="2" y="2" width="{size - 4}" height="{size - 4}" '
            body += f'fill="{self.colour}" {stroke}/>'
        elif self.shape == "diamond":
            pts = f"{half},1 {size - 1},{half} {half},{size - 1} 1,{half}"
            body = f'<polygon points="{pts}" fill="{self.colour}" {stroke}/>'
        elif self.shape == "triangle":
            pts = f"{half},1 {size - 1},{size - 2} 1,{size - 2}"
            body = f'<polygon points="{pts}" fill="{self.colour}" {stroke}/>'
        else:
            body = (
                f'<circle cx="{half}" cy="{half}" r="{half - 1.5}" fill="{self.colour}" {stroke}/>'
            )
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
            f'viewBox="0 0 {size} {size}">{body}</svg>'
        )

    @property
    def mpl_marker(self) -> str:
        """The matching matplotlib marker."""
        return {"circle": "o", "square": "s", "diamond": "D", "triangle": "^"}[self.shape]


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
