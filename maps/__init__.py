"""Maps and report: folium pages, static PNGs and report.html from analysis results.

``maps`` reads :class:`lifecircle.analyses.subdistrict.RunFrames` (a run's frames); it never calls
the routing engine. Public API::

    from lifecircle.maps import MapOptions, write_maps, write_report
    paths = write_maps(results, out_dir, MapOptions(lang="zh", basemap="osm"))
    report = write_report(results, out_dir, MapOptions(), paths)

``write_sites_maps(results, out_dir, options, sites)`` adds only ``maps/sites.html``
(and a new index) to maps written earlier.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: Public name → the module that defines it. Loaded on first use, so importing a light
#: module such as ``lifecircle.maps.atomic`` or ``lifecircle.maps.options`` does not pull
#: in folium and matplotlib.
_PUBLIC = {
    "BASEMAPS": "lifecircle.maps.options",
    "MapOptions": "lifecircle.maps.options",
    "SitesOverlay": "lifecircle.maps.mapdata",
    "write_maps": "lifecircle.maps.write",
    "write_report": "lifecircle.maps.report",
    "write_sites_maps": "lifecircle.maps.write",
}
__all__ = [
    "BASEMAPS",
    "MapOptions",
    "SitesOverlay",
    "write_maps",
    "write_report",
    "write_sites_maps",
]

if TYPE_CHECKING:
    from lifecircle.maps.mapdata import SitesOverlay
    from lifecircle.maps.options import BASEMAPS, MapOptions
    from lifecircle.maps.report import write_report
    from lifecircle.maps.write import write_maps, write_sites_maps


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'lifecircle.maps' has no attribute {name!r}")
