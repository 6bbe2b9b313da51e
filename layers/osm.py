"""Read an OSM extract (.osm, .osm.bz2, .osm.pbf) into raw WGS84 layers.

pyosmium parses all three formats. Roads keep the OSM node id of every vertex,
so the walk graph takes its topology from shared nodes only: two ways that
cross at the same coordinates without a shared node (a bridge over a road) stay
unconnected.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import osmium
import shapely

from lifecircle.spatial.errors import LifecircleError

WGS84 = "EPSG:4326"
OSM_SUFFIXES = (".osm", ".osm.bz2", ".osm.gz", ".osm.pbf", ".pbf", ".xml")
FACILITY_KEYS = (
    "amenity",
    "leisure",
    "shop",
    "social_facility",
    "office",
    "healthcare",
    "public_transport",
    "route",
)
FACILITY_TAG_VALUES = {
    "highway": {"bus_stop"},
    "railway": {"station", "subway_entrance", "halt", "tram_stop"},
}
WATER_AREA_TAGS = {
    "natural": {"water"},
    "waterway": {"riverbank", "dock", "canal"},
    "landuse": {"reservoir", "basin"},
    "water": {"river", "canal", "pond", "lake", "reservoir", "oxbow"},
}
WATERWAY_LINES = {"river", "canal", "stream", "drain", "ditch"}
WALKABLE_AREA_HIGHWAYS = {"pedestrian", "footway"}
#: Building tags not kept in the buildings' ``tags`` column (not about use).
BUILDING_NOISE_TAG_PREFIXES = ("addr:", "name", "source", "roof:", "building:", "height", "note")
RAILWAY_LINES = {"rail", "light_rail", "subway", "narrow_gauge", "tram", "monorail", "preserved"}
ATTRIBUTION = "© OpenStreetMap contributors (ODbL 1.0)"


@dataclass
class RawLayers:
    """Layers as read from a source, in WGS84, before clipping and projection.

    Attributes
    ----------
    roads, buildings, water, railways, facilities : GeoDataFrame
        Schema columns of :mod:`lifecircle.layers.layerset` (ids not yet final).
    source : str
        What was read.
    attribution : str
        Text that maps made from this source must show.
    report : list of dict
        Things dropped or repaired while reading.
    """

    roads: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    water: gpd.GeoDataFrame
    railways: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame
    source: str
    attribution: str
    report: list[dict[str, Any]] = field(default_factory=list)


def is_osm_file(path: Path) -> bool:
    """True when the file name looks like an OSM extract."""
    name = path.name.lower()
    return name.endswith(OSM_SUFFIXES)


def _check_file(path: Path) -> None:
    if not path.exists():
        raise LifecircleError(
            f"The OSM file {path} does not exist.",
            where=str(path),
            fix="Check the path; download an extract (for example from Geofabrik) or use "
            "`lifecircle demo` to try the tool.",
        )
    if path.is_dir():
        raise LifecircleError(
            f"{path} is a folder, not an OSM file.",
            where=str(path),
            fix="For Geofabrik shapefile folders use --geofabrik DIR instead of --osm.",
        )
    if path.stat().st_size == 0:
        raise LifecircleError(
            f"The OSM file {path} is empty (0 bytes).",
            where=str(path),
            fix="Download the extract again; the transfer may have failed.",
        )


def _levels(tags: dict[str, str]) -> tuple[float, float]:
    """Building levels and height (m) from OSM tags, NaN when absent or unreadable."""

    def number(text: str | None) -> float:
        if not text:
            return np.nan
        cleaned = text.split(";")[0].strip().lower().removesuffix("m").strip()
        try:
            return float(cleaned)
        except ValueError:
            return np.nan

    return number(tags.get("building:levels")), number(tags.get("height"))


def _is_facility(tags: dict[str, str]) -> bool:
    if any(key in tags for key in FACILITY_KEYS):
        return True
    return any(tags.get(key) in values for key, values in FACILITY_TAG_VALUES.items())


def _is_water_area(tags: dict[str, str]) -> bool:
    return any(tags.get(key) in values for key, values in WATER_AREA_TAGS.items())


def _name(tags: dict[str, str]) -> str | None:
    return tags.get("name") or tags.get("name:zh") or tags.get("name:en")


def _capacity(tags: dict[str, str]) -> float:
    for key in ("capacity", "beds", "capacity:beds"):
        text = tags.get(key)
        if text:
            try:
                return float(text.split(";")[0])
            except ValueError:
                continue
    return np.nan


class _Collector:
    """Accumulates rows per layer while the file is read once."""

    def __init__(self, bbox: Sequence[float] | None = None) -> None:
        # (west, south, east, north) degrees: keep only what meets this box
        self.bbox = None if bbox is None else tuple(float(v) for v in bbox)
        self.roads: list[dict[str, Any]] = []
        self.railways: list[dict[str, Any]] = []
        self.waterways: list[dict[str, Any]] = []
        self.areas_water: list[dict[str, Any]] = []
        self.buildings: list[dict[str, Any]] = []
        self.facilities: list[dict[str, Any]] = []
        self.landuse: list[dict[str, Any]] = []
        self.walk_areas: list[WalkArea] = []
        self.cut_ways = 0
        self.missing_nodes = 0
        self.bad_areas = 0
        self.node_count = 0
        self.way_count = 0

    def node(self, obj: osmium.osm.Node) -> None:
        self.node_count += 1
        if not len(obj.tags):
            return
        tags = {t.k: t.v for t in obj.tags}
        if _is_facility(tags) or (_name(tags) and "highway" not in tags):
            loc = obj.location
            if not loc.valid() or not self._meets_box((loc.lon, loc.lat, loc.lon, loc.lat)):
                return
            self.facilities.append(
                self._facility_row(f"osm:node/{obj.id}", tags, shapely.Point(loc.lon, loc.lat))
            )

    def _meets_box(self, bounds: Sequence[float]) -> bool:
        """True without a box, or when the extent ``bounds`` (W, S, E, N) meets it."""
        if self.bbox is None:
            return True
        west, south, east, north = self.bbox
        return bounds[0] <= east and bounds[2] >= west and bounds[1] <= north and bounds[3] >= south

    def _facility_row(self, fid: str, tags: dict[str, str], geom: Any) -> dict[str, Any]:
        return {
            "facility_id": fid,
            "category": None,
            "name": _name(tags),
            "capacity": _capacity(tags),
            "floor_area_m2": np.nan,
            "source": "osm",
            "fclass": None,
            "tags": json.dumps(tags, ensure_ascii=False, sort_keys=True),
            "geometry": geom,
        }

    def way(self, obj: osmium.osm.Way) -> None:
        self.way_count += 1
        tags = {t.k: t.v for t in obj.tags}
        is_road = "highway" in tags and tags.get("area") != "yes"
        is_rail = tags.get("railway") in RAILWAY_LINES
        is_waterway = tags.get("waterway") in WATERWAY_LINES
        if not (is_road or is_rail or is_waterway):
            return
        runs = self._valid_runs(obj)
        for part, (ids, coords) in enumerate(runs):
            if self.bbox is not None and not self._meets_box(_coords_bounds(coords)):
                continue  # numbered before filtering: a part keeps its id in every window
            line = shapely.LineString(coords)
            suffix = f"#{part}" if len(runs) > 1 else ""
            if is_road:
                self.roads.append(
                    {
                        "road_id": f"osm:way/{obj.id}{suffix}",
                        "highway": tags.get("highway"),
                        "name": _name(tags),
                        "foot": tags.get("foot"),
                        "access": tags.get("access"),
                        "layer": _int_or_zero(tags.get("layer")),
                        "vertex_ids": np.asarray(ids, dtype=np.int64),
                        "geometry": line,
                    }
                )
            elif is_rail:
                self.railways.append(
                    {
                        "railway_id": f"osm:way/{obj.id}{suffix}",
                        "kind": tags.get("railway"),
                        "name": _name(tags),
                        "tunnel": _is_tunnel(tags),
                        "bridge": _tag_set(tags, "bridge"),
                        "geometry": line,
                    }
                )
            else:
                self.waterways.append(
                    {
                        "water_id": f"osm:way/{obj.id}{suffix}",
                        "kind": "waterway",
                        "name": _name(tags),
                        # Geofabrik's name for the waterway class (river, canal, stream...)
                        "fclass": tags.get("waterway"),
                        "tunnel": _tag_set(tags, "tunnel"),
                        "geometry": line,
                    }
                )

    def _valid_runs(self, obj: osmium.osm.Way) -> list[tuple[list[int], list[tuple[float, float]]]]:
        """Split a way at nodes missing from the extract; keep runs of 2+ nodes."""
        runs: list[tuple[list[int], list[tuple[float, float]]]] = []
        ids: list[int] = []
        coords: list[tuple[float, float]] = []
        missing = 0
        for node in obj.nodes:
            loc = node.location
            if loc.valid():
                ids.append(node.ref)
                coords.append((loc.lon, loc.lat))
                continue
            missing += 1
            if len(ids) >= 2:
                runs.append((ids, coords))
            ids, coords = [], []
        if len(ids) >= 2:
            runs.append((ids, coords))
        if missing:
            self.cut_ways += 1
            self.missing_nodes += missing
        return runs

    def area(self, obj: osmium.osm.Area) -> None:
        tags = {t.k: t.v for t in obj.tags}
        is_building = "building" in tags and tags["building"] != "no"
        is_water = _is_water_area(tags)
        is_facility = _is_facility(tags)
        is_landuse = "landuse" in tags
        # a closed highway way without area=yes is a loop, already read as a road line
        is_walk_area = tags.get("highway") in WALKABLE_AREA_HIGHWAYS and (
            not obj.from_way() or tags.get("area") == "yes"
        )
        if not (is_building or is_water or is_facility or is_landuse or is_walk_area):
            return
        try:
            geom = shapely.from_wkb(_WKB.create_multipolygon(obj))
        except (RuntimeError, osmium.InvalidLocationError, shapely.errors.GEOSException):
            self.bad_areas += 1
            return
        if not self._meets_box(geom.bounds):
            return
        kind = "way" if obj.from_way() else "relation"
        oid = f"osm:{kind}/{obj.orig_id()}"
        if is_walk_area:
            self._walk_area(oid, tags, geom, obj)
        if is_landuse:
            self.landuse.append({"landuse": tags["landuse"], "geometry": geom})
        if is_water:
            self.areas_water.append(
                {"water_id": oid, "kind": "water", "name": _name(tags), "geometry": geom}
            )
        if is_building:
            levels, height = _levels(tags)
            self.buildings.append(
                {
                    "building_id": oid,
                    "use": _building_use(tags),
                    "levels": levels,
                    "height_m": height,
                    "tags": _use_tags(tags),
                    "geometry": geom,
                }
            )
        if is_facility and not is_water:
            self.facilities.append(self._facility_row(oid, tags, geom.point_on_surface()))

    def _walk_area(self, oid: str, tags: dict[str, str], geom: Any, obj: osmium.osm.Area) -> None:
        """Add a pedestrian area's rings as walkable lines (with their OSM node ids)."""
        rings = []
        for outer in obj.outer_rings():
            rings.append(outer)
            rings.extend(obj.inner_rings(outer))
        area = WalkArea(oid, tags["highway"], _name(tags), geom, tags)
        for k, ring in enumerate(rings):
            ids = [node.ref for node in ring]
            coords = [(node.lon, node.lat) for node in ring]
            road_id = f"{oid}#ring{k}"
            area.ring_ids.append(road_id)
            area.node_xy.update(zip(ids, coords, strict=True))
            self.roads.append(_walk_line(road_id, area, np.asarray(ids, dtype=np.int64), coords))
        self.walk_areas.append(area)


@dataclass
class WalkArea:
    """A pedestrian area (square, plaza): its outline rings and their nodes."""

    area_id: str
    highway: str
    name: str | None
    polygon: Any
    tags: dict[str, str] = field(default_factory=dict)
    ring_ids: list[str] = field(default_factory=list)
    node_xy: dict[int, tuple[float, float]] = field(default_factory=dict)


def _coords_bounds(coords: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    lons = [lon for lon, _ in coords]
    lats = [lat for _, lat in coords]
    return min(lons), min(lats), max(lons), max(lats)


def _walk_line(road_id: str, area: WalkArea, ids: np.ndarray, coords: list) -> dict[str, Any]:
    """A road row for a ring or crossing of ``area``, with its access tags."""
    tags = area.tags
    return {
        "road_id": road_id,
        "highway": area.highway,
        "name": area.name,
        "foot": tags.get("foot"),
        "access": tags.get("access"),
        "layer": _int_or_zero(tags.get("layer")),
        "vertex_ids": ids,
        "geometry": shapely.LineString(coords),
    }


#: Entrances of a pedestrian area beyond which each connects only to its nearest ones.
MAX_ALL_PAIRS_ENTRANCES = 40
NEAREST_ENTRANCES = 12


def crossing_lines(roads: list[dict[str, Any]], areas: list[WalkArea]) -> list[dict[str, Any]]:
    """Straight walk lines across pedestrian areas, between the outline nodes other ways touch.

    A pedestrian crosses a square in a straight line. Every pair of
    "entrances" (outline nodes shared with another road line) is joined when
    the straight line stays inside the area (concave squares and holes are
    respected); past :data:`MAX_ALL_PAIRS_ENTRANCES` entrances each joins only
    its nearest :data:`NEAREST_ENTRANCES`. The lines carry both end node ids.
    """
    from scipy.spatial import cKDTree

    rows: list[dict[str, Any]] = []
    if not areas:
        return rows
    own = {road_id for area in areas for road_id in area.ring_ids}
    others = [road["vertex_ids"] for road in roads if road["road_id"] not in own]
    ring_nodes = np.fromiter((n for area in areas for n in area.node_xy), dtype=np.int64)
    touched = np.isin(ring_nodes, np.concatenate(others)) if others else ring_nodes < 0
    used = set(ring_nodes[touched].tolist())
    for area in areas:
        entrances = sorted(node for node in area.node_xy if node in used)
        if len(entrances) < 2:
            continue
        xy = np.array([area.node_xy[node] for node in entrances])
        k = len(entrances) if len(entrances) <= MAX_ALL_PAIRS_ENTRANCES else NEAREST_ENTRANCES + 1
        _, nearest = cKDTree(xy).query(xy, k=k)
        pairs = {(min(i, j), max(i, j)) for i, row in enumerate(nearest) for j in row if i != j}
        inside = area.polygon.buffer(1e-7)
        shapely.prepare(inside)
        for n, (i, j) in enumerate(sorted(pairs)):
            line = shapely.LineString([xy[i], xy[j]])
            if not inside.covers(line):
                continue
            ids = np.array([entrances[i], entrances[j]], dtype=np.int64)
            rows.append(_walk_line(f"{area.area_id}#cross{n}", area, ids, list(line.coords)))
    return rows


def _use_tags(tags: dict[str, str]) -> str | None:
    """A building's tags that may say its use (JSON), without address, name and shape tags."""
    kept = {
        k: v
        for k, v in tags.items()
        if k != "building" and not k.startswith(BUILDING_NOISE_TAG_PREFIXES)
    }
    return json.dumps(kept, ensure_ascii=False, sort_keys=True) if kept else None


def _landuse_of_buildings(buildings: list[dict[str, Any]], landuse: list[dict[str, Any]]) -> None:
    """Set each building's ``landuse``: the smallest landuse area holding a point of it."""
    if not buildings:
        return
    for row in buildings:
        row["landuse"] = None
    if not landuse:
        return
    areas = gpd.GeoDataFrame(landuse, geometry="geometry", crs=WGS84)
    points = shapely.point_on_surface(np.array([row["geometry"] for row in buildings]))
    idx_building, idx_area = areas.sindex.query(points, predicate="within")
    if not len(idx_building):
        return
    size = shapely.area(areas.geometry.values)[idx_area]
    order = np.lexsort((size, idx_building))
    first = np.unique(idx_building[order], return_index=True)[1]
    values = areas["landuse"].to_numpy()
    for b, a in zip(idx_building[order][first], idx_area[order][first], strict=True):
        buildings[b]["landuse"] = values[a]


_WKB = osmium.geom.WKBFactory()
RESIDENTIAL_BUILDINGS = {"residential", "apartments", "house", "detached", "terrace", "dormitory"}


def _building_use(tags: dict[str, str]) -> str:
    value = tags.get("building", "yes")
    if value in RESIDENTIAL_BUILDINGS:
        return "residential"
    if value == "yes" and tags.get("building:use") in RESIDENTIAL_BUILDINGS:
        return "residential"
    return value


def _tag_set(tags: dict[str, str], key: str) -> bool:
    """True when the tag is present and not "no" (bridge=viaduct, tunnel=culvert...)."""
    return tags.get(key, "no") != "no"


def _is_tunnel(tags: dict[str, str]) -> bool:
    """A railway underground: tunnel=* (not "no"), or a subway below ground level.

    Subway lines are often mapped below ground with only a negative ``layer``; an
    explicit tunnel=no keeps them at the surface.
    """
    if "tunnel" in tags:
        return _tag_set(tags, "tunnel")
    return tags.get("railway") == "subway" and _int_or_zero(tags.get("layer")) < 0


def _int_or_zero(text: str | None) -> int:
    try:
        return int(float(text)) if text else 0
    except ValueError:
        return 0


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> gpd.GeoDataFrame:
    if not rows:
        return gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs=WGS84)
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84)


def read_osm(path: str | Path, bbox: Sequence[float] | None = None) -> RawLayers:
    """Read roads, buildings, water, railways and facilities from an OSM extract.

    Parameters
    ----------
    path : str or Path
        An .osm, .osm.bz2 or .osm.pbf file.
    bbox : (west, south, east, north), optional
        Degrees: keep only the nodes, ways (each run of a way between missing
        nodes) and areas whose extent meets this box, so a unit of ``lifecircle
        batch`` holds its own part of the city; the file is still parsed once.

    Returns
    -------
    RawLayers
        WGS84 layers. Roads carry ``vertex_ids`` (OSM node ids).

    Raises
    ------
    LifecircleError
        When the file is missing, empty, corrupt, or holds no OSM data.
    """
    path = Path(path)
    _check_file(path)
    collector = _Collector(bbox)
    try:
        processor = osmium.FileProcessor(str(path)).with_locations().with_areas()
        for obj in processor:
            if obj.is_node():
                collector.node(obj)
            elif obj.is_way():
                collector.way(obj)
            elif obj.is_area():
                collector.area(obj)
    except RuntimeError as exc:
        raise LifecircleError(
            f"The OSM file {path.name} could not be read: {exc}",
            where=str(path),
            fix="The file is corrupt or not OSM data. Download the extract again, or check "
            "that a .pbf file is not in fact XML (or the other way round).",
        ) from exc
    if collector.node_count == 0 and collector.way_count == 0:
        raise LifecircleError(
            f"The OSM file {path.name} holds no nodes and no ways.",
            where=str(path),
            fix="The extract is empty: download a larger area or check the bounding box.",
        )
    water_rows = collector.areas_water + collector.waterways
    crossings = crossing_lines(collector.roads, collector.walk_areas)
    _landuse_of_buildings(collector.buildings, collector.landuse)
    raw = RawLayers(
        roads=_frame(collector.roads + crossings, ["road_id", "highway", "name", "foot", "layer"]),
        buildings=_frame(
            collector.buildings, ["building_id", "use", "levels", "height_m", "tags", "landuse"]
        ),
        water=_frame(water_rows, ["water_id", "kind", "name"]),
        railways=_frame(collector.railways, ["railway_id", "kind", "name"]),
        facilities=_frame(collector.facilities, ["facility_id", "category", "name", "tags"]),
        source=f"OSM extract {path.name}",
        attribution=ATTRIBUTION,
    )
    if collector.cut_ways:
        raw.report.append(
            {
                "layer": "roads",
                "issue": "ways cut at the extract edge",
                "count": collector.cut_ways,
                "detail": f"{collector.missing_nodes} referenced nodes are missing from the file; "
                "the ways were split at the gaps and kept where 2+ nodes remain",
            }
        )
    if collector.walk_areas:
        raw.report.append(
            {
                "layer": "roads",
                "issue": "pedestrian areas read as walkable (outline and straight crossings)",
                "count": len(collector.walk_areas),
                "detail": f"{len(crossings)} crossing lines between the points where other "
                "ways meet the areas",
            }
        )
    if collector.bad_areas:
        raw.report.append(
            {
                "layer": "areas",
                "issue": "areas that could not be assembled (incomplete rings)",
                "count": collector.bad_areas,
                "detail": "usually multipolygons cut at the extract edge",
            }
        )
    return raw
