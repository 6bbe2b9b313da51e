"""The 城市体检 (city physical examination) indicators a profile defines.

A profile's ``city_indicators:`` section names each indicator as the official
lists do (TD/T 1063-2021, the housing ministry's 城市体检 indicator lists) and
says how lifecircle computes it from a run: which categories count, within how
many walking minutes, the straight-line radii of the official definition, and
the target. Every figure carries its source and confidence (S/M/I) like the
rest of the profile. The schema is :class:`lifecircle.standards.schema.CityIndicator`;
the profile parser builds these dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lifecircle.standards.profile import Figure

#: Kinds of indicator.
COVERAGE, COMPLETE_CIRCLE, PER_1000 = "coverage", "complete_circle", "per_1000"


@dataclass(frozen=True)
class StraightLineTier:
    """A straight-line radius (m) for facilities whose site is at least ``min_site_area`` m².

    Attributes
    ----------
    radius : Figure
        Radius in metres.
    min_site_area : Figure or None
        Smallest site area (m²) the radius applies to; None: every facility.
    """

    radius: Figure
    min_site_area: Figure | None = None


@dataclass(frozen=True)
class CityIndicator:
    """One 城市体检 indicator.

    Attributes
    ----------
    id : str
        Key in ``city_indicators``.
    name_zh, name_en : str
        Official name and its English rendering.
    kind : str
        ``coverage`` (share of residents within ``minutes`` of a facility of
        ``categories``), ``complete_circle`` (share of residents with a complete
        ``circle``) or ``per_1000`` (``quantity`` of the ``categories``'
        facilities inside the unit per 1,000 ``per``).
    categories : tuple of str
        Profile category ids that count as the indicator's facilities.
    circle : str or None
        The circle of a ``complete_circle`` indicator.
    minutes : Figure or None
        Walking minutes of a ``coverage`` indicator.
    speed : str
        ``general`` or ``elderly``: the profile speed that turns ``minutes`` into metres.
    straight_line : tuple of StraightLineTier
        The official straight-line variant (residential land within a radius); empty: none.
    quantity : str or None
        ``floor_area_m2`` or ``capacity``: the facility column a ``per_1000`` sums.
    per : str or None
        ``residents`` or ``elderly``: the people a ``per_1000`` divides by.
    target : Figure or None
        The target (a share 0-1, or a per-1,000 figure).
    definition : Figure or None
        The official definition as far as it is known, with its source.
    """

    id: str
    name_zh: str
    name_en: str
    kind: str
    categories: tuple[str, ...] = ()
    circle: str | None = None
    minutes: Figure | None = None
    speed: str = "general"
    straight_line: tuple[StraightLineTier, ...] = ()
    quantity: str | None = None
    per: str | None = None
    target: Figure | None = None
    definition: Figure | None = None

    def label(self, lang: str) -> str:
        """The indicator's name in ``zh`` or ``en``."""
        return self.name_en if lang == "en" else self.name_zh
