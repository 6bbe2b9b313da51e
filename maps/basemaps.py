"""Tile basemaps: OpenStreetMap, Tianditu (key), AMap (GCJ-02), or none.

AMap tiles are in GCJ-02, so every overlay is shifted WGS84 → GCJ-02 before
drawing (:func:`needs_gcj02`). Tianditu's ``_w`` layers are in Web Mercator on
CGCS2000, which matches WGS84 at map scale: no shift. ``none`` draws no tiles;
the maps then carry a vector basemap made from the layers themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from lifecircle.maps.labels import t

OSM_ATTRIBUTION = "© OpenStreetMap contributors"


@dataclass(frozen=True)
class TileSpec:
    """One tile layer.

    Attributes
    ----------
    url : str
        Leaflet URL template.
    attribution : str
        Plain text (escaped when drawn).
    subdomains : str
        Leaflet ``{s}`` values.
    name : str
        Name in the layer control.
    overlay : bool
        True for a label layer drawn over a base layer (Tianditu annotation).
    max_zoom : int
    """

    url: str
    attribution: str
    subdomains: str
    name: str
    overlay: bool = False
    max_zoom: int = 19


def needs_gcj02(basemap: str) -> bool:
    """True when overlays must be shifted to GCJ-02 to sit on the tiles."""
    return basemap == "amap"


def _tianditu_url(layer: str, key: str) -> str:
    return (
        f"https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
        f"&VERSION=1.0.0&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
        f"&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
    )


def tile_layers(basemap: str, lang: str, tianditu_key: str | None = None) -> list[TileSpec]:
    """Tile layers for ``basemap`` (empty for ``none``).

    Parameters
    ----------
    basemap : str
        ``osm``, ``tianditu``, ``amap`` or ``none`` (already validated).
    lang : str
        ``zh`` or ``en``: Tianditu and AMap label languages follow it.
    tianditu_key : str, optional
        Needed for ``tianditu``; it ends up in the tile URL of the map HTML.
    """
    if basemap == "osm":
        return [
            TileSpec(
                url="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                attribution=OSM_ATTRIBUTION,
                subdomains="abc",
                name=t("basemap_osm", lang),
            )
        ]
    if basemap == "tianditu":
        if not tianditu_key:
            raise ValueError("tianditu needs a key (MapOptions.validated checks this)")
        attribution = "© 天地图 Tianditu (国家地理信息公共服务平台)"
        labels = "eva" if lang == "en" else "cva"
        return [
            TileSpec(
                _tianditu_url("vec", tianditu_key),
                attribution,
                "01234567",
                t("basemap_tianditu", lang),
                max_zoom=18,
            ),
            TileSpec(
                _tianditu_url(labels, tianditu_key),
                attribution,
                "01234567",
                t("basemap_tianditu", lang) + " — 注记" if lang == "zh" else "Tianditu labels",
                overlay=True,
                max_zoom=18,
            ),
        ]
    if basemap == "amap":
        amap_lang = "en" if lang == "en" else "zh_cn"
        return [
            TileSpec(
                url=(
                    "https://webrd0{s}.is.autonavi.com/appmaptile?"
                    f"lang={amap_lang}&size=1&scale=1&style=8&x={{x}}&y={{y}}&z={{z}}"
                ),
                attribution="© 高德地图 AutoNavi (GCJ-02)",
                subdomains="1234",
                name=t("basemap_amap", lang),
                max_zoom=18,
            )
        ]
    return []
