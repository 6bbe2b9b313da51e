"""city_report.html: the batch's units ranked, the 城市体检 table and the failures, for A4.

Same style and print rules as a run's ``report.html`` (:data:`lifecircle.maps.report.REPORT_CSS`),
one self-contained file that links to the overview map and to each unit's maps.
"""

from __future__ import annotations

from html import escape

import numpy as np
import pandas as pd

from lifecircle.maps.city_view import (
    DONE,
    CityView,
    IndicatorKey,
    ct,
    failures_frame,
    ranking_frame,
    unit_text,
    value_classes,
)
from lifecircle.maps.labels import profile_title
from lifecircle.maps.report import REPORT_CSS
from lifecircle.maps.report_sections import table as _table

RANKING_CSS = """
table.ranking th { font-size: 8pt; text-align: center; }
table.ranking td:nth-child(2) { white-space: nowrap; }
ol.keys { font-size: 8.5pt; color: #555; padding-left: 2em; }
"""


def _cell(value: object) -> tuple[str, bool]:
    if value is None or value is pd.NA or (isinstance(value, float) and not np.isfinite(value)):
        return "—", False
    if isinstance(value, int | np.integer):
        return f"{value:,}", True
    if isinstance(value, float | np.floating):
        return f"{value:,.1f}", True
    return str(value), False


def _frame_table(frame: pd.DataFrame) -> str:
    rows = [[_cell(v) for v in row] for row in frame.itertuples(index=False)]
    return _table([str(c) for c in frame.columns], rows)


def _ranking(view: CityView) -> str:
    """The ranking table of the report: the units' own figures, indicators numbered (A4)."""
    frame = ranking_frame(view)
    lang = view.lang
    own = [view.label(k) for k in view.indicator_keys() if k.method != "straight_line"]
    rank, unit, status, mean_rank = (
        ct("rank", lang), ct("unit", lang), ct("run_status", lang), ct("mean_rank", lang))
    table = frame[[rank, unit, status, *own, mean_rank]].copy()
    table[rank] = table[rank].astype("Int64")
    table = table.rename(columns={label: str(i) for i, label in enumerate(own, start=1)})
    keys = "".join(f"<li>{escape(label)}</li>" for label in own)
    html = _frame_table(table).replace("<table>", '<table class="ranking">', 1)
    return f'{html}<ol class="keys">{keys}</ol>'


def _summary_row(view: CityView, key: IndicatorKey) -> list[tuple[str, bool]]:
    info = view.info(key)
    unit = str(info["unit"])
    done = view.units.loc[view.units["status"].isin(DONE), "unit_id"]
    values = view.rows(key)["value"].astype(float).reindex(done)
    finite = values[np.isfinite(values.to_numpy())]
    scale = 100.0 if unit == "share" else 1.0
    classes = value_classes(view, key)
    meeting = int((classes == "meets").sum()) if np.isfinite(float(info["target"])) else None

    def number(value: float) -> tuple[str, bool]:
        return (f"{value * scale:,.1f}", True) if np.isfinite(value) else ("—", False)

    return [
        (view.label(key, with_unit=False), False),
        (unit_text(unit, view.lang), False),
        number(float(finite.min()) if len(finite) else np.nan),
        number(float(finite.median()) if len(finite) else np.nan),
        number(float(finite.max()) if len(finite) else np.nan),
        number(float(info["target"])),
        (f"{len(finite)}", True),
        (f"{meeting}" if meeting is not None else "—", meeting is not None),
        (view.profile.sources.get(str(info["source"]), str(info["source"])), False),
        (str(info["confidence"]), False),
    ]


def _indicator_table(view: CityView) -> str:
    lang = view.lang
    headers = [
        ct("indicator", lang), ct("value_unit", lang), ct("lowest", lang), ct("median", lang),
        ct("highest", lang), ct("target", lang), ct("with_value", lang), ct("meeting", lang),
        ct("source", lang), ct("confidence", lang),
    ]
    return _table(headers, [_summary_row(view, key) for key in view.indicator_keys()])


def _gap_table(view: CityView) -> str:
    lang = view.lang
    names = view.units.set_index("unit_id")["name"]
    rows = []
    for key in view.indicator_keys():
        if key.method != "straight_line":
            continue
        network = view.rows(IndicatorKey(key.indicator_id, "network"))["value"].astype(float)
        straight = view.rows(key)["value"].astype(float)
        both = pd.concat([network.rename("n"), straight.rename("s")], axis=1).dropna()
        gap = (both["s"] - both["n"]) * 100.0
        largest = gap.idxmax() if len(gap) else None
        rows.append([
            (str(view.info(key)["name"]), False),
            (f"{both['n'].median() * 100:.1f}%" if len(both) else "—", len(both) > 0),
            (f"{both['s'].median() * 100:.1f}%" if len(both) else "—", len(both) > 0),
            (f"{gap.median():+.1f}" if len(gap) else "—", len(gap) > 0),
            (f"{names.get(largest, largest)} ({gap.max():+.1f})" if largest is not None else "—",
             False),
        ])
    if not rows:
        return ""
    headers = [ct("indicator", lang), ct("network_median", lang), ct("straight_median", lang),
               ct("gap_median", lang), ct("largest_gap", lang)]
    return (
        f"<h2>{escape(ct('gap_title', lang))}</h2>"
        f'<p class="small">{escape(ct("gap_note", lang))}</p>{_table(headers, rows)}'
    )


def _failures(view: CityView) -> str:
    lang = view.lang
    frame = failures_frame(view)
    body = (
        f"<p>{escape(ct('no_failures', lang))}</p>" if frame.empty else _frame_table(frame)
    )
    return f"<h2>{escape(ct('failures', lang))}</h2>{body}"


def _links(view: CityView, map_name: str) -> str:
    lang = view.lang
    items = [f'<li><a href="{escape(map_name)}">{escape(ct("overview_map", lang))}</a></li>']
    for name, href in zip(view.units["name"], view.units["href"], strict=True):
        if isinstance(href, str) and href:
            items.append(f'<li><a href="{escape(href)}">{escape(str(name))}</a></li>')
    return f"<h2>{escape(ct('links', lang))}</h2><ul>{''.join(items)}</ul>"


def city_report_html(view: CityView, today: str, map_name: str) -> str:
    """The city report page (self-contained HTML).

    Parameters
    ----------
    view : CityView
    today : str
        Date shown under the title (ISO).
    map_name : str
        File name of the overview map beside the report (linked).
    """
    lang = view.lang
    title = ct("report_title", lang)
    counts = ct("units_count", lang, **view.counts())
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{REPORT_CSS}{RANKING_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{escape(ct("profile", lang))}: '
        f"{escape(profile_title(view.profile, lang))} · {escape(ct('date', lang))}: "
        f"{escape(today)} · {escape(counts)}</p>",
        f"<h2>{escape(ct('table', lang))}</h2>",
        f'<p class="small">{escape(ct("table_note", lang))}</p>',
        _indicator_table(view),
        _gap_table(view),
        _failures(view),
        f'<h2 class="break">{escape(ct("ranking", lang))}</h2>',
        f'<p class="small">{escape(ct("ranking_note", lang))}</p>',
        _ranking(view),
        _links(view, map_name),
        "</body></html>",
    ]
    return "\n".join(parts)
