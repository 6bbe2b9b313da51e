"""report.html: the figures, tables, charts and static maps of one run, for A4 print.

The report is one self-contained HTML file (images embedded as base64) that
prints cleanly on A4. It links to the interactive maps. It never contains the
Tianditu key: nothing from the options but the language and title goes in,
and the finished text is checked.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from lifecircle.analyses.subdistrict import RunFrames
from lifecircle.maps import static
from lifecircle.maps.atomic import write_text_atomic
from lifecircle.maps.data_section import data_section
from lifecircle.maps.labels import (
    attribution,
    category_name,
    circle_name,
    fmt_number,
    fmt_share,
    no_data_label,
    profile_title,
    t,
)
from lifecircle.maps.mapdata import MAP_KINDS, make_context
from lifecircle.maps.options import MapOptions

REPORT_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "Source Han Sans SC",
  Arial, sans-serif; color: #222; max-width: 182mm; margin: 1.5em auto; padding: 0 1em;
  font-size: 10.5pt; line-height: 1.5; }
h1 { font-size: 18pt; margin-bottom: 0.2em; }
h2 { font-size: 13.5pt; border-bottom: 2px solid #1f78b4; padding-bottom: 2px; margin-top: 1.6em; }
h3 { font-size: 11.5pt; margin-bottom: 0.3em; }
.meta { color: #555; }
.synthetic { display: inline-block; background: #b2182b; color: #fff; padding: 2px 10px;
  font-weight: bold; border-radius: 3px; }
.note { color: #8a4b00; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; margin: 0.4em 0 1em 0; }
th, td { border: 1px solid #bbb; padding: 2px 5px; text-align: left; vertical-align: top; }
th { background: #eef3f8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr { page-break-inside: avoid; break-inside: avoid; }
thead { display: table-header-group; }
table.thresholds td:nth-child(n+3):nth-child(-n+5),
table.thresholds th:nth-child(n+3):nth-child(-n+5) { white-space: nowrap; }
img { max-width: 100%; height: auto; }
figure { margin: 0.6em 0 1.2em 0; page-break-inside: avoid; break-inside: avoid; }
figcaption { font-size: 9pt; color: #555; }
.break { page-break-before: always; break-before: page; }
.kpis td:first-child { width: 55%; }
.small { font-size: 8.5pt; color: #555; }
@media print { body { margin: 0; padding: 0; max-width: none; } a { color: inherit; } }
"""


def _img(data: bytes, alt: str) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    return f'<img src="data:image/png;base64,{encoded}" alt="{escape(alt)}">'


def _table(headers: Sequence[str], rows: Sequence[Sequence[tuple[str, bool]]]) -> str:
    """An HTML table; each cell is (text, numeric); all text is escaped."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{escape(text)}</td>' if numeric else f"<td>{escape(text)}</td>"
            for text, numeric in row
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _category_table(results: RunFrames, table: pd.DataFrame | None, lang: str) -> str:
    if table is None or table.empty:
        return f"<p>{escape(t('not_applicable', lang))}</p>"
    headers = [
        t("category", lang),
        t("minutes", lang),
        t("walk_distance", lang),
        t("target_group", lang),
        t("target_population", lang),
        t("covered_population", lang),
        t("population_share", lang),
        t("facilities", lang),
    ]
    rows = []
    for rec in table.to_dict(orient="records"):
        no_data = rec.get("status") == "no_data"
        share_text = (
            no_data_label(results.profile, str(rec["category"]), lang)
            if no_data
            else fmt_share(rec.get("population_share"))
        )
        target = str(rec.get("target", ""))
        groups = {"everyone": "everyone", "elderly": "elderly_group", "children": "children"}
        target_text = t(groups[target], lang) if target in groups else target
        rows.append(
            [
                (category_name(results.profile, str(rec["category"]), lang), False),
                (fmt_number(rec.get("minutes"), 0), True),
                (fmt_number(rec.get("walk_m"), 0), True),
                (target_text, False),
                (fmt_number(rec.get("target_population")), True),
                (fmt_number(rec.get("covered_population")), True),
                (share_text, not no_data),
                (fmt_number(rec.get("facilities")), True),
            ]
        )
    return _table(headers, rows)


def _units_table(
    results: RunFrames, table: pd.DataFrame | None, lang: str, kind: str
) -> str:
    if table is None or table.empty:
        return ""
    name_col = "name_en" if lang == "en" and "name_en" in table else "name"
    share_cols = [c for c in table.columns if c.startswith("share_")]
    no_data = set(results.access.no_data)
    headers = [t("unit", lang), t("residents", lang), t("elderly", lang)]
    complete_cols = ["complete_share_with_data", "complete_share_strict"]
    if kind == "life":
        headers += [_completeness_label(results, c, lang) for c in complete_cols]
    headers += [category_name(results.profile, c.removeprefix("share_"), lang) for c in share_cols]
    if kind == "care":
        headers += [t("per_1000", lang) + " (m²)"]
    rows = []
    for rec in table.to_dict(orient="records"):
        row = [
            (str(rec.get(name_col) or rec.get("unit_id")), False),
            (fmt_number(rec.get("residents")), True),
            (fmt_number(rec.get("elderly")), True),
        ]
        if kind == "life":
            row += [(fmt_share(rec.get(c)), True) for c in complete_cols]
        row += [
            (t("no_data", lang), False)
            if c.removeprefix("share_") in no_data
            else (fmt_share(rec.get(c)), True)
            for c in share_cols
        ]
        if kind == "care":
            per_1000 = rec.get("per_1000_m2")
            row.append(
                (fmt_number(per_1000, 1), True)
                if per_1000 == per_1000
                else (t("no_data", lang), False)
            )
        rows.append(row)
    return _table(headers, rows)


def _completeness_label(results: RunFrames, key: str, lang: str) -> str:
    """The label summary.json gives a completeness figure (``complete_share_<how>``)."""
    labels = results.summary.get("life_circle", {}).get("completeness_labels", {})
    return str(labels.get(key, {}).get(lang) or t("complete_share", lang))


def _no_data_section(results: RunFrames, lang: str) -> str:
    """The categories the input has no data for, why, and the list that would fill each."""
    no_data: dict[str, dict[str, Any]] = results.access.no_data
    if not no_data:
        return ""
    rows = []
    for cat, info in no_data.items():
        reason = str(info.get("reason"))
        per_10k = info.get("facilities_per_10k_residents")
        reason_text = t(
            f"no_data_reason_{reason}", lang, v=fmt_number(per_10k, 2)
        )
        rows.append(
            [
                (category_name(results.profile, cat, lang), False),
                (t("no_data", lang), False),
                (reason_text, False),
                (str(info.get("planner_list", {}).get(lang) or "—"), False),
            ]
        )
    headers = [t("category", lang), t("population_share", lang), t("reason", lang),
               t("planner_list", lang)]
    return (
        f"<h3>{escape(t('no_data_title', lang))}</h3>"
        f"<p>{escape(t('no_data_note', lang))}</p>" + _table(headers, rows)
    )


def _gaps_table(results: RunFrames, lang: str) -> str:
    gaps: list[dict[str, Any]] = results.summary.get("gaps") or []
    if not gaps:
        return f"<p>{escape(t('not_applicable', lang))}</p>"
    headers = [
        t("rank", lang),
        t("gap", lang),
        t("missing", lang),
        t("residents", lang),
        t("elderly", lang),
        t("people_affected", lang),
        t("nearest_walk", lang),
    ]
    sep = ", " if lang == "en" else "、"
    rows = []
    for i, gap in enumerate(gaps, start=1):
        cats = [c for c in str(gap.get("categories") or "").split(",") if c]
        metres = gap.get("nearest_walk_m")
        if gap.get("kind") != "category":
            walk = "—"
        elif metres is None or metres != metres:
            limit = results.access.limit(cats[0]) if cats else results.access.max_minutes
            walk = t("none_within", lang, m=f"{limit:g}")
        else:
            walk = t("walk_m", lang, m=f"{float(metres):,.0f}")
        rows.append(
            [
                (str(i), True),
                (str(gap.get("gap_id", "")), False),
                (sep.join(category_name(results.profile, c, lang) for c in cats), False),
                (fmt_number(gap.get("residents")), True),
                (fmt_number(gap.get("elderly")), True),
                (fmt_number(gap.get("people_affected")), True),
                (walk, True),
            ]
        )
    return _table(headers, rows)


def _kpis(results: RunFrames, lang: str) -> str:
    summary = results.summary
    life = summary.get("life_circle", {})
    fitness = summary.get("fitness_circle", {})
    care = summary.get("care_coverage", {})
    residents = float(results.demand["residents"].sum())
    elderly = float(results.demand["elderly"].sum())
    targets = care.get("target_per_1000_m2") or []
    target_text = " / ".join(
        f"{fmt_number(x.get('value'))} m²" for x in targets if isinstance(x, dict)
    )
    life_target = life.get("target_share")
    target_note = f" ({t('target', lang)} {fmt_share(life_target)})" if life_target else ""
    care_list = _care_list(results, lang)
    rows = [
        [(t("population", lang), False), (fmt_number(residents), True)],
        [(t("elderly_population", lang), False), (fmt_number(elderly), True)],
        *(
            [
                (_completeness_label(results, key, lang), False),
                (
                    (fmt_share(life[key]) + target_note, True)
                    if life.get(key) is not None
                    else (t("no_data", lang), False)
                ),
            ]
            for key in ("complete_share_with_data", "complete_share_strict")
        ),
        [(t("fitness_share", lang), False), (fmt_share(fitness.get("population_share")), True)],
        [
            (t("care_any_share", lang), False),
            (
                (fmt_share(care.get("any_category_share")), True)
                if care.get("any_category_share") is not None
                else (care_list, False)
            ),
        ],
        [(t("per_1000", lang), False), _per_1000_cell(results, care, target_text, care_list, lang)],
    ]
    return _table([t("summary", lang), ""], rows).replace("<table>", '<table class="kpis">', 1)


def _care_list(results: RunFrames, lang: str) -> str:
    """"无数据" with the list that would fill the care categories (the civil-affairs list)."""
    members = results.profile.circles["care_coverage"].categories
    missing = [c for c in members if c in results.access.no_data]
    return no_data_label(results.profile, missing[0], lang) if missing else t("no_data", lang)


def _per_1000_cell(
    results: RunFrames, care: dict[str, Any], target_text: str, care_list: str, lang: str
) -> tuple[str, bool]:
    """The per-1,000 figure: "no data" when no counted category has data, a lower bound
    when some have none."""
    status = care.get("per_1000_m2_status", "ok")
    if status == "no_data" or care.get("per_1000_m2") is None:
        return care_list, False
    text = f"{fmt_number(care.get('per_1000_m2'), 1)} m²"
    if status == "partial":
        sep = ", " if lang == "en" else "、"
        names = sep.join(
            category_name(results.profile, c, lang)
            for c in care.get("per_1000_m2_no_data_categories", [])
        )
        text += f" ({t('lower_bound', lang, cats=names)})"
    if target_text:
        text += f" ({t('target', lang)} {target_text})"
    return text, True


def _static_images(map_files: Sequence[Path]) -> dict[str, bytes]:
    images = {}
    for path in map_files:
        path = Path(path)
        if path.suffix.lower() == ".png" and path.is_file():
            images[path.stem] = path.read_bytes()
    return images


def write_report(
    results: RunFrames,
    out_dir: Path,
    options: MapOptions,
    map_files: list[Path],
) -> Path:
    """Write ``out_dir/report.html`` and return its path.

    Parameters
    ----------
    results : RunFrames
    out_dir : Path
        The run's output folder.
    options : MapOptions
        ``lang``, ``title`` and ``dpi`` are used; the Tianditu key never is.
    map_files : list of Path
        What :func:`lifecircle.maps.write_maps` returned: HTML pages are linked, PNGs
        embedded (missing PNGs are drawn afresh).
    """
    ctx = make_context(results, options)
    lang = options.lang
    out_dir = Path(out_dir)
    profile = results.profile
    meta = results.layerset.meta
    title = options.title or f"{t('report_title', lang)} — {ctx.study_name()}"
    images = _static_images(map_files)
    chart = images.get("coverage_chart") or static.coverage_chart(
        results, static.static_lang(lang), options.dpi
    )
    parts: list[str] = [
        "<!DOCTYPE html>",
        f'<html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{REPORT_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{escape(t("profile", lang))}: {escape(profile_title(profile, lang))}'
        f" · {escape(t('date', lang))}: {escape(ctx.today)}</p>",
    ]
    if meta.get("synthetic"):
        parts.append(f'<p><span class="synthetic">{escape(t("synthetic_banner", lang))}</span></p>')
    note = static.font_note(lang)
    if note:
        parts.append(f'<p class="note">{escape(note)}</p>')
    parts.append(f"<h2>{escape(t('summary', lang))}</h2>")
    parts.append(_kpis(results, lang))
    parts.append(_no_data_section(results, lang))
    if results.access.censored_categories():
        limit = min(results.access.limit(c) for c in results.access.censored_categories())
        parts.append(f'<p class="small">{escape(t("censored_note", lang, m=f"{limit:g}"))}</p>')
    parts.append(f"<figure>{_img(chart, t('coverage_chart', lang))}</figure>")
    parts.append(data_section(results, lang))

    links = [Path(p) for p in map_files if Path(p).suffix.lower() == ".html"]
    if links:
        parts.append(f"<h2>{escape(t('interactive_maps', lang))}</h2><ul>")
        for path in links:
            try:
                href = path.resolve().relative_to(out_dir.resolve()).as_posix()
            except ValueError:
                href = path.name
            parts.append(f'<li><a href="{escape(href)}">{escape(href)}</a></li>')
        parts.append("</ul>")

    # No page break here: the short list of map links above would otherwise stand alone
    # on a printed page; the tables follow it on the same page.
    parts.append(f"<h2>{escape(t('tables', lang))}</h2>")
    for kind, key in (
        ("life_circle", "life_circle_categories"),
        ("fitness_circle", "fitness_circle_categories"),
        ("care_coverage", "care_coverage_categories"),
    ):
        parts.append(f"<h3>{escape(circle_name(profile, kind, lang))}</h3>")
        parts.append(_category_table(results, results.tables.get(key), lang))

    units_life = _units_table(results, results.tables.get("units_life_circle"), lang, "life")
    units_care = _units_table(results, results.tables.get("units_care"), lang, "care")
    if units_life or units_care:
        parts.append(f'<h2 class="break">{escape(t("units_tables", lang))}</h2>')
        if units_life:
            parts.append(
                f"<h3>{escape(circle_name(profile, 'life_circle', lang))}</h3>{units_life}"
            )
        if units_care:
            parts.append(
                f"<h3>{escape(circle_name(profile, 'care_coverage', lang))}</h3>{units_care}"
            )

    parts.append(f'<h2 class="break">{escape(t("top_gaps", lang))}</h2>')
    parts.append(_gaps_table(results, lang))

    parts.append(f'<h2 class="break">{escape(t("static_maps", lang))}</h2>')
    for kind in MAP_KINDS:
        data = images.get(kind) or static.draw_map(results, kind, options)
        caption = circle_name(profile, kind, lang)
        parts.append(
            f"<figure>{_img(data, caption)}<figcaption>{escape(caption)}</figcaption></figure>"
        )

    label = escape(t("attribution", lang))
    source = escape(attribution(meta, lang))
    parts.append(f'<p class="small">{label}: {source}</p></body></html>')
    html = "\n".join(parts)
    key = options.resolved_tianditu_key()
    if key and key in html:
        raise RuntimeError("the Tianditu key must never be written into the report")
    return write_text_atomic(out_dir / "report.html", html)
