"""Maps and report: folium pages, static PNGs and report.html from analysis results.

``maps`` reads :class:`lifecircle.analyses.subdistrict.SubdistrictResults`; it never calls
the routing engine. Public API::

    from lifecircle.maps import MapOptions, write_maps, write_report
    paths = write_maps(results, out_dir, MapOptions(lang="zh", basemap="osm"))
    report = write_report(results, out_dir, MapOptions(), paths)

``write_sites_maps(results, out_dir, options, sites)`` adds only ``maps/sites.html``
(and a new index) to maps written earlier.
"""

from lifecircle.maps.mapdata import SitesOverlay
from lifecircle.maps.options import BASEMAPS, MapOptions
from lifecircle.maps.report import write_report
from lifecircle.maps.write import write_maps, write_sites_maps

__all__ = [
    "BASEMAPS",
    "MapOptions",
    "SitesOverlay",
    "write_maps",
    "write_report",
    "write_sites_maps",
]
