"""report.html: the figures, tables, charts and static maps of one run, for A4 print.

The report is one self-contained HTML file (images embedded as base64) that
prints cleanly on A4. It links to the interactive maps. It never contains the
Tianditu key: nothing from the options but the language and title goes in,
and the finished text is checked.
"""

from __future__ import annotations

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
from lifecircle.maps.mapdata import MAP_KINDS, SitesOverlay, make_context
from lifecircle.maps.options import MapOptions
from lifecircle.maps.report_sections import (
    contents,
    headline,
    img,
    projects_section,
    report_title,
    sites_frame,
    sites_section,
    sites_title,
    units_tables,
)
from lifecircle.maps.report_sections import (
    table as html_table,
)
from lifecircle.maps.static_units import units_map

REPORT_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 8pt; color: #555; }
}
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "Source Han Sans SC",
  Arial, sans-serif; color: #222; max-width: 182mm; margin: 1.5em auto; padding: 0 1em;
  font-size: 10.5pt; line-height: 1.5; }
h1 { font-size: 18pt; margin-bottom: 0.2em; }
h2 { font-size: 13.5pt; border-bottom: 2px solid #1f78b4; padding-bottom: 2px; margin-top: 1.6em;
  break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11.5pt; margin-bottom: 0.3em; break-after: avoid; page-break-after: avoid; }
.meta { color: #555; }
.synthetic { display: inline-block; background: #b2182b; color: #fff; padding: 2px 10px;
  font-weight: bold; border-radius: 3px; }
.note { color: #8a4b00; }
nav#contents ol { columns: 2; margin: 0.3em 0 1em 0; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; margin: 0.4em 0 1em 0; }
th, td { border: 1px solid #bbb; padding: 2px 5px; text-align: left; vertical-align: top; }
th { background: #eef3f8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr { page-break-inside: avoid; break-inside: avoid; }
thead { display: table-header-group; }
table.thresholds td:nth-child(n+3):nth-child(-n+5),
table.thresholds th:nth-child(n+3):nth-child(-n+5) { white-space: nowrap; }
table.units, table.projects, table.sites { font-size: 7.5pt; width: auto; max-width: 100%; }
table.units td, table.units th { padding: 1px 3px; }
table.projects { width: 100%; }
table.units td:first-child, table.units th:first-child, table.projects td:first-child,
table.projects td:nth-child(5), table.projects td.num, table.sites td { white-space: nowrap; }
table.projects td:nth-child(3), table.projects td:nth-child(4) { min-width: 4.5em; }
table.projects th:last-child, table.projects td:last-child { min-width: 4em; }
table.units td:first-child { min-width: 6em; }
th.v { vertical-align: bottom; }
th.v span { writing-mode: vertical-rl; white-space: nowrap; display: inline-block; }
html[lang="en"] th.v span { transform: rotate(180deg); }
img { max-width: 100%; height: auto; }
figure { margin: 0.6em 0 1.2em 0; page-break-inside: avoid; break-inside: avoid; }
figure.map img, figure.chart img { width: 100%; }
figcaption { font-size: 9pt; color: #555; }
.break { page-break-before: always; break-before: page; }
.kpis td:first-child { width: 40%; }
.kpis td.num { text-align: left; }
.small { font-size: 8.5pt; color: #555; }
@media print { body { margin: 0; padding: 0; max-width: none; } a { color: inherit; } }
"""


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
    return html_table(headers, rows)


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
        f"<p>{escape(t('no_data_note', lang))}</p>" + html_table(headers, rows)
    )


def _care_list(results: RunFrames, lang: str) -> str:
    """"无数据" with the list that would fill the care categories (the civil-affairs list)."""
    members = results.profile.circles["care_coverage"].categories
    missing = [c for c in members if c in results.access.no_data]
    return no_data_label(results.profile, missing[0], lang) if missing else t("no_data", lang)


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
    sites: SitesOverlay | None = None,
) -> Path:
    """Write ``out_dir/report.html`` and return its path.

    Sections (stable ids): ``#contents``, ``#headline``, ``#coverage``, ``#units``,
    ``#maps``, ``#projects``, ``#sites`` (only with sites), ``#data``.

    Parameters
    ----------
    results : RunFrames
    out_dir : Path
        The run's output folder.
    options : MapOptions
        ``lang``, ``title`` and ``dpi`` are used; the Tianditu key never is.
    map_files : list of Path
        What :func:`lifecircle.maps.write_maps` (or ``write_sites_maps``) returned:
        HTML pages are linked, PNGs embedded, so the report shows the very PNGs in
        ``maps/``; missing PNGs are drawn afresh.
    sites : SitesOverlay, optional
        The sites of ``lifecircle sites``: adds the ``#sites`` section (with
        ``maps/sites.png``) and the proposed site of each project.
    """
    ctx = make_context(results, options)
    lang = options.lang
    out_dir = Path(out_dir)
    profile = results.profile
    meta = results.layerset.meta
    title = report_title(results, options.title, lang)
    images = _static_images(map_files)
    static_lang = static.static_lang(lang)
    chart = images.get("coverage_chart") or static.coverage_chart(
        results, static_lang, options.dpi
    )
    units_png = images.get("units_map")
    if units_png is None and "units_map" not in images:
        units_png = units_map(results, static_lang, options.dpi, ctx.today)
    sites_table = sites_frame(results, sites)
    sections: list[tuple[str, str]] = [
        ("headline", t("summary", lang)),
        ("coverage", t("tables", lang)),
        ("units", t("units_tables", lang)),
        ("maps", t("static_maps", lang)),
        ("projects", t("rp_projects", lang)),
    ]
    if sites_table is not None:
        sections.append(("sites", sites_title(results, sites_table, lang)))
    sections.append(("data", t("data_section", lang)))
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
    parts.append(contents(sections, lang))

    parts.append(f'<h2 id="headline">{escape(t("summary", lang))}</h2>')
    parts.append(headline(results, lang, _care_list(results, lang)))
    parts.append(_no_data_section(results, lang))

    parts.append(f'<h2 id="coverage" class="break">{escape(t("tables", lang))}</h2>')
    parts.append(f'<figure class="chart">{img(chart, t("coverage_chart", lang))}</figure>')
    if results.access.censored_categories():
        limit = min(results.access.limit(c) for c in results.access.censored_categories())
        parts.append(f'<p class="small">{escape(t("censored_note", lang, m=f"{limit:g}"))}</p>')
    for kind, key in (
        ("life_circle", "life_circle_categories"),
        ("fitness_circle", "fitness_circle_categories"),
        ("care_coverage", "care_coverage_categories"),
    ):
        parts.append(f"<h3>{escape(circle_name(profile, kind, lang))}</h3>")
        parts.append(_category_table(results, results.tables.get(key), lang))

    parts.append(f'<h2 id="units">{escape(t("units_tables", lang))}</h2>')
    if units_png:
        caption = t("rp_units_map", lang)
        parts.append(
            f'<figure class="map">{img(units_png, caption)}'
            f"<figcaption>{escape(caption)} (maps/units_map.png)</figcaption></figure>"
        )
    parts.append(units_tables(results, lang))

    parts.append(f'<h2 id="maps" class="break">{escape(t("static_maps", lang))}</h2>')
    for i, kind in enumerate(MAP_KINDS):
        data = images.get(kind) or static.draw_map(results, kind, options)
        caption = circle_name(profile, kind, lang)
        breaking = ' style="break-before: page; page-break-before: always"' if i else ""
        parts.append(
            f'<figure class="map"{breaking}>{img(data, caption)}'
            f"<figcaption>{escape(caption)} (maps/{kind}.png)</figcaption></figure>"
        )

    # no forced break: the list follows the last map when it fits
    parts.append(f'<h2 id="projects">{escape(t("rp_projects", lang))}</h2>')
    parts.append(projects_section(results, lang, sites_table))

    if sites_table is not None:
        parts.append(sites_section(results, lang, sites_table, images.get("sites")))

    parts.append(f'<section id="data">{data_section(results, lang)}</section>')

    links = [Path(p) for p in map_files if Path(p).suffix.lower() == ".html"]
    if links:
        parts.append(f"<h3>{escape(t('interactive_maps', lang))}</h3><ul>")
        for path in links:
            try:
                href = path.resolve().relative_to(out_dir.resolve()).as_posix()
            except ValueError:
                href = path.name
            parts.append(f'<li><a href="{escape(href)}">{escape(href)}</a></li>')
        parts.append("</ul>")

    label = escape(t("attribution", lang))
    source = escape(attribution(meta, lang))
    parts.append(f'<p class="small">{label}: {source}</p></body></html>')
    html = "\n".join(parts)
    key = options.resolved_tianditu_key()
    if key and key in html:
        raise RuntimeError("the Tianditu key must never be written into the report")
    return write_text_atomic(out_dir / "report.html", html)
