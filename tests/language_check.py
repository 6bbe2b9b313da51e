"""Find words of the wrong language in a message (helpers for the language tests).

A Chinese message may keep paths, file names, option names, column and key
names, numbers, quoted values, technical names (OSM, GeoPackage, HiGHS) and a
library's own words marked ``英文原文``; any other run of two or more English
words is an English sentence. An English message may keep Chinese only in
quotes, paths and names from the data or the official Chinese labels
(``day_care 日间照料中心``, ``(天地图)``).
"""

from __future__ import annotations

import re

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
TECHNICAL = {
    "lon",
    "lat",
    "AMap",
    "Baidu",
    "Excel",
    "GeoJSON",
    "GeoPackage",
    "GeoTIFF",
    "Geofabrik",
    "HiGHS",
    "LineString",
    "MultiLineString",
    "NaN",
    "QGIS",
    "Shapefile",
    "Tencent",
    "Tianditu",
    "lifecircle",
    "osmnx",
    "shapefile",
    "pbf",
    "osm",
    "yes",
    "residential",
    "value",
    "source",
    "confidence",
    "minutes",
    "hexagon",
    "square",
    "general",
    "elderly",
    "tags",
    "fclass",
    "name",
    "not_name",
    "also",
    "key",
    "zh",
    "en",
    "none",
    "null",
    "true",
    "false",
}
_STRIP = [
    re.compile(r"英文原文：[^）]*", re.DOTALL),  # a library's own English words, marked
    re.compile(r"`[^`]*`"),
    re.compile(r"'[^']*'"),
    re.compile(r'"[^"]*"'),
    re.compile(r"\b\w+(?:\[\d+\]|\.\w+)+"),  # key paths: facilities[0].path
    re.compile(r"\{[^{}]*\}"),
    re.compile(r"\[[^\[\]]*\]"),
    re.compile(r"\S*[/\\]\S*"),  # paths
    re.compile(r"(?<!\w)--?[A-Za-z][\w-]*"),  # options
    re.compile(r"\b\w+[._:]\w[\w.:-]*"),  # file names, keys, identifiers, EPSG:4326
    re.compile(r"\b[A-Z0-9][A-Z0-9-]+\b"),  # OSM, CRS, UTF-8, GCJ-02, W,S,E,N parts
]
_WORD = re.compile(r"[A-Za-z]{2,}")


def english_runs(text: str) -> list[str]:
    """Runs of two or more English words left after removing what may stay English."""
    for pattern in _STRIP:
        text = pattern.sub(" ", text)
    runs, current = [], []
    for token in re.split(r"(\s+)", text):
        if not token or token.isspace():
            continue
        word = token.strip(".,;:()（）。，；：!?")
        listed = token.endswith((",", "、"))  # an item of a list of names, not prose
        if _WORD.fullmatch(word) and word not in TECHNICAL and not listed:
            current.append(word)
            continue
        if len(current) >= 2:
            runs.append(" ".join(current))
        current = []
    if len(current) >= 2:
        runs.append(" ".join(current))
    return runs


def chinese_outside_names(text: str, names: tuple[str, ...] = ()) -> list[str]:
    """Chinese characters in an English message outside quotes, paths, glosses and ``names``."""
    for name in names:
        text = text.replace(name, " ")
    for pattern in (
        re.compile(r"`[^`]*`"),
        re.compile(r"'[^']*'"),
        re.compile(r'"[^"]*"'),
        re.compile(r"\{[^{}]*\}"),
        re.compile(r"\([^()]*\)"),  # a Chinese gloss of an English term: (天地图), (居委)
        re.compile(r"\S*[/\\.]\S*"),  # paths and file names
    ):
        text = pattern.sub(" ", text)
    return CJK.findall(text)
