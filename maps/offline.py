"""Leaflet inlined into every map page, so a page opens with no network at all.

Leaflet 1.9.3 (the version folium pins) ships with this package as data:
``assets/leaflet/leaflet.js``, ``leaflet.css`` and the three images the CSS
refers to, beside Leaflet's BSD-2-Clause ``LICENSE``, unchanged from the
npm release. The images are put into the CSS as ``data:`` URIs when the
page is written, so nothing is fetched relative to the page either. The
pages use Leaflet only: folium's default CDN links (Leaflet, jQuery,
Bootstrap, icon fonts) are dropped from every page.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from importlib.resources import files

from lifecircle.maps.js import ASSET_PACKAGE

LEAFLET_DIR = "assets/leaflet"
LEAFLET_VERSION = "1.9.3"

# url(images/name.png) in leaflet.css, quoted or not.
_CSS_IMAGE = re.compile(r"""url\(\s*["']?images/([\w.-]+\.png)["']?\s*\)""")


def _asset(path: str) -> bytes:
    return files(ASSET_PACKAGE).joinpath(f"{LEAFLET_DIR}/{path}").read_bytes()


def _image_uri(match: re.Match[str]) -> str:
    data = base64.b64encode(_asset(f"images/{match.group(1)}")).decode("ascii")
    return f"url(data:image/png;base64,{data})"


@cache
def leaflet_assets() -> tuple[str, str]:
    """Leaflet's JavaScript and CSS text, for inlining.

    Returns
    -------
    js, css : str
        ``leaflet.js`` as shipped, and ``leaflet.css`` with its images as
        ``data:`` URIs.
    """
    js = _asset("leaflet.js").decode("utf-8")
    css = _CSS_IMAGE.sub(_image_uri, _asset("leaflet.css").decode("utf-8"))
    return js, css


def inline_script(js: str) -> str:
    """A ``<script>`` element holding ``js`` (``</`` escaped so it cannot close early)."""
    return "<script>" + js.replace("</", "<\\/") + "</script>"


def inline_style(css: str) -> str:
    """A ``<style>`` element holding ``css``."""
    return "<style>" + css.replace("</", "<\\/") + "</style>"


# A <script src=…> or <link href=…> whose address is not inside the page.
EXTERNAL_REFERENCE = re.compile(
    r"""<script\b[^>]*\bsrc\s*=|<link\b[^>]*\bhref\s*=\s*["']?(?!data:)""",
    re.IGNORECASE,
)


def assert_self_contained(html: str) -> None:
    """Raise RuntimeError if ``html`` loads a script or stylesheet from any address."""
    match = EXTERNAL_REFERENCE.search(html)
    if match:
        raise RuntimeError(f"map page still references an external asset: {match.group(0)!r}")
