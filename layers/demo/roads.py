"""Road lines of the synthetic demo district, cut at the river and the railway.

Drawn in the local frame of :mod:`lifecircle.layers.demo.layout` (metres from the
district's south-west corner). Lines carry no ``vertex_ids``: the graph
builder nodes them (same grade: split at crossings; different grade: joined
only at an end point of one of them). Every crossing section of the flyover
and the underpass therefore starts and ends exactly on the end of a
``layer=0`` street piece.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString

from lifecircle.layers.demo.layout import (
    EW_STREETS,
    EXTENT,
    FLYOVER_X,
    GREENWAY_NAME,
    GREENWAY_OFFSET_M,
    HEIGHT_M,
    MIN_PIECE_M,
    NS_STREETS,
    RAIL_SERVICE_ROADS,
    RAIL_STOP_M,
    RESIDENTIAL_CELLS,
    RIVER_STOP_M,
    RIVER_XY,
    UNDERPASS_HALF_M,
    WIDTH_M,
    Street,
    rail_line,
    rail_x,
    river_polygon,
)


@dataclass
class RoadRows:
    """Road lines under construction, as parallel lists."""

    geometry: list[LineString]
    highway: list[str]
    name: list[str | None]
    foot: list[str | None]
    layer: list[int]

    def add(self, line, highway: str, name: str | None, layer: int = 0, foot=None) -> None:
        self.geometry.append(line)
        self.highway.append(highway)
        self.name.append(name)
        self.foot.append(foot)
        self.layer.append(layer)


def _cut(lines: list[LineString], barrier) -> list[LineString]:
    """Cut lines at a barrier polygon, keeping the pieces outside it.

    Lines that do not touch the barrier are returned unchanged (same
    coordinates), so endpoints shared with other lines stay shared.
    """
    out: list[LineString] = []
    hits = shapely.intersects(np.array(lines, dtype=object), barrier)
    for line, hit in zip(lines, hits, strict=True):
        if not hit:
            out.append(line)
            continue
        rest = line.difference(barrier)
        parts = getattr(rest, "geoms", [rest])
        out.extend(p for p in parts if p.geom_type == "LineString" and p.length >= MIN_PIECE_M)
    return out


def _street_pieces(street: Street, north_south: bool) -> list[tuple[LineString, int]]:
    """The lines of one grid street before cutting, with their layer (grade)."""
    if north_south:
        return [(LineString([(street.at, 0.0), (street.at, HEIGHT_M)]), 0)]
    y = street.at
    if street.crossing == "flyover":
        a, b = FLYOVER_X
    elif street.crossing == "underpass":
        mid = rail_x(y)
        a, b = mid - UNDERPASS_HALF_M, mid + UNDERPASS_HALF_M
    else:
        return [(LineString([(0.0, y), (WIDTH_M, y)]), 0)]
    grade = 1 if street.crossing == "flyover" else -1
    return [
        (LineString([(0.0, y), (a, y)]), 0),
        (LineString([(a, y), (b, y)]), grade),
        (LineString([(b, y), (WIDTH_M, y)]), 0),
    ]


def _estate_paths(cells: list[dict]) -> list[tuple[LineString, str]]:
    """Estate lanes (service) and footways of the residential cells."""
    paths: list[tuple[LineString, str]] = []
    for cell in cells:
        if cell["kind"] not in RESIDENTIAL_CELLS:
            continue
        x0, x1, y0, y1 = cell["bounds"]
        for lane_y in cell["lanes"]:
            paths.append((LineString([(x0, lane_y), (x1, lane_y)]), "service"))
        for foot_x in cell["footways"]:
            paths.append((LineString([(foot_x, y0), (foot_x, y1)]), "footway"))
    return paths


def build_roads(cells: list[dict]) -> RoadRows:
    """All road lines of the district (m), cut at the river and the railway.

    Parameters
    ----------
    cells : list of dict
        The street-grid cells from :func:`grid_cells` (for the estate paths).

    Returns
    -------
    RoadRows
        Streets, rail service roads, riverside footways and estate paths.
    """
    river_barrier = river_polygon().buffer(RIVER_STOP_M)
    rail_barrier = rail_line().buffer(RAIL_STOP_M)
    rows = RoadRows([], [], [], [], [])

    def add_cut(lines, highway, name, layer, foot, river: bool, rail: bool) -> None:
        if river:
            lines = _cut(lines, river_barrier)
        if rail:
            lines = _cut(lines, rail_barrier)
        for line in lines:
            rows.add(line, highway, name, layer, foot)

    for street in NS_STREETS:
        for line, grade in _street_pieces(street, north_south=True):
            add_cut(
                [line],
                street.highway,
                street.name,
                grade,
                None,
                river=street.crossing != "bridge",
                rail=True,
            )
    for street in EW_STREETS:
        for line, grade in _street_pieces(street, north_south=False):
            crosses_rail = street.crossing in ("flyover", "underpass")
            foot = "yes" if grade != 0 else None
            add_cut(
                [line], street.highway, street.name, grade, foot, river=True, rail=not crosses_rail
            )
    for street in RAIL_SERVICE_ROADS:
        line = LineString([(street.at, 0.0), (street.at, HEIGHT_M)])
        add_cut([line], street.highway, street.name, 0, None, river=True, rail=True)
    centre = LineString(RIVER_XY)
    for side in (GREENWAY_OFFSET_M, -GREENWAY_OFFSET_M):
        greenway = centre.offset_curve(side, join_style="mitre").intersection(EXTENT)
        add_cut([greenway], "footway", GREENWAY_NAME, 0, "designated", river=False, rail=True)
    for line, highway in _estate_paths(cells):
        foot = "designated" if highway == "footway" else None
        add_cut([line], highway, None, 0, foot, river=True, rail=True)
    return rows
