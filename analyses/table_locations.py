"""Where each row of a sites or gaps table lies: WGS84 and GCJ-02 coordinates and its 居委.

Planners paste the coordinates into AMap or Tencent maps (GCJ-02) or a GPS
(WGS84), and file the row under its residents' committee (居委), so the
tables carry both pairs and the unit the point lies in.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from lifecircle.spatial.chinese_coords import wgs84_to_gcj02

#: The columns :func:`with_locations` adds, in order.
LOCATION_COLUMNS: tuple[str, ...] = (
    "lon_wgs84",
    "lat_wgs84",
    "lon_gcj02",
    "lat_gcj02",
    "unit_id",
    "unit_name",
    "unit_name_en",
)


def with_locations(frame: gpd.GeoDataFrame, boundary: gpd.GeoDataFrame) -> pd.DataFrame:
    """The frame's attributes, without geometry, plus where each row lies.

    Parameters
    ----------
    frame : GeoDataFrame
        Points or polygons in a projected CRS (a polygon is placed at a point
        inside it: :meth:`~geopandas.GeoSeries.representative_point`).
    boundary : GeoDataFrame
        The sub-units (``unit_id``, ``name``, ``name_en``), in any CRS.

    Returns
    -------
    DataFrame
        The attributes, then ``lon_wgs84``/``lat_wgs84`` and
        ``lon_gcj02``/``lat_gcj02`` in degrees (GCJ-02 is the offset datum of
        Chinese web maps; outside China it equals WGS84), and ``unit_id``,
        ``unit_name``, ``unit_name_en`` of the unit holding the point (empty
        outside every unit). Existing columns of those names are replaced.
    """
    attributes = pd.DataFrame(frame.drop(columns=frame.geometry.name)).drop(
        columns=[c for c in LOCATION_COLUMNS if c in frame.columns]
    )
    if frame.empty:
        return attributes.assign(**{c: pd.Series(dtype=object) for c in LOCATION_COLUMNS})
    points = frame.geometry.representative_point()
    lonlat = points.to_crs("EPSG:4326")
    lon, lat = lonlat.x.to_numpy(), lonlat.y.to_numpy()
    lon_gcj, lat_gcj = wgs84_to_gcj02(lon, lat)
    units = boundary.reindex(columns=["unit_id", "name", "name_en", boundary.geometry.name])
    joined = gpd.sjoin(
        gpd.GeoDataFrame(geometry=points, crs=frame.crs),
        units.to_crs(frame.crs),
        how="left",
        predicate="within",
    )
    first = joined[~joined.index.duplicated(keep="first")].reindex(frame.index)
    return attributes.assign(
        lon_wgs84=lon.round(6),
        lat_wgs84=lat.round(6),
        lon_gcj02=lon_gcj.round(6),
        lat_gcj02=lat_gcj.round(6),
        unit_id=first["unit_id"].to_numpy(),
        unit_name=first["name"].to_numpy(),
        unit_name_en=first["name_en"].to_numpy(),
    )
