"""The layers of a map page, one function per family, in the order Leaflet stacks them.

Each layer is a folium ``FeatureGroup``, listed in a section of the page's
grouped layer control (:class:`LayerIndex`, ``LC.layerControl``) and filled
by ``LC.fill`` from a spec: which embedded data set, a filter, a style, the
popup rows (see ``assets/lifecircle.js``). Panes keep the families in order
whatever the order they are switched on in.

A popup row is ``[label, property, format, text when missing, extra, unit
property]`` (the last two optional); rows whose value is missing and that have
no missing text are left out (``LC.popupHtml``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from html import escape
from typing import Any

import folium

from lifecircle.maps import mapdata
from lifecircle.maps.js import Fill
from lifecircle.maps.labels import category_name, t
from lifecircle.maps.mapdata import MapContext
from lifecircle.maps.page import (
    area_swatch,
    classes_section,
    line_swatch,
    rail_swatch,
    rows_section,
    water_swatch,
)
from lifecircle.maps.style import (
    BOUNDARY_COLOUR,
    BUILDING_COLOUR,
    GAP_COLOUR,
    RAIL_COLOUR,
    RAIL_HATCH,
    ROAD_COLOUR,
    UNIT_COLOUR,
    WATER_COLOUR,
    WATER_FILL,
    Classes,
    Symbol,
    gap_count_classes,
    reached_classes,
    sfca_classes,
    target_classes,
)

CANVAS_ABOVE_POINTS = 3000  # more demand features than this are drawn on a canvas, not SVG
# Leaflet panes: name, z-index, and whether clicks pass through (non-interactive layers).
PANES = [
    ["lcBase", 250, True],
    ["lcWater", 390, True],
    ["lcUnits", 395, False],  # 居委 choropleths: under the gap zones and the residents
    ["lcGaps", 405, False],
    ["lcRail", 410, True],
    ["lcDemand", 420, False],
    ["lcGapsAbove", 425, False],  # gap outlines over hexagons (aggregated pages)
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


# Sections of the layer control, in the order it lists them; a radio section shows one
# of its layers at a time (plus "none"), so colourings and gap views never pile up.
CONTROL_SECTIONS: dict[str, tuple[str, bool, bool]] = {
    # key: (label key, radio, open at first)
    "sites": ("grp_sites", False, True),
    "gaps": ("grp_gaps", True, True),
    "residents": ("grp_residents", True, True),
    "facilities": ("grp_facilities", False, False),
    "areas": ("grp_areas", False, False),
    "base": ("grp_base", False, False),
    "basemap": ("grp_basemap", False, False),
}


@dataclass
class LayerIndex:
    """The page's layers by layer-control section, as (name, folium layer), in order."""

    sections: dict[str, list[tuple[str, Any]]] = field(default_factory=dict)

    def add(self, section: str, name: str, layer: Any) -> None:
        """List ``layer`` under ``section`` as ``name`` (plain text; escaped by the page)."""
        if section not in CONTROL_SECTIONS:
            raise ValueError(f"unknown layer-control section {section!r}")
        self.sections.setdefault(section, []).append((name, layer))


def _group(
    m: folium.Map,
    index: LayerIndex,
    section: str,
    name: str,
    spec: dict[str, Any],
    show: bool,
) -> folium.FeatureGroup:
    """Add a layer ``name`` under ``section``, drawn from ``spec`` by ``LC.addLayer``."""
    return _group_of(m, index, section, name, [spec], show)


def _group_of(
    m: folium.Map,
    index: LayerIndex,
    section: str,
    name: str,
    specs: list[dict[str, Any]],
    show: bool = True,
) -> folium.FeatureGroup:
    """One layer-control entry drawn from several specs (e.g. a line and its hatch).

    folium's own layer control is not used (``control=False``): the page's
    grouped control (``LC.layerControl``) lists the layers from ``index``.
    """
    group = folium.FeatureGroup(name=escape(name), show=show, control=False)
    for spec in specs:
        group.add_child(Fill(spec))
    m.add_child(group)
    index.add(section, name, group)
    return group


def add_vector_basemap(m: folium.Map, ctx: MapContext, index: LayerIndex) -> None:
    """Buildings and roads under everything, road names over the data.

    For basemap ``none`` (the default without a Tianditu key, and offline
    pages). Names sit in their own pane above the demand layer, so they stay
    readable; road names appear from the zoom their class has in
    :data:`lifecircle.maps.basemap_labels.ROAD_LABEL_MIN_ZOOM`.
    """
    _group_of(
        m,
        index,
        "basemap",
        t("layer_vector_basemap", ctx.lang),
        [
            {
                "key": "buildings",
                "data": "buildings",
                "pane": "lcBase",
                "interactive": False,
                "renderer": "canvas",
                "style": {"stroke": False, "fillColor": BUILDING_COLOUR, "fillOpacity": 1},
            },
            {
                "key": "roads",
                "data": "roads",
                "pane": "lcBase",
                "interactive": False,
                "renderer": "canvas",
                "style": {"color": ROAD_COLOUR, "weight": 2, "opacity": 1},
                "weightBy": ["hw", ROAD_WEIGHTS, 2],
            },
            {
                "key": "road_labels",
                "data": "road_labels",
                "pane": "lcLabels",
                "point": "label",
                "label": "nm",
                "labelClass": "lc-road-label",
                "interactive": False,
            },
        ],
    )


# The railway symbol: a black line with a white dashed hatch inside it (a classic map
# railway), so it never reads as a boundary (dark grey dashes) or a road.
RAIL_STYLE = {"color": RAIL_COLOUR, "weight": 5, "opacity": 1, "lineCap": "butt"}
RAIL_HATCH_STYLE = {
    "color": RAIL_HATCH,
    "weight": 2.5,
    "opacity": 1,
    "dashArray": "7 7",
    "lineCap": "butt",
}
UNIT_STYLE = {"color": UNIT_COLOUR, "weight": 2, "dashArray": "6 3 1.5 3", "fill": False}
OUTLINE_STYLE = {"color": BOUNDARY_COLOUR, "weight": 3, "fill": False}


def add_context_layers(m: folium.Map, ctx: MapContext, index: LayerIndex) -> None:
    """Water, railways (the barriers walks go around), the study area, and the 居委 with names."""
    lang = ctx.lang
    water_style = {"color": WATER_COLOUR, "weight": 2, "fillColor": WATER_FILL, "fillOpacity": 0.9}
    base = {"pane": "lcLines", "interactive": False}
    _group_of(
        m,
        index,
        "base",
        t("layer_units", lang),
        [
            {"key": "units", "data": "units", **base, "style": UNIT_STYLE},
            {
                "key": "place_labels",
                "data": "place_labels",
                "pane": "lcLabels",
                "point": "label",
                "label": "nm",
                "labelClass": "lc-place-label",
                "interactive": False,
            },
        ],
    )
    _group_of(
        m,
        index,
        "base",
        t("layer_study_area", lang),
        [{"key": "outline", "data": "outline", **base, "style": OUTLINE_STYLE}],
    )
    _group_of(
        m,
        index,
        "base",
        t("layer_railways", lang),
        [
            {"key": "railways", "data": "railways", **base, "pane": "lcRail", "style": RAIL_STYLE},
            {
                "key": "railway_hatch",
                "data": "railways",
                **base,
                "pane": "lcRail",
                "style": RAIL_HATCH_STYLE,
            },
        ],
    )
    _group_of(
        m,
        index,
        "base",
        t("layer_water", lang),
        [{"key": "water", "data": "water", **base, "pane": "lcWater", "style": water_style}],
    )


def context_legend(ctx: MapContext) -> str:
    """The legend rows of the context layers, drawn with the styles the map uses."""
    lang = ctx.lang
    return rows_section(
        None,
        None,
        [
            (water_swatch(WATER_FILL, WATER_COLOUR), t("layer_water", lang)),
            (rail_swatch(RAIL_COLOUR, RAIL_HATCH), t("layer_railways", lang)),
            (line_swatch(OUTLINE_STYLE["color"], 3, None), t("layer_study_area", lang)),
            (line_swatch(UNIT_COLOUR, 2, "6 3 1.5 3"), t("unit_boundary", lang)),
        ],
    )


def add_service_areas(
    m: folium.Map,
    ctx: MapContext,
    index: LayerIndex,
    cats: Sequence[str],
    symbols: dict[str, Symbol],
) -> list[str]:
    """Service areas, all off at first: per category, and per facility.

    Each category has its network area and its straight-line radius, so the
    difference rivers and railways make can be seen. Both are drawn in the
    category's colour; each has a legend row in that colour, shown while it is on.

    Returns
    -------
    list of str
        Legend sections (HTML), each shown while its layer is on.
    """
    lang = ctx.lang
    legend: list[str] = []
    for cat in cats:
        colour = symbols[cat].colour
        name = category_name(ctx.profile, cat, lang)
        for key, label_key, dashed, fill in (
            (f"area_{cat}", "layer_area", None, 0.15),
            (f"radius_{cat}", "layer_radius", "8 6", 0.04),
        ):
            style = {"color": colour, "weight": 2, "fillColor": colour, "fillOpacity": fill}
            if dashed:
                style["dashArray"] = dashed
            kind = "category" if key.startswith("area_") else "radius"
            section_id = f"lc-legend-{key}"
            label = t(label_key, lang, cat=name)
            _group(
                m,
                index,
                "areas",
                label,
                {
                    "key": key,
                    "data": "areas",
                    "filter": [["k", [kind]], ["c", [cat]]],
                    "style": style,
                    "legend": section_id,
                    "popup": _area_popup(
                        ctx, "area_network" if kind == "category" else "area_radius"
                    ),
                },
                False,
            )
            legend.append(
                rows_section(section_id, None, [(area_swatch(colour, fill, dashed), label)])
            )
    section_id = "lc-legend-facility_areas"
    _group(
        m,
        index,
        "areas",
        t("layer_facility_areas", lang),
        {
            "key": "facility_areas",
            "data": "areas",
            "filter": [["k", ["facility"]]],
            "catColour": "c",
            "style": {"weight": 1, "fillOpacity": 0.08},
            "legend": section_id,
            "popup": _area_popup(ctx, "area_network"),
        },
        False,
    )
    legend.append(
        rows_section(
            section_id,
            t("layer_facility_areas", lang),
            [
                (
                    area_swatch(symbols[cat].colour, 0.08, None),
                    category_name(ctx.profile, cat, lang),
                )
                for cat in cats
            ],
        )
    )
    return legend


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


def add_gap_layers(
    m: folium.Map,
    ctx: MapContext,
    index: LayerIndex,
    circle_kind: str,
    cats: Sequence[str],
    only: Sequence[str] | None = None,
    aggregated: bool = False,
) -> list[str]:
    """Gap zones, one view at a time: the circle's own gaps, or one category's.

    The default view is the circle's: on the life and care maps the pieces of
    the gap zones coloured by how many categories are missing there
    (:mod:`lifecircle.maps.gap_counts`); on the fitness map, where any fitness
    category counts, only the pieces where every fitness category is missing,
    so no gap is drawn over residents who reach one. The control offers each
    category's own gap zones instead. ``only`` (the sites map) keeps only
    those categories' zones, shown at first. Over hexagons (``aggregated``)
    zones are outlines drawn above them: a fill under a hexagon's mean would
    muddy its colour.

    Returns
    -------
    list of str
        Legend sections (HTML), each shown while its view is on.
    """
    lang = ctx.lang
    legend: list[str] = []
    gap_cats = [c for c in (only or cats) if ctx.results.access.has_data(c)]
    pane = "lcGapsAbove" if aggregated else "lcGaps"
    fill = 0.0 if aggregated else 0.4
    weight = 3.0 if aggregated else 1.5
    if only is None and gap_cats:  # no category with data: nothing is a service gap
        classes = gap_view_classes(ctx, circle_kind, cats)
        section_id = "lc-legend-gap_count"
        name = classes.title
        _group(
            m,
            index,
            "gaps",
            name,
            {
                "key": "gap_count",
                "data": "gap_count",
                "pane": pane,
                "value": "n",
                "classes": classes.to_js(),
                "strokeByClass": True,
                "style": {"weight": weight, "opacity": 0.9, "fillOpacity": fill},
                "legend": section_id,
                "popup": _gap_count_popup(ctx),
            },
            True,
        )
        legend.append(
            rows_section(
                section_id,
                classes.title,
                [
                    (area_swatch(colour, fill, None), label)
                    for colour, label in classes.legend_rows()
                ],
            )
        )
    for cat in gap_cats:
        section_id = f"lc-legend-gaps_{cat}"
        name = t("layer_gap_cat", lang, cat=category_name(ctx.profile, cat, lang))
        _group(
            m,
            index,
            "gaps",
            name,
            {
                "key": f"gaps_{cat}",
                "data": "gaps",
                "pane": pane,
                "filter": [["k", ["category"]], ["kk", [cat]]],
                "style": {
                    "color": GAP_COLOUR,
                    "weight": weight,
                    "fillColor": GAP_COLOUR,
                    "fillOpacity": fill * 0.75,
                },
                "legend": section_id,
                "popup": _gap_popup(ctx),
            },
            only is not None,
        )
        swatch = area_swatch(GAP_COLOUR, fill * 0.75, None)
        legend.append(rows_section(section_id, None, [(swatch, name)]))
    return legend


def gap_view_classes(ctx: MapContext, circle_kind: str, cats: Sequence[str]) -> Classes:
    """Classes of the circle's gap view: categories missing, or the fitness circle's gap."""
    lang = ctx.lang
    with_data = [c for c in cats if ctx.results.access.has_data(c)]
    if circle_kind == "fitness_circle":
        minutes = mapdata.category_minutes(ctx.results, circle_kind, cats[0]) if cats else 0
        title = t("layer_gap_circle", lang, m=f"{minutes:g}")
        return Classes(title=title, breaks=(math.inf,), colours=(GAP_COLOUR,), labels=(title,))
    return gap_count_classes(len(with_data), lang)


def _gap_count_popup(ctx: MapContext) -> dict[str, Any]:
    """Popup of a piece of the gap zones: the categories missing and the people there."""
    lang = ctx.lang
    return {
        "title": t("gap_zone", lang),
        "rows": [
            [t("missing", lang), "cats", "cats", None],
            [t("residents", lang), "r", "int", None],
            [t("elderly", lang), "e", "int", None],
        ],
    }


def _gap_popup(ctx: MapContext) -> dict[str, Any]:
    """Popup of a category's gap zone: its name, the people affected, the nearest facility."""
    lang = ctx.lang
    return {
        "titleFrom": ["gap", t("gap_name", lang, cat="{cat}", n="{n}")],
        "rows": [
            [t("category", lang), "kk", "cat", None],
            [t("residents", lang), "r", "int", None],
            [t("elderly", lang), "e", "int", None],
            [t("people_affected", lang), "pa", "int", None],
            [t("nearest_facility", lang), "nf", "fac", None, t("unnamed", lang)],
            [t("nearest_walk", lang), "nw", "text", None],
        ],
    }


def add_demand_layers(
    m: folium.Map,
    ctx: MapContext,
    index: LayerIndex,
    kind: str,
    circle_kind: str,
    aggregated: bool,
    n_features: int,
) -> list[str]:
    """Demand coloured by each figure that matters, one at a time, a legend section each.

    Points are small circles (facilities are larger symbols that are never
    circles), or hexagons when ``aggregated``; above ``CANVAS_ABOVE_POINTS``
    features they are drawn on a canvas. The care map leads with the number of
    care types each older resident reaches (fixed classes 0 … n) and offers the
    floor area per 1,000 residents of each 居委 against its targets; the 2SFCA
    index stays as an option. On the sites page only the headline layer starts on.

    Returns
    -------
    list of str
        The legend sections (HTML), each shown while its layer is on.
    """
    legend_sections: list[str] = []
    rows = _popup_rows_demand(ctx, circle_kind, aggregated)
    layers = demand_views(ctx, circle_kind)
    for position, layer in enumerate(layers):
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
                radius=4,
                style={"color": "#333333", "weight": 0.6, "opacity": 0.7, "fillOpacity": 0.9},
            )
        if n_features > CANVAS_ABOVE_POINTS:
            spec["renderer"] = "canvas"
        show = position == 0 if kind == "sites" else layer.show
        _group(m, index, "residents", layer.name, spec, show)
        legend_sections.append(classes_section(section_id, layer.classes, dot=not aggregated))
        if layer.key == "reached":
            legend_sections += _add_unit_care_layer(m, ctx, index)
    return legend_sections


def demand_views(ctx: MapContext, circle_kind: str) -> list[mapdata.DemandLayer]:
    """The demand colourings of a map, the headline first (shown at first)."""
    layers = mapdata.demand_layers(ctx, circle_kind)
    if circle_kind != "care_coverage":
        return layers
    cats = mapdata.map_categories(ctx.profile, circle_kind)
    n_with_data = sum(ctx.results.access.has_data(c) for c in cats)
    classes = reached_classes(n_with_data, ctx.lang)
    reached = mapdata.DemandLayer("reached", classes.title, REACHED_PROP, classes, True)
    rest = [
        replace(layer, show=False, classes=sfca_classes(None, ctx.lang))
        if layer.key == "sfca"
        else replace(layer, show=False)
        for layer in layers
    ]
    return [reached, *rest]


REACHED_PROP = "nc"  # demand property: care types reached within their thresholds


def _add_unit_care_layer(m: folium.Map, ctx: MapContext, index: LayerIndex) -> list[str]:
    """居委 coloured by care floor area per 1,000 residents against the profile's targets."""
    classes = unit_care_classes(ctx)
    if classes is None:
        return []
    lang = ctx.lang
    section_id = "lc-legend-unit_care"
    _group(
        m,
        index,
        "residents",
        classes.title,
        {
            "key": "unit_care",
            "data": "unit_care",
            "pane": "lcUnits",
            "value": "p",
            "classes": classes.to_js(),
            "strokeByClass": True,
            "style": {"weight": 2, "fillOpacity": 0.35},
            "legend": section_id,
            "popup": {
                "title": classes.title,
                "rows": [
                    [t("unit", lang), "name", "text", None],
                    [t("per_1000_popup", lang), "p", "num1", t("no_data_short", lang)],
                    [t("residents", lang), "r", "int", None],
                ],
            },
        },
        False,
    )
    rows = [(area_swatch(colour, 0.35, None), label) for colour, label in classes.legend_rows()]
    return [rows_section(section_id, classes.title, rows)]


def unit_care_classes(ctx: MapContext) -> Classes | None:
    """Classes of the 居委 care floor area per 1,000 residents (m²), None without targets."""
    circle = ctx.profile.circles.get("care_coverage")
    targets = (circle.figure("per_1000_targets") if circle else None) or []
    units = ctx.results.tables.get("units_care")
    if not targets or units is None or units.empty or ctx.results.layerset.boundary.empty:
        return None
    return target_classes([f.value for f in targets], ctx.lang, t("layer_unit_per_1000", ctx.lang))


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
        rows.append(
            [
                f"{t('layer_fitness', lang)} ({t('minutes', lang)})",
                "fm",
                "min",
                mapdata.missing_minutes_text(ctx, cats),
            ]
        )
    elif kind == "care_coverage":
        rows.append([t("reached_popup", lang), REACHED_PROP, "of", None, len(cats)])
        rows.append([t("index_2sfca", lang) + " (m²)", "s2", "num", None])
    for i, cat in enumerate(cats):
        label = f"{category_name(ctx.profile, cat, lang)} ({t('minutes', lang)})"
        rows.append([label, f"m{i}", "min", mapdata.missing_minutes_text(ctx, [cat])])
    return rows


def add_facility_layers(
    m: folium.Map, ctx: MapContext, index: LayerIndex, cats: Sequence[str]
) -> None:
    """Facilities, one layer per category, drawn with the category's symbol."""
    for cat in cats:
        _group(
            m,
            index,
            "facilities",
            t("layer_facilities", ctx.lang, cat=category_name(ctx.profile, cat, ctx.lang)),
            {
                "key": f"fac_{cat}",
                "data": "fac",
                "filter": [["c", [cat]]],
                "pane": "markerPane",
                "point": "symbol",
                "symbolBy": "c",
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


SITE_FILL = "#ffff33"
NEWLY_FILL = "#00e5ff"


def add_sites_layers(
    m: folium.Map, ctx: MapContext, index: LayerIndex, data: dict[str, Any]
) -> None:
    """New sites on top, numbered by rank, with their service areas and the homes they cover."""
    lang = ctx.lang
    if "site_areas" in data:
        _group(
            m,
            index,
            "sites",
            t("layer_site_areas", lang),
            {
                "key": "site_areas",
                "data": "site_areas",
                "style": {
                    "color": "#000000",
                    "weight": 2,
                    "fillColor": SITE_FILL,
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
            index,
            "sites",
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
                    "fillColor": NEWLY_FILL,
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
        index,
        "sites",
        t("layer_sites", lang),
        {
            "key": "sites",
            "data": "sites",
            "point": "badge",
            "badge": "rk",
            "badgeClass": "lc-site-rank",
            "pane": "markerPane",
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
            [t("site_rank", lang), "rk", "int", None],
            [t("site_id", lang), "id", "text", None],
            [t("category", lang), "c", "cat", None],
            [t("new_residents", lang), "nr", "int", "—"],
            [t("new_elderly", lang), "ne", "int", "—"],
            [t("cumulative_share", lang), "cs", "pct", "—"],
        ],
    }
