"""Leaflet assets for the maps: CDN links online, inlined text offline.

The maps use Leaflet only (no jQuery, Bootstrap or icon fonts), so the page
needs one script and one stylesheet. Online they are the URLs folium itself
pins. Offline their text is taken from the ``folium-offline`` package
(module ``offlinefolium``, MIT licence), which carries folium's CDN files as
strings keyed by URL; nothing is copied into this repository.
"""

from __future__ import annotations

import re

import folium

from lifecircle.spatial.errors import LifecircleError

LEAFLET_JS_URL: str = dict(folium.Map.default_js)["leaflet"]
LEAFLET_CSS_URL: str = dict(folium.Map.default_css)["leaflet_css"]

_ASSET_PATTERNS = {
    "js": re.compile(r"/npm/leaflet@[\d.]+/dist/leaflet\.js$"),
    "css": re.compile(r"/npm/leaflet@[\d.]+/dist/leaflet\.css$"),
}


def _offline_resources() -> dict[str, str]:
    try:
        from offlinefolium.elements import _res
    except ImportError as exc:
        raise LifecircleError(
            "Offline maps need the folium-offline package, which is not installed.",
            where="--offline / maps.offline",
            fix="pip install folium-offline (it carries Leaflet for self-contained HTML), "
            "or make the maps without --offline.",
        ) from exc
    return _res


def leaflet_assets() -> tuple[str, str]:
    """Leaflet's JavaScript and CSS text, for inlining.

    Returns
    -------
    js, css : str
        The files folium would link to (same version when available).
    """
    resources = _offline_resources()
    found: dict[str, str] = {}
    for kind, url in (("js", LEAFLET_JS_URL), ("css", LEAFLET_CSS_URL)):
        text = resources.get(url)
        if text is None:  # a different Leaflet version: take the newest one carried
            matches = sorted(u for u in resources if _ASSET_PATTERNS[kind].search(u))
            text = resources[matches[-1]] if matches else None
        if text is None:
            raise LifecircleError(
                "The installed folium-offline package does not carry Leaflet.",
                where="--offline",
                fix="pip install --upgrade folium-offline",
            )
        found[kind] = text
    return found["js"], found["css"]


def inline_script(js: str) -> str:
    """A ``<script>`` element holding ``js`` (``</`` escaped so it cannot close early)."""
    return "<script>" + js.replace("</", "<\\/") + "</script>"


def inline_style(css: str) -> str:
    """A ``<style>`` element holding ``css``."""
    return "<style>" + css.replace("</", "<\\/") + "</style>"


EXTERNAL_REFERENCE = re.compile(
    r"""(?:<script[^>]+src\s*=\s*["']?(?:https?:)?//|<link[^>]+href\s*=\s*["']?(?:https?:)?//)""",
    re.IGNORECASE,
)


def assert_self_contained(html: str) -> None:
    """Raise RuntimeError if ``html`` links a script or stylesheet over the network."""
    match = EXTERNAL_REFERENCE.search(html)
    if match:
        raise RuntimeError(f"offline map still references a remote asset: {match.group(0)!r}")
