"""Street plan, river, railway, units and buildings of the synthetic demo district.

Everything here is drawn in a *local* frame: metres east (``x``) and north
(``y``) of the south-west corner of the 3 km × 2 km district.
:mod:`lifecircle.layers.demo.roads` draws the road lines from the constants here;
:mod:`lifecircle.layers.demo` shifts the finished geometries into EPSG:32651 by adding
one whole-metre offset, so shared coordinates stay exactly shared.

The plan is invented. Only its ingredients are typical of a northern Shanghai
街道: a 250–300 m street grid, a river crossed at three bridges, a railway
crossed at one flyover and one underpass, 6-storey walk-up estates (老公房)
and 18-storey tower estates.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon, box

if TYPE_CHECKING:
    from lifecircle.layers.demo.roads import RoadRows

# --- extent (m, local frame) -------------------------------------------------
WIDTH_M = 3000.0
HEIGHT_M = 2000.0
EXTENT = box(0.0, 0.0, WIDTH_M, HEIGHT_M)

# --- river 示范浜（合成）: centre line vertices, running past both edges -------
RIVER_NAME = "示范浜（合成）"
RIVER_XY = (
    (-100.0, 1255.0),
    (450.0, 1215.0),
    (950.0, 1240.0),
    (1450.0, 1270.0),
    (1950.0, 1245.0),
    (2450.0, 1205.0),
    (3100.0, 1232.0),
)
RIVER_HALF_WIDTH_M = 25.0  # the river is 50 m wide
RIVER_STOP_M = 10.0  # streets end this far from the bank
GREENWAY_OFFSET_M = 40.0  # riverside footways run this far from the centre line
GREENWAY_NAME = "示范浜滨河步道（合成）"

# --- railway: centre line vertices (running past both edges) -----------------
RAIL_NAME = "示范铁路（合成，示意）"
RAIL_XY = ((2164.0, -100.0), (2215.0, 700.0), (2344.0, 2100.0))
RAIL_STOP_M = 20.0  # streets end this far from the track centre line

# --- streets -----------------------------------------------------------------


@dataclass(frozen=True)
class Street:
    """One straight street of the grid.

    Attributes
    ----------
    at : float
        x (m) of a north–south street, or y (m) of an east–west one.
    highway, name : str
        OSM-like ``highway`` value and the (invented) street name.
    crossing : str or None
        ``"bridge"`` (continues across the river), ``"flyover"`` (passes over
        the railway on an elevated section, ``layer=1``), ``"underpass"``
        (passes under it, ``layer=-1``) or None (stops at both barriers).
    """

    at: float
    highway: str
    name: str
    crossing: str | None = None


NS_STREETS: tuple[Street, ...] = (
    Street(60.0, "residential", "西界路（合成）"),
    Street(330.0, "residential", "通河支路（合成）"),
    Street(600.0, "tertiary", "通河路（合成）", "bridge"),
    Street(880.0, "residential", "新村路（合成）"),
    Street(1200.0, "primary", "示范大道（合成）", "bridge"),
    Street(1480.0, "residential", "共和支路（合成）"),
    Street(1760.0, "tertiary", "示范三路（合成）"),
    Street(2020.0, "residential", "铁西路（合成）"),
    Street(2560.0, "residential", "铁东支路（合成）"),
    Street(2780.0, "tertiary", "铁东路（合成）", "bridge"),
    Street(2960.0, "residential", "东界路（合成）"),
)
EW_STREETS: tuple[Street, ...] = (
    Street(40.0, "secondary", "示范南路（合成）"),
    Street(300.0, "residential", "育才路（合成）"),
    Street(560.0, "primary", "示范一路（合成）", "flyover"),
    Street(820.0, "residential", "长乐支路（合成）"),
    Street(1040.0, "tertiary", "滨河南路（合成）"),
    Street(1420.0, "tertiary", "滨河北路（合成）"),
    Street(1660.0, "tertiary", "示范四路（合成）", "underpass"),
    Street(1960.0, "secondary", "示范北路（合成）"),
)
# Service roads along both sides of the rail corridor (north–south).
RAIL_SERVICE_ROADS: tuple[Street, ...] = (
    Street(2130.0, "service", "铁路西侧通道（合成）"),
    Street(2420.0, "service", "铁路东侧通道（合成）"),
)
FLYOVER_X = (1900.0, 2480.0)  # x span (m) of the elevated section of the flyover street
UNDERPASS_HALF_M = 70.0  # half length (m) of the underpass, centred on the track
MIN_PIECE_M = 15.0  # pieces shorter than this left after cutting at a barrier are dropped

# Half widths (m) of the carriageway + pavement, for keeping buildings off roads.
ROAD_HALF_WIDTH_M = {
    "primary": 18.0,
    "secondary": 14.0,
    "tertiary": 10.0,
    "residential": 7.0,
    "service": 4.0,
    "footway": 2.5,
}

# --- land use -----------------------------------------------------------------
# One letter per street-grid cell; rows from north (y 1660–1960) to south
# (y 40–300), columns from west (x 60–330) to east (x 2780–2960).
#   S 6-storey walk-up estate (老公房)   T 18-storey tower estate
#   C shops   O offices   I works/depots   E public plot (its buildings come
#   from the facility table)   P park   G green   V vacant plot
LAND_USE: tuple[str, ...] = (
    "SITSCPEITS",
    "SESPOSIIGV",
    "GSGGGGGGGG",
    "SSECOSIISG",
    "TGSESEOIES",
    "CPSCTEIICG",
    "ISEGSVIIVT",
)
CELL_SETBACK_M = 22.0  # building edge to street centre line, inside a cell
LANE_CLEAR_M = 10.0  # building edge to estate lane centre line
RIVER_ROW_LANES_Y = (1100.0, 1360.0)  # estate lanes of the river row, clear of the banks
BUILDING_RIVER_CLEAR_M = 10.0
BUILDING_RAIL_CLEAR_M = 25.0
MAX_BUILDING_ROAD_M = 140.0  # buildings farther than this from any road are not placed


@dataclass(frozen=True)
class BuildingType:
    """A footprint template: size (m), gaps between neighbours (m), storeys, use."""

    width_m: float  # east–west
    depth_m: float  # north–south
    gap_x_m: float
    gap_y_m: float
    levels: int
    use: str


BUILDING_TYPES: dict[str, BuildingType] = {
    "S": BuildingType(60.0, 12.0, 20.0, 20.0, 6, "residential"),  # 老公房 slab
    "T": BuildingType(30.0, 25.0, 30.0, 40.0, 18, "residential"),  # high-rise tower
    "C": BuildingType(70.0, 25.0, 25.0, 25.0, 3, "commercial"),
    "O": BuildingType(40.0, 30.0, 30.0, 30.0, 12, "office"),
    "I": BuildingType(60.0, 30.0, 25.0, 25.0, 2, "industrial"),
}
RESIDENTIAL_CELLS = "ST"
JITTER_M = 1.5  # seeded shift of each building (m), keeps rows from looking drawn by rule
DROP_SHARE = 0.05  # seeded share of residential plots left as green space

# Invented estate names, used in cell order (north-west first): walk-up estates
# are 新村/村 (workers' villages), tower estates 苑/家园.
SLAB_ESTATE_NAMES: tuple[str, ...] = tuple(
    f"{stem}（合成）"
    for stem in (
        "通河一村",
        "通河二村",
        "通河三村",
        "松花新村",
        "呼玛一村",
        "呼玛二村",
        "长江新村",
        "通河四村",
        "滨河一村",
        "共和新村",
        "共和二村",
        "临汾新村",
        "泗塘一村",
        "泗塘二村",
        "育才一村",
        "育才二村",
        "示范一村",
        "示范二村",
        "铁东新村",
        "南苑新村",
    )
)
TOWER_ESTATE_NAMES: tuple[str, ...] = tuple(
    f"{stem}（合成）"
    for stem in ("泰和苑", "宝翔苑", "锦秋家园", "宝乐苑", "东苑", "景苑", "嘉和苑", "丰乐家园")
)
GAP_ESTATE = "东苑（合成）"  # the south-east tower estate without a fitness facility nearby


def column_edges() -> np.ndarray:
    """x (m) of the north–south streets, west to east: the cell column edges."""
    return np.array([s.at for s in NS_STREETS])


def row_edges() -> np.ndarray:
    """y (m) of the east–west streets, north to south: the cell row edges."""
    return np.array([s.at for s in EW_STREETS])[::-1]


def rail_x(y: float) -> float:
    """x (m) of the railway centre line at northing ``y`` (m)."""
    xs, ys = zip(*RAIL_XY, strict=True)
    return float(np.interp(y, ys, xs))


def river_polygon() -> Polygon:
    """The river as a 50 m wide polygon, clipped to the district (m)."""
    centre = LineString(RIVER_XY)
    return centre.buffer(RIVER_HALF_WIDTH_M, cap_style="flat").intersection(EXTENT)


def river_centre_line() -> LineString:
    """The river centre line (waterway), clipped to the district (m)."""
    return LineString(RIVER_XY).intersection(EXTENT)


def rail_line() -> LineString:
    """The railway centre line, clipped to the district (m)."""
    return LineString(RAIL_XY).intersection(EXTENT)


def _side_polygon(line_xy: tuple[tuple[float, float], ...], corners: list[tuple[float, float]]):
    """Polygon on one side of a polyline that runs past the extent, clipped to it."""
    return Polygon(list(line_xy) + corners).intersection(EXTENT)


def unit_polygons() -> list[Polygon]:
    """Five polygons tiling the district, split by the river, railway and 示范大道.

    Returns
    -------
    list of Polygon
        North-west, north-east, south-west, south-centre, south-east (m).
    """
    far = 10_000.0
    north = _side_polygon(RIVER_XY, [(far, far), (-far, far)])
    south = EXTENT.difference(north)
    east = _side_polygon(RAIL_XY[::-1], [(far, -far), (far, far)])
    west_of_avenue = box(0.0, 0.0, NS_STREETS[4].at, HEIGHT_M)
    south_west = south.difference(east)
    return [
        north.difference(east),
        north.intersection(east),
        south_west.intersection(west_of_avenue),
        south_west.difference(west_of_avenue),
        south.intersection(east),
    ]


# --- cells and buildings ------------------------------------------------------


def _fit(lo: float, hi: float, size: float, gap: float) -> np.ndarray:
    """Centres (m) of as many ``size`` items with ``gap`` between as fit in [lo, hi]."""
    count = int((hi - lo + gap) // (size + gap))
    if count <= 0:
        return np.empty(0)
    total = count * size + (count - 1) * gap
    start = (lo + hi - total) / 2.0 + size / 2.0
    return start + np.arange(count) * (size + gap)


def grid_cells() -> list[dict]:
    """The street-grid cells with their land use, estate name, lanes and footways.

    Returns
    -------
    list of dict
        Keys ``row``, ``col``, ``kind`` (a :data:`LAND_USE` letter),
        ``bounds`` (x0, x1, y0, y1 in m), ``estate`` (name or None),
        ``lanes`` (y of E–W estate lanes), ``footways`` (x of N–S footways,
        one in every gap between building columns),
        ``columns`` (x of building centres) and ``zones`` ((y_lo, y_hi) bands
        for building rows).
    """
    xs, ys = column_edges(), row_edges()
    river = river_polygon()
    cells: list[dict] = []
    estates = {"S": iter(SLAB_ESTATE_NAMES), "T": iter(TOWER_ESTATE_NAMES)}
    for row, letters in enumerate(LAND_USE):
        y1, y0 = ys[row], ys[row + 1]
        for col, kind in enumerate(letters):
            x0, x1 = xs[col], xs[col + 1]
            cell = {
                "row": row,
                "col": col,
                "kind": kind,
                "bounds": (x0, x1, y0, y1),
                "estate": None,
                "lanes": [],
                "footways": [],
                "columns": np.empty(0),
                "zones": [],
            }
            cells.append(cell)
            if kind not in BUILDING_TYPES:
                continue
            spec = BUILDING_TYPES[kind]
            inner = (
                x0 + CELL_SETBACK_M,
                x1 - CELL_SETBACK_M,
                y0 + CELL_SETBACK_M,
                y1 - CELL_SETBACK_M,
            )
            columns = _fit(inner[0], inner[1], spec.width_m, spec.gap_x_m)
            if kind in RESIDENTIAL_CELLS:
                cell["estate"] = next(estates[kind], None)
                if cell["estate"] is None:
                    raise ValueError(
                        f"LAND_USE has more '{kind}' estates than names; extend "
                        f"{'SLAB' if kind == 'S' else 'TOWER'}_ESTATE_NAMES."
                    )
                spans_river = river.intersects(box(x0, y0, x1, y1))
                cell["lanes"] = list(RIVER_ROW_LANES_Y) if spans_river else [(y0 + y1) / 2.0]
                # a footway in every gap between building columns, so that each
                # block is at most half a building width plus a gap from a path
                cell["footways"] = [float(a + b) / 2.0 for a, b in itertools.pairwise(columns)]
            cuts = [inner[2]]
            for lane_y in cell["lanes"]:
                cuts += [lane_y - LANE_CLEAR_M, lane_y + LANE_CLEAR_M]
            cuts.append(inner[3])
            cell["zones"] = list(zip(cuts[::2], cuts[1::2], strict=True))
            cell["columns"] = columns
    return cells


def building_footprints(cells: list[dict], rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Candidate building footprints of every built cell, before any filtering.

    Parameters
    ----------
    cells : list of dict
        From :func:`grid_cells`.
    rng : numpy.random.Generator
        Seeded; shifts each footprint by up to :data:`JITTER_M` and leaves
        :data:`DROP_SHARE` of residential plots unbuilt.

    Returns
    -------
    dict of arrays
        ``geometry`` (Polygon), ``kind`` (cell letter), ``estate`` (name or
        None), one entry per footprint, in cell order.
    """
    cx_all, cy_all, kinds, estates = [], [], [], []
    for cell in cells:
        kind = cell["kind"]
        if kind not in BUILDING_TYPES:
            continue
        spec = BUILDING_TYPES[kind]
        for lo, hi in cell["zones"]:
            rows_y = _fit(lo, hi, spec.depth_m, spec.gap_y_m)
            gx, gy = np.meshgrid(cell["columns"], rows_y)
            cx_all.append(gx.ravel())
            cy_all.append(gy.ravel())
            kinds += [kind] * gx.size
            estates += [cell["estate"]] * gx.size
    cx, cy = np.concatenate(cx_all), np.concatenate(cy_all)
    shift = np.round(rng.uniform(-JITTER_M, JITTER_M, size=(cx.size, 2)), 1)
    keep = rng.random(cx.size) >= DROP_SHARE
    kind_arr = np.array(kinds)
    keep |= ~np.isin(kind_arr, list(RESIDENTIAL_CELLS))
    cx, cy = cx + shift[:, 0], cy + shift[:, 1]
    half_w = np.array([BUILDING_TYPES[k].width_m / 2.0 for k in kinds])
    half_d = np.array([BUILDING_TYPES[k].depth_m / 2.0 for k in kinds])
    polygons = shapely.box(cx - half_w, cy - half_d, cx + half_w, cy + half_d)
    return {
        "geometry": polygons[keep],
        "kind": kind_arr[keep],
        "estate": np.array(estates, dtype=object)[keep],
    }


def keep_clear(
    polygons: np.ndarray,
    roads: RoadRows,
    occupied: list[Polygon],
) -> np.ndarray:
    """Which footprints stay clear of roads, river, railway and occupied plots.

    Parameters
    ----------
    polygons : array of Polygon
        Candidate footprints (m).
    roads : RoadRows
        Road lines; each is widened by :data:`ROAD_HALF_WIDTH_M` of its class.
    occupied : list of Polygon
        Plots already taken (facility buildings, with their own margin).

    Returns
    -------
    numpy.ndarray of bool
        True for footprints that touch nothing and lie within
        :data:`MAX_BUILDING_ROAD_M` of a road (centroid distance).
    """
    lines = np.array(roads.geometry, dtype=object)
    widths = np.array([ROAD_HALF_WIDTH_M[h] for h in roads.highway])
    blocked = list(shapely.buffer(lines, widths, cap_style="flat"))
    blocked += [
        river_polygon().buffer(BUILDING_RIVER_CLEAR_M),
        rail_line().buffer(BUILDING_RAIL_CLEAR_M),
        *occupied,
    ]
    tree = shapely.STRtree(blocked)
    hit = np.zeros(len(polygons), dtype=bool)
    hit[np.unique(tree.query(polygons, predicate="intersects")[0])] = True
    near = np.zeros(len(polygons), dtype=bool)
    road_tree = shapely.STRtree(lines)
    idx = road_tree.query(
        shapely.centroid(polygons), predicate="dwithin", distance=MAX_BUILDING_ROAD_M
    )[0]
    near[np.unique(idx)] = True
    return ~hit & near
