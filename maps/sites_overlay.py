"""What the sites map shows besides the demand: new sites, their areas, newly covered homes."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd


@dataclass(frozen=True)
class SitesOverlay:
    """Recommended or proposed sites for ``maps/sites.html``.

    Attributes
    ----------
    sites : GeoDataFrame
        Points with ``site_id``, ``rank``, ``category``, ``new_residents_covered``,
        ``new_elderly_covered``, ``cumulative_share`` (any CRS).
    service_areas : GeoDataFrame, optional
        Network service-area polygons of the sites (``site_id``, ``category``).
    newly_covered : GeoDataFrame, optional
        Demand points the sites newly cover (``demand_id``, ``residents``,
        ``elderly``).
    circle : str
        Which circle's demand layers the page shows underneath
        (``life_circle``, ``fitness_circle`` or ``care_coverage``).
    """

    sites: gpd.GeoDataFrame
    service_areas: gpd.GeoDataFrame | None = None
    newly_covered: gpd.GeoDataFrame | None = None
    circle: str = "life_circle"
