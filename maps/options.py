"""Map options chosen by the planner (language, basemap, offline, print resolution)."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from lifecircle.maps.labels import check_lang
from lifecircle.spatial.errors import LifecircleError

BASEMAPS: tuple[str, ...] = ("osm", "tianditu", "amap", "none")
TIANDITU_ENV_VARS: tuple[str, ...] = ("LIFECIRCLE_TIANDITU_KEY", "TIANDITU_KEY")


@dataclass(frozen=True)
class MapOptions:
    """How maps and the report are drawn.

    Attributes
    ----------
    lang : str
        ``zh`` (default) or ``en``: every label, legend, popup and title.
    basemap : str, optional
        ``none`` (a vector basemap drawn from the layers: roads with their
        names, buildings; needs no network), ``tianditu`` (needs a key),
        ``osm`` or ``amap`` (GCJ-02 tiles: overlays are shifted to match).
        Default (None): ``tianditu`` when a Tianditu key is given, else
        ``none``; :meth:`validated` fills it in.
    tianditu_key : str, optional
        Tianditu key; when None, ``LIFECIRCLE_TIANDITU_KEY`` or
        ``TIANDITU_KEY`` from the environment. It is written into the map
        HTML (tile URLs need it) and never into the report.
    offline : bool
        No tiles at all: the basemap becomes ``none``. (Every page is
        self-contained anyway: Leaflet is always inlined.)
    max_demand_points : int
        Above this many demand points the overview maps show a hexagon
        summary and one detailed page per sub-unit is written.
    dpi : int
        Resolution of the static PNG maps (150 for screens, 300 for print).
    title : str, optional
        Title shown on every map and the report; default: the circle name and
        the study-area name.
    """

    lang: str = "zh"
    basemap: str | None = None
    tianditu_key: str | None = None
    offline: bool = False
    max_demand_points: int = 20000
    dpi: int = 150
    title: str | None = None

    def validated(self) -> MapOptions:
        """Check the options and fill in the default basemap; raise LifecircleError if bad."""
        check_lang(self.lang)
        if self.basemap is None:
            return replace(self, basemap=self.default_basemap()).validated()
        if self.basemap not in BASEMAPS:
            raise LifecircleError(
                f"Unknown basemap '{self.basemap}'.",
                where="--basemap / maps.basemap",
                fix=f"Use one of {', '.join(BASEMAPS)}.",
            )
        if int(self.max_demand_points) < 1:
            raise LifecircleError(
                f"max_demand_points must be at least 1, got {self.max_demand_points}.",
                where="maps.max_demand_points",
                fix="Give a positive number such as 20000.",
            )
        if not 50 <= int(self.dpi) <= 1200:
            raise LifecircleError(
                f"dpi must be between 50 and 1200, got {self.dpi}.",
                where="--dpi / maps.dpi",
                fix="Use 150 for screens or 300 for print.",
            )
        if self.effective_basemap == "tianditu" and not self.resolved_tianditu_key():
            raise LifecircleError(
                "The Tianditu basemap needs a key (天地图 key), and none was given.",
                where="--basemap tianditu / maps.basemap",
                fix="Set LIFECIRCLE_TIANDITU_KEY (or maps.tianditu_key in the run config), "
                "or choose another basemap (osm, amap, none).",
            )
        return self

    def default_basemap(self) -> str:
        """``tianditu`` when a key is given, else ``none`` (the vector basemap)."""
        return "tianditu" if self.resolved_tianditu_key() else "none"

    @property
    def effective_basemap(self) -> str:
        """The basemap actually drawn: ``none`` whenever the maps are offline."""
        if self.offline:
            return "none"
        return self.basemap if self.basemap is not None else self.default_basemap()

    def resolved_tianditu_key(self) -> str | None:
        """The Tianditu key from the options or the environment, or None."""
        if self.tianditu_key:
            return self.tianditu_key.strip() or None
        for name in TIANDITU_ENV_VARS:
            value = os.environ.get(name, "").strip()
            if value:
                return value
        return None
