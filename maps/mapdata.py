"""What each map shows: its categories, demand layers and class schemes, as data.

Everything here is computed from a :class:`~analyses.subdistrict.RunFrames`
in Python, once: display-ready frames (WGS84 or GCJ-02, simplified), the
feature collections the page embeds (``*_collection``, in the compact form of
:mod:`lifecircle.maps.compact`; ``compact.decode_collection`` reads one as
GeoJSON), and the class breaks the page, the legend and the static maps share.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from lifecircle.analyses.subdistrict import RunFrames
from lifecircle.layers.barriers import barrier_railways
from lifecircle.maps import compact, geojson
from lifecircle.maps.aggregate import aggregate_to_hexagons, hex_size_for
from lifecircle.maps.basemaps import needs_gcj02
from lifecircle.maps.labels import category_name, circle_name, no_data_label, t
from lifecircle.maps.options import MapOptions
from lifecircle.maps.style import (
    Classes,
    Symbol,
    category_symbols,
    minute_classes,
    missing_classes,
    sfca_classes,
)
from lifecircle.standards.profile import Profile

MAP_KINDS: tuple[str, ...] = ("life_circle", "fitness_circle", "care_coverage")
# Display tolerances (m), each under 1 % of its layer's area (tests/test_map_payload.py).
AREA_SIMPLIFY_M = 5.0  # service areas: 0.5 % on the demo and the central box
# Gap zones are traced smooth (spatial/disc_union.py): at 2 m Douglas-Peucker cuts
# 1.7 % of the demo's gap area off the arcs; 1 m stays under 1 %.
GAP_SIMPLIFY_M = 1.0
CONTEXT_SIMPLIFY_M = 1.5  # boundary, water, railways: about one screen pixel at zoom 16
# A detail page shows its unit and this much around it (m), or a quarter of the
# unit's width or height when that is more; everything else is left out.
DETAIL_MARGIN_M = 300.0


@dataclass(frozen=True)
class Window:
    """What a per-unit detail page embeds, in display degrees.

    Attributes
    ----------
    box : shapely.Polygon
        The unit's bounds plus the margin, on the coordinate grid: every layer
        is clipped to it, and points outside it are left out.
    unit : shapely.Geometry
        The unit itself: service areas and gap zones that do not reach it are
        left out even when they reach the box.
    """

    box: shapely.Geometry
    unit: shapely.Geometry


@dataclass(frozen=True)
class DemandLayer:
    """One way of colouring demand: a property and its classes."""

    key: str
    name: str
    prop: str
    classes: Classes
    show: bool


@dataclass(frozen=True)
class SitesOverlay:
    """Recommended or proposed sites for ``maps/sites.html``.

    Attributes
    ----------
    sites : GeoDataFrame
        Points with ``site_id``, ``rank``, ``category``, ``new_residents_covered``,
        ``new_elderly_covered``, ``cumulative_share`` (any CRS).
    service_areas : GeoDataFrame, optional
        Network service-area polygons of the sites (``site_id``, ``category``).
    newly_covered : GeoDataFrame, optional
        Demand points the sites newly cover (``demand_id``, ``residents``,
        ``elderly``).
    circle : str
        Which circle's demand layers the page shows underneath
        (``life_circle``, ``fitness_circle`` or ``care_coverage``).
    """

    sites: gpd.GeoDataFrame
    service_areas: gpd.GeoDataFrame | None = None
    newly_covered: gpd.GeoDataFrame | None = None
    circle: str = "life_circle"


@dataclass
class MapContext:
    """Inputs shared by all maps of one run (display frames are computed once)."""

    results: RunFrames
    options: MapOptions
    basemap: str
    gcj02: bool
    max_minutes: float
    today: str
    frames: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    window: Window | None = None

    @property
    def lang(self) -> str:
        return self.options.lang

    @property
    def profile(self) -> Profile:
        return self.results.profile

    @property
    def meta(self) -> dict[str, Any]:
        return self.results.layerset.meta

    def display(
        self,
        name: str,
        frame: gpd.GeoDataFrame | Callable[[], gpd.GeoDataFrame],
        simplify_m: float = CONTEXT_SIMPLIFY_M,
        within_unit: bool = False,
        min_hole_m2: float = 0.0,
    ) -> gpd.GeoDataFrame:
        """``frame`` in display coordinates, cached under ``name``, cut to the window.

        Parameters
        ----------
        name : str
            Cache key: the whole layer's display frame is computed once per run
            and shared by the overview and every detail page.
        frame : GeoDataFrame or callable
            The layer in its metric CRS, or a function making it (called only
            when ``name`` is not cached yet).
        simplify_m : float
            Display tolerance in metres.
        within_unit : bool
            On a detail page, keep only the features that reach the unit
            (service areas, gap zones), not all that reach the window.
        min_hole_m2 : float
            Fill polygon holes smaller than this (m²; 0 keeps them).
        """
        if name not in self.frames:
            source = frame() if callable(frame) else frame
            self.frames[name] = geojson.to_display(
                source, gcj02=self.gcj02, simplify_m=simplify_m, min_hole_m2=min_hole_m2
            )
        return self.clip(self.frames[name], within_unit)

    def zones(
        self,
        name: str,
        frame: gpd.GeoDataFrame | Callable[[], gpd.GeoDataFrame],
        simplify_m: float,
        hex_radius_m: float | None = None,
    ) -> gpd.GeoDataFrame:
        """Zones (gap zones, service areas) for display, those that reach the unit.

        Simplified to ``simplify_m`` (m). On a hexagon overview (circumradius
        ``hex_radius_m``, m), holes smaller than one hexagon are also filled: a
        hexagon is the overview's unit of detail, and a city-wide run's zones
        hold one hole per street block. The outlines are not simplified further:
        a tolerance near the hexagon size folds zones of a 40 m radius into
        crossed spikes. Each detail is cached under its own name.
        """
        if not hex_radius_m:
            return self.display(name, frame, simplify_m=simplify_m, within_unit=True)
        return self.display(
            f"{name}@hex{hex_radius_m:g}",
            frame,
            simplify_m=simplify_m,
            within_unit=True,
            min_hole_m2=1.5 * np.sqrt(3.0) * hex_radius_m**2,
        )

    def clip(self, display: gpd.GeoDataFrame, within_unit: bool = False) -> gpd.GeoDataFrame:
        """The part of a display frame inside the detail page's window (all without one).

        Lines and polygons are cut at the window's edge and snapped to the
        coordinate grid again (valid polygons); features outside are left out.
        """
        if self.window is None or display.empty:
            return display
        geoms = np.asarray(display.geometry.array)
        keep = shapely.intersects(geoms, self.window.box)
        if within_unit:
            keep &= shapely.intersects(geoms, self.window.unit)
        inside = display[keep]
        if inside.empty:
            return inside
        cut = geojson.snap_to_grid(shapely.intersection(geoms[keep], self.window.box))
        drawn = ~shapely.is_empty(cut)
        return inside.set_geometry(gpd.GeoSeries(cut, index=inside.index, crs=inside.crs))[drawn]

    def study_name(self) -> str:
        """The study area's name in the map language."""
        meta = self.meta
        key = "name_en" if self.lang == "en" else "name_zh"
        return str(meta.get(key) or meta.get("name") or "")

    def unit_names(self) -> dict[str, str]:
        """unit_id → display name of the sub-units."""
        boundary = self.results.layerset.boundary
        column = "name_en" if self.lang == "en" and "name_en" in boundary else "name"
        if column not in boundary:
            return {}
        names = boundary[column].where(boundary[column].notna(), boundary.get("name"))
        return dict(zip(boundary["unit_id"].astype(str), names.astype(str), strict=True))


def detail_window(ctx: MapContext, focus: gpd.GeoDataFrame) -> Window:
    """The window of a per-unit detail page: the unit's bounds and the margin.

    Parameters
    ----------
    ctx : MapContext
    focus : GeoDataFrame
        The unit's polygon(s) in the metric CRS.
    """
    xmin, ymin, xmax, ymax = focus.total_bounds
    margin = max(DETAIL_MARGIN_M, 0.25 * max(xmax - xmin, ymax - ymin))
    metric_box = shapely.box(xmin - margin, ymin - margin, xmax + margin, ymax + margin)
    corners = gpd.GeoDataFrame(geometry=[metric_box], crs=focus.crs)
    west, south, east, north = geojson.to_display(
        corners, gcj02=ctx.gcj02, simplify_m=0
    ).total_bounds
    step = 10.0**-geojson.COORD_DECIMALS
    box = shapely.box(
        math.floor(west / step) * step,
        math.floor(south / step) * step,
        math.ceil(east / step) * step,
        math.ceil(north / step) * step,
    )
    unit = geojson.to_display(focus, gcj02=ctx.gcj02, simplify_m=0).union_all()
    return Window(box=box, unit=unit)


def make_context(results: RunFrames, options: MapOptions) -> MapContext:
    """Validate options and set up the shared context."""
    options = options.validated()
    basemap = options.effective_basemap
    return MapContext(
        results=results,
        options=options,
        basemap=basemap,
        gcj02=needs_gcj02(basemap),
        # the cap the access table was computed to, not the one asked for
        max_minutes=float(results.access.max_minutes),
        today=date.today().isoformat(),
    )


def map_categories(profile: Profile, kind: str) -> tuple[str, ...]:
    """Category ids a map shows (the circle's categories, in profile order)."""
    circle = profile.circles.get(kind)
    if circle is None:
        return tuple(profile.categories)
    return tuple(c for c in circle.categories if c in profile.categories)


def category_minutes(results: RunFrames, kind: str, category_id: str) -> float:
    """The walking threshold (minutes) a map applies to a category.

    The access table's rule for the category in the map's circle (the fitness
    map judges ``park`` at the fitness circle's minutes), or where it is
    reported when the map is not one of its circles.
    """
    circle = results.profile.circles.get(kind)
    in_circle = circle is not None and category_id in circle.categories
    return results.access.rule(category_id, kind if in_circle else None).threshold_minutes


def missing_minutes_text(ctx: MapContext, category_ids: Sequence[str]) -> str:
    """What a missing minute value of these categories means, in the map language.

    "无数据 / no data" (with the list that would fill it) when none of them has
    data in the input; otherwise "none within N min", N the shortest minutes the
    access table was computed to for them (the clip may censor it below the cap).
    """
    access = ctx.results.access
    with_data = [c for c in category_ids if access.has_data(c)]
    if category_ids and not with_data:
        return no_data_label(ctx.profile, category_ids[0], ctx.lang)
    limit = min((access.limit(c) for c in with_data), default=ctx.max_minutes)
    return t("none_within", ctx.lang, m=f"{limit:g}")


def legend_category_name(ctx: MapContext, category_id: str) -> str:
    """A category's legend name, flagged "无数据 / no data" when the input has none of it."""
    name = category_name(ctx.profile, category_id, ctx.lang)
    if ctx.results.access.has_data(category_id):
        return name
    return f"{name} — {no_data_label(ctx.profile, category_id, ctx.lang)}"


def symbols_for(ctx: MapContext, kind: str) -> dict[str, Symbol]:
    """Marker symbols of the map's categories."""
    return category_symbols(ctx.profile, map_categories(ctx.profile, kind))


def demand_layers(ctx: MapContext, kind: str) -> list[DemandLayer]:
    """The demand colourings of a map; the first shown one is the headline figure."""
    profile, lang = ctx.profile, ctx.lang
    access = ctx.results.access
    cats = map_categories(profile, kind)
    layers: list[DemandLayer] = []
    if kind == "life_circle":
        layers.append(
            DemandLayer(
                "score", t("layer_score", lang), "mis", missing_classes(len(cats), lang), True
            )
        )
    elif kind == "fitness_circle":
        minutes = category_minutes(ctx.results, kind, cats[0]) if cats else ctx.max_minutes
        title = t("layer_fitness", lang)
        limit = min((access.limit(c) for c in cats), default=ctx.max_minutes)
        classes = replace(
            minute_classes(minutes, limit, lang, title),
            null_label=missing_minutes_text(ctx, cats),
        )
        layers.append(DemandLayer("fitness", title, "fm", classes, True))
    elif kind == "care_coverage":
        values = ctx.results.demand.get("care_2sfca", pd.Series(dtype=float)).to_numpy(dtype=float)
        layers.append(
            DemandLayer("sfca", t("layer_2sfca", lang), "s2", sfca_classes(values, lang), True)
        )
    for i, cat in enumerate(cats):
        name = t("layer_minutes", lang, cat=legend_category_name(ctx, cat))
        classes = minute_classes(
            category_minutes(ctx.results, kind, cat),
            access.limit(cat),
            lang,
            category_name(profile, cat, lang),
        )
        classes = replace(classes, null_label=missing_minutes_text(ctx, [cat]))
        layers.append(DemandLayer(f"min_{cat}", name, f"m{i}", classes, False))
    return layers


def _missing_count(values: pd.Series) -> np.ndarray:
    """Categories named in each comma-separated text (counted once per distinct text)."""
    codes, texts = pd.factorize(values.fillna("").astype(str))
    counts = np.array([len([p for p in text.split(",") if p]) for text in texts], dtype=float)
    return counts[codes] if len(codes) else np.zeros(0)


def _minutes_table(results: RunFrames, kind: str, demand: gpd.GeoDataFrame) -> dict:
    profile = results.profile
    out = {}
    for i, cat in enumerate(map_categories(profile, kind)):
        column = f"min_{cat}"
        out[f"m{i}"] = demand[column] if column in demand else pd.Series(np.nan, index=demand.index)
    return out


def demand_frame(
    ctx: MapContext, kind: str, demand: gpd.GeoDataFrame | None = None
) -> tuple[gpd.GeoDataFrame, bool, float | None]:
    """Demand in metric CRS with the map's short property columns.

    Returns the frame, whether it was aggregated to hexagons, and the hexagon
    size (circumradius in m) when it was.
    """
    results = ctx.results
    demand = results.demand if demand is None else demand
    aggregate = len(demand) > ctx.options.max_demand_points
    frame = gpd.GeoDataFrame(
        {"r": demand["residents"].astype(float), "e": demand["elderly"].astype(float)},
        geometry=demand.geometry,
        crs=demand.crs,
    )
    if not aggregate:  # a point's own id, 居委 and missing categories (hexagons have none)
        units = demand["unit_id"].astype(str)
        frame.insert(0, "id", demand["demand_id"].astype(str))
        frame.insert(1, "u", units.map(ctx.unit_names()).fillna(units))
    columns: list[str] = []
    elderly_columns: list[str] = []
    if kind == "life_circle":
        frame["mis"] = _missing_count(demand["life_circle_missing"])
        if not aggregate:
            frame["miss"] = demand["life_circle_missing"].fillna("").astype(str)
        columns.append("mis")
    elif kind == "fitness_circle":
        frame["fm"] = demand["fitness_minutes"].astype(float)
        columns.append("fm")
    elif kind == "care_coverage":
        frame["s2"] = demand["care_2sfca"].astype(float)
        elderly_columns.append("s2")
    for key, values in _minutes_table(results, kind, demand).items():
        frame[key] = values.astype(float).to_numpy()
        columns.append(key)
    if not aggregate:
        return frame, False, None
    radius = hex_size_for(frame, target_cells=max(ctx.options.max_demand_points // 4, 50))
    grid = results.layerset.meta.get("demand_grid", {}).get("size_m")
    if grid:
        radius = max(radius, float(grid))
    hexes = aggregate_to_hexagons(
        frame.rename(columns={"r": "residents", "e": "elderly"}),
        radius,
        mean_columns=columns,
        elderly_mean_columns=elderly_columns,
    )
    if "mis" in hexes:
        hexes["mis"] = np.round(hexes["mis"])
    hexes = hexes.rename(columns={"hex_id": "id", "points": "n", "residents": "r", "elderly": "e"})
    return hexes, True, radius


def demand_collection(ctx: MapContext, kind: str, frame: gpd.GeoDataFrame) -> dict:
    """The demand data set of a map (points or hexagons), compact."""
    display = geojson.to_display(frame, gcj02=ctx.gcj02, simplify_m=0)
    props: dict[str, str] = {c: c for c in display.columns if c != "geometry"}
    digits = {name: 1 for name in props}
    digits.update({"r": 0, "e": 0, "n": 0, "mis": 0, "s2": 4})
    return compact.encode_frame(display, props, digits)


def facility_collection(ctx: MapContext, kind: str) -> dict:
    """Facilities of the map's categories."""
    facilities = ctx.results.facilities
    cats = map_categories(ctx.profile, kind)
    display = ctx.display("facilities", facilities, simplify_m=0)
    display = display[display["category"].isin(cats)]
    lang = ctx.lang
    props: dict[str, Any] = {
        "id": "facility_id",
        "name": "name",
        "c": "category",
        "cap": "capacity",
        "capu": lambda f: (
            f["capacity_unit"].map(lambda u: _unit_text(u, lang))
            if "capacity_unit" in f
            else [None] * len(f)
        ),
        "sv": "served_residents",
    }
    if "load_ratio" in display:
        props["lr"] = "load_ratio"
    return compact.encode_frame(display, props, {"cap": 1, "sv": 0, "lr": 2})


def _unit_text(unit: Any, lang: str) -> str | None:
    from lifecircle.maps.labels import capacity_unit

    if unit is None or (isinstance(unit, float) and math.isnan(unit)) or unit is pd.NA:
        return None
    return capacity_unit(str(unit), lang) or None


def area_collection(ctx: MapContext, kind: str, hex_radius_m: float | None = None) -> dict:
    """Network service areas (category and facility) and dissolved radius circles.

    ``hex_radius_m``: the page is a hexagon overview (see :meth:`MapContext.zones`).
    """
    display = ctx.zones("areas", lambda: _area_frame(ctx), AREA_SIMPLIFY_M, hex_radius_m)
    display = display[display["category"].isin(map_categories(ctx.profile, kind))]
    names = dict(
        zip(
            ctx.results.facilities["facility_id"].astype(str),
            ctx.results.facilities["name"],
            strict=True,
        )
    )
    props: dict[str, Any] = {
        "k": "kind",
        "c": "category",
        "f": "facility_id",
        "name": lambda f: f["facility_id"].astype(str).map(names).where(f["facility_id"].notna()),
        "min": "minutes",
        "wm": "walk_m",
    }
    return compact.encode_frame(display, props, {"min": 1, "wm": 0})


def _area_frame(ctx: MapContext) -> gpd.GeoDataFrame:
    """Every map's service areas in the metric CRS, radius circles dissolved per category."""
    areas = ctx.results.service_areas
    network = areas[areas["kind"].isin(["category", "facility"])]
    radius = areas[areas["kind"] == "radius"]
    if not radius.empty:
        radius = radius.dissolve(
            by="category", as_index=False, aggfunc={"minutes": "first", "walk_m": "first"}
        )
        radius["kind"] = "radius"
        radius["facility_id"] = None
    frame = pd.concat(
        [network, radius[network.columns.intersection(radius.columns)]], ignore_index=True
    )
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=areas.crs)


def gap_collection(
    ctx: MapContext, kind: str, only: list[str] | None = None, hex_radius_m: float | None = None
) -> dict:
    """Gap zones of the map's categories (and incomplete life circles).

    With ``only`` (the sites page: its categories), only those categories' zones,
    chosen before they are converted for display (the page shows a few of them).
    ``hex_radius_m``: the page is a hexagon overview (see :meth:`MapContext.zones`).
    """
    gaps = ctx.results.gaps
    cats = list(map_categories(ctx.profile, kind))
    keys = [*cats, "life_circle"] if kind == "life_circle" else cats
    name = "gaps"
    if only is not None:
        keys = [key for key in keys if key in only]
        gaps = gaps[gaps["kind_key"].isin(keys)] if not gaps.empty else gaps
        name = "gaps:" + ",".join(keys)
    display = ctx.zones(name, gaps, GAP_SIMPLIFY_M, hex_radius_m)
    display = display[display["kind_key"].isin(keys)] if not display.empty else display
    lang = ctx.lang

    def walk_text(frame: gpd.GeoDataFrame) -> list[str | None]:
        out: list[str | None] = []
        for gap_kind, key, metres in zip(
            frame["kind"], frame["kind_key"], frame["nearest_walk_m"], strict=True
        ):
            if gap_kind != "category":
                out.append(None)  # several categories: no single nearest facility
            elif metres is None or (isinstance(metres, float) and math.isnan(metres)):
                out.append(missing_minutes_text(ctx, [key]))
            else:
                out.append(t("walk_m", lang, m=f"{float(metres):,.0f}"))
        return out

    props: dict[str, Any] = {
        "id": "gap_id",
        "k": "kind",
        "kk": "kind_key",
        "cats": "categories",
        "r": "residents",
        "e": "elderly",
        "pa": "people_affected",
        "nw": walk_text,
        "nf": "nearest_facility_id",
    }
    return compact.encode_frame(display, props, {"r": 0, "e": 0, "pa": 0})


def surface_railways(layerset) -> gpd.GeoDataFrame:
    """The railways drawn as 铁路 barriers: those at the surface, not in tunnels or on bridges."""
    return layerset.railways[barrier_railways(layerset.railways)]


def context_collections(ctx: MapContext) -> dict[str, dict]:
    """Boundary (units and outline), water and railways; roads and buildings for basemap none."""
    layerset = ctx.results.layerset
    names = ctx.unit_names()
    units = ctx.display("units", layerset.boundary)

    def outline_metric() -> gpd.GeoDataFrame:
        if layerset.boundary.empty:
            return layerset.boundary.iloc[0:0]
        return gpd.GeoDataFrame(
            {"name": [ctx.study_name()]},
            geometry=[layerset.boundary.union_all()],
            crs=layerset.boundary.crs,
        )

    outline = ctx.display("outline", outline_metric)
    out = {
        "units": compact.encode_frame(
            units, {"name": lambda f: f["unit_id"].astype(str).map(names)}
        ),
        "outline": compact.encode_frame(outline, {}),
        "water": compact.encode_frame(ctx.display("water", layerset.water), {"name": "name"}),
        "railways": compact.encode_frame(
            ctx.display("railways", surface_railways(layerset)), {"name": "name"}
        ),
    }
    if ctx.basemap == "none":
        roads = ctx.display("roads", layerset.roads, simplify_m=3.0)
        out["roads"] = compact.encode_frame(roads, {"hw": "highway"})
        buildings = ctx.display("buildings", layerset.buildings, simplify_m=1.0)
        out["buildings"] = compact.encode_frame(buildings, {})
    return out


def bounds_latlon(frame: gpd.GeoDataFrame) -> list[list[float]]:
    """[[south, west], [north, east]] of a display frame."""
    west, south, east, north = frame.total_bounds
    return [[float(south), float(west)], [float(north), float(east)]]


def map_title(ctx: MapContext, kind: str, unit_name: str | None = None) -> str:
    """The map's title: the option's, or the circle and the study area."""
    if ctx.options.title:
        base = ctx.options.title
    else:
        name = circle_name(ctx.profile, kind, ctx.lang) if kind in MAP_KINDS else t(kind, ctx.lang)
        study = ctx.study_name()
        base = f"{name} — {study}" if study else name
    return f"{base} · {unit_name}" if unit_name else base
