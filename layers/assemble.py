"""Combine raw source layers into one LayerSet in a local metric CRS.

The study area comes from a boundary layer, a bounding box, or (when neither
is given) the extent of the roads. Roads, water, railways and facilities are
kept within a halo around the study area, because people walk across the
boundary to reach facilities; buildings and demand stay inside it.
Invalid geometries are repaired and counted; empty ones are dropped and
counted.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from lifecircle.layers.layerset import LAYER_COLUMNS, LayerSet, empty_layer
from lifecircle.layers.osm import RawLayers
from lifecircle.spatial.crs import check_lonlat_order, local_metric_crs
from lifecircle.spatial.errors import LifecircleError

WGS84 = "EPSG:4326"
# A sub-district is a few km across; beyond this one UTM zone no longer fits it.
MAX_STUDY_AREA_SPAN_M = 100_000.0
METRES_PER_DEGREE = 111_320.0
# Digitised sub-unit (居委) boundaries overlap by slivers; larger overlaps are mistakes.
SLIVER_SHARE = 0.01
MIN_OVERLAP_M2 = 1.0
STUDY_AREA_NAME = {"zh": "研究范围", "en": "Study area"}


def bbox_boundary(bbox: Sequence[float]) -> gpd.GeoDataFrame:
    """A one-unit boundary from ``(west, south, east, north)`` in degrees."""
    if len(bbox) != 4:
        raise LifecircleError(
            f"A bounding box needs 4 numbers, got {len(bbox)}.",
            where="--bbox / study_area.bbox",
            fix="Write it as W,S,E,N in degrees, e.g. 121.425,31.248,121.452,31.272.",
        )
    west, south, east, north = (float(v) for v in bbox)
    check_lonlat_order(np.array([west, east]), np.array([south, north]), where="--bbox W,S,E,N")
    if west >= east or south >= north:
        raise LifecircleError(
            f"The bounding box {bbox} is empty or inverted.",
            where="--bbox W,S,E,N",
            fix="West must be less than east and south less than north (W,S,E,N order).",
        )
    check_study_area_size((west, south, east, north), where="--bbox W,S,E,N")
    return _box_boundary(west, south, east, north)


def span_m(bounds: Sequence[float]) -> tuple[float, float]:
    """Approximate east-west and north-south extent (metres) of W,S,E,N degree bounds.

    The east-west extent is taken at the latitude nearest the equator, where it is widest.
    """
    west, south, east, north = (float(v) for v in bounds)
    widest_lat = 0.0 if south <= 0.0 <= north else min(abs(south), abs(north))
    width = (east - west) * METRES_PER_DEGREE * np.cos(np.radians(widest_lat))
    return float(width), float((north - south) * METRES_PER_DEGREE)


def check_study_area_size(bounds: Sequence[float], where: str) -> None:
    """Refuse a study area too large for one sub-district analysis in one UTM zone.

    Parameters
    ----------
    bounds : (west, south, east, north)
        Degrees (WGS84).
    where : str
        Which input gave the area, for the message.
    """
    width, height = span_m(bounds)
    if max(width, height) > MAX_STUDY_AREA_SPAN_M:
        raise LifecircleError(
            f"The study area is {width / 1000:,.0f} km × {height / 1000:,.0f} km, too large "
            f"for a sub-district analysis (at most {MAX_STUDY_AREA_SPAN_M / 1000:.0f} km "
            "across, within one map projection zone).",
            where=f"{where}: {tuple(round(float(v), 5) for v in bounds)}",
            fix="Give the sub-district's own boundary (--boundary) or a bounding box around "
            "it (--bbox W,S,E,N, a few km across); run a larger district one sub-district "
            "at a time.",
        )


def roads_boundary(roads_wgs: gpd.GeoDataFrame, sources: str) -> gpd.GeoDataFrame:
    """The study area when no boundary or bbox is given: the extent of the roads.

    Raises
    ------
    LifecircleError
        When the roads span no area (one point or one straight street) or too large one.
    """
    bounds = tuple(float(v) for v in roads_wgs.total_bounds)
    width, height = span_m(bounds)
    where = f"{sources} (no --bbox or --boundary given, so the roads' extent is the study area)"
    if min(width, height) < 1.0:
        nodes = len(np.unique(shapely.get_coordinates(roads_wgs.geometry.values), axis=0))
        raise LifecircleError(
            f"The roads span no area ({width:.0f} m × {height:.0f} m, {nodes} road nodes), so "
            "they cannot stand for a study area or make a walk network.",
            where=where,
            fix="Give an extract with the sub-district's street network, or give the study "
            "area with --boundary FILE or --bbox W,S,E,N.",
        )
    check_study_area_size(bounds, where=where)
    return _box_boundary(*bounds)


def _box_boundary(west: float, south: float, east: float, north: float) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "unit_id": ["study-area"],
            "name": [STUDY_AREA_NAME["zh"]],
            "name_en": [STUDY_AREA_NAME["en"]],
        },
        geometry=[shapely.box(west, south, east, north)],
        crs=WGS84,
    )


def normalize_boundary(
    boundary: gpd.GeoDataFrame, name_column: str | None = None, id_column: str | None = None
) -> gpd.GeoDataFrame:
    """Give a boundary layer the ``unit_id``, ``name``, ``name_en`` columns.

    Parameters
    ----------
    boundary : GeoDataFrame
        Polygons of the study area or of its named sub-units.
    name_column, id_column : str, optional
        Columns holding the unit name and a stable id (defaults: ``name`` and
        row numbers).
    """
    polygons = boundary[boundary.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    if polygons.empty:
        raise LifecircleError(
            "The boundary layer holds no polygons.",
            where="study_area.boundary",
            fix="Give a polygon layer of the study area or its sub-units (居委).",
        )
    out = polygons.copy()
    names = out[name_column] if name_column and name_column in out else out.get("name")
    out["name"] = (
        names.astype(str).to_numpy()
        if names is not None
        else [f"单元{i + 1}" for i in range(len(out))]
    )
    if "name_en" not in out:
        out["name_en"] = out["name"]
    ids = out[id_column] if id_column and id_column in out else out.get("unit_id")
    out["unit_id"] = (
        ids.astype(str).to_numpy()
        if ids is not None
        else [f"unit-{i + 1}" for i in range(len(out))]
    )
    if out["unit_id"].duplicated().any():
        dupes = out["unit_id"][out["unit_id"].duplicated()].tolist()[:5]
        raise LifecircleError(
            f"Boundary unit ids are not unique: {dupes}.",
            where="study_area.boundary",
            fix="Name a column of unique ids with study_area.id_column.",
        )
    return out.reset_index(drop=True)


def trim_unit_overlaps(boundary: gpd.GeoDataFrame, report: list[dict]) -> gpd.GeoDataFrame:
    """Make sub-units disjoint: trim sliver overlaps, refuse larger ones.

    Every demand point belongs to one unit, so two units that share ground would
    silently give it to one of them. An overlap under :data:`SLIVER_SHARE` of the
    smaller unit's area is a digitising sliver: it stays with the unit listed
    first and is cut from the later one (reported). Overlaps under
    :data:`MIN_OVERLAP_M2` are numerical noise along shared edges and are ignored.

    Parameters
    ----------
    boundary : GeoDataFrame
        Units with ``unit_id`` and ``name`` in a metric CRS (areas in m²).
    report : list of dict
        Input report; gets one entry when slivers were trimmed.

    Raises
    ------
    LifecircleError
        When two units overlap by :data:`SLIVER_SHARE` or more of the smaller one.
    """
    if len(boundary) < 2:
        return boundary
    geoms = boundary.geometry.values
    first, second = boundary.sindex.query(geoms, predicate="intersects")
    pair = first < second
    first, second = first[pair], second[pair]
    overlap_m2 = shapely.area(shapely.intersection(geoms[first], geoms[second]))
    real = overlap_m2 >= MIN_OVERLAP_M2
    first, second, overlap_m2 = first[real], second[real], overlap_m2[real]
    if not first.size:
        return boundary
    unit_m2 = shapely.area(geoms)
    share = overlap_m2 / np.minimum(unit_m2[first], unit_m2[second])
    names = boundary["name"].astype(str).to_numpy()
    ids = boundary["unit_id"].astype(str).to_numpy()

    def describe(order: np.ndarray) -> str:
        return "; ".join(
            f"{names[first[k]]} ({ids[first[k]]}) and {names[second[k]]} ({ids[second[k]]}): "
            f"{overlap_m2[k]:,.0f} m², {share[k]:.1%} of the smaller"
            for k in order[:5]
        )

    large = np.flatnonzero(share >= SLIVER_SHARE)
    if large.size:
        raise LifecircleError(
            f"{large.size} pair(s) of boundary sub-units overlap, so the people in the "
            f"overlap would be counted in one unit only: {describe(large)}.",
            where="study_area.boundary",
            fix="Correct the unit polygons so they do not overlap (QGIS: Vector > Geometry "
            "Tools > Check Validity, or the Topology Checker), or merge duplicated units. "
            f"Overlaps under {SLIVER_SHARE:.0%} of the smaller unit are trimmed by themselves.",
        )
    trimmed = geoms.copy()
    for later in np.unique(second):
        earlier = first[second == later]
        trimmed[later] = shapely.difference(geoms[later], shapely.union_all(geoms[earlier]))
    out = boundary.copy()
    out.geometry = gpd.GeoSeries(trimmed, index=boundary.index, crs=boundary.crs)
    report.append(
        {
            "layer": "boundary",
            "issue": f"sub-unit overlaps under {SLIVER_SHARE:.0%} of the smaller unit trimmed "
            "(kept by the unit listed first)",
            "count": int(first.size),
            "detail": describe(np.argsort(-overlap_m2)),
        }
    )
    return out


def repair_geometries(frame: gpd.GeoDataFrame, layer: str, report: list[dict]) -> gpd.GeoDataFrame:
    """Repair invalid geometries (counted) and drop empty ones (counted)."""
    if frame.empty:
        return frame
    geometry = frame.geometry.values
    missing = shapely.is_missing(geometry) | shapely.is_empty(geometry)
    invalid = ~missing & ~shapely.is_valid(geometry)
    if invalid.any():
        ids = frame.iloc[np.flatnonzero(invalid)[:5], 0].astype(str).tolist()
        repaired = shapely.make_valid(geometry[invalid])
        frame = frame.copy()
        frame.loc[frame.index[invalid], frame.geometry.name] = repaired
        report.append(
            {
                "layer": layer,
                "issue": "invalid geometries repaired (shapely.make_valid)",
                "count": int(invalid.sum()),
                "detail": f"first ids: {ids}",
            }
        )
    if missing.any():
        report.append(
            {
                "layer": layer,
                "issue": "empty geometries dropped",
                "count": int(missing.sum()),
                "detail": "",
            }
        )
        frame = frame[~missing]
    return frame


def _with_schema(frame: gpd.GeoDataFrame, layer: str, crs) -> gpd.GeoDataFrame:
    if frame is None or frame.empty:
        return empty_layer(layer, crs)
    out = frame.copy()
    for column in LAYER_COLUMNS[layer]:
        if column not in out:
            out[column] = None
    return out.reset_index(drop=True)


def _concat(frames: list[gpd.GeoDataFrame], crs) -> gpd.GeoDataFrame | None:
    frames = [f.to_crs(crs) for f in frames if f is not None and not f.empty]
    if not frames:
        return None
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=crs)


def assemble_layerset(
    raws: Sequence[RawLayers],
    boundary: gpd.GeoDataFrame | None,
    halo_m: float,
    extra_facilities: gpd.GeoDataFrame | None = None,
    replace_categories: Sequence[str] = (),
    candidates: gpd.GeoDataFrame | None = None,
    buildings: gpd.GeoDataFrame | None = None,
    crs: str | None = None,
    within: shapely.Geometry | None = None,
) -> LayerSet:
    """Clip, project and merge source layers into a LayerSet.

    Parameters
    ----------
    raws : sequence of RawLayers
        What the readers returned (OSM, Geofabrik, osmnx...).
    boundary : GeoDataFrame or None
        Study-area units (any CRS); None takes the extent of the roads.
    halo_m : float
        Metres around the study area within which roads, facilities, water
        and railways are kept (largest threshold plus the snap limit).
    extra_facilities : GeoDataFrame, optional
        The planner's own facility list (with ``category`` set).
    replace_categories : sequence of str
        Categories for which source facilities are dropped in favour of
        ``extra_facilities``.
    candidates, buildings : GeoDataFrame, optional
        The planner's own candidate sites or buildings (replace source buildings).
    crs : str, optional
        The metric CRS to work in (default: the UTM zone of the study area's centre).
    within : shapely geometry, optional
        In ``crs``: keep only features that also meet this region (the halo of a
        larger area this study area is one unit of, in ``lifecircle batch``).

    Raises
    ------
    LifecircleError
        When the study area holds no walkable roads.
    """
    report: list[dict] = [entry for raw in raws for entry in raw.report]
    road_frames = [raw.roads for raw in raws]
    if boundary is None:
        roads_wgs = _concat(road_frames, WGS84)
        if roads_wgs is None:
            raise LifecircleError(
                "The inputs hold no roads, so there is no walk network.",
                where=", ".join(raw.source for raw in raws) or "inputs",
                fix="Give an OSM extract with highway ways (--osm) or a road line layer.",
            )
        boundary = roads_boundary(roads_wgs, ", ".join(raw.source for raw in raws))
    boundary_wgs = boundary.to_crs(WGS84)
    check_study_area_size(boundary_wgs.total_bounds, where="study area boundary (W,S,E,N)")
    centre = boundary_wgs.geometry.union_all().centroid
    crs = pyproj.CRS(crs) if crs is not None else local_metric_crs(centre.x, centre.y)
    boundary_m = repair_geometries(boundary.to_crs(crs), "boundary", report)
    boundary_m = trim_unit_overlaps(boundary_m, report)
    area = boundary_m.geometry.union_all()
    halo = area.buffer(halo_m)
    outer = within

    def clip(frames: list[gpd.GeoDataFrame], layer: str, region) -> gpd.GeoDataFrame:
        merged = _concat(frames, crs)
        if merged is None:
            return empty_layer(layer, crs)
        merged = _first_of_each_id(merged, layer, report)
        merged = repair_geometries(merged, layer, report)
        idx = merged.sindex.query(region, predicate="intersects")
        if outer is not None and region is halo:
            # a feature the whole area's run keeps meets its halo, whichever part it meets
            idx = idx[shapely.intersects(merged.geometry.values[idx], outer)]
        return _with_schema(merged.iloc[np.sort(idx)], layer, crs)

    roads = clip(road_frames, "roads", halo)
    if roads.empty or not roads.intersects(area).any():
        raise LifecircleError(
            "The study area holds no roads, so nobody can walk anywhere.",
            where="study area bounds (W,S,E,N) "
            f"{tuple(round(float(v), 5) for v in boundary_wgs.total_bounds)}",
            fix="Check that the bounding box or boundary lies inside the extract (lon first, "
            "then lat), or use an extract that covers the area.",
        )
    water = clip([raw.water for raw in raws], "water", halo)
    railways = clip([raw.railways for raw in raws], "railways", halo)
    source_buildings = [buildings] if buildings is not None else [raw.buildings for raw in raws]
    building_layer = _buildings_inside(clip(source_buildings, "buildings", area), area, report)
    facility_frames = [raw.facilities for raw in raws]
    facilities = clip(facility_frames, "facilities", halo)
    if extra_facilities is not None and not extra_facilities.empty:
        _refuse_clashing_planner_ids(extra_facilities)
        _report_planner_outside(extra_facilities.to_crs(crs), area, halo, halo_m, report, outer)
        planner = clip([extra_facilities], "facilities", halo)
        facilities = _with_schema(
            gpd.GeoDataFrame(pd.concat([facilities, planner], ignore_index=True), crs=crs),
            "facilities",
            crs,
        )
    facilities = _first_of_each_id(facilities, "facilities", report).reset_index(drop=True)
    candidate_layer = None
    if candidates is not None:
        candidate_layer = clip([candidates], "candidates", area)

    layerset = LayerSet(
        crs=crs,
        boundary=_with_schema(boundary_m, "boundary", crs),
        roads=roads,
        buildings=building_layer,
        water=water,
        railways=railways,
        facilities=facilities,
        candidates=candidate_layer,
        meta={
            "source": "; ".join(raw.source for raw in raws),
            "attribution": "; ".join(sorted({raw.attribution for raw in raws if raw.attribution})),
            "synthetic": False,
            "report": report,
            "halo_m": halo_m,
            # applied after classification, when source facilities have categories
            "replace_categories": sorted(set(replace_categories)),
        },
    )
    return layerset


def _refuse_clashing_planner_ids(planner: gpd.GeoDataFrame) -> None:
    """Planner ids are namespaced by file name; two lists with one file name still clash."""
    ids = planner["facility_id"].astype(str)
    clash = ids.duplicated(keep=False)
    if clash.any():
        sources = sorted(set(planner.loc[clash, "source"].astype(str)))
        raise LifecircleError(
            f"Two facility lists give the same facility ids {sorted(set(ids[clash]))[:5]}, "
            "so one would hide the other.",
            where=", ".join(sources),
            fix="Rename one of the files (ids are prefixed with the file name), or map a "
            "facility_id column whose values differ between the lists.",
        )


def _report_planner_outside(
    planner: gpd.GeoDataFrame,
    area: shapely.Geometry,
    halo: shapely.Geometry,
    halo_m: float,
    report: list[dict],
    outer: shapely.Geometry | None = None,
) -> None:
    """Report the planner's facilities that lie outside the study area (dropped beyond the halo).

    With ``outer`` (one unit of a batch: the whole area's halo), a facility beyond the
    unit's halo but within ``outer`` is another unit's and is not reported.
    """
    points = planner.geometry.values
    beyond = ~shapely.intersects(halo, points)
    if outer is not None:
        beyond &= ~shapely.intersects(outer, points)
    in_halo = ~beyond & ~shapely.intersects(area, points)
    for mask, issue in (
        (beyond, f"planner facilities beyond the study area and its {halo_m:g} m halo (not used)"),
        (in_halo, "planner facilities outside the study area, within the halo (used)"),
    ):
        if mask.any():
            rows = planner[mask]
            report.append(
                {
                    "layer": "facilities",
                    "issue": issue,
                    "count": int(mask.sum()),
                    "detail": "; ".join(
                        f"{fid} {name if isinstance(name, str) else ''}".strip()
                        for fid, name in zip(rows["facility_id"], rows["name"], strict=True)
                    ),
                }
            )


def _first_of_each_id(frame: gpd.GeoDataFrame, layer: str, report: list[dict]) -> gpd.GeoDataFrame:
    """Keep the first row of each id: an OSM extract and its Geofabrik shapefiles share ids.

    Sources are read OSM first, so a road keeps its OSM node ids (grade separation).
    """
    id_column = LAYER_COLUMNS[layer][0]
    if id_column not in frame or frame.empty:
        return frame
    repeated = frame[id_column].notna() & frame[id_column].duplicated()
    if repeated.any():
        report.append(
            {
                "layer": layer,
                "issue": "the same feature in two sources (kept once)",
                "count": int(repeated.sum()),
                "detail": ", ".join(frame.loc[repeated, id_column].astype(str).head(10)),
            }
        )
    return frame[~repeated]


def _buildings_inside(
    buildings: gpd.GeoDataFrame, area: shapely.Geometry, report: list[dict]
) -> gpd.GeoDataFrame:
    """Keep a building only if it stands inside the area.

    A building counts where a point on its footprint lies, so one that straddles the
    boundary is inside or outside, never both, and always belongs to a sub-unit.
    """
    if buildings.empty:
        return buildings
    inside = shapely.contains_xy(
        area, *shapely.get_coordinates(buildings.geometry.representative_point().values).T
    )
    return buildings[inside].reset_index(drop=True)
