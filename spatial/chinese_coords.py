"""Conversions between WGS84, GCJ-02 ("Mars" coordinates) and BD-09.

Chinese web maps (AMap/Gaode, Tencent) publish GCJ-02 and Baidu publishes
BD-09; OSM and GPS are WGS84. All functions take and return arrays of degrees
(scalars work too) and are vectorized. Points outside mainland China (the usual
rough ``out_of_china`` box: lon 72.004..137.8347, lat 0.8293..55.8271) are
returned unchanged by the GCJ-02 steps, as in every common implementation.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "out_of_china",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]

_A = 6378245.0  # semi-major axis of Krasovsky 1940, metres (as used by GCJ-02)
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = np.pi * 3000.0 / 180.0

Array = np.ndarray


def _arrays(lon, lat) -> tuple[Array, Array]:
    lon_a = np.asarray(lon, dtype=np.float64)
    lat_a = np.asarray(lat, dtype=np.float64)
    return np.broadcast_arrays(lon_a, lat_a)


def out_of_china(lon, lat) -> Array:
    """Return True where a point (degrees) lies outside the GCJ-02 box."""
    lon, lat = _arrays(lon, lat)
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _delta(lon: Array, lat: Array) -> tuple[Array, Array]:
    """GCJ-02 offset (degrees) to add to a WGS84 point."""
    x = lon - 105.0
    y = lat - 35.0
    sqrt_abs_x = np.sqrt(np.abs(x))
    s6x = 20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt_abs_x
    dlat += s6x * 2.0 / 3.0
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt_abs_x
    dlon += s6x * 2.0 / 3.0
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    rad_lat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon, lat) -> tuple[Array, Array]:
    """Convert WGS84 degrees to GCJ-02 degrees (offset of a few hundred metres)."""
    lon, lat = _arrays(lon, lat)
    dlon, dlat = _delta(lon, lat)
    outside = out_of_china(lon, lat)
    return np.where(outside, lon, lon + dlon), np.where(outside, lat, lat + dlat)


def _invert(
    forward, t_lon: Array, t_lat: Array, lon: Array, lat: Array, tol_deg: float, max_iter: int
) -> tuple[Array, Array]:
    """Solve ``forward(lon, lat) == (t_lon, t_lat)`` by fixed-point iteration (degrees).

    The shifts are small and smooth, so subtracting the residual converges to
    ``tol_deg`` within a few steps, starting from the guess ``(lon, lat)``.
    """
    for _ in range(max_iter):
        f_lon, f_lat = forward(lon, lat)
        e_lon, e_lat = f_lon - t_lon, f_lat - t_lat
        lon, lat = lon - e_lon, lat - e_lat
        if np.all(np.abs(e_lon) < tol_deg) and np.all(np.abs(e_lat) < tol_deg):
            break
    return lon, lat


def gcj02_to_wgs84(lon, lat, tol_deg: float = 1e-10, max_iter: int = 30) -> tuple[Array, Array]:
    """Convert GCJ-02 degrees to WGS84 degrees by exact iterative inversion.

    Fixed-point iteration ``w <- w - (f(w) - g)`` on the forward transform; the
    offset varies slowly, so it converges to ``tol_deg`` (default 1e-10 degrees,
    about 0.01 mm) within a few steps. The error is far below 1e-7 degrees.
    """
    g_lon, g_lat = _arrays(lon, lat)
    w_lon, w_lat = _invert(
        wgs84_to_gcj02, g_lon, g_lat, g_lon.copy(), g_lat.copy(), tol_deg, max_iter
    )
    outside = out_of_china(g_lon, g_lat)
    return np.where(outside, g_lon, w_lon), np.where(outside, g_lat, w_lat)


def gcj02_to_bd09(lon, lat) -> tuple[Array, Array]:
    """Convert GCJ-02 degrees to Baidu BD-09 degrees."""
    lon, lat = _arrays(lon, lat)
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(lon, lat, tol_deg: float = 1e-10, max_iter: int = 20) -> tuple[Array, Array]:
    """Convert Baidu BD-09 degrees to GCJ-02 degrees.

    Starts from Baidu's published closed-form inverse (error up to ~1e-6
    degrees) and refines it by fixed-point iteration on :func:`gcj02_to_bd09`
    to ``tol_deg`` (default 1e-10 degrees), so round trips are exact.
    """
    b_lon, b_lat = _arrays(lon, lat)
    x = b_lon - 0.0065
    y = b_lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return _invert(
        gcj02_to_bd09, b_lon, b_lat, z * np.cos(theta), z * np.sin(theta), tol_deg, max_iter
    )


def wgs84_to_bd09(lon, lat) -> tuple[Array, Array]:
    """Convert WGS84 degrees to BD-09 degrees (via GCJ-02)."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon, lat) -> tuple[Array, Array]:
    """Convert BD-09 degrees to WGS84 degrees (via GCJ-02)."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))
