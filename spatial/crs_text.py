"""Check the text of a ``crs:`` setting before any file is read.

A run config's ``crs:``, ``sites --crs`` and the Python API all name a CRS as
text: anything PROJ understands (``EPSG:4326``), or the Chinese map datums
``gcj02`` (AMap, Tencent) and ``bd09`` (Baidu), which lifecircle converts itself.
"""

from __future__ import annotations

from lifecircle.spatial.errors import LifecircleError

CHINESE_DATUMS = {"gcj02", "gcj-02", "bd09", "bd-09"}
#: Everyday names of the Chinese map datums, which pyproj does not know.
DATUM_NICKNAMES = {
    "amap": "gcj02",
    "gaode": "gcj02",
    "高德": "gcj02",
    "火星坐标": "gcj02",
    "火星坐标系": "gcj02",
    "tencent": "gcj02",
    "腾讯": "gcj02",
    "baidu": "bd09",
    "百度": "bd09",
}
CRS_HELP = (
    "Use an EPSG code such as EPSG:4326 (lon/lat degrees) or EPSG:32651 (UTM 51N, metres), "
    "gcj02 for AMap/Tencent coordinates, or bd09 for Baidu."
)


def crs_problem(text: object) -> tuple[str, str] | None:
    """Why ``text`` names no usable CRS, as (what, fix); None when it does.

    Accepts anything ``pyproj.CRS.from_user_input`` accepts, and the Chinese
    map datums ``gcj02`` / ``bd09``.
    """
    if not isinstance(text, str) or not text.strip():
        return f"The CRS {text!r} is not a CRS name.", CRS_HELP
    if text.strip().lower() in CHINESE_DATUMS:
        return None
    nickname = DATUM_NICKNAMES.get(text.strip().lower())
    if nickname:
        hint = f"'{text}' coordinates are {nickname.upper()}: write `{nickname}`."
        return f"'{text}' names a map provider, not a CRS; {hint}", hint
    import pyproj  # here, so that reading a config or `--help` does not load PROJ

    try:
        pyproj.CRS.from_user_input(text)
    except pyproj.exceptions.CRSError:
        return f"'{text}' is not a coordinate reference system that PROJ knows.", CRS_HELP
    return None


def check_crs(text: object, where: str) -> None:
    """Raise a LifecircleError (at ``where``) unless ``text`` names a usable CRS."""
    problem = crs_problem(text)
    if problem is not None:
        raise LifecircleError(problem[0], where=where, fix=problem[1])
