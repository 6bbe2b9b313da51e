"""The interactive maps: a folium page per circle, built from mapdata.

Each page is a folium ``Map`` with Leaflet only (no jQuery, Bootstrap or icon
fonts). Layers are ``FeatureGroup`` s (so the layer control lists them), each
filled by one line of JavaScript (:mod:`lifecircle.maps.js`) from data embedded once.
Overlays that start hidden are built when first switched on.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

import folium
import geopandas as gpd
from branca.element import Element, MacroElement
from jinja2 import Template

from lifecircle.maps import geojson, mapdata, offline
from lifecircle.maps.basemaps import tile_layers
from lifecircle.maps.js import CORE_JS, PAGE_CSS
from lifecircle.maps.labels import category_name, profile_title, t
from lifecircle.maps.mapdata import MapContext, SitesOverlay
from lifecircle.maps.page import (
    TitleInfo,
    classes_section,
    context_section,
    legend_block,
    sites_section,
    symbols_section,
    title_block,
)
from lifecircle.maps.style import (
    BOUNDARY_COLOUR,
    BUILDING_COLOUR,
    GAP_COLOUR,
    RAIL_COLOUR,
    ROAD_COLOUR,
    UNIT_COLOUR,
    WATER_COLOUR,
    WATER_FILL,
)

CANVAS_ABOVE_POINTS = 3000
PANES = [
    ["lcBase", 250, True],
    ["lcWater", 390, True],
    ["lcGaps", 405, False],
    ["lcRail", 410, True],
    ["lcDemand", 420, False],
    ["lcLines", 430, True],
]
ROAD_WEIGHTS = {
    "motorway": 5,
    "trunk": 5,
    "primary": 5,
    "secondary": 4,
    "tertiary": 3.5,
    "residential": 2.5,
    "unclassified": 2.5,
    "service": 1.5,
    "footway": 1,
    "path": 1,
    "pedestrian": 1.5,
    "steps": 1,
}


class _Script(MacroElement):
    """Raw JavaScript placed in the page script, in child order."""

    _template = Template("{% macro script(this, kwargs) %}\n{{ this.js }}\n{% endmacro %}")

    def __init__(self, js: str) -> None:
        super().__init__()
        self._name = "LcScript"
        self.js = js


class _Fill(MacroElement):
    """Fills its parent FeatureGroup with an L.geoJSON built from a spec."""

    _template = Template(
        "{% macro script(this, kwargs) %}\n"
        "LC.fill({{ this._parent.get_name() }}, {{ this.spec }}, {{ this.key }});\n"
        "{% endmacro %}"
    )

    def __init__(self, spec: dict[str, Any]) -> None:
        super().__init__()
        self._name = "LcFill"
        self.spec = geojson.script_json(spec)
        self.key = geojson.script_json(spec["key"])


def _group(m: folium.Map, name: str, spec: dict[str, Any], show: bool) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=escape(name), show=show)
    group.add_child(_Fill(spec))
    m.add_child(group)
    return group


def _popup_rows_demand(ctx: MapContext, kind: str, aggregated: bool) -> list[list[Any]]:
    lang = ctx.lang
    none_text = t("none_within", lang, m=f"{ctx.max_minutes:g}")
    rows: list[list[Any]] = []
    if aggregated:
        rows.append([t("points", lang), "n", "int", None])
    else:
        rows.append([t("demand_id", lang), "id", "text", None])
        rows.append([t("unit", lang), "u", "text", None])
    rows += [[t("residents", lang), "r", "int", None], [t("elderly", lang), "e", "int", None]]
    if kind == "life_circle":
        if not aggregated:
            rows.append([t("missing", lang), "miss", "cats", "—"])
    elif kind == "fitness_circle":
        rows.append([f"{t('layer_fitness', lang)} ({t('minutes', lang)})", "fm", "min", none_text])
    elif kind == "care_coverage":
        rows.append([t("index_2sfca", lang) + " (m²)", "s2", "num", None])
    for i, cat in enumerate(mapdata.map_categories(ctx.profile, kind)):
        label = f"{category_name(ctx.profile, cat, lang)} ({t('minutes', lang)})"
        rows.append([label, f"m{i}", "min", none_text])
    return rows


def _facility_popup(ctx: MapContext) -> dict[str, Any]:
    lang = ctx.lang
    return {
        "rows": [
            [t("name", lang), "name", "text", "—"],
            [t("category", lang), "c", "cat", None],
            [t("capacity", lang), "cap", "cap", "—", None, "capu"],
            [t("served_residents", lang), "sv", "int", "—"],
            [t("load_ratio", lang), "lr", "num", None],
            [t("facility_id", lang), "id", "text", None],
        ]
    }


def _gap_popup(ctx: MapContext) -> dict[str, Any]:
    lang = ctx.lang
    kinds = {
        "category": t("gap_kind_category", lang),
        "life_circle": t("gap_kind_life_circle", lang),
    }
    return {
        "title": t("gap_zone", lang),
        "rows": [
            [t("gap", lang), "id", "text", None],
            [t("category", lang), "k", "label", None, kinds],
            [t("missing", lang), "cats", "cats", None],
            [t("residents", lang), "r", "int", None],
            [t("elderly", lang), "e", "int", None],
            [t("people_affected", lang), "pa", "int", None],
            [t("nearest_walk", lang), "nw", "text", None],
            [t("facility_id", lang), "nf", "text", None],
        ],
    }


def _area_popup(ctx: MapContext, title_key: str) -> dict[str, Any]:
    lang = ctx.lang
    return {
        "title": t(title_key, lang),
        "rows": [
            [t("category", lang), "c", "cat", None],
            [t("name", lang), "name", "text", None],
            [t("facility_id", lang), "f", "text", None],
            [t("threshold", lang) + f" ({t('minutes', lang)})", "min", "min", None],
            [t("walk_distance", lang), "wm", "int", None],
        ],
    }


SITE_PROPERTIES = {
    "id": "site_id",
    "rk": "rank",
    "c": "category",
    "nr": "new_residents_covered",
    "ne": "new_elderly_covered",
    "cs": "cumulative_share",
}


def _sites_popup(ctx: MapContext) -> dict[str, Any]:
    lang = ctx.lang
    return {
        "title": t("layer_sites", lang),
        "rows": [
            [t("site_id", lang), "id", "text", None],
            [t("site_rank", lang), "rk", "int", None],
            [t("category", lang), "c", "cat", None],
            [t("new_residents", lang), "nr", "int", "—"],
            [t("new_elderly", lang), "ne", "int", "—"],
            [t("cumulative_share", lang), "cs", "pct", "—"],
        ],
    }


def _sites_data(ctx: MapContext, overlay: SitesOverlay) -> dict[str, Any]:
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


def _add_sites_layers(m: folium.Map, ctx: MapContext, data: dict[str, Any]) -> None:
    lang = ctx.lang
    if "site_areas" in data:
        _group(
            m,
            t("layer_site_areas", lang),
            {
                "key": "site_areas",
                "data": "site_areas",
                "style": {
                    "color": "#000000",
                    "weight": 2,
                    "fillColor": "#ffff33",
                    "fillOpacity": 0.25,
                },
                "popup": {
                    "title": t("layer_site_areas", lang),
                    "rows": [
                        [t("site_id", lang), "id", "text", None],
                        [t("category", lang), "c", "cat", None],
                    ],
                },
            },
            True,
        )
    if "newly" in data:
        _group(
            m,
            t("layer_newly_covered", lang),
            {
                "key": "newly",
                "data": "newly",
                "pane": "markerPane",
                "point": "circle",
                "radius": 4,
                "style": {
                    "color": "#000000",
                    "weight": 1,
                    "fillColor": "#00e5ff",
                    "fillOpacity": 1,
                },
                "popup": {
                    "title": t("layer_newly_covered", lang),
                    "rows": [
                        [t("demand_id", lang), "id", "text", None],
                        [t("residents", lang), "r", "int", None],
                        [t("elderly", lang), "e", "int", None],
                    ],
                },
            },
            True,
        )
    _group(
        m,
        t("layer_sites", lang),
        {
            "key": "sites",
            "data": "sites",
            "point": "circle",
            "radius": 9,
            "pane": "markerPane",
            "style": {"color": "#000000", "weight": 3, "fillColor": "#ffff33", "fillOpacity": 1},
            "popup": _sites_popup(ctx),
            "tooltip": "id",
        },
        True,
    )


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
    lang, profile = ctx.lang, ctx.profile
    circle_kind = (
        (sites.circle if sites is not None else "life_circle") if kind == "sites" else kind
    )
    frame, aggregated, radius = mapdata.demand_frame(ctx, circle_kind, demand)
    data: dict[str, Any] = {
        "demand": mapdata.demand_collection(ctx, circle_kind, frame),
        "fac": mapdata.facility_collection(ctx, circle_kind),
        "areas": mapdata.area_collection(ctx, circle_kind),
        "gaps": mapdata.gap_collection(ctx, circle_kind),
        **mapdata.context_collections(ctx),
    }
    if sites is not None:
        data.update(_sites_data(ctx, sites))

    focus_frame = focus if focus is not None else ctx.results.layerset.boundary
    if focus_frame.empty:  # no study boundary: fit the demand, else the roads
        demand_or_roads = ctx.results.demand
        focus_frame = demand_or_roads if not demand_or_roads.empty else ctx.results.layerset.roads
    view = geojson.to_display(focus_frame, gcj02=ctx.gcj02, simplify_m=5.0)
    bounds = mapdata.bounds_latlon(view)
    center = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]

    m = folium.Map(location=center, zoom_start=15, tiles=None, control_scale=False, max_zoom=19)
    root = m.get_root()
    if ctx.options.offline:
        m.default_js, m.default_css = [], []
        js, css = offline.leaflet_assets()
        root.header.add_child(Element(offline.inline_style(css)), name="lc_leaflet_css")
        root.header.add_child(Element(offline.inline_script(js)), name="lc_leaflet_js")
    else:
        m.default_js = [("leaflet", offline.LEAFLET_JS_URL)]
        m.default_css = [("leaflet_css", offline.LEAFLET_CSS_URL)]
    page_css = PAGE_CSS
    if ctx.basemap == "none":
        page_css += "\n.leaflet-container { background: #f4f3ef; }\n"
    root.header.add_child(Element(offline.inline_style(page_css)), name="lc_page_css")
    root.title = escape(mapdata.map_title(ctx, kind, unit_name))

    for spec in tile_layers(ctx.basemap, lang, ctx.options.resolved_tianditu_key()):
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

    cats = mapdata.map_categories(profile, circle_kind)
    symbols = mapdata.symbols_for(ctx, circle_kind)
    cat_info = {
        cat: {
            "zh": profile.categories[cat].name_zh,
            "en": profile.categories[cat].name_en,
            "colour": symbols[cat].colour if cat in symbols else "#555555",
        }
        for cat in profile.categories
    }
    icons = {cat: symbol.svg(16) for cat, symbol in symbols.items()}
    attribution = str(ctx.meta.get("attribution") or "")
    core = [
        CORE_JS,
        f"LC.lang = {geojson.script_json(lang)};",
        f"LC.map = {m.get_name()};",
        f"LC.panes(LC.map, {geojson.script_json(PANES)});",
        f"LC.cats = {geojson.script_json(cat_info)};",
        "(function (svgs) { for (var k in svgs) { LC.icons[k] = L.divIcon({html: svgs[k], "
        "className: 'lc-icon', iconSize: [16, 16], iconAnchor: [8, 8], popupAnchor: [0, -8]}); }"
        f" LC.icons._default = LC.icons[Object.keys(svgs)[0]]; }})({geojson.script_json(icons)});",
    ]
    for name, collection in data.items():
        core.append(f"LC.data[{geojson.script_json(name)}] = {geojson.script_json(collection)};")
    m.add_child(_Script("\n".join(core)))

    # Vector basemap (basemap none / offline): buildings and roads under everything.
    if ctx.basemap == "none":
        group = folium.FeatureGroup(name=escape(t("layer_vector_basemap", lang)), show=True)
        group.add_child(
            _Fill(
                {
                    "key": "buildings",
                    "data": "buildings",
                    "pane": "lcBase",
                    "interactive": False,
                    "style": {"stroke": False, "fillColor": BUILDING_COLOUR, "fillOpacity": 1},
                }
            )
        )
        group.add_child(
            _Fill(
                {
                    "key": "roads",
                    "data": "roads",
                    "pane": "lcBase",
                    "interactive": False,
                    "style": {"color": ROAD_COLOUR, "weight": 2, "opacity": 1},
                    "weightBy": ["hw", ROAD_WEIGHTS, 2],
                }
            )
        )
        m.add_child(group)

    context_layers = [
        (
            "water",
            "layer_water",
            {
                "pane": "lcWater",
                "interactive": False,
                "style": {
                    "color": WATER_COLOUR,
                    "weight": 2,
                    "fillColor": WATER_FILL,
                    "fillOpacity": 0.9,
                },
            },
        ),
        (
            "railways",
            "layer_railways",
            {
                "pane": "lcRail",
                "interactive": False,
                "style": {"color": RAIL_COLOUR, "weight": 4, "dashArray": "10 6", "opacity": 0.9},
            },
        ),
    ]
    for key, label, spec in context_layers:
        _group(m, t(label, lang), {"key": key, "data": key, **spec}, True)

    boundary = folium.FeatureGroup(name=escape(t("layer_boundary", lang)), show=True)
    boundary.add_child(
        _Fill(
            {
                "key": "units",
                "data": "units",
                "pane": "lcLines",
                "interactive": False,
                "style": {"color": UNIT_COLOUR, "weight": 1.5, "dashArray": "4 4", "fill": False},
            }
        )
    )
    boundary.add_child(
        _Fill(
            {
                "key": "outline",
                "data": "outline",
                "pane": "lcLines",
                "interactive": False,
                "style": {"color": BOUNDARY_COLOUR, "weight": 3, "fill": False},
            }
        )
    )
    m.add_child(boundary)

    # Service areas: network per category, straight-line radius per category, per facility.
    for cat in cats:
        colour = symbols[cat].colour
        name = category_name(profile, cat, lang)
        _group(
            m,
            t("layer_area", lang, cat=name),
            {
                "key": f"area_{cat}",
                "data": "areas",
                "filter": [["k", ["category"]], ["c", [cat]]],
                "style": {"color": colour, "weight": 2, "fillColor": colour, "fillOpacity": 0.15},
                "popup": _area_popup(ctx, "area_network"),
            },
            False,
        )
        _group(
            m,
            t("layer_radius", lang, cat=name),
            {
                "key": f"radius_{cat}",
                "data": "areas",
                "filter": [["k", ["radius"]], ["c", [cat]]],
                "style": {
                    "color": colour,
                    "weight": 2,
                    "dashArray": "8 6",
                    "fillColor": colour,
                    "fillOpacity": 0.04,
                },
                "popup": _area_popup(ctx, "area_radius"),
            },
            False,
        )
    _group(
        m,
        t("layer_facility_areas", lang),
        {
            "key": "facility_areas",
            "data": "areas",
            "filter": [["k", ["facility"]]],
            "catColour": "c",
            "style": {"weight": 1, "fillOpacity": 0.08},
            "popup": _area_popup(ctx, "area_network"),
        },
        False,
    )

    gap_style = {"color": GAP_COLOUR, "weight": 1.2, "fillColor": GAP_COLOUR, "fillOpacity": 0.1}
    gap_layers: list[tuple[str, str, list[str], bool]] = []
    if circle_kind == "life_circle":
        gap_layers.append(("gaps_life", t("layer_gaps_life", lang), ["life_circle"], True))
    # Single-category gaps are on by default only on the care map: on the fitness map any
    # fitness category counts, and the life map shows incomplete circles instead.
    gap_layers.append(("gaps", t("layer_gaps", lang), list(cats), circle_kind == "care_coverage"))
    for key, name, kinds, show in gap_layers:
        _group(
            m,
            name,
            {
                "key": key,
                "data": "gaps",
                "pane": "lcGaps",
                "filter": [["kk", kinds]],
                "style": gap_style,
                "popup": _gap_popup(ctx),
            },
            show,
        )

    # Demand coloured by the figures that matter; one legend section each.
    legend_sections: list[str] = []
    layers = mapdata.demand_layers(ctx, circle_kind)
    rows = _popup_rows_demand(ctx, circle_kind, aggregated)
    many = len(frame) > CANVAS_ABOVE_POINTS
    for layer in layers:
        section_id = f"lc-legend-{layer.key}"
        spec: dict[str, Any] = {
            "key": f"demand_{layer.key}",
            "data": "demand",
            "pane": "lcDemand",
            "value": layer.prop,
            "classes": layer.classes.to_js(),
            "legend": section_id,
            "popup": {"title": layer.name, "rows": rows},
        }
        if aggregated:
            spec["style"] = {"color": "#555555", "weight": 0.5, "fillOpacity": 0.75}
        else:
            spec.update(
                point="circle",
                radius=5,
                style={"color": "#333333", "weight": 0.8, "opacity": 0.7, "fillOpacity": 0.9},
            )
        if many:
            spec["renderer"] = "canvas"
        show = layer.show and kind != "sites"
        _group(m, layer.name, spec, show or (kind == "sites" and layer.key == "score"))
        legend_sections.append(classes_section(section_id, layer.classes, dot=not aggregated))

    for cat in cats:
        _group(
            m,
            t("layer_facilities", lang, cat=category_name(profile, cat, lang)),
            {
                "key": f"fac_{cat}",
                "data": "fac",
                "filter": [["c", [cat]]],
                "point": "icon",
                "iconBy": "c",
                "popup": _facility_popup(ctx),
                "tooltip": "name",
            },
            True,
        )
    if sites is not None:
        _add_sites_layers(m, ctx, data)

    folium.LayerControl(collapsed=True, position="topright").add_to(m)

    names = {cat: category_name(profile, cat, lang) for cat in cats}
    labels = {
        key: t(key, lang)
        for key in ("area_network", "area_radius", "gap_zone", "layer_water", "layer_railways")
    }
    labels["layer_boundary"] = t("layer_boundary", lang)
    legend_sections.append(symbols_section(t("facility_symbols", lang), symbols, names))
    if sites is not None:
        legend_sections.append(
            sites_section(
                {
                    key: t(key, lang)
                    for key in ("layer_sites", "layer_site_areas", "layer_newly_covered")
                }
            )
        )
    legend_sections.append(context_section(labels))
    root.html.add_child(Element(legend_block(t("legend", lang), legend_sections)), name="lc_legend")

    notes: list[str] = []
    if ctx.options.offline:
        notes.append(t("offline_basemap", lang))
    if aggregated:
        notes.append(
            t("aggregated", lang, limit=ctx.options.max_demand_points, size=round(radius or 0))
        )
    links = list(detail_links)
    if back_link:
        links.insert(0, back_link)
    info = TitleInfo(
        title=mapdata.map_title(ctx, kind, unit_name),
        profile_title=f"{t('profile', lang)}: {profile_title(profile, lang)}",
        date_label=t("date", lang),
        date=ctx.today,
        synthetic_text=t("synthetic_banner", lang) if ctx.meta.get("synthetic") else None,
        notes=notes,
        links=links,
        links_title=t("detail_pages", lang) if detail_links else t("index_title", lang),
    )
    root.html.add_child(Element(title_block(info)), name="lc_title")

    attributions = [a for a in (attribution,) if a]
    final = [
        "L.control.scale({imperial: false, maxWidth: 160}).addTo(LC.map);",
        f"{geojson.script_json(attributions)}.forEach(function (a) "
        "{ LC.map.attributionControl.addAttribution(LC.esc(a)); });",
        f"LC.map.fitBounds({geojson.script_json(bounds)}, {{padding: [20, 20]}});",
        "LC.initLegend(LC.map);",
        "window.LC_READY = true;",
    ]
    m.add_child(_Script("\n".join(final)))
    counts = {name: len(col.get("features", [])) for name, col in data.items()}
    return m, {"aggregated": aggregated, "hex_radius_m": radius, "features": counts}


def render_html(m: folium.Map, offline_mode: bool) -> str:
    """The page HTML; offline pages are checked for remote scripts or styles."""
    html = m.get_root().render()
    if offline_mode:
        offline.assert_self_contained(html)
    return html
