"""The city folder of ``lifecircle batch``: ranking, 城市体检 tables, overview map, report.

:func:`write_city_outputs` writes, into the folder it is given (a staging folder
the batch renames into place once, so every file here is written once):

``ranking.csv``
    One row per unit: its value and rank on every indicator, and the mean rank
    it is ordered by (UTF-8 with BOM, formula-like text neutralised, as the run's tables).
``city_tables.xlsx``
    The ranking, the 城市体检 table (every unit × indicator × method, with the
    data status, basis, source and confidence) and the failed units.
``city_map.html``
    The overview choropleth (:mod:`lifecircle.maps.city_map`).
``city_report.html``
    The city report (:mod:`lifecircle.maps.city_report`).

Headers and text follow ``lang``; unit names stay as the boundary file gives them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd

from lifecircle.analyses.city_indicators import COLUMNS
from lifecircle.batch_types import UnitOutcome
from lifecircle.maps.atomic import ensure_folder, write_text_atomic
from lifecircle.maps.city_map import city_map_html
from lifecircle.maps.city_report import city_report_html
from lifecircle.maps.city_view import (
    DONE,
    CityView,
    failures_frame,
    indicator_frame,
    ranking_frame,
)
from lifecircle.maps.labels import check_lang
from lifecircle.output import write_csv
from lifecircle.spatial.errors import LifecircleError
from lifecircle.standards.profile import Profile
from lifecircle.workbook import write_workbook

RANKING_CSV = "ranking.csv"
CITY_WORKBOOK = "city_tables.xlsx"
CITY_MAP = "city_map.html"
CITY_REPORT = "city_report.html"
#: A unit's map index, relative to its run folder.
UNIT_MAPS_INDEX = "maps/index.html"

_SHEETS = {
    "ranking": {"zh": "各单元排名", "en": "Ranking"},
    "indicators": {"zh": "城市体检指标", "en": "City examination"},
    "failures": {"zh": "失败单元", "en": "Failed units"},
}


def unit_href(folder: str) -> str:
    """The link from the city folder to a unit's map index.

    ``folder`` is relative to the city folder's parent (the batch output folder),
    so the link climbs one level: ``../units/<id>/maps/index.html``.
    """
    return "../" + Path(folder).as_posix().strip("/") + "/" + UNIT_MAPS_INDEX


def city_view(
    units: list[UnitOutcome], boundary: gpd.GeoDataFrame, *, lang: str, profile: Profile
) -> CityView:
    """The :class:`~lifecircle.maps.city_view.CityView` of a batch's outcomes.

    Raises
    ------
    LifecircleError
        When the boundary has no ``unit_id`` column or misses a unit's polygon.
    """
    if "unit_id" not in boundary:
        raise LifecircleError(
            "The boundary given to the city outputs has no unit_id column.",
            where="write_city_outputs(boundary=...)",
            fix="Pass the batch's unit polygons with the unit ids of the outcomes.",
        )
    missing = sorted({u.unit_id for u in units} - set(boundary["unit_id"].astype(str)))
    if missing:
        raise LifecircleError(
            f"The boundary has no polygon for the units {missing[:5]}.",
            where="write_city_outputs(boundary=...)",
            fix="Pass the polygons of every unit of the batch.",
        )
    frames = []
    for u in units:
        if u.status in DONE and u.indicators is not None and len(u.indicators):
            frames.append(u.indicators.assign(unit_id=u.unit_id))
    indicators = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["unit_id", *COLUMNS])
    )
    table = pd.DataFrame(
        {
            "unit_id": [u.unit_id for u in units],
            "name": [u.name for u in units],
            "status": [u.status for u in units],
            "href": [unit_href(u.folder) if u.status in DONE else None for u in units],
            "error": [u.error for u in units],
            "seconds": [u.seconds for u in units],
        }
    )
    shapes = boundary.assign(unit_id=boundary["unit_id"].astype(str))[["unit_id", "geometry"]]
    return CityView(table, indicators, shapes, profile, lang)


def write_city_outputs(
    city_dir: Path,
    units: list[UnitOutcome],
    boundary: gpd.GeoDataFrame,
    *,
    lang: str,
    profile: Profile,
) -> list[Path]:
    """Write the city folder's ranking, tables, overview map and report.

    Parameters
    ----------
    city_dir : Path
        The folder to write into (created if missing; the batch stages it and
        renames it into place).
    units : list of UnitOutcome
        Every unit of the batch, in the order to list them; failed ones too.
    boundary : GeoDataFrame
        ``unit_id`` (the outcomes' ids) and the unit polygons, in any CRS.
    lang : str
        ``zh`` or ``en``.
    profile : Profile
        The batch's profile (names the indicators and its title).

    Returns
    -------
    list of Path
        The files written: ranking.csv, city_tables.xlsx, city_map.html, city_report.html.

    Raises
    ------
    LifecircleError
        For an unknown language, or a boundary without the units' polygons.
    """
    lang = check_lang(lang)
    city_dir = ensure_folder(Path(city_dir))
    view = city_view(units, boundary, lang=lang, profile=profile)
    today = date.today().isoformat()
    ranking = ranking_frame(view)
    ranking_path = city_dir / RANKING_CSV
    write_csv(ranking, ranking_path)
    workbook_path = city_dir / CITY_WORKBOOK
    write_workbook(
        {
            _SHEETS["ranking"][lang]: ranking,
            _SHEETS["indicators"][lang]: indicator_frame(view),
            _SHEETS["failures"][lang]: failures_frame(view),
        },
        workbook_path,
        profile,
        lang,
    )
    map_path = write_text_atomic(city_dir / CITY_MAP, city_map_html(view, today))
    report_path = write_text_atomic(
        city_dir / CITY_REPORT, city_report_html(view, today, CITY_MAP)
    )
    return [ranking_path, workbook_path, map_path, report_path]


