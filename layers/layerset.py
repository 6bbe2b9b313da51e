"""The normalized set of input layers every analysis starts from.

A :class:`LayerSet` holds GeoDataFrames in one metric CRS. Readers in this
package (OSM, Geofabrik, the planner's own files, the demo district) produce
one; :func:`lifecircle.layers.prepare.prepare_layerset` then classifies facilities,
estimates population and builds demand points.

Column schema (units in the names, ids are strings and stable):

``boundary``
    ``unit_id``, ``name``, ``name_en``, polygon geometry. One row per named
    sub-unit (residential area, 居委); the study area is their union.
``buildings``
    ``building_id``, ``use`` (``residential``, ``yes`` for untyped, or another
    OSM building value), ``levels``, ``height_m``, ``footprint_m2``,
    ``floor_area_m2``, ``residents``, ``elderly``, ``children``, polygon
    geometry. Optional from OSM: ``tags`` (JSON of the tags that may say the
    use) and ``landuse`` (value of the landuse area around it). After
    preparation: ``housing`` (bool) and ``housing_rule`` (the reason, see
    :mod:`lifecircle.layers.housing`).
``demand``
    ``demand_id``, ``residents``, ``elderly``, ``children``, ``unit_id``,
    ``source`` (``building`` or ``grid``; both when the method is ``mixed``),
    point geometry.
``roads``
    ``road_id``, ``highway``, ``name``, ``foot``, ``layer`` (grade, int),
    line geometry, and optionally ``vertex_ids`` (one integer array per line,
    the topological id of each vertex, for example OSM node ids). Without
    ``vertex_ids`` the lines are noded by the graph builder.
``water``
    ``water_id``, ``kind``, ``name``, polygon or line geometry; lines may carry
    ``fclass`` (river, canal, stream...) and ``tunnel`` (bool, a culvert).
``railways``
    ``railway_id``, ``kind``, ``name``, line geometry, and optionally ``tunnel``
    and ``bridge`` (bool: in a tunnel or on a bridge, so not a barrier to
    walkers; a railway without them is taken to be at the surface).
``facilities``
    ``facility_id``, ``category`` (None until classified), ``name``,
    ``capacity``, ``floor_area_m2``, ``source``, ``tags`` (JSON text),
    point geometry.
``candidates``
    ``candidate_id``, point geometry (optional layer).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import geopandas as gpd
import pandas as pd
import pyproj

from lifecircle.spatial.errors import LifecircleError

LAYER_COLUMNS: dict[str, list[str]] = {
    "boundary": ["unit_id", "name", "name_en"],
    "buildings": [
        "building_id",
        "use",
        "levels",
        "height_m",
        "footprint_m2",
        "floor_area_m2",
        "residents",
        "elderly",
        "children",
    ],
    "demand": ["demand_id", "residents", "elderly", "children", "unit_id", "source"],
    "roads": ["road_id", "highway", "name", "foot", "layer"],
    "water": ["water_id", "kind", "name"],
    "railways": ["railway_id", "kind", "name"],
    "facilities": [
        "facility_id",
        "category",
        "name",
        "capacity",
        "floor_area_m2",
        "source",
        "tags",
    ],
    "candidates": ["candidate_id"],
}

LAYER_NAMES: tuple[str, ...] = tuple(LAYER_COLUMNS)


def empty_layer(name: str, crs: pyproj.CRS | str | None) -> gpd.GeoDataFrame:
    """Return an empty GeoDataFrame with the schema columns of layer ``name``."""
    return gpd.GeoDataFrame(
        {column: pd.Series(dtype="object") for column in LAYER_COLUMNS[name]},
        geometry=gpd.GeoSeries([], crs=crs),
        crs=crs,
    )


@dataclass
class LayerSet:
    """All input layers of one study area, in one metric CRS.

    Attributes
    ----------
    crs : pyproj.CRS
        The projected CRS every layer is in (units: metres).
    boundary, buildings, demand, roads, water, railways, facilities : GeoDataFrame
        See the module docstring for the columns.
    candidates : GeoDataFrame or None
        Candidate new sites, when the planner supplies them.
    meta : dict
        ``source`` (what was read), ``synthetic`` (bool), ``attribution``
        (text every map must show) and ``report``: a list of dicts, one per
        thing dropped, repaired or missing, so nothing is silently lost.
    """

    crs: pyproj.CRS
    boundary: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame = None  # type: ignore[assignment]
    demand: gpd.GeoDataFrame = None  # type: ignore[assignment]
    water: gpd.GeoDataFrame = None  # type: ignore[assignment]
    railways: gpd.GeoDataFrame = None  # type: ignore[assignment]
    facilities: gpd.GeoDataFrame = None  # type: ignore[assignment]
    candidates: gpd.GeoDataFrame | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.crs = pyproj.CRS.from_user_input(self.crs)
        if not self.crs.is_projected:
            raise LifecircleError(
                f"A LayerSet needs a projected (metric) CRS, got {self.crs.name}.",
                fix="Reproject with spatial.crs.local_metric_crs() before building the LayerSet.",
            )
        for name in LAYER_NAMES:
            layer = getattr(self, name)
            if layer is None:
                if name != "candidates":
                    setattr(self, name, empty_layer(name, self.crs))
                continue
            if layer.crs is None or not pyproj.CRS.from_user_input(layer.crs).equals(self.crs):
                raise LifecircleError(
                    f"Layer '{name}' is in {layer.crs}, not in the LayerSet CRS {self.crs.name}.",
                    where=f"layer {name}",
                    fix="Reproject every layer with .to_crs(layerset.crs) first.",
                )
        self.meta.setdefault("report", [])
        self.meta.setdefault("synthetic", False)
        self.meta.setdefault("attribution", "")

    def report(
        self,
        layer: str,
        issue: str,
        count: int,
        detail: str = "",
        *,
        issue_zh: str | None = None,
        detail_zh: str | None = None,
    ) -> None:
        """Record something dropped, repaired or missing, for the run summary.

        ``issue`` and ``detail`` are English and stable (scripts match them);
        ``issue_zh`` and ``detail_zh`` give the Chinese where the message
        catalogue (:mod:`lifecircle.spatial.messages_zh`, used by
        :mod:`lifecircle.layers.input_report`) cannot make it from the English.
        """
        entry: dict[str, Any] = {
            "layer": layer, "issue": issue, "count": int(count), "detail": detail
        }
        if issue_zh:
            entry["issue_zh"] = issue_zh
        if detail_zh:
            entry["detail_zh"] = detail_zh
        self.meta["report"].append(entry)

    def with_layers(self, **layers: gpd.GeoDataFrame) -> LayerSet:
        """Return a copy with some layers replaced (meta is shared)."""
        return replace(self, **layers)

    @property
    def study_area(self):
        """The union of the boundary units, as one shapely geometry (metres)."""
        return self.boundary.geometry.union_all()

    def counts(self) -> dict[str, int]:
        """Number of rows per layer, for progress lines and the summary."""
        return {
            name: (0 if getattr(self, name) is None else len(getattr(self, name)))
            for name in LAYER_NAMES
        }
