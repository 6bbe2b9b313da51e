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
from branca.element import Element

from lifecircle.maps import basemap_labels, geojson, mapdata, offline
from lifecircle.maps.basemaps import tile_layers
from lifecircle.maps.js import closing_script, page_css, setup_script
from lifecircle.maps.labels import attribution, profile_title, t
from lifecircle.maps.mapdata import MapContext, SitesOverlay
from lifecircle.maps.overlays import (
    PANES,
    add_context_layers,
    add_demand_layers,
    add_facility_layers,
    add_gap_layers,
    add_service_areas,
    add_sites_layers,
    add_vector_basemap,
)
from lifecircle.maps.page import (
    TitleInfo,
    context_section,
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
    data = _page_data(ctx, circle_kind, frame, sites)
    bounds = _view_bounds(ctx, focus)
    cats = mapdata.map_categories(ctx.profile, circle_kind)
    symbols = mapdata.symbols_for(ctx, circle_kind)

    m = _map_shell(ctx, bounds, mapdata.map_title(ctx, kind, unit_name))
    _add_basemap_tiles(m, ctx)
    _add_page_script(m, ctx, symbols, data)
    if ctx.basemap == "none":
        add_vector_basemap(m, ctx)
    add_context_layers(m, ctx)
    add_service_areas(m, ctx, cats, symbols)
    add_gap_layers(m, ctx, circle_kind, cats)
    demand_legend = add_demand_layers(m, ctx, kind, circle_kind, aggregated, n_features=len(frame))
    add_facility_layers(m, ctx, cats)
    if sites is not None:
        add_sites_layers(m, ctx, data)
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    _add_legend(m, ctx, demand_legend, symbols, cats, with_sites=sites is not None)
    _add_title(m, ctx, kind, unit_name, aggregated, radius, detail_links, back_link)
    _add_closing_script(m, ctx, bounds)

    counts = {name: len(col.get("features", [])) for name, col in data.items()}
    return m, {"aggregated": aggregated, "hex_radius_m": radius, "features": counts}


def _circle_kind(kind: str, sites: SitesOverlay | None) -> str:
    """The circle whose demand and categories the page shows (the sites page borrows one)."""
    if kind != "sites":
        return kind
    return sites.circle if sites is not None else "life_circle"


def _page_data(
    ctx: MapContext, circle_kind: str, frame: gpd.GeoDataFrame, sites: SitesOverlay | None
) -> dict[str, Any]:
    """Every feature collection the page embeds once, by data-set name (``LC.data``)."""
    data: dict[str, Any] = {
        "demand": mapdata.demand_collection(ctx, circle_kind, frame),
        "fac": mapdata.facility_collection(ctx, circle_kind),
        "areas": mapdata.area_collection(ctx, circle_kind),
        "gaps": mapdata.gap_collection(ctx, circle_kind),
        **mapdata.context_collections(ctx),
    }
    if ctx.basemap == "none":
        data.update(_basemap_label_data(ctx))
    if sites is not None:
        data.update(_sites_data(ctx, sites))
    return data


def _basemap_label_data(ctx: MapContext) -> dict[str, Any]:
    """Road names and sub-unit (place) names for the vector basemap."""
    layerset = ctx.results.layerset
    roads = ctx.display("road_labels", basemap_labels.road_label_points(layerset.roads))
    places = ctx.display(
        "place_labels", basemap_labels.place_label_points(layerset.boundary, ctx.unit_names())
    )
    return {
        "road_labels": geojson.feature_collection(
            roads, {"nm": "name", "a": "angle", "z": "min_zoom"}, {"a": 1}
        ),
        "place_labels": geojson.feature_collection(places, {"nm": "name"}),
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
    data = {"sites": geojson.feature_collection(sites, present)}
    if overlay.service_areas is not None and len(overlay.service_areas):
        areas = geojson.to_display(
            overlay.service_areas.to_crs(crs), gcj02=ctx.gcj02, simplify_m=5.0
        )
        data["site_areas"] = geojson.feature_collection(areas, {"id": "site_id", "c": "category"})
    if overlay.newly_covered is not None and len(overlay.newly_covered):
        newly = geojson.to_display(overlay.newly_covered.to_crs(crs), gcj02=ctx.gcj02)
        data["newly"] = geojson.feature_collection(
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


def _add_basemap_tiles(m: folium.Map, ctx: MapContext) -> None:
    """The tile layers of the chosen basemap (none for ``basemap='none'``)."""
    for spec in tile_layers(ctx.basemap, ctx.lang, ctx.options.resolved_tianditu_key()):
        folium.TileLayer(
            tiles=spec.url,
            attr=spec.attribution,
            name=escape(spec.name),
            subdomains=spec.subdomains,
            overlay=spec.overlay,
            control=True,
            max_zoom=spec.max_zoom,
            max_native_zoom=min(spec.max_zoom, 18),
        ).add_to(m)


def _add_page_script(
    m: folium.Map, ctx: MapContext, symbols: dict[str, Symbol], data: dict[str, Any]
) -> None:
    """The page script: LC, the panes, category names and colours, icons and the data."""
    profile = ctx.profile
    cat_info = {
        cat: {
            "zh": profile.categories[cat].name_zh,
            "en": profile.categories[cat].name_en,
            "colour": symbols[cat].colour if cat in symbols else "#555555",
        }
        for cat in profile.categories
    }
    config = {
        "lang": ctx.lang,
        "panes": PANES,
        "cats": cat_info,
        "icons": {cat: symbol.svg(16) for cat, symbol in symbols.items()},
        "vectorBasemap": ctx.basemap == "none",
        "tileError": t("tiles_failed", ctx.lang),
    }
    m.add_child(setup_script(m.get_name(), config, data))


def _add_legend(
    m: folium.Map,
    ctx: MapContext,
    demand_sections: list[str],
    symbols: dict[str, Symbol],
    cats: Sequence[str],
    with_sites: bool,
) -> None:
    """The legend (bottom right): demand classes, facility symbols, sites, context layers."""
    lang = ctx.lang
    names = {cat: mapdata.legend_category_name(ctx, cat) for cat in cats}
    labels = {
        key: t(key, lang)
        for key in ("area_network", "area_radius", "gap_zone", "layer_water", "layer_railways")
    }
    labels["layer_boundary"] = t("layer_boundary", lang)
    sections = [*demand_sections, symbols_section(t("facility_symbols", lang), symbols, names)]
    if with_sites:
        sections.append(
            sites_section(
                {
                    key: t(key, lang)
                    for key in ("layer_sites", "layer_site_areas", "layer_newly_covered")
                }
            )
        )
    sections.append(context_section(labels))
    m.get_root().html.add_child(
        Element(legend_block(t("legend", lang), sections)), name="lc_legend"
    )


def _add_title(
    m: folium.Map,
    ctx: MapContext,
    kind: str,
    unit_name: str | None,
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
        title=mapdata.map_title(ctx, kind, unit_name),
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
