"""The city overview map: a choropleth of the batch's units, one indicator at a time.

One self-contained page (Leaflet inlined, no tiles: the unit polygons on a
paper-coloured ground, the default vector basemap of lifecircle's maps). A
selector in the title block chooses the indicator; each unit is coloured by its
value against the indicator's target (by quarter of the units when there is
none), failed units are dark grey with a dashed outline, and a unit's popup
links to its own ``maps/index.html`` by a relative path.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

import folium
from branca.element import Element

from lifecircle.maps import compact, geojson, offline
from lifecircle.maps.city_view import (
    CLASS_COLOURS,
    QUARTILE_CLASSES,
    TARGET_CLASSES,
    CityView,
    ct,
    value_classes,
    value_text,
)
from lifecircle.maps.folium_maps import render_html
from lifecircle.maps.js import Script, page_css
from lifecircle.maps.labels import profile_title
from lifecircle.maps.page import legend_block

#: Above this many units the names are shown on hover only (labels would overlap).
MAX_PERMANENT_LABELS = 40
SELECT_ID = "lc-city-indicator"

CITY_CSS = """
.lc-title select { font-size: 13px; margin-top: 4px; max-width: 100%; }
.lc-unit-label { background: rgba(255,255,255,0.85); border: none; box-shadow: none;
  font-size: 11px; padding: 1px 4px; text-align: center; line-height: 1.25; }
.lc-unit-label:before { display: none; }
"""

# The page script: styles the units by the chosen indicator (D.keys[i]); each feature
# carries c<i> (class) and t<i> (value text) per indicator. Text goes in as textContent.
CITY_JS = """
(function (map, D) {
  var current = D.keys.length ? 0 : -1;
  var container = map.getContainer();
  container.classList.add('lc-vector-basemap');
  function cls(p) {
    if (p.st === 'failed') { return 'failed'; }
    return current < 0 ? 'no_data' : (p['c' + current] || 'no_data');
  }
  function style(f) {
    var failed = f.properties.st === 'failed';
    return {color: failed ? '#000000' : '#404040', weight: failed ? 2 : 1,
            dashArray: failed ? '5 4' : null, fillColor: D.colours[cls(f.properties)],
            fillOpacity: 0.78};
  }
  function valueText(p) {
    if (p.st === 'failed') { return D.text.failed; }
    return current < 0 ? '' : (p['t' + current] || D.text.noData);
  }
  function label(p) {
    var box = document.createElement('div');
    var name = document.createElement('b');
    name.textContent = p.nm;
    box.appendChild(name);
    box.appendChild(document.createElement('br'));
    box.appendChild(document.createTextNode(valueText(p)));
    return box;
  }
  function popup(p) {
    var box = label(p);
    box.className = 'lc-popup';
    if (current >= 0 && p.st !== 'failed') {
      box.appendChild(document.createElement('br'));
      box.appendChild(document.createTextNode(D.keys[current]));
    }
    box.appendChild(document.createElement('br'));
    if (p.href) {
      var link = document.createElement('a');
      link.href = p.href;
      link.textContent = D.text.open;
      box.appendChild(link);
    } else if (p.err) {
      var err = document.createElement('div');
      err.textContent = D.text.error + ': ' + p.err;
      box.appendChild(err);
    }
    return box;
  }
  var layer = L.geoJSON(D.units, {
    style: style,
    onEachFeature: function (f, l) {
      l.bindPopup(function () { return popup(f.properties); });
      l.bindTooltip(function () { return label(f.properties); },
        D.permanent ? {permanent: true, direction: 'center', className: 'lc-unit-label'}
                    : {sticky: true});
    }
  }).addTo(map);
  var select = document.getElementById(D.selectId);
  if (select) {
    L.DomEvent.disableClickPropagation(select);
    select.addEventListener('change', function () {
      current = parseInt(select.value, 10);
      layer.setStyle(style);
      layer.eachLayer(function (l) {
        if (l.getTooltip()) { l.setTooltipContent(label(l.feature.properties)); }
      });
    });
  }
  L.control.scale({imperial: false}).addTo(map);
  if (layer.getLayers().length) {
    // the title block sits top left: keep the units clear of it (quarter zoom steps fill the rest)
    map.options.zoomSnap = 0.25;
    map.fitBounds(layer.getBounds(), {paddingTopLeft: [20, 150], paddingBottomRight: [20, 20]});
  }
  window.LC_READY = true;
})(%(map)s, %(data)s);
"""


def _units_collection(view: CityView) -> dict[str, Any]:
    """The unit polygons with name, status, link, error, and c<i>/t<i> per indicator."""
    lang = view.lang
    boundary = view.boundary[["unit_id", "geometry"]].merge(
        view.units, on="unit_id", how="inner"
    )
    shown = geojson.to_display(boundary, simplify_m=5.0)
    properties: dict[str, Any] = {"id": "unit_id", "nm": "name", "st": "status",
                                  "href": "href", "err": "error"}
    for i, key in enumerate(view.indicator_keys()):
        classes = value_classes(view, key)
        rows = view.rows(key)
        unit = str(view.info(key)["unit"])
        shown[f"c{i}"] = shown["unit_id"].map(classes).to_numpy()
        shown[f"t{i}"] = [
            value_text(rows.at[u, "value"], unit, str(rows.at[u, "status"]), lang)
            if u in rows.index else ct("no_data", lang)
            for u in shown["unit_id"]
        ]
        properties[f"c{i}"] = f"c{i}"
        properties[f"t{i}"] = f"t{i}"
    return compact.feature_collection(shown, properties)


def _title_html(view: CityView, today: str) -> str:
    lang = view.lang
    options = "".join(
        f'<option value="{i}">{escape(view.label(key))}</option>'
        for i, key in enumerate(view.indicator_keys())
    )
    counts = ct("units_count", lang, **view.counts())
    return (
        f'<div class="lc-title" id="lc-title"><h1>{escape(ct("map_title", lang))}</h1>'
        f'<div class="lc-sub">{escape(ct("profile", lang))}: '
        f"{escape(profile_title(view.profile, lang))}</div>"
        f'<div class="lc-sub">{escape(ct("date", lang))}: {escape(today)} · {escape(counts)}</div>'
        f'<div class="lc-note"><label for="{SELECT_ID}">{escape(ct("choose_indicator", lang))}'
        f'</label><br><select id="{SELECT_ID}">{options}</select></div></div>'
    )


def _legend_html(view: CityView) -> str:
    lang = view.lang

    def rows(classes: tuple[str, ...]) -> str:
        return "".join(
            f'<div class="lc-row"><span class="lc-sw" style="background:{CLASS_COLOURS[c]}">'
            f"</span><span>{escape(ct(f'class_{c}', lang))}</span></div>"
            for c in classes
        )

    sections = [f'<div class="lc-sec">{rows(TARGET_CLASSES)}</div>']
    targets = [float(view.info(key)["target"]) for key in view.indicator_keys()]
    if not all(math.isfinite(t) for t in targets):
        sections.append(f'<div class="lc-sec">{rows(QUARTILE_CLASSES)}</div>')
    sections.append(f'<div class="lc-sec">{rows(("no_data", "failed"))}</div>')
    return legend_block(ct("against_target", lang), sections)


def city_map_html(view: CityView, today: str) -> str:
    """The overview map page (self-contained HTML).

    Parameters
    ----------
    view : CityView
    today : str
        The date shown in the title block (ISO).
    """
    lang = view.lang
    m = folium.Map(location=[31.23, 121.47], zoom_start=11, tiles=None, control_scale=False,
                   max_zoom=19)
    m.default_js, m.default_css = [], []
    root = m.get_root()
    js, css = offline.leaflet_assets()
    root.header.add_child(Element(offline.inline_style(css)), name="lc_leaflet_css")
    root.header.add_child(Element(offline.inline_script(js)), name="lc_leaflet_js")
    root.header.add_child(Element(offline.inline_style(page_css() + CITY_CSS)), name="lc_css")
    root.title = escape(ct("map_title", lang))
    data = {
        "units": _units_collection(view),
        "keys": [view.label(key) for key in view.indicator_keys()],
        "colours": CLASS_COLOURS,
        "permanent": len(view.units) <= MAX_PERMANENT_LABELS,
        "selectId": SELECT_ID,
        "text": {
            "failed": ct("class_failed", lang),
            "noData": ct("no_data", lang),
            "open": ct("open_unit_maps", lang),
            "error": ct("error", lang),
        },
    }
    m.add_child(Script(CITY_JS % {"map": m.get_name(), "data": geojson.script_json(data)}))
    root.html.add_child(Element(_title_html(view, today)), name="lc_title")
    root.html.add_child(Element(_legend_html(view)), name="lc_legend")
    return render_html(m)
