"""CRS choice, lon/lat checks and the GCJ-02 / BD-09 conversions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecircle.spatial.chinese_coords import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    out_of_china,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)
from lifecircle.spatial.crs import cgcs2000_gk3_crs, check_lonlat_order, local_metric_crs
from lifecircle.spatial.errors import LifecircleError


def test_local_metric_crs():
    assert local_metric_crs(121.47, 31.23).to_epsg() == 32651
    assert local_metric_crs(116.40, 39.90).to_epsg() == 32650
    assert local_metric_crs(151.2, -33.9).to_epsg() == 32756
    assert local_metric_crs(-0.1, 51.5).to_epsg() == 32630
    assert local_metric_crs(180.0, 0.0).to_epsg() == 32660
    with pytest.raises(LifecircleError):
        local_metric_crs(31.23, 121.47)


def test_cgcs2000_gk3_crs():
    crs = cgcs2000_gk3_crs(121.47)
    assert crs.to_epsg() == 4549
    assert "CM 120E" in crs.name
    assert cgcs2000_gk3_crs(75.2).to_epsg() == 4534
    assert "CM 135E" in cgcs2000_gk3_crs(134.0).name
    assert "CM 117E" in cgcs2000_gk3_crs(116.4).name
    with pytest.raises(LifecircleError):
        cgcs2000_gk3_crs(10.0)


def test_check_lonlat_order():
    check_lonlat_order(np.array([121.47, 121.5]), np.array([31.2, 31.3]), "ok.csv")
    with pytest.raises(LifecircleError, match="swapped"):
        check_lonlat_order(np.array([31.2]), np.array([121.47]), "pois.csv, lon/lat")
    with pytest.raises(LifecircleError, match="longitudes"):
        check_lonlat_order(np.array([350000.0]), np.array([31.0]), "x")
    with pytest.raises(LifecircleError, match="missing"):
        check_lonlat_order(np.array([121.0, np.nan]), np.array([31.0, 31.0]), "x")


# Published pairs for (123, 45) from the gcoord test suite (hujiulong/gcoord,
# test/unit/crs/*.spec.ts), asserted there to 5 decimals.
def test_known_published_pairs():
    lon, lat = wgs84_to_gcj02(123.0, 45.0)
    assert lon == pytest.approx(123.00607541, abs=1e-6)
    assert lat == pytest.approx(45.00197815, abs=1e-6)
    lon, lat = gcj02_to_bd09(123.0, 45.0)
    assert lon == pytest.approx(123.00636499, abs=1e-6)
    assert lat == pytest.approx(45.00636899, abs=1e-6)
    lon, lat = bd09_to_gcj02(123.0, 45.0)
    assert lon == pytest.approx(122.99363304, abs=1e-6)
    assert lat == pytest.approx(44.99365430, abs=1e-6)
    lon, lat = wgs84_to_bd09(123.0, 45.0)
    assert lon == pytest.approx(123.0124491, abs=1e-6)
    assert lat == pytest.approx(45.0083293, abs=1e-6)
    # gcoord's inverse is approximate; the exact inverse agrees to its 5 decimals
    lon, lat = gcj02_to_wgs84(123.0, 45.0)
    assert lon == pytest.approx(122.99395597, abs=5e-6)
    assert lat == pytest.approx(44.99804071, abs=5e-6)
    lon, lat = bd09_to_wgs84(123.0, 45.0)
    assert lon == pytest.approx(122.98762210, abs=5e-6)
    assert lat == pytest.approx(44.99171540, abs=5e-6)


def test_shanghai_offset_size():
    lon, lat = wgs84_to_gcj02(121.4737, 31.2304)
    # GCJ-02 moves central Shanghai roughly 0.0045 deg east, 0.002 deg south
    assert 0.003 < lon - 121.4737 < 0.006
    assert -0.003 < lat - 31.2304 < -0.001


def test_out_of_china_unchanged():
    lon = np.array([2.35, -74.0, 139.7, 121.47])
    lat = np.array([48.85, 40.7, 35.7, 31.23])
    assert out_of_china(lon, lat).tolist() == [True, True, True, False]
    for fn in (wgs84_to_gcj02, gcj02_to_wgs84):
        out_lon, out_lat = fn(lon, lat)
        np.testing.assert_array_equal(out_lon[:3], lon[:3])
        np.testing.assert_array_equal(out_lat[:3], lat[:3])
        assert out_lon[3] != lon[3]


china = st.tuples(st.floats(73.0, 135.0), st.floats(18.0, 53.0))


@settings(max_examples=200, deadline=None)
@given(st.lists(china, min_size=1, max_size=20))
def test_round_trips(points):
    lon, lat = np.array(points).T
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    np.testing.assert_allclose(back, (lon, lat), rtol=0, atol=1e-7)
    back = bd09_to_wgs84(*wgs84_to_bd09(lon, lat))
    np.testing.assert_allclose(back, (lon, lat), rtol=0, atol=1e-6)
    back = bd09_to_gcj02(*gcj02_to_bd09(lon, lat))
    np.testing.assert_allclose(back, (lon, lat), rtol=0, atol=1e-6)
