"""The embedded synthetic demo sub-district: 示范街道（合成数据）.

:func:`build_demo_layerset` draws a realistic but **invented** Shanghai
sub-district by code: the same seed gives the same layers, coordinate for
coordinate. It is not a copy of any real street plan. It lies in EPSG:32651
(UTM 51N) around lon 121.44°, lat 31.33° (the Baoshan/Zhangmiao latitude) so
that maps render at a plausible place, and every layer and the ``meta`` dict
say that it is synthetic.

What is in it
-------------
- **Extent**: 3.0 km (east–west) × 2.0 km (north–south), five 居委
  (residential committees) tiling it along the river, the railway and 示范大道.
- **Roads**: a 250–320 m street grid (primary, secondary, tertiary and
  residential streets with invented names), service roads along the rail
  corridor, riverside footways and estate lanes plus a footway in every gap
  between building columns (so homes are a few tens of metres from a path). No ``vertex_ids``:
  the graph builder nodes the lines.
- **River 示范浜（合成）**: 50 m wide, east–west. Streets stop 10 m short of
  the banks, except three bridges (通河路, 示范大道, 铁东路).
- **Railway 示范铁路（合成，示意）**: roughly north–south east of the centre.
  Streets stop 20 m short of it, except two crossings: 示范一路 passes over it
  on a flyover (``layer=1``, which also passes over 铁西路 and both rail
  service roads without a junction) and 示范四路 passes under it
  (``layer=-1``). Both crossing sections share their end coordinates with the
  ``layer=0`` street on either side.
- **Buildings**: 6-storey walk-up slabs (老公房, 60 × 12 m) and 18-storey
  towers (30 × 25 m) in estates, plus shops, offices, works and public
  buildings; about 2.1 million m² of residential floor area, about 60,000
  residents at 35 m² per person. ``residents``, ``elderly`` and ``children``
  are NaN: population is estimated later. Extra column ``estate`` (estate
  name, None for non-residential buildings).
- **Boundary** extra columns ``elderly_share`` (share of residents aged 60+,
  0.40–0.52, about 0.48 population-weighted, as in Zhangmiao) and
  ``children_share`` (0–14, about 0.08).
- **Facilities** (145): 5 居委会 + 18 家门口服务站, 10 幼儿园 + 6 托育点,
  7 primary and 4 middle schools, 1 health centre + 5 stations, 8 markets,
  5 culture points, 1 受理服务中心 + 2 便民服务中心, 3 parks + 18 pocket parks
  (口袋公园/街心花园, 2,000–8,000 m²), 16 bus stops + 1 metro station, 10
  fitness sites (7 stations, a court, a sports centre, a trail), 2 综合为老服务中心,
  8 日间照料中心 (350–450 m²), 4 长者照护之家
  (≤49 beds, 1,100–1,600 m²) and 11 长者食堂/助餐点. Measured with the
  Shanghai profile: life circle complete for about 28 % (mean score 0.78),
  every life-circle category 0.6–0.96 except markets (0.70, gap 2).
  Points with OSM-like ``tags`` (JSON text), ``category``
  None, ``source="demo"``; see :mod:`lifecircle.layers.demo.facilities` for the units of
  ``capacity``, ``floor_area_m2`` and the extra column ``site_area_m2`` (m² of
  open-air sports ground or park; trail length × 3 m for the fitness trail).
- **Candidates**: 14 vacant plots and green-edge plots, extra columns
  ``name``, ``kind`` and ``site_area_m2``.

Deliberate gaps, for a planner to find
--------------------------------------
1. No 日间照料中心 and no 长者食堂/助餐点 north of the river (通河一村 and
   宝翔苑 committees).
2. The 宝翔苑 committee (north of the river, east of the railway) has no
   菜市场 or 生鲜超市: every one is at least 600 m away in a straight line,
   so none is within 10 minutes' walk.
3. The fitness stations cluster west of the railway. The 东苑 tower estate in
   the south-east corner has no fitness facility of any kind (station, court,
   sports centre, park or trail) within 600 m in a straight line, so none
   within 10 minutes at 1.0 m/s; the rest of the 铁东新村 committee (south of
   the river, east of the railway) has none within 10 minutes either.
4. Both 综合为老服务中心 are more than 720 m in a straight line from the
   railway, so everything east of the railway is outside 15 minutes at an
   older person's 0.8 m/s.
5. Beds: 151 care beds (four 长者照护之家) against roughly 29,000 residents
   aged 60+ (about 0.5 %, far below the 2.5–3.5 % Shanghai bed ratios).
6. Care floor area: about 190 m² per 1,000 residents. Reaching the required
   day-care and meal-point shares (5 minutes = 240 m at 0.8 m/s) takes 8 day-care
   centres and 11 meal points, so the 40/50 m² targets are met several times
   over; a 40–50 m² figure is not reachable together with those shares at
   realistic floor areas.

Candidate sites lie in gaps 1–4 as well as elsewhere.
"""

from __future__ import annotations

import json
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point, box

from lifecircle.layers.demo import layout
from lifecircle.layers.demo.facilities import CANDIDATES, FACILITIES
from lifecircle.layers.demo.roads import RoadRows, build_roads
from lifecircle.layers.layerset import LayerSet
from lifecircle.spatial.errors import LifecircleError

DEFAULT_SEED = 20201028
CRS = "EPSG:32651"
# UTM 51N coordinates (m) of the local origin (the district's south-west
# corner): the district centre (1500, 1000) lands at lon 121.44°, lat 31.33°.
# Whole metres, so shifting keeps shared coordinates exactly shared.
ORIGIN_E = 350_080.0
ORIGIN_N = 3_466_226.0

NAME_ZH = "示范街道（合成数据）"
NAME_EN = "Demo sub-district (synthetic data)"
SOURCE = "lifecircle synthetic demo district (not a real place)"
ATTRIBUTION_ZH = "合成示范数据，非真实地点"
ATTRIBUTION_EN = "Synthetic demo data — not a real place"
ATTRIBUTION = f"{ATTRIBUTION_EN} / {ATTRIBUTION_ZH}"  # summary.json; outputs show one language
FACILITY_SOURCE = "demo"
METRES_PER_LEVEL = 3.0
FACILITY_PLOT_MARGIN_M = 8.0  # estate buildings keep this far from a facility's own building

# (name, English name, share aged 60+, share aged 0–14), in the order of
# layout.unit_polygons(): north-west, north-east, south-west, south-centre, south-east.
UNITS: tuple[tuple[str, str, float, float], ...] = (
    ("通河一村居委（合成）", "Tonghe No.1 Village RC (synthetic)", 0.52, 0.07),
    ("宝翔苑居委（合成）", "Baoxiang Garden RC (synthetic)", 0.40, 0.10),
    ("育才居委（合成）", "Yucai RC (synthetic)", 0.52, 0.07),
    ("共和新村居委（合成）", "Gonghe New Village RC (synthetic)", 0.45, 0.08),
    ("铁东新村居委（合成）", "Tiedong New Village RC (synthetic)", 0.40, 0.10),
)


def _shift(geoms: np.ndarray) -> np.ndarray:
    """Move local-frame geometries (m) into EPSG:32651."""
    return shapely.transform(geoms, lambda xy: xy + np.array([ORIGIN_E, ORIGIN_N]))


def _frame(columns: dict, geoms: list | np.ndarray) -> gpd.GeoDataFrame:
    """A GeoDataFrame in EPSG:32651 from local-frame geometries."""
    shifted = _shift(np.asarray(geoms, dtype=object))
    return gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries(shifted, crs=CRS), crs=CRS)


def _nan(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _facility_buildings() -> tuple[list, list[str], list[int]]:
    """Footprints (m, local), uses and storeys of the facilities' own buildings."""
    polygons, uses, levels = [], [], []
    for fac in FACILITIES:
        if fac.building is None:
            continue
        width, depth, storeys, use = fac.building
        polygons.append(
            box(fac.x - width / 2, fac.y - depth / 2, fac.x + width / 2, fac.y + depth / 2)
        )
        uses.append(use)
        levels.append(storeys)
    return polygons, uses, levels


def _buildings(cells: list[dict], roads: RoadRows, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Estate and non-residential buildings, then the facilities' own buildings."""
    fac_polys, fac_uses, fac_levels = _facility_buildings()
    occupied = [p.buffer(FACILITY_PLOT_MARGIN_M) for p in fac_polys]
    drawn = layout.building_footprints(cells, rng)
    keep = layout.keep_clear(drawn["geometry"], roads, occupied)
    kinds = drawn["kind"][keep]
    polygons = np.concatenate([drawn["geometry"][keep], np.array(fac_polys, dtype=object)])
    levels = np.array([layout.BUILDING_TYPES[k].levels for k in kinds] + fac_levels)
    uses = [layout.BUILDING_TYPES[k].use for k in kinds] + fac_uses
    estates = list(drawn["estate"][keep]) + [None] * len(fac_polys)
    footprint = np.round(shapely.area(polygons), 2)
    n = len(polygons)
    return _frame(
        {
            "building_id": [f"demo-b-{i:04d}" for i in range(1, n + 1)],
            "use": uses,
            "levels": levels.astype(int),
            "height_m": levels * METRES_PER_LEVEL,
            "footprint_m2": footprint,
            "floor_area_m2": footprint * levels,
            "residents": np.full(n, np.nan),
            "elderly": np.full(n, np.nan),
            "children": np.full(n, np.nan),
            "estate": estates,
        },
        polygons,
    )


def _roads(roads: RoadRows) -> gpd.GeoDataFrame:
    n = len(roads.geometry)
    return _frame(
        {
            "road_id": [f"demo-r-{i:04d}" for i in range(1, n + 1)],
            "highway": roads.highway,
            "name": roads.name,
            "foot": roads.foot,
            "layer": np.array(roads.layer, dtype=int),
        },
        roads.geometry,
    )


def _park_site_area(x: float, y: float, cells: list[dict]) -> float:
    """Area (m²) of the park cell containing (x, y), inside the street setback."""
    for cell in cells:
        x0, x1, y0, y1 = cell["bounds"]
        if cell["kind"] == "P" and x0 < x < x1 and y0 < y < y1:
            s = layout.CELL_SETBACK_M
            return (x1 - x0 - 2 * s) * (y1 - y0 - 2 * s)
    raise LifecircleError(
        f"Demo park at ({x}, {y}) is not inside a park cell.",
        where="layers/demo_facilities.py",
        fix="Move it into a 'P' cell.",
    )


def _facilities(cells: list[dict]) -> gpd.GeoDataFrame:
    site_area = [
        _park_site_area(f.x, f.y, cells)
        if f.tags.get("leisure") == "park" and f.site_area_m2 is None
        else _nan(f.site_area_m2)
        for f in FACILITIES
    ]
    return _frame(
        {
            "facility_id": [f"demo-f-{i:03d}" for i in range(1, len(FACILITIES) + 1)],
            "category": pd.Series([None] * len(FACILITIES), dtype=object),
            "name": [f.name for f in FACILITIES],
            "capacity": [_nan(f.capacity) for f in FACILITIES],
            "floor_area_m2": [_nan(f.floor_area_m2) for f in FACILITIES],
            "source": FACILITY_SOURCE,
            "tags": [json.dumps(f.tags, ensure_ascii=False, sort_keys=True) for f in FACILITIES],
            "site_area_m2": site_area,
        },
        [Point(f.x, f.y) for f in FACILITIES],
    )


def _boundary() -> gpd.GeoDataFrame:
    return _frame(
        {
            "unit_id": [f"demo-u-{i}" for i in range(1, len(UNITS) + 1)],
            "name": [u[0] for u in UNITS],
            "name_en": [u[1] for u in UNITS],
            "elderly_share": [u[2] for u in UNITS],
            "children_share": [u[3] for u in UNITS],
        },
        layout.unit_polygons(),
    )


def _water() -> gpd.GeoDataFrame:
    return _frame(
        {
            "water_id": ["demo-w-1", "demo-w-2"],
            "kind": ["river", "waterway"],
            "name": [layout.RIVER_NAME, layout.RIVER_NAME],
        },
        [layout.river_polygon(), layout.river_centre_line()],
    )


def _railways() -> gpd.GeoDataFrame:
    return _frame(
        {"railway_id": ["demo-rail-1"], "kind": ["rail"], "name": [layout.RAIL_NAME]},
        [layout.rail_line()],
    )


def _candidates() -> gpd.GeoDataFrame:
    return _frame(
        {
            "candidate_id": [f"demo-c-{i:02d}" for i in range(1, len(CANDIDATES) + 1)],
            "name": [c.name for c in CANDIDATES],
            "kind": [c.kind for c in CANDIDATES],
            "site_area_m2": [c.site_area_m2 for c in CANDIDATES],
        },
        [Point(c.x, c.y) for c in CANDIDATES],
    )


def build_demo_layerset(seed: int = DEFAULT_SEED) -> LayerSet:
    """Build the synthetic demo sub-district 示范街道（合成数据）.

    Parameters
    ----------
    seed : int, default 20201028
        Seeds the only random part: each estate building is shifted by up to
        1.5 m and about 5 % of residential plots are left unbuilt. The street
        plan, river, railway, facilities and candidates do not depend on it.
        The same seed gives identical layers, coordinate for coordinate.

    Returns
    -------
    LayerSet
        In EPSG:32651 (metres). ``demand`` is empty (it is built later from
        the buildings); ``meta`` has ``synthetic=True``, ``source``,
        ``attribution``, ``name`` and ``seed``.

    Raises
    ------
    LifecircleError
        If ``seed`` is not a non-negative integer.
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise LifecircleError(
            f"The demo district seed must be a non-negative integer, got {seed!r}.",
            where="build_demo_layerset(seed=...)",
            fix=f"Pass an integer such as {DEFAULT_SEED}, or leave it out.",
        )
    rng = np.random.default_rng(int(seed))
    cells = layout.grid_cells()
    roads = build_roads(cells)
    return LayerSet(
        crs=CRS,
        boundary=_boundary(),
        roads=_roads(roads),
        buildings=_buildings(cells, roads, rng),
        water=_water(),
        railways=_railways(),
        facilities=_facilities(cells),
        candidates=_candidates(),
        meta={
            "name": f"{NAME_ZH}/ {NAME_EN}",
            "name_zh": NAME_ZH,
            "name_en": NAME_EN,
            "synthetic": True,
            "source": SOURCE,
            "attribution": ATTRIBUTION,
            "attribution_zh": ATTRIBUTION_ZH,
            "attribution_en": ATTRIBUTION_EN,
            "seed": int(seed),
            "report": [],
        },
    )
