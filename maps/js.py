"""The JavaScript and CSS of a map page, and the few lines that hand them data.

The code is static: ``assets/lifecircle.js`` and ``assets/lifecircle.css``
(package data, read with :mod:`importlib.resources`) are inlined into every
page, so pages stay self-contained. Python writes only calls whose arguments
are JSON (:func:`lifecircle.maps.geojson.script_json`), plus the names folium
gives the map and its layer groups:

- ``LC.setup(map, config)``: language, panes, category names, colours and symbol shapes;
- ``LC.data[name] = compact``: each feature collection, embedded once in the
  compact form of :mod:`lifecircle.maps.compact` (decoded by ``LC.dataset``);
- ``LC.fill(group, spec, key)``: one per layer, drawn from a spec (:class:`Fill`);
- ``LC.finish(config)``: scale bar, attribution, initial view and legend.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

from branca.element import MacroElement
from jinja2 import Template

from lifecircle.maps.geojson import script_json

ASSET_PACKAGE = "lifecircle.maps"
PAGE_SCRIPT = "assets/lifecircle.js"
PAGE_STYLE = "assets/lifecircle.css"


@cache
def asset_text(path: str) -> str:
    """The text of a packaged asset, ``path`` relative to :mod:`lifecircle.maps`."""
    return files(ASSET_PACKAGE).joinpath(path).read_text(encoding="utf-8")


def page_css() -> str:
    """The page stylesheet: title block, legend, popups, print rules."""
    return asset_text(PAGE_STYLE)


class Script(MacroElement):
    """Raw JavaScript placed in the page script, in child order."""

    _template = Template("{% macro script(this, kwargs) %}\n{{ this.js }}\n{% endmacro %}")

    def __init__(self, js: str) -> None:
        super().__init__()
        self._name = "LcScript"
        self.js = js


class Fill(MacroElement):
    """Fills its parent FeatureGroup with an ``L.geoJSON`` built from a spec (``LC.addLayer``)."""

    _template = Template(
        "{% macro script(this, kwargs) %}\n"
        "LC.fill({{ this._parent.get_name() }}, {{ this.spec }}, {{ this.key }});\n"
        "{% endmacro %}"
    )

    def __init__(self, spec: dict[str, Any]) -> None:
        super().__init__()
        self._name = "LcFill"
        self.spec = script_json(spec)
        self.key = script_json(spec["key"])


def setup_script(map_name: str, config: dict[str, Any], data: dict[str, Any]) -> Script:
    """The page script, ``LC.setup`` and the embedded data, to run before any layer.

    Parameters
    ----------
    map_name : str
        The JavaScript variable folium gives the map.
    config : dict
        ``lang``, ``panes``, ``cats`` (names, colour, symbol shape) and
        ``vectorBasemap`` (see ``LC.setup``).
    data : dict
        Data sets by name, in the compact form of :mod:`lifecircle.maps.compact`.
    """
    lines = [asset_text(PAGE_SCRIPT), f"LC.setup({map_name}, {script_json(config)});"]
    lines += [f"LC.data[{script_json(name)}] = {script_json(col)};" for name, col in data.items()]
    return Script("\n".join(lines))


def closing_script(config: dict[str, Any]) -> Script:
    """``LC.finish``, to run after every layer: ``attributions`` and ``bounds`` (lat/lon)."""
    return Script(f"LC.finish({script_json(config)});")
