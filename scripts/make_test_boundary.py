"""Make a boundary file of named units (a stand-in for 街道 polygons) over a data extent.

Real sub-district boundaries are not in ``../shared/data``; ``lifecircle batch``
tests and the benchmark cut the central-Shanghai box into a regular grid of
named units instead::

    python scripts/make_test_boundary.py --out out/batch/units.gpkg
    python scripts/make_test_boundary.py --out units.gpkg --cols 2 --rows 2 \\
        --bbox 121.425,31.248,121.452,31.272

The file has the columns ``lifecircle batch`` expects: ``街道`` (the unit's
name, 单元01 … 单元12, numbered row by row from the north-west) and ``name_en``
(unit-01 …), polygons in WGS84 (EPSG:4326). Without ``--bbox`` the extent is
that of the Geofabrik layers in ``--data`` (lon 121.4093–121.5520, lat
31.1788–31.2785 for the shared central box).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "shanghai-central"
NAME_COLUMN = "街道"


def data_extent(folder: Path) -> tuple[float, float, float, float]:
    """W, S, E, N (degrees) of every Geofabrik shapefile in ``folder`` together."""
    bounds = [
        pyogrio.read_info(path, force_total_bounds=True)["total_bounds"]
        for path in sorted(folder.glob("gis_osm_*_free_1.shp"))
    ]
    if not bounds:
        raise SystemExit(f"make_test_boundary: no gis_osm_*_free_1.shp in {folder}")
    stacked = np.asarray(bounds, dtype=float)
    return (
        float(stacked[:, 0].min()),
        float(stacked[:, 1].min()),
        float(stacked[:, 2].max()),
        float(stacked[:, 3].max()),
    )


def grid_units(
    extent: Sequence[float], cols: int, rows: int, name_column: str = NAME_COLUMN
) -> gpd.GeoDataFrame:
    """``cols`` × ``rows`` rectangles tiling ``extent`` (W, S, E, N degrees), named row by row.

    Neighbours share their edges exactly, so the units' union is the extent itself.
    """
    west, south, east, north = (float(v) for v in extent)
    xs = np.linspace(west, east, cols + 1)
    ys = np.linspace(north, south, rows + 1)
    polygons, names, names_en = [], [], []
    for row in range(rows):
        for col in range(cols):
            number = row * cols + col + 1
            polygons.append(shapely.box(xs[col], ys[row + 1], xs[col + 1], ys[row]))
            names.append(f"单元{number:02d}")
            names_en.append(f"unit-{number:02d}")
    return gpd.GeoDataFrame(
        {name_column: names, "name_en": names_en}, geometry=polygons, crs="EPSG:4326"
    )


def _bbox(text: str) -> tuple[float, float, float, float]:
    values = [float(part) for part in text.split(",")]
    if len(values) != 4:
        raise argparse.ArgumentTypeError("--bbox takes W,S,E,N in degrees")
    return values[0], values[1], values[2], values[3]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="GeoPackage to write")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="Geofabrik folder")
    parser.add_argument("--bbox", type=_bbox, help="W,S,E,N degrees instead of the data extent")
    parser.add_argument("--cols", type=int, default=4, help="units from west to east")
    parser.add_argument("--rows", type=int, default=3, help="units from north to south")
    args = parser.parse_args(argv)
    extent = args.bbox or data_extent(args.data / "geofabrik")
    units = grid_units(extent, args.cols, args.rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    units.to_file(args.out, driver="GPKG", layer="units")
    print(f"{len(units)} units over {tuple(round(v, 5) for v in extent)} -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
