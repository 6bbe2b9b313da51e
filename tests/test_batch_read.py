"""What one unit of a batch reads: only its box, and grid cells whose ids do not depend on it."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from lifecircle.layers.demand import grid_cells
from lifecircle.layers.geofabrik import read_geofabrik
from lifecircle.layers.osm import read_osm
from tests.osm_fixtures import grid_osm, lonlat


def _meets(frame: gpd.GeoDataFrame, box: tuple[float, float, float, float]) -> np.ndarray:
    bounds = frame.geometry.bounds
    west, south, east, north = box
    return (
        (bounds["minx"] <= east)
        & (bounds["maxx"] >= west)
        & (bounds["miny"] <= north)
        & (bounds["maxy"] >= south)
    ).to_numpy()


def test_the_osm_reader_keeps_only_what_meets_the_box(tmp_path):
    facilities = [(x, y, {"amenity": "kindergarten"}) for x in (100, 1500) for y in (100, 1500)]
    path = grid_osm(tmp_path / "grid.osm", n=17, spacing_m=100.0, facilities=facilities)
    whole = read_osm(path)
    west, south = lonlat(-50, -50)
    east, north = lonlat(650, 650)
    box = (west, south, east, north)
    part = read_osm(path, bbox=box)
    assert 0 < len(part.roads) < len(whole.roads)
    assert _meets(part.roads, box).all()
    # nothing that meets the box is lost, and ids are the whole read's
    expected = set(whole.roads["road_id"][_meets(whole.roads, box)])
    assert set(part.roads["road_id"]) == expected
    assert len(part.facilities) == 1 and len(whole.facilities) == 4


def test_the_geofabrik_reader_reads_the_box_through_gdal(shanghai_central):
    box = (121.44, 31.25, 121.45, 31.26)
    whole = read_geofabrik(shanghai_central / "geofabrik")
    part = read_geofabrik(shanghai_central / "geofabrik", bbox=box)
    for layer in ("facilities", "water", "railways"):
        small, full = getattr(part, layer), getattr(whole, layer)
        assert len(small) < len(full)
    # every facility point (areas: a point inside) that lies in the box is read
    inside = whole.facilities[whole.facilities.intersects(shapely.box(*box))]
    assert set(inside["facility_id"]) <= set(part.facilities["facility_id"])


@pytest.mark.parametrize("shape", ["hexagon", "square"])
def test_grid_cells_keep_their_centres_and_ids_in_any_extent(shape):
    city = shapely.box(350_000, 3_450_000, 356_000, 3_454_000)
    unit = shapely.Polygon([(351_234, 3_450_777), (354_321, 3_451_111), (352_500, 3_453_456)])
    everywhere = grid_cells(city, 150.0, shape)
    in_unit = grid_cells(unit, 150.0, shape)
    assert len(in_unit) > 50
    assert everywhere.index.is_unique and in_unit.index.is_unique
    assert set(in_unit.index) <= set(everywhere.index)
    same = everywhere.loc[in_unit.index]
    assert shapely.equals_exact(same.values, in_unit.values, tolerance=1e-9).all()
    # the cells whose centre is in the unit are exactly those of the whole grid
    centres = everywhere.centroid
    assert set(everywhere.index[centres.within(unit)]) == set(in_unit.index)
