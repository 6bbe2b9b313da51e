"""QGIS styles inside ``results.gpkg``, so its layers open styled, with readable field names.

QGIS looks for a table ``layer_styles`` in a GeoPackage and applies the row
marked ``useAsDefault`` when a layer is added (the convention QGIS itself
writes with "Save as default"; the table is registered in ``gpkg_contents``
as an attributes table, as QGIS does). Each row holds a QML document:

- ``demand``: graduated walking minutes, one style per category
  (``min_<category>``), classes from the profile threshold like the web maps
  (:func:`lifecircle.maps.style.minute_classes`); the first is the default;
- ``facilities`` and ``sites``: categorised by ``category``;
- ``gaps``, ``service_areas`` and ``site_service_areas``: a fill.

Every style carries the fields' aliases (:mod:`lifecircle.table_headers`) in
the run's language.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from lifecircle.maps.labels import category_name, check_lang
from lifecircle.maps.style import (
    CATEGORY_COLOURS,
    GAP_COLOUR,
    minute_classes,
)
from lifecircle.standards.profile import Profile
from lifecircle.table_headers import column_header

#: The table QGIS reads styles from.
STYLES_TABLE = "layer_styles"

#: Its columns, in QGIS's order (after the ``id`` key).
STYLE_COLUMNS: tuple[str, ...] = (
    "f_table_catalog",
    "f_table_schema",
    "f_table_name",
    "f_geometry_column",
    "styleName",
    "styleQML",
    "styleSLD",
    "useAsDefault",
    "description",
    "owner",
    "ui",
    "update_time",
)

_QGIS_VERSION = "3.28.0-Firenze"
_SERVICE_AREA_COLOUR = "#1f78b4"
#: Stand-in for "no facility within the cap" in the graduated renderer (minutes).
_NO_REACH_MINUTES = 999_999


def _rgba(hex_colour: str, alpha: int = 255) -> str:
    """``#rrggbb`` as QGIS's ``r,g,b,a``."""
    value = hex_colour.lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return f"{red},{green},{blue},{alpha}"


def _symbol(parent: ET.Element, name: str, geometry: str, colour: str) -> None:
    """A simple marker (points) or fill (polygons) symbol named ``name``."""
    kind = "marker" if geometry == "point" else "fill"
    symbol = ET.SubElement(
        parent, "symbol", type=kind, name=name, alpha="1", clip_to_extent="1", force_rhr="0"
    )
    if kind == "marker":
        layer_class = "SimpleMarker"
        options = {
            "color": _rgba(colour),
            "name": "circle",
            "size": "2.4",
            "size_unit": "MM",
            "outline_color": "255,255,255,255",
            "outline_width": "0.2",
            "outline_style": "solid",
        }
    else:
        layer_class = "SimpleFill"
        options = {
            "color": _rgba(colour, 70),
            "style": "solid",
            "outline_color": _rgba(colour),
            "outline_width": "0.4",
            "outline_style": "solid",
        }
    layer = ET.SubElement(
        symbol, "layer", attrib={"class": layer_class, "enabled": "1", "pass": "0"}
    )
    mapping = ET.SubElement(layer, "Option", type="Map")
    for key, value in options.items():
        ET.SubElement(mapping, "Option", name=key, type="QString", value=value)


def _document(fields: list[str], profile: Profile, lang: str) -> tuple[ET.Element, ET.Element]:
    """The ``<qgis>`` root with the fields' aliases; returns (root, renderer placeholder)."""
    root = ET.Element("qgis", version=_QGIS_VERSION, styleCategories="Symbology|Fields")
    renderer = ET.SubElement(root, "renderer-v2", symbollevels="0", enableorderby="0")
    aliases = ET.SubElement(root, "aliases")
    for index, field in enumerate(fields):
        header = column_header(field, profile)
        if header is not None:
            ET.SubElement(aliases, "alias", field=field, index=str(index), name=header.text(lang))
    return root, renderer


def _qml(root: ET.Element) -> str:
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + ET.tostring(
        root, encoding="unicode"
    )


def demand_styles(
    fields: list[str], profile: Profile, lang: str, max_minutes: float
) -> list[tuple[str, str]]:
    """(style name, QML) per ``min_<category>`` field: graduated walking minutes.

    Classes as on the web maps: within the profile threshold, up to twice it,
    beyond it up to ``max_minutes``, and "none within ``max_minutes``" for a
    missing value (the renderer classifies ``coalesce(field, 999999)``, because a
    graduated renderer leaves NULL unclassified and so undrawn).
    """
    styles = []
    for field in fields:
        category = field.removeprefix("min_")
        if not field.startswith("min_") or category not in profile.categories:
            continue
        rule = profile.rule(category)
        name = category_name(profile, category, lang)
        classes = minute_classes(rule.threshold_minutes, max_minutes, lang, name)
        root, renderer = _document(fields, profile, lang)
        renderer.set("type", "graduatedSymbol")
        renderer.set("attr", f'coalesce("{field}", {_NO_REACH_MINUTES:g})')
        renderer.set("graduatedMethod", "GraduatedColor")
        ranges = ET.SubElement(renderer, "ranges")
        symbols = ET.SubElement(renderer, "symbols")
        lower = 0.0
        rows = list(zip(classes.breaks, classes.colours, classes.labels, strict=True))
        upper_bounds = [max_minutes if math.isinf(b) else b for b in classes.breaks]
        for index, ((_, colour, label), upper) in enumerate(zip(rows, upper_bounds, strict=True)):
            ET.SubElement(
                ranges, "range", symbol=str(index), lower=f"{lower:g}", upper=f"{upper:g}",
                label=label, render="true",
            )
            _symbol(symbols, str(index), "point", colour)
            lower = upper
        if classes.null_label:
            index = len(rows)
            ET.SubElement(
                ranges, "range", symbol=str(index), lower=f"{lower:g}",
                upper=f"{_NO_REACH_MINUTES:g}", label=classes.null_label, render="true",
            )
            _symbol(symbols, str(index), "point", classes.null_colour or "#cccccc")
        ET.SubElement(renderer, "mode", name="manual")
        styles.append((field, _qml(root)))
    return styles


def categorised_style(
    fields: list[str], categories: list[str], profile: Profile, lang: str
) -> str:
    """QML of points categorised by ``category``, named after the profile's categories."""
    root, renderer = _document(fields, profile, lang)
    renderer.set("type", "categorizedSymbol")
    renderer.set("attr", "category")
    listed = ET.SubElement(renderer, "categories")
    symbols = ET.SubElement(renderer, "symbols")
    for index, category in enumerate(categories):
        label = (
            category_name(profile, category, lang) if category in profile.categories else category
        )
        ET.SubElement(
            listed, "category", symbol=str(index), value=category, label=label, render="true"
        )
        _symbol(symbols, str(index), "point", CATEGORY_COLOURS[index % len(CATEGORY_COLOURS)])
    return _qml(root)


def fill_style(fields: list[str], colour: str, profile: Profile, lang: str) -> str:
    """QML of one translucent fill with an outline."""
    root, renderer = _document(fields, profile, lang)
    renderer.set("type", "singleSymbol")
    _symbol(ET.SubElement(renderer, "symbols"), "0", "fill", colour)
    return _qml(root)


def layer_style_rows(
    layers: Mapping[str, gpd.GeoDataFrame], profile: Profile, lang: str, max_minutes: float
) -> list[dict[str, object]]:
    """The ``layer_styles`` rows of the layers this module knows how to style."""
    check_lang(lang)
    rows: list[dict[str, object]] = []
    for layer, frame in layers.items():
        fields = [str(c) for c in frame.columns if c != frame.geometry.name]
        if layer == "demand":
            styles = demand_styles(fields, profile, lang, max_minutes)
        elif layer in {"facilities", "sites", "proposed_sites"} and "category" in fields:
            present = set(frame["category"].dropna().astype(str))
            ordered = [c for c in profile.categories if c in present]
            ordered += sorted(present - set(ordered))
            styles = [("category", categorised_style(fields, ordered, profile, lang))]
        elif layer == "gaps":
            styles = [("gaps", fill_style(fields, GAP_COLOUR, profile, lang))]
        elif layer in {"service_areas", "site_service_areas"}:
            styles = [(layer, fill_style(fields, _SERVICE_AREA_COLOUR, profile, lang))]
        else:
            continue
        for number, (name, qml) in enumerate(styles):
            rows.append(
                {
                    "f_table_catalog": "",
                    "f_table_schema": "",
                    "f_table_name": layer,
                    "f_geometry_column": "geom",
                    "styleName": f"{layer}_{name}",
                    "styleQML": qml,
                    "styleSLD": "",
                    "useAsDefault": number == 0,
                    "description": f"lifecircle ({lang})",
                    "owner": "",
                    "ui": "",
                }
            )
    return rows


def write_layer_styles(
    path: Path,
    layers: Mapping[str, gpd.GeoDataFrame],
    profile: Profile,
    lang: str,
    max_minutes: float,
) -> None:
    """Add (or replace) the styles of ``layers`` in the ``layer_styles`` table of ``path``.

    Rows of other layers already in the table are kept, so ``lifecircle
    sites`` adds the ``sites`` style to a run's GeoPackage. Write only into a
    staging copy: the table is rewritten in place.

    Parameters
    ----------
    path : Path
        A GeoPackage holding ``layers`` (geometry column ``geom``, as written
        by pyogrio).
    layers : mapping of str to GeoDataFrame
        Layer name → the frame written to it.
    profile : Profile
        The run's profile (thresholds, category names).
    lang : str
        ``zh`` or ``en``: language of the aliases and the legend labels.
    max_minutes : float
        The access table's cap (minutes): the upper bound of the last class.
    """
    rows = layer_style_rows(layers, profile, lang, max_minutes)
    names = {str(row[0]) for row in pyogrio.list_layers(path)}
    if STYLES_TABLE in names:
        kept = pyogrio.read_dataframe(path, layer=STYLES_TABLE, read_geometry=False)
        kept = kept[~kept["f_table_name"].isin(set(layers))].drop(columns="update_time")
        rows = kept.to_dict(orient="records") + rows
    table = pd.DataFrame(rows, columns=list(STYLE_COLUMNS[:-1]))
    table["useAsDefault"] = table["useAsDefault"].astype(bool)
    table["update_time"] = pd.Timestamp.now(tz="UTC").floor("s")
    pyogrio.write_dataframe(
        table, path, layer=STYLES_TABLE, driver="GPKG", layer_options={"FID": "id"}
    )
