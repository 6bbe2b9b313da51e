"""The interactive maps: a folium page per circle, built from mapdata.

Each page is a folium ``Map`` with Leaflet only (no jQuery, Bootstrap or icon
fonts). The data are embedded once; the layers (:mod:`lifecircle.maps.overlays`)
are drawn from them by the page script (:mod:`lifecircle.maps.js`). Overlays
that start hidden are built when first switched on.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Element

from lifecircle.maps import basemap_labels, compact, geojson, mapdata, offline
from lifecircle.maps.basemaps import tile_layers
from lifecircle.maps.gap_counts import circle_gap_counts
from lifecircle.maps.js import Script, closing_script, page_css, setup_script
from lifecircle.maps.labels import attribution, category_name, profile_title, t
from lifecircle.maps.mapdata import MapContext, SitesOverlay
from lifecircle.maps.overlays import (
    CONTROL_SECTIONS,
    PANES,
    REACHED_PROP,
    LayerIndex,
    add_context_layers,
    add_demand_layers,
    add_facility_layers,
    add_gap_layers,
    add_service_areas,
    add_sites_layers,
    add_vector_basemap,
    context_legend,
)
from lifecircle.maps.page import (
    TitleInfo,
    legend_block,
    sites_section,
    symbols_section,
    title_block,
)
from lifecircle.maps.style import Symbol


def build_map(
    ctx: MapContext,
    kind: str,
    demand: gpd.GeoDataFrame | None = None,
    focus: gpd.GeoDataFrame | None = None,
    unit_name: str | None = None,
    detail_links: Sequence[tuple[str, str]] = (),
    back_link: tuple[str, str] | None = None,
    sites: SitesOverlay | None = None,
) -> tuple[folium.Map, dict[str, Any]]:
    """Build one map page.

    The page is assembled bottom-up, in the order Leaflet stacks it: basemap
    tiles, the page script and its data, the vector basemap, context layers,
    service areas, gaps, demand, facilities, new sites, then the layer
    control, legend, title and the closing script.

    Parameters
    ----------
    ctx : MapContext
    kind : str
        ``life_circle``, ``fitness_circle``, ``care_coverage`` or ``sites``.
    demand : GeoDataFrame, optional
        Demand rows to draw (default: all); a sub-unit's rows for detail pages.
    focus : GeoDataFrame, optional
        Metric-CRS polygons the view fits (default: the study area).
    unit_name : str, optional
        Shown in the title of a detail page.
    detail_links : sequence of (text, href)
        Links to detail pages, shown in the title block.
    back_link : (text, href), optional
        Link back to the overview (detail pages) or index.
    sites : SitesOverlay, optional
        New sites, their service areas and the demand they newly cover
        (``kind='sites'``).

    Returns
    -------
    map : folium.Map
    info : dict
        ``aggregated`` (bool), ``hex_radius_m``, ``features`` (feature count
        per data set embedded), for the caller and the tests.
    """
    circle_kind = _circle_kind(kind, sites)
    frame, aggregated, radius = mapdata.demand_frame(ctx, circle_kind, demand)
    if circle_kind == "care_coverage":
        frame[REACHED_PROP] = _care_types_reached(ctx, frame)
    only = _sites_categories(sites)
    data = _page_data(ctx, circle_kind, frame, sites, only, radius if aggregated else None)
    bounds = _view_bounds(ctx, focus)
    cats = mapdata.map_categories(ctx.profile, circle_kind)
    symbols = mapdata.symbols_for(ctx, circle_kind)
    title = page_title(ctx, kind, unit_name, sites)

    m = _map_shell(ctx, bounds, title)
    index = LayerIndex()
    _add_basemap_tiles(m, ctx, index)
    _add_page_script(m, ctx, symbols, data)
    if ctx.basemap == "none":
        add_vector_basemap(m, ctx, index)
    add_context_layers(m, ctx, index)
    area_legend = add_service_areas(m, ctx, index, cats, symbols)
    gap_legend = add_gap_layers(m, ctx, index, circle_kind, cats, only, aggregated)
    demand_legend = add_demand_layers(
        m, ctx, index, kind, circle_kind, aggregated, n_features=len(frame)
    )
    add_facility_layers(m, ctx, index, cats)
    if sites is not None:
        add_sites_layers(m, ctx, index, data)
    m.add_child(layer_control_script(m, ctx, index))
    _add_legend(
        m,
        ctx,
        [*demand_legend, *gap_legend],
        area_legend,
        symbols,
        cats,
        with_sites=sites is not None,
    )
    _add_title(m, ctx, title, aggregated, radius, detail_links, back_link)
    _add_closing_script(m, ctx, bounds)

    counts = {name: col["n"] for name, col in data.items()}
    return m, {"aggregated": aggregated, "hex_radius_m": radius, "features": counts}


def page_title(
    ctx: MapContext, kind: str, unit_name: str | None, sites: SitesOverlay | None
) -> str:
    """The page's title; the sites map names its category, the number of sites and the gain."""
    if sites is None or ctx.options.title:
        return mapdata.map_title(ctx, kind, unit_name)
    frame = sites.sites
    cats = _sites_categories(sites) or []
    names = (", " if ctx.lang == "en" else "、").join(
        category_name(ctx.profile, c, ctx.lang) for c in cats
    )

    def total(column: str) -> str:
        if column not in frame:
            return "—"
        return f"{float(frame[column].fillna(0).sum()):,.0f}"

    title = t(
        "sites_title",
        ctx.lang,
        cat=names,
        k=len(frame),
        gain=total("new_residents_covered"),
        old=total("new_elderly_covered"),
    )
    study = ctx.study_name()
    return f"{title} — {study}" if study else title


def _sites_categories(sites: SitesOverlay | None) -> list[str] | None:
    """The categories of the proposed sites (the sites map shows only their gaps)."""
    if sites is None or "category" not in sites.sites:
        return None
    return list(dict.fromkeys(sites.sites["category"].dropna().astype(str)))


def _care_types_reached(ctx: MapContext, frame: gpd.GeoDataFrame) -> np.ndarray:
    """Care types within their walking threshold per demand point (or hexagon), 0 … n.

    Counted over the care types the input has data for (a type with no
    facility in the input is a data gap, not a service gap), from the minutes
    the page shows (``m0`` … per category), so the count agrees with the
    per-category layers; a hexagon counts its mean minutes. NaN (drawn as
    "no data") when no care type has data.
    """
    cats = mapdata.map_categories(ctx.profile, "care_coverage")
    access = ctx.results.access
    with_data = [(i, c) for i, c in enumerate(cats) if access.has_data(c) and f"m{i}" in frame]
    if not with_data:
        return np.full(len(frame), np.nan)
    reached = np.zeros(len(frame))
    for i, cat in with_data:
        limit = mapdata.category_minutes(ctx.results, "care_coverage", cat)
        minutes = frame[f"m{i}"].to_numpy(dtype=float)
        reached += np.nan_to_num(minutes, nan=np.inf) <= limit + 1e-9
    return reached


def _circle_kind(kind: str, sites: SitesOverlay | None) -> str:
    """The circle whose demand and categories the page shows (the sites page borrows one)."""
    if kind != "sites":
        return kind
    return sites.circle if sites is not None else "life_circle"


def _page_data(
    ctx: MapContext,
    circle_kind: str,
    frame: gpd.GeoDataFrame,
    sites: SitesOverlay | None,
    only: list[str] | None,
    hex_radius_m: float | None = None,
) -> dict[str, Any]:
    """Every data set the page embeds once, compact, by data-set name (``LC.data``).

    The sites map (``only``: its categories) embeds only those categories' gaps.
    On a hexagon overview (``hex_radius_m``, m) zones are drawn at the hexagons'
    detail (:meth:`lifecircle.maps.mapdata.MapContext.zones`).
    """
    gaps = mapdata.gap_collection(ctx, circle_kind, only, hex_radius_m)
    data: dict[str, Any] = {
        "demand": mapdata.demand_collection(ctx, circle_kind, frame),
        "fac": mapdata.facility_collection(ctx, circle_kind),
        "areas": mapdata.area_collection(ctx, circle_kind, hex_radius_m),
        "gaps": gaps,
        **mapdata.context_collections(ctx),
        "place_labels": _place_label_data(ctx),
    }
    if only is None:
        data["gap_count"] = _gap_count_data(ctx, circle_kind, hex_radius_m)
    if circle_kind == "care_coverage":
        units = _unit_care_data(ctx)
        if units is not None:
            data["unit_care"] = units
    if ctx.basemap == "none":
        data.update(_road_label_data(ctx))
    if sites is not None:
        data.update(_sites_data(ctx, sites))
    return data


def _gap_count_data(
    ctx: MapContext, circle_kind: str, hex_radius_m: float | None = None
) -> dict[str, Any]:
    """The circle's gap view: zones by the number of categories missing."""
    cats = mapdata.map_categories(ctx.profile, circle_kind)
    display = ctx.zones(  # computed once per circle, shared by the detail pages
        f"gap_count:{circle_kind}",
        lambda: circle_gap_counts(ctx.results, cats, circle_kind),
        mapdata.GAP_SIMPLIFY_M,
        hex_radius_m,
    )
    return compact.encode_frame(
        display,
        {"n": "n_missing", "cats": "categories", "r": "residents", "e": "elderly"},
        {"n": 0, "r": 0, "e": 0},
    )


def _unit_care_data(ctx: MapContext) -> dict[str, Any] | None:
    """居委 polygons with their care floor area per 1,000 residents (m²), for the care map."""
    units = ctx.results.tables.get("units_care")
    boundary = ctx.results.layerset.boundary
    if units is None or units.empty or boundary.empty or "per_1000_m2" not in units:
        return None
    figures = units.assign(unit_id=units["unit_id"].astype(str)).set_index("unit_id")
    frame = boundary[["unit_id", "geometry"]].assign(unit_id=boundary["unit_id"].astype(str))
    frame["per_1000"] = frame["unit_id"].map(figures["per_1000_m2"]).astype(float)
    residents = figures["residents"] if "residents" in figures else pd.Series(dtype=float)
    frame["residents"] = frame["unit_id"].map(residents).astype(float)
    frame["name"] = frame["unit_id"].map(ctx.unit_names())
    display = geojson.to_display(frame, gcj02=ctx.gcj02, simplify_m=mapdata.CONTEXT_SIMPLIFY_M)
    return compact.encode_frame(
        display, {"name": "name", "p": "per_1000", "r": "residents"}, {"p": 1, "r": 0}
    )


def _place_label_data(ctx: MapContext) -> dict[str, Any]:
    """居委 names at a point inside each unit (labels on every basemap)."""
    layerset = ctx.results.layerset
    places = ctx.display(
        "place_labels",
        lambda: basemap_labels.place_label_points(layerset.boundary, ctx.unit_names()),
    )
    return compact.encode_frame(places, {"nm": "name"})


def _road_label_data(ctx: MapContext) -> dict[str, Any]:
    """Road names for the vector basemap."""
    layerset = ctx.results.layerset
    roads = ctx.display("road_labels", lambda: basemap_labels.road_label_points(layerset.roads))
    return {
        "road_labels": compact.encode_frame(
            roads, {"nm": "name", "a": "angle", "z": "min_zoom"}, {"a": 1}
        ),
    }


# Short property name in the page → column of the sites frame.
SITE_PROPERTIES = {
    "id": "site_id",
    "rk": "rank",
    "c": "category",
    "nr": "new_residents_covered",
    "ne": "new_elderly_covered",
    "cs": "cumulative_share",
}


def _sites_data(ctx: MapContext, overlay: SitesOverlay) -> dict[str, Any]:
    """The sites page's own data sets: ``sites``, and ``site_areas``/``newly`` when given."""
    crs = ctx.results.layerset.crs
    sites = geojson.to_display(overlay.sites.to_crs(crs), gcj02=ctx.gcj02)
    present = {k: v for k, v in SITE_PROPERTIES.items() if v in sites.columns}
    data = {"sites": compact.encode_frame(sites, present)}
    if overlay.service_areas is not None and len(overlay.service_areas):
        areas = geojson.to_display(
            overlay.service_areas.to_crs(crs), gcj02=ctx.gcj02, simplify_m=5.0
        )
        data["site_areas"] = compact.encode_frame(areas, {"id": "site_id", "c": "category"})
    if overlay.newly_covered is not None and len(overlay.newly_covered):
        newly = geojson.to_display(overlay.newly_covered.to_crs(crs), gcj02=ctx.gcj02)
        data["newly"] = compact.encode_frame(
            newly, {"id": "demand_id", "r": "residents", "e": "elderly"}
        )
    return data


def _view_bounds(ctx: MapContext, focus: gpd.GeoDataFrame | None) -> list[list[float]]:
    """[[south, west], [north, east]] in display degrees of what the view fits.

    ``focus`` when given, else the study boundary; without a boundary the
    demand points, and without those the roads.
    """
    focus_frame = focus if focus is not None else ctx.results.layerset.boundary
    if focus_frame.empty:
        demand_or_roads = ctx.results.demand
        focus_frame = demand_or_roads if not demand_or_roads.empty else ctx.results.layerset.roads
    view = geojson.to_display(focus_frame, gcj02=ctx.gcj02, simplify_m=5.0)
    return mapdata.bounds_latlon(view)


def _map_shell(ctx: MapContext, bounds: list[list[float]], title: str) -> folium.Map:
    """The empty folium map with Leaflet and the page CSS inlined, and the title.

    folium's default CDN scripts and stylesheets are removed: every page is
    self-contained, whatever the basemap.
    """
    center = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
    m = folium.Map(location=center, zoom_start=15, tiles=None, control_scale=False, max_zoom=19)
    m.default_js, m.default_css = [], []
    root = m.get_root()
    js, css = offline.leaflet_assets()
    root.header.add_child(Element(offline.inline_style(css)), name="lc_leaflet_css")
    root.header.add_child(Element(offline.inline_script(js)), name="lc_leaflet_js")
    root.header.add_child(Element(offline.inline_style(page_css())), name="lc_page_css")
    root.title = escape(title)
    return m


def _add_basemap_tiles(m: folium.Map, ctx: MapContext, index: LayerIndex) -> None:
    """The tile layers of the chosen basemap (none for ``basemap='none'``)."""
    for spec in tile_layers(ctx.basemap, ctx.lang, ctx.options.resolved_tianditu_key()):
        layer = folium.TileLayer(
            tiles=spec.url,
            attr=spec.attribution,
            name=escape(spec.name),
            subdomains=spec.subdomains,
            overlay=True,
            control=False,
            max_zoom=spec.max_zoom,
            max_native_zoom=min(spec.max_zoom, 18),
        )
        layer.add_to(m)
        index.add("basemap", spec.name, layer)


def layer_control_script(m: folium.Map, ctx: MapContext, index: LayerIndex) -> Script:
    """``LC.layerControl``: the layer control, its sections in :data:`CONTROL_SECTIONS` order.

    Names and titles go in as JSON; the layers as the variable names folium
    gives them (generated identifiers, never data).
    """
    sections: list[dict[str, Any]] = []
    layers: list[str] = []
    for key, (label_key, radio, open_at_first) in CONTROL_SECTIONS.items():
        entries = index.sections.get(key)
        if not entries:
            continue
        sections.append(
            {
                "key": key,
                "title": t(label_key, ctx.lang),
                "radio": radio,
                "open": open_at_first,
                "names": [name for name, _ in entries],
            }
        )
        layers.append("[" + ", ".join(layer.get_name() for _, layer in entries) + "]")
    config = {
        "title": t("layer_control", ctx.lang),
        "none": t("gaps_off", ctx.lang),
        "sections": sections,
    }
    return Script(
        f"LC.layerControl({m.get_name()}, {geojson.script_json(config)}, [{', '.join(layers)}]);"
    )


def _add_page_script(
    m: folium.Map, ctx: MapContext, symbols: dict[str, Symbol], data: dict[str, Any]
) -> None:
    """The page script: LC, the panes, category names, colours and symbol shapes, and the data."""
    profile = ctx.profile
    cat_info = {
        cat: {
            "zh": profile.categories[cat].name_zh,
            "en": profile.categories[cat].name_en,
            "colour": symbols[cat].colour if cat in symbols else "#555555",
            "shape": symbols[cat].shape if cat in symbols else "circle",
        }
        for cat in profile.categories
    }
    config = {
        "lang": ctx.lang,
        "panes": PANES,
        "cats": cat_info,
        "vectorBasemap": ctx.basemap == "none",
        "tileError": t("tiles_failed", ctx.lang),
    }
    m.add_child(setup_script(m.get_name(), config, data))


def _add_legend(
    m: folium.Map,
    ctx: MapContext,
    layer_sections: list[str],
    area_sections: list[str],
    symbols: dict[str, Symbol],
    cats: Sequence[str],
    with_sites: bool,
) -> None:
    """The legend (bottom right): what is on, drawn as the map draws it.

    Demand and gap sections show while their layer is on; then facility
    symbols, the service areas that are on (in their category's colour), the
    sites, and the context lines (water, railway, study area, 居委).
    """
    lang = ctx.lang
    names = {cat: mapdata.legend_category_name(ctx, cat) for cat in cats}
    sections = [*layer_sections, symbols_section(t("facility_symbols", lang), symbols, names)]
    sections += area_sections
    if with_sites:
        sections.append(
            sites_section(
                {
                    key: t(key, lang)
                    for key in ("layer_sites", "layer_site_areas", "layer_newly_covered")
                }
            )
        )
    sections.append(context_legend(ctx))
    m.get_root().html.add_child(
        Element(legend_block(t("legend", lang), sections)), name="lc_legend"
    )


def _add_title(
    m: folium.Map,
    ctx: MapContext,
    title: str,
    aggregated: bool,
    hex_radius_m: float | None,
    detail_links: Sequence[tuple[str, str]],
    back_link: tuple[str, str] | None,
) -> None:
    """The title block (top left): title, profile, date, synthetic-data flag, notes, links."""
    lang = ctx.lang
    notes: list[str] = []
    if ctx.options.offline:
        notes.append(t("offline_basemap", lang))
    if aggregated:
        notes.append(
            t(
                "aggregated",
                lang,
                limit=ctx.options.max_demand_points,
                size=round(hex_radius_m or 0),
            )
        )
    links = list(detail_links)
    if back_link:
        links.insert(0, back_link)
    info = TitleInfo(
        title=title,
        profile_title=f"{t('profile', lang)}: {profile_title(ctx.profile, lang)}",
        date_label=t("date", lang),
        date=ctx.today,
        synthetic_text=t("synthetic_banner", lang) if ctx.meta.get("synthetic") else None,
        notes=notes,
        links=links,
        links_title=t("detail_pages", lang) if detail_links else t("index_title", lang),
    )
    m.get_root().html.add_child(Element(title_block(info)), name="lc_title")


def _add_closing_script(m: folium.Map, ctx: MapContext, bounds: list[list[float]]) -> None:
    """Scale bar, data attribution, the initial view and the legend; then ``LC_READY``."""
    text = attribution(ctx.meta, ctx.lang)
    config = {"attributions": [text] if text else [], "bounds": bounds}
    m.add_child(closing_script(config))


def render_html(m: folium.Map) -> str:
    """The page HTML, checked to load no script or stylesheet from any address."""
    html = m.get_root().render()
    offline.assert_self_contained(html)
    return html
