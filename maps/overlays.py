"""The layers of a map page, one function per family, in the order Leaflet stacks them.

Each layer is a folium ``FeatureGroup`` (so the layer control lists it) filled
by ``LC.fill`` from a spec: which embedded data set, a filter, a style, the
popup rows (see ``assets/lifecircle.js``). Panes keep the families in order
whatever the order they are switched on in.

A popup row is ``[label, property, format, text when missing, extra, unit
property]`` (the last two optional); rows whose value is missing and that have
no missing text are left out (``LC.popupHtml``).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

import folium

from lifecircle.maps import mapdata
from lifecircle.maps.js import Fill
from lifecircle.maps.labels import category_name, t
from lifecircle.maps.mapdata import MapContext
from lifecircle.maps.page import classes_section
from lifecircle.maps.style import (
    BOUNDARY_COLOUR,
    BUILDING_COLOUR,
    GAP_COLOUR,
    RAIL_COLOUR,
    ROAD_COLOUR,
    UNIT_COLOUR,
    WATER_COLOUR,
    WATER_FILL,
    Symbol,
)

CANVAS_ABOVE_POINTS = 3000  # more demand features than this are drawn on a canvas, not SVG
# Leaflet panes: name, z-index, and whether clicks pass through (non-interactive layers).
PANES = [
    ["lcBase", 250, True],
    ["lcWater", 390, True],
    ["lcGaps", 405, False],
    ["lcRail", 410, True],
    ["lcDemand", 420, False],
    ["lcLines", 430, True],
    ["lcLabels", 440, True],
]

# Line weight (px) of the vector basemap's roads by OSM highway class; others get 2.
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


def _group(m: folium.Map, name: str, spec: dict[str, Any], show: bool) -> folium.FeatureGroup:
    """Add a layer-control entry ``name``, drawn from ``spec`` by ``LC.addLayer``."""
    group = folium.FeatureGroup(name=escape(name), show=show)
    group.add_child(Fill(spec))
    m.add_child(group)
    return group


def add_vector_basemap(m: folium.Map, ctx: MapContext) -> None:
    """Buildings and roads under everything, road and place names over the data.

    For basemap ``none`` (the default without a Tianditu key, and offline
    pages). Names sit in their own pane above the demand layer, so they stay
    readable; road names appear from the zoom their class has in
    :data:`lifecircle.maps.basemap_labels.ROAD_LABEL_MIN_ZOOM`.
    """
    group = folium.FeatureGroup(name=escape(t("layer_vector_basemap", ctx.lang)), show=True)
    group.add_child(
        Fill(
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
        Fill(
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
    for key, css_class in (("place_labels", "lc-place-label"), ("road_labels", "lc-road-label")):
        group.add_child(
            Fill(
                {
                    "key": key,
                    "data": key,
                    "pane": "lcLabels",
                    "point": "label",
                    "label": "nm",
                    "labelClass": css_class,
                    "interactive": False,
                }
            )
        )
    m.add_child(group)


def add_context_layers(m: folium.Map, ctx: MapContext) -> None:
    """Water, railways (the barriers walks go around) and the study and unit boundaries."""
    lang = ctx.lang
    water_style = {"color": WATER_COLOUR, "weight": 2, "fillColor": WATER_FILL, "fillOpacity": 0.9}
    _group(
        m,
        t("layer_water", lang),
        {
            "key": "water",
            "data": "water",
            "pane": "lcWater",
            "interactive": False,
            "style": water_style,
        },
        True,
    )
    _group(
        m,
        t("layer_railways", lang),
        {
            "key": "railways",
            "data": "railways",
            "pane": "lcRail",
            "interactive": False,
            "style": {"color": RAIL_COLOUR, "weight": 4, "dashArray": "10 6", "opacity": 0.9},
        },
        True,
    )
    boundary = folium.FeatureGroup(name=escape(t("layer_boundary", lang)), show=True)
    boundary.add_child(
        Fill(
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
        Fill(
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


def add_service_areas(
    m: folium.Map, ctx: MapContext, cats: Sequence[str], symbols: dict[str, Symbol]
) -> None:
    """Service areas, all off at first: per category, and per facility.

    Each category has its network area and its straight-line radius, so the
    difference rivers and railways make can be seen.
    """
    lang = ctx.lang
    for cat in cats:
        colour = symbols[cat].colour
        name = category_name(ctx.profile, cat, lang)
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


def _area_popup(ctx: MapContext, title_key: str) -> dict[str, Any]:
    """Popup of a service area: category, facility, threshold and walk distance."""
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


def add_gap_layers(m: folium.Map, ctx: MapContext, circle_kind: str, cats: Sequence[str]) -> None:
    """Gap zones: incomplete life circles (life map only), and single-category gaps.

    Single-category gaps are on by default only on the care map: on the fitness
    map any fitness category counts, and the life map shows incomplete circles
    instead.
    """
    lang = ctx.lang
    gap_style = {"color": GAP_COLOUR, "weight": 1.2, "fillColor": GAP_COLOUR, "fillOpacity": 0.1}
    gap_layers: list[tuple[str, str, list[str], bool]] = []
    if circle_kind == "life_circle":
        gap_layers.append(("gaps_life", t("layer_gaps_life", lang), ["life_circle"], True))
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


def _gap_popup(ctx: MapContext) -> dict[str, Any]:
    """Popup of a gap zone: what is missing and how many people it affects."""
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


def add_demand_layers(
    m: folium.Map,
    ctx: MapContext,
    kind: str,
    circle_kind: str,
    aggregated: bool,
    n_features: int,
) -> list[str]:
    """Demand coloured by each figure that matters, one layer and one legend section each.

    Points are circles, or hexagons when ``aggregated``; above
    ``CANVAS_ABOVE_POINTS`` features they are drawn on a canvas. On the sites
    page only the score layer starts on.

    Returns
    -------
    list of str
        The legend sections (HTML), each shown while its layer is on.
    """
    legend_sections: list[str] = []
    rows = _popup_rows_demand(ctx, circle_kind, aggregated)
    for layer in mapdata.demand_layers(ctx, circle_kind):
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
        if n_features > CANVAS_ABOVE_POINTS:
            spec["renderer"] = "canvas"
        show = layer.show and kind != "sites"
        _group(m, layer.name, spec, show or (kind == "sites" and layer.key == "score"))
        legend_sections.append(classes_section(section_id, layer.classes, dot=not aggregated))
    return legend_sections


def _popup_rows_demand(ctx: MapContext, kind: str, aggregated: bool) -> list[list[Any]]:
    """Popup rows of a demand point, or of a hexagon when ``aggregated``."""
    lang = ctx.lang
    cats = mapdata.map_categories(ctx.profile, kind)
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
        rows.append([
            f"{t('layer_fitness', lang)} ({t('minutes', lang)})", "fm", "min",
            mapdata.missing_minutes_text(ctx, cats),
        ])
    elif kind == "care_coverage":
        rows.append([t("index_2sfca", lang) + " (m²)", "s2", "num", None])
    for i, cat in enumerate(cats):
        label = f"{category_name(ctx.profile, cat, lang)} ({t('minutes', lang)})"
        rows.append([label, f"m{i}", "min", mapdata.missing_minutes_text(ctx, [cat])])
    return rows


def add_facility_layers(m: folium.Map, ctx: MapContext, cats: Sequence[str]) -> None:
    """Facilities, one layer per category, drawn with the category's symbol."""
    for cat in cats:
        _group(
            m,
            t("layer_facilities", ctx.lang, cat=category_name(ctx.profile, cat, ctx.lang)),
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


def _facility_popup(ctx: MapContext) -> dict[str, Any]:
    """Popup of a facility: name, category, capacity and load."""
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


def add_sites_layers(m: folium.Map, ctx: MapContext, data: dict[str, Any]) -> None:
    """New sites on top, with their service areas and the homes they newly cover."""
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


def _sites_popup(ctx: MapContext) -> dict[str, Any]:
    """Popup of a new site: rank, category and the people it newly covers."""
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
