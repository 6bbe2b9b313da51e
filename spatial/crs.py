"""Choosing a metric CRS for a study area and checking lon/lat input.

All lengths in the engine are metres in one projected CRS. This module picks
that CRS (the local UTM zone, or the CGCS2000 3-degree Gauss-Kruger zone that
Chinese survey data uses) and catches the most common input mistake: longitude
and latitude columns given the wrong way round.
"""

from __future__ import annotations

import numpy as np
import pyproj

from lifecircle.spatial.errors import LifecircleError

__all__ = ["cgcs2000_gk3_crs", "check_lonlat_order", "local_metric_crs"]

# EPSG:4534 is "CGCS2000 / 3-degree Gauss-Kruger CM 75E"; each next code moves
# the central meridian 3 degrees east, up to EPSG:4554 = CM 135E. These are the
# variants WITHOUT the zone number prefixed to the false easting (x_0 = 500 km).
_GK3_FIRST_EPSG = 4534
_GK3_FIRST_CM = 75
_GK3_LAST_CM = 135


def _check_scalar_lonlat(lon: float, lat: float | None, where: str) -> None:
    if not np.isfinite(lon) or not -180.0 <= lon <= 180.0:
        raise LifecircleError(
            f"Longitude {lon!r} is not a number between -180 and 180 degrees.",
            where=where,
            fix="Pass the study area's centre as (lon, lat) in WGS84 degrees.",
        )
    if lat is not None and (not np.isfinite(lat) or not -90.0 <= lat <= 90.0):
        raise LifecircleError(
            f"Latitude {lat!r} is not a number between -90 and 90 degrees.",
            where=where,
            fix="Pass (lon, lat) in this order, in WGS84 degrees; they may be swapped.",
        )


def local_metric_crs(lon: float, lat: float) -> pyproj.CRS:
    """Return the WGS84 / UTM zone that contains a point.

    Parameters
    ----------
    lon, lat : float
        The study area's centre in WGS84 degrees.

    Returns
    -------
    pyproj.CRS
        EPSG:326zz north of the equator, EPSG:327zz south of it; units are
        metres. Shanghai (121.47 E, 31.23 N) gives EPSG:32651. The Norway and
        Svalbard zone exceptions are not applied.
    """
    _check_scalar_lonlat(lon, lat, "local_metric_crs(lon, lat)")
    zone = int(np.floor((lon + 180.0) / 6.0)) + 1
    zone = min(max(zone, 1), 60)
    base = 32600 if lat >= 0 else 32700
    return pyproj.CRS.from_epsg(base + zone)


def cgcs2000_gk3_crs(lon: float) -> pyproj.CRS:
    """Return the CGCS2000 3-degree Gauss-Kruger CRS for a longitude.

    Parameters
    ----------
    lon : float
        Longitude in degrees (CGCS2000 and WGS84 agree to centimetres).

    Returns
    -------
    pyproj.CRS
        One of EPSG:4534 (CM 75E) .. EPSG:4554 (CM 135E), the "CM" variants whose
        false easting is 500,000 m with no zone prefix; units are metres. The
        central meridian is the multiple of 3 degrees nearest to ``lon``, so
        Shanghai (121.47 E) gets CM 120E = EPSG:4549.
    """
    _check_scalar_lonlat(lon, None, "cgcs2000_gk3_crs(lon)")
    cm = round(lon / 3.0) * 3
    if not _GK3_FIRST_CM <= cm <= _GK3_LAST_CM:
        raise LifecircleError(
            f"Longitude {lon} is outside the CGCS2000 3-degree zones (73.5E to 136.5E).",
            where="cgcs2000_gk3_crs(lon)",
            fix="Use local_metric_crs() (UTM) for study areas outside China.",
        )
    return pyproj.CRS.from_epsg(_GK3_FIRST_EPSG + (cm - _GK3_FIRST_CM) // 3)


def check_lonlat_order(lon: np.ndarray, lat: np.ndarray, where: str) -> None:
    """Raise if lon/lat arrays look swapped, hold NaN or are out of range.

    Parameters
    ----------
    lon, lat : array-like of float
        Coordinates in degrees, one per point.
    where : str
        The file, layer or columns the values came from, for the message.

    Raises
    ------
    LifecircleError
        If any |lat| > 90 (for Chinese data this is nearly always a swapped pair:
        a "lat" column holding 121.x for Shanghai), any |lon| > 180, any value
        is NaN or infinite, or the two arrays differ in length.
    """
    lon = np.asarray(lon, dtype=np.float64).ravel()
    lat = np.asarray(lat, dtype=np.float64).ravel()
    if lon.shape != lat.shape:
        raise LifecircleError(
            f"{lon.size} longitudes but {lat.size} latitudes.", where=where,
            fix="Give one longitude and one latitude per point.",
        )
    bad = ~(np.isfinite(lon) & np.isfinite(lat))
    if bad.any():
        rows = np.flatnonzero(bad)[:5].tolist()
        raise LifecircleError(
            f"{int(bad.sum())} points have missing or non-numeric coordinates (rows {rows}...).",
            where=where, fix="Fill in or drop these rows before loading.",
        )
    lat_out = np.abs(lat) > 90.0
    if lat_out.any():
        swapped = lat_out & (np.abs(lon) <= 90.0)
        rows = np.flatnonzero(lat_out)[:5].tolist()
        hint = (
            "The longitude and latitude columns look swapped (latitude holds values "
            "such as 121.x, which is Shanghai's longitude)."
            if swapped.any() else "Latitudes must lie between -90 and 90 degrees."
        )
        raise LifecircleError(
            f"{int(lat_out.sum())} latitudes are outside -90..90 degrees (rows {rows}). {hint}",
            where=where,
            fix="Swap the lon/lat column mapping, or check that the data is in degrees "
            "and not in a projected CRS.",
        )
    lon_out = np.abs(lon) > 180.0
    if lon_out.any():
        rows = np.flatnonzero(lon_out)[:5].tolist()
        raise LifecircleError(
            f"{int(lon_out.sum())} longitudes are outside -180..180 degrees (rows {rows}).",
            where=where,
            fix="Check that the data is in WGS84 degrees and not in a projected CRS "
            "(metres); give the source CRS if it is projected.",
        )
