"""Which water and railway features of a LayerSet stop a walker.

A snap connector may not cross them (:mod:`lifecircle.spatial.barriers`), and the
maps draw the railways among them as 铁路 barriers. The rules:

* every water area (polygon) is a barrier;
* a water line is a barrier when it is a river or a canal, or of unknown class (a
  planner's own water lines), and not in a tunnel (a culvert). Streams, drains and
  ditches are not: they are narrow, and often culverted without a tag;
* a railway line is a barrier when it runs at the surface: not in a tunnel, not on
  a bridge, and not a tram (trams run in streets people cross) or a monorail (on
  pillars). A railway without ``tunnel``/``bridge`` columns counts as surface;
* a railway station is where people cross the tracks: railways do not bar it
  (:func:`railway_stations`), water still does.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from lifecircle.layers.classify import parse_tags
from lifecircle.layers.layerset import LayerSet
from lifecircle.spatial.barriers import Barriers, make_barriers

__all__ = [
    "BARRIER_WATERWAYS",
    "NON_BARRIER_RAILWAYS",
    "RAILWAY_STATION_TAGS",
    "barrier_railways",
    "barrier_water",
    "railway_stations",
    "walk_barriers",
]

#: Waterway classes (OSM ``waterway``, Geofabrik ``fclass``) that are barriers.
BARRIER_WATERWAYS = frozenset({"river", "canal"})

#: Railway kinds that are never barriers, even at the surface.
NON_BARRIER_RAILWAYS = frozenset({"tram", "monorail"})

#: Facility tags of a railway station (OSM ``railway``, Geofabrik ``fclass``).
RAILWAY_STATION_TAGS = {
    "railway": frozenset({"station", "halt"}),
    "fclass": frozenset({"railway_station", "railway_halt"}),
}

_AREA_TYPES = (3, 6)  # Polygon, MultiPolygon
_LINE_TYPES = (1, 2, 5)  # LineString, LinearRing, MultiLineString
_FALSE_TEXT = frozenset({"", "no", "false", "f", "0", "nan", "none", "<na>"})


def _flag(frame: gpd.GeoDataFrame, column: str) -> np.ndarray:
    """A yes/no column as bool: True, "T", "yes", "viaduct"... are True; absent is False."""
    if column not in frame:
        return np.zeros(len(frame), dtype=bool)
    values = frame[column]
    if pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype=bool)
    text = values.astype(str).str.strip().str.lower()
    return ~text.isin(_FALSE_TEXT).to_numpy() & values.notna().to_numpy()


def barrier_railways(railways: gpd.GeoDataFrame) -> np.ndarray:
    """(k,) bool: the railway line runs at the surface and so bars walkers.

    Parameters
    ----------
    railways : GeoDataFrame
        The ``railways`` layer; ``kind``, ``tunnel`` and ``bridge`` are read when
        present.
    """
    kind = railways["kind"] if "kind" in railways else pd.Series("", index=railways.index)
    surface = ~(_flag(railways, "tunnel") | _flag(railways, "bridge"))
    is_line = np.isin(shapely.get_type_id(railways.geometry.values), _LINE_TYPES)
    return is_line & surface & ~kind.astype(str).isin(NON_BARRIER_RAILWAYS).to_numpy()


def barrier_water(water: gpd.GeoDataFrame) -> np.ndarray:
    """(k,) bool: the water feature bars walkers (areas; rivers and canals not culverted).

    Parameters
    ----------
    water : GeoDataFrame
        The ``water`` layer; ``fclass`` and ``tunnel`` of lines are read when present.
    """
    type_id = shapely.get_type_id(water.geometry.values)
    is_area = np.isin(type_id, _AREA_TYPES)
    is_line = np.isin(type_id, _LINE_TYPES)
    if "fclass" in water:
        fclass = water["fclass"]
        known = fclass.notna().to_numpy()
        river = fclass.astype(str).str.strip().str.lower().isin(BARRIER_WATERWAYS).to_numpy()
        line_bars = (river | ~known) & ~_flag(water, "tunnel")
    else:
        line_bars = ~_flag(water, "tunnel")
    return is_area | (is_line & line_bars)


def railway_stations(facilities: gpd.GeoDataFrame) -> np.ndarray:
    """(k,) bool: the facility is a railway station, which the railway does not bar.

    Parameters
    ----------
    facilities : GeoDataFrame
        The ``facilities`` layer; its ``tags`` (JSON text) are read when present.
    """
    if "tags" not in facilities or facilities.empty:
        return np.zeros(len(facilities), dtype=bool)
    tags = facilities["tags"].map(parse_tags)
    return tags.map(
        lambda t: any(t.get(key) in values for key, values in RAILWAY_STATION_TAGS.items())
    ).to_numpy(dtype=bool)


def walk_barriers(layerset: LayerSet, railways: bool = True) -> Barriers:
    """The water and surface railways of a LayerSet that a snap connector may not cross.

    Parameters
    ----------
    layerset : LayerSet
    railways : bool, default True
        False leaves the railways out (for railway stations).
    """
    parts = [layerset.water.geometry.values[barrier_water(layerset.water)]]
    if railways:
        parts.append(layerset.railways.geometry.values[barrier_railways(layerset.railways)])
    return make_barriers(np.concatenate([np.asarray(part, dtype=object) for part in parts]))
