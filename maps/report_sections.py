"""The planner-facing sections of report.html: title, contents, headline figures,
per-居委 tables, the ranked 补缺 project list and the sites of ``lifecircle sites``.

Every function returns escaped HTML text in the report's language; figures the
input cannot give read "无数据 / no data", never 0.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from html import escape
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from lifecircle.analyses.gap_projects import (
    CAP_PER_CATEGORY,
    MIN_WEIGHT,
    gap_projects,
    nearest_road_names,
)
from lifecircle.analyses.subdistrict import RunFrames
from lifecircle.analyses.table_locations import with_locations
from lifecircle.maps.gap_counts import zone_link_m
from lifecircle.maps.labels import (
    LABELS,
    category_name,
    circle_name,
    fmt_number,
    fmt_share,
    t,
)
from lifecircle.maps.mapdata import SitesOverlay
from lifecircle.maps.static import category_label
from lifecircle.maps.static_units import unit_figures

#: Rows of the project list shown in the report (the rest are in tables/gaps.csv).
PROJECTS_SHOWN = 20
#: The name a run config gets when it gives none (lifecircle.config.RunConfig.name).
DEFAULT_NAMES = {"研究范围 / Study area", "研究范围", "Study area", ""}

Cell = tuple[str, bool]


def img(data: bytes, alt: str) -> str:
    """An embedded PNG."""
    encoded = base64.b64encode(data).decode("ascii")
    return f'<img src="data:image/png;base64,{encoded}" alt="{escape(alt)}">'


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    css: str = "",
    vertical: Sequence[bool] | None = None,
) -> str:
    """An HTML table; each cell is (text, numeric); all text is escaped.

    ``vertical`` marks headers set vertically (narrow columns of per-category shares);
    a newline in a cell's text is a line break.
    """
    vertical = vertical or [False] * len(headers)
    head = "".join(
        f'<th class="v"><span>{_lines(h)}</span></th>' if v else f"<th>{_lines(h)}</th>"
        for h, v in zip(headers, vertical, strict=True)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{_lines(text)}</td>' if numeric else f"<td>{_lines(text)}</td>"
            for text, numeric in row
        )
        + "</tr>"
        for row in rows
    )
    cls = f' class="{css}"' if css else ""
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _lines(text: str) -> str:
    """Escaped text; a newline in a cell is a line break."""
    return "<br>".join(escape(line) for line in text.split("\n"))


def study_name(results: RunFrames, lang: str) -> str:
    """The study area's name in ``lang``: the run config's ``name:``, the demo's own name.

    A config without a name gets "研究范围" / "Study area", never an empty title.
    """
    meta = results.layerset.meta
    key = "name_en" if lang == "en" else "name_zh"
    name = str(meta.get(key) or meta.get("name") or "").strip()
    return t("rp_study_area", lang) if name in DEFAULT_NAMES else name


def report_title(results: RunFrames, title: str | None, lang: str) -> str:
    """The report's title: the one asked for, else the report name and the study area."""
    return title or f"{t('report_title', lang)} — {study_name(results, lang)}"


def contents(entries: Sequence[tuple[str, str]], lang: str) -> str:
    """The linked contents list (``#contents``) of the sections present."""
    items = "".join(f'<li><a href="#{i}">{escape(title)}</a></li>' for i, title in entries)
    return f'<nav id="contents"><h2>{escape(t("rp_contents", lang))}</h2><ol>{items}</ol></nav>'


def _source(results: RunFrames, figure: dict[str, Any] | None, value: str, lang: str) -> str:
    """ "目标 2.6 m²（依据：…，S 见于原文）" for a profile figure, or "" without one."""
    if not figure:
        return ""
    source = str(figure.get("source", ""))
    title = (
        t("data_assumed_source", lang)
        if source == "assumption"
        else results.profile.sources.get(source, source)
    )
    conf = str(figure.get("confidence", ""))
    conf_text = t(f"confidence_{conf}", lang) if f"confidence_{conf}" in LABELS else conf
    return t("rp_target_source", lang, v=value, src=title, conf=conf_text)


def _met(value: float | None, target: float, lang: str) -> str:
    if value is None:
        return ""
    return t("rp_met", lang) if value >= target else t("rp_not_met", lang)


def headline(results: RunFrames, lang: str, care_no_data: str) -> str:
    """The headline figures table (``#headline``).

    Residents, older residents, the complete life circle against its target, the
    fitness circle, sports area per resident against its target, older residents
    reaching any care type and all of them, and home-care floor area per 1,000
    residents against each target, with the source of each target.
    """
    summary, profile = results.summary, results.profile
    life = summary.get("life_circle", {})
    fitness = summary.get("fitness_circle", {})
    care = summary.get("care_coverage", {})
    no_data = t("no_data", lang)
    rows: list[list[Cell]] = [
        [(t("population", lang), False), (fmt_number(results.demand["residents"].sum()), True)],
        [
            (t("elderly_population", lang), False),
            (fmt_number(results.demand["elderly"].sum()), True),
        ],
    ]
    target = profile.circles["life_circle"].figure("target_share")
    labels = life.get("completeness_labels", {})
    for key in ("complete_share_with_data", "complete_share_strict"):
        value = life.get(key)
        label = str(labels.get(key, {}).get(lang) or t("complete_share", lang))
        if value is None:
            rows.append([(label, False), (no_data, False)])
            continue
        text = fmt_share(value)
        if target is not None:
            text += (
                f"（{_met(value, float(target.value), lang)}；"
                if lang == "zh"
                else (f" ({_met(value, float(target.value), lang)}; ")
            )
            text += _source(results, target.to_dict(), fmt_share(target.value), lang)
            text += "）" if lang == "zh" else ")"
        rows.append([(label, False), (text, True)])
    fitness_cats = profile.circles["fitness_circle"].categories
    fitness_data = len(fitness.get("categories_no_data", [])) < len(fitness_cats)
    rows.append(
        [
            (t("fitness_share", lang), False),
            (fmt_share(fitness.get("population_share")), True)
            if fitness_data
            else (no_data, False),
        ]
    )
    area = fitness.get("sports_area_m2_per_person_within_reach")
    area_target = fitness.get("sports_area_target_m2_per_person")
    if area is None:
        rows.append([(t("rp_sports_area", lang), False), (no_data, False)])
    else:
        text = f"{fmt_number(area, 2)} m²"
        if area_target:
            value = float(area_target["value"])
            sep = "；" if lang == "zh" else "; "
            text += (
                (
                    f"（{_met(area, value, lang)}{sep}"
                    if lang == "zh"
                    else f" ({_met(area, value, lang)}{sep}"
                )
                + _source(results, area_target, f"{value:g} m²", lang)
                + ("）" if lang == "zh" else ")")
            )
        rows.append([(t("rp_sports_area", lang), False), (text, True)])
    with_data = care.get("categories_with_data") or []
    for key, label in (
        ("any_category_share", t("care_any_share", lang)),
        ("all_categories_share", t("rp_care_all_share", lang, n=len(with_data))),
    ):
        value = care.get(key)
        rows.append(
            [
                (label, False),
                (fmt_share(value), True) if value is not None else (care_no_data, False),
            ]
        )
    rows.append([(t("per_1000", lang), False), _per_1000(results, care, care_no_data, lang)])
    return table([t("summary", lang), ""], rows, css="kpis")


def _per_1000(results: RunFrames, care: dict[str, Any], care_no_data: str, lang: str) -> Cell:
    """Floor area per 1,000 residents against each target: "no data", or a lower bound."""
    status = care.get("per_1000_m2_status", "ok")
    value = care.get("per_1000_m2")
    if status == "no_data" or value is None:
        return care_no_data, False
    text = f"{fmt_number(value, 1)} m²"
    sep = "、" if lang == "zh" else ", "
    if status == "partial":
        names = sep.join(
            category_name(results.profile, c, lang)
            for c in care.get("per_1000_m2_no_data_categories", [])
        )
        text += f" ({t('lower_bound', lang, cats=names)})"
    parts = []
    for figure in care.get("target_per_1000_m2") or []:
        target = float(figure["value"])
        met = _met(value, target, lang) if status == "ok" or value >= target else ""
        parts.append(
            f"{_source(results, figure, f'{target:g} m²', lang)}" + (f" {met}" if met else "")
        )
    if parts:
        text += "（" + "；".join(parts) + "）" if lang == "zh" else " (" + "; ".join(parts) + ")"
    return text, True


def _share_cell(value: Any, lang: str) -> Cell:
    if value is None or value != value:
        return t("no_data", lang), False
    return fmt_share(float(value)), True


def _unit_name(rec: dict[str, Any], lang: str) -> str:
    name = rec.get("name_en") if lang == "en" else rec.get("name")
    if name is None or name != name or not str(name).strip():
        name = rec.get("name") if rec.get("name") == rec.get("name") else None
    return str(name or rec.get("unit_id"))


def _by_unit(frame: pd.DataFrame | None) -> pd.DataFrame:
    """A per-unit table indexed by ``unit_id`` (text), or an empty one."""
    if frame is None or frame.empty:
        return pd.DataFrame()
    return frame.assign(unit_id=frame["unit_id"].astype(str)).set_index("unit_id")


def _circle_rows(
    figures: pd.DataFrame,
    people: str,
    total: str,
    shares: list[tuple[pd.DataFrame, str]],
    lang: str,
) -> list[list[Cell]]:
    """Per-unit rows: name, ``people`` count, the circle's ``total`` share, then each
    ``(table, column)`` share ("no data" for a category the input lacks)."""
    rows = []
    for rec in figures.to_dict(orient="records"):
        row = [
            (_unit_name(rec, lang), False),
            (fmt_number(rec[people]), True),
            _share_cell(rec[total], lang),
        ]
        for frame, column in shares:
            if frame is figures:
                value = rec.get(column)
            else:
                value = frame[column].get(rec["unit_id"]) if column in frame else None
            row.append(_share_cell(value, lang))
        rows.append(row)
    return rows


def units_tables(results: RunFrames, lang: str) -> str:
    """One per-居委 table for each circle (life, fitness, care); names never wrap."""
    figures = unit_figures(results)
    if figures.empty:
        return f"<p>{escape(t('not_applicable', lang))}</p>"
    profile, access = results.profile, results.access
    parts = []
    # life circle: complete-circle share, then each category's share
    life = _by_unit(results.tables.get("units_life_circle"))
    cats = list(profile.circles["life_circle"].categories)
    headers = [t("unit", lang), t("residents", lang), t("rp_complete_vs", lang)]
    headers += [category_label(profile, c, profile.rule(c).threshold_minutes, lang) for c in cats]
    shares = [(life if access.has_data(c) else pd.DataFrame(), f"share_{c}") for c in cats]
    rows = _circle_rows(figures, "residents", "life_share", shares, lang)
    parts.append(_unit_block(profile, "life_circle", headers, rows, lang, fixed=3))
    # fitness circle: any fitness category, then each one
    cats = list(profile.circles["fitness_circle"].categories)
    headers = [t("unit", lang), t("residents", lang), t("fitness_share", lang)]
    headers += [
        category_label(profile, c, profile.rule(c, "fitness_circle").threshold_minutes, lang)
        for c in cats
    ]
    shares = [(figures, f"fitness_{c}") for c in cats]
    rows = _circle_rows(figures, "residents", "fitness_share", shares, lang)
    parts.append(_unit_block(profile, "fitness_circle", headers, rows, lang, fixed=3))
    # care circle: older residents reaching any type, each type, floor area per 1,000
    care = _by_unit(results.tables.get("units_care"))
    cats = list(profile.circles["care_coverage"].categories)
    headers = [t("unit", lang), t("elderly", lang), t("care_any_share", lang)]
    headers += [category_label(profile, c, profile.rule(c).threshold_minutes, lang) for c in cats]
    headers += [t("per_1000", lang) + " (m²)"]
    shares = [(care if access.has_data(c) else pd.DataFrame(), f"share_{c}") for c in cats]
    rows = _circle_rows(figures, "elderly", "care_any_share", shares, lang)
    for row, per_1000 in zip(rows, figures["per_1000_m2"], strict=True):
        row.append(
            (fmt_number(per_1000, 1), True)
            if per_1000 == per_1000
            else (t("no_data", lang), False)
        )
    parts.append(_unit_block(profile, "care_coverage", headers, rows, lang, fixed=3))
    return "".join(parts)


def _unit_block(profile, kind: str, headers: list[str], rows: list, lang: str, fixed: int) -> str:
    vertical = [False] * fixed + [True] * (len(headers) - fixed)
    return f"<h3>{escape(circle_name(profile, kind, lang))}</h3>" + table(
        headers, rows, css="units", vertical=vertical
    )


def circle_shares(results: RunFrames) -> dict[str, float | None]:
    """Circle id → share of its target group that has the circle (for the ranking)."""
    summary = results.summary
    return {
        "life_circle": summary.get("life_circle", {}).get("complete_share_with_data"),
        "fitness_circle": summary.get("fitness_circle", {}).get("population_share"),
        "care_coverage": summary.get("care_coverage", {}).get("any_category_share"),
    }


def project_table(results: RunFrames) -> pd.DataFrame:
    """The run's ranked 补缺 projects (:func:`~lifecircle.analyses.gap_projects.gap_projects`)."""
    facilities = results.facilities
    names = dict(zip(facilities["facility_id"].astype(str), facilities["name"], strict=True))
    names = {k: str(v) for k, v in names.items() if v == v and v is not None and str(v)}
    return gap_projects(
        results.gaps,
        results.demand,
        results.profile,
        results.layerset.roads,
        results.layerset.boundary,
        names,
        circle_shares(results),
        link_m=zone_link_m(results),
    )


def _site_for(project: dict[str, Any], sites: pd.DataFrame | None, walk_m: float) -> str | None:
    """The proposed site of the project's category nearest it, within the category's walk."""
    if sites is None or sites.empty:
        return None
    same = sites[sites["category"].astype(str) == project["category"]]
    if same.empty:
        return None
    d = np.hypot(same["_x"] - project["_x"], same["_y"] - project["_y"])
    best = int(np.argmin(d.to_numpy()))
    if float(d.iloc[best]) > walk_m:
        return None
    site = same.iloc[best]
    return f"{int(site['rank'])}|{site.get('road') or '—'}"


def projects_section(results: RunFrames, lang: str, sites: pd.DataFrame | None) -> str:
    """The ranked 补缺 project list (``#projects``) with its ranking rule."""
    projects = project_table(results)
    if projects.empty:
        return f"<p>{escape(t('not_applicable', lang))}</p>"
    profile = results.profile
    shown = projects.head(PROJECTS_SHOWN)
    points = gpd.GeoSeries.from_xy(shown["lon_wgs84"], shown["lat_wgs84"], crs="EPSG:4326")
    metric = points.to_crs(results.demand.crs)
    shown = shown.assign(_x=metric.x.to_numpy(), _y=metric.y.to_numpy())
    sep = "、" if lang == "zh" else ", "
    headers = [
        t("rp_project", lang),
        t("category", lang),
        t("unit", lang),
        t("rp_road", lang),
        f"{t('rp_coords_wgs84', lang)}\n{t('rp_coords_gcj02', lang)}",
        t("residents", lang),
        t("elderly", lang),
        t("rp_circle_people", lang),
        t("rp_nearest_facility", lang),
        t("rp_proposed_site", lang),
    ]
    rows = []
    for rec in shown.to_dict(orient="records"):
        cats = [c for c in str(rec["categories"]).split(",") if c]
        if len(cats) == 1:
            category = category_label(profile, cats[0], rec["minutes"], lang)
        else:  # any one of the circle's categories will do: the minutes once
            names = sep.join(category_name(profile, c, lang) for c in cats)
            category = t("rp_any_of", lang, cats=names, m=f"{rec['minutes']:g}")
        unit = rec.get("unit_name_en") if lang == "en" else rec.get("unit_name")
        unit = unit if unit == unit and unit else rec.get("unit_name")
        facility = rec.get("nearest_facility_name")
        walk = rec.get("nearest_walk_m")
        if facility and facility == facility:
            near = (
                f"{facility} ({t('walk_m', lang, m=fmt_number(walk))})"
                if walk == walk
                else (str(facility))
            )
        else:
            limit = results.access.limit(cats[0]) if cats else results.access.max_minutes
            near = t("none_within", lang, m=f"{limit:g}")
        site = _site_for(rec, sites, profile.rule(cats[0]).threshold_m) if cats else None
        if site:
            rank, road = site.split("|", 1)
            site_text = t("rp_site_ref", lang, rank=rank, road=road)
        else:
            site_text = "—"
        rows.append(
            [
                (t("rp_project_id", lang, n=int(rec["project_rank"])), False),
                (category, False),
                (str(unit) if unit == unit and unit else "—", False),
                (str(rec["road"]) if rec.get("road") else "—", False),
                (
                    f"{rec['lon_wgs84']:.6f}, {rec['lat_wgs84']:.6f}\n"
                    f"{rec['lon_gcj02']:.6f}, {rec['lat_gcj02']:.6f}",
                    True,
                ),
                (fmt_number(rec["residents"]), True),
                (fmt_number(rec["elderly"]), True),
                (fmt_number(rec["circle_people"]), True),
                (near, False),
                (site_text, False),
            ]
        )
    minutes = results.summary.get("fitness_circle", {}).get("minutes") or 10
    rule = t(
        "rp_rank_rule",
        lang,
        fm=f"{minutes:g}",
        w=f"{MIN_WEIGHT:g}",
        cap=CAP_PER_CATEGORY,
        n=len(projects),
        k=len(shown),
    )
    note = "" if sites is not None else f'<p class="small">{escape(t("rp_run_sites", lang))}</p>'
    return table(headers, rows, css="projects") + f'<p class="small">{escape(rule)}</p>' + note


def sites_frame(results: RunFrames, overlay: SitesOverlay | None) -> pd.DataFrame | None:
    """The sites with coordinates, 居委, nearest road and metric x/y; None without sites
    (an empty frame when ``lifecircle sites`` found no site that adds anyone)."""
    if overlay is None or overlay.sites is None:
        return None
    sites = overlay.sites.to_crs(results.demand.crs)
    located = with_locations(sites, results.layerset.boundary)
    located["road"], _ = nearest_road_names(sites.geometry, results.layerset.roads)
    located["_x"] = sites.geometry.x.to_numpy()
    located["_y"] = sites.geometry.y.to_numpy()
    if "rank" not in located:
        located["rank"] = np.arange(1, len(located) + 1)
    return located.sort_values("rank").reset_index(drop=True)


def sites_title(results: RunFrames, sites: pd.DataFrame, lang: str) -> str:
    """"新设施选址：日间照料中心": the sites' categories, or the one asked for when none."""
    cats = sorted(sites["category"].dropna().astype(str).unique()) if "category" in sites else []
    if not cats and (results.summary.get("sites") or {}).get("category"):
        cats = [str(results.summary["sites"]["category"])]
    sep = "、" if lang == "zh" else ", "
    names = sep.join(category_name(results.profile, c, lang) for c in cats)
    return t("rp_sites_title", lang, cat=names)


def sites_section(
    results: RunFrames, lang: str, sites: pd.DataFrame, sites_png: bytes | None
) -> str:
    """The sites of ``lifecircle sites`` (``#sites``): table, method and bound, map."""
    profile = results.profile
    block = results.summary.get("sites") or {}
    evaluation = results.summary.get("sites_evaluation")
    title = sites_title(results, sites, lang)
    parts = [f'<h2 id="sites" class="break">{escape(title)}</h2>']
    headers = [
        t("site_rank", lang),
        t("rp_location", lang) + " WGS84",
        "GCJ-02",
        t("rp_road", lang),
        t("unit", lang),
        t("new_residents", lang),
        t("new_elderly", lang),
        t("cumulative_share", lang),
    ]
    rows = []
    for rec in sites.to_dict(orient="records"):
        unit = rec.get("unit_name_en") if lang == "en" else rec.get("unit_name")
        unit = unit if unit == unit and unit else rec.get("unit_name")
        rows.append(
            [
                (str(int(rec["rank"])), True),
                (f"{rec['lon_wgs84']:.6f}, {rec['lat_wgs84']:.6f}", True),
                (f"{rec['lon_gcj02']:.6f}, {rec['lat_gcj02']:.6f}", True),
                (str(rec.get("road") or "—"), False),
                (str(unit) if unit == unit and unit else "—", False),
                (fmt_number(rec.get("new_residents_covered")), True),
                (fmt_number(rec.get("new_elderly_covered")), True),
                (fmt_share(rec.get("cumulative_share")), True),
            ]
        )
    if rows:
        parts.append(table(headers, rows, css="sites"))
    else:
        parts.append(f"<p>{escape(t('rp_sites_none', lang))}</p>")
    # proposed sites (``--evaluate``) carry no gains; recommended ones do
    evaluated = "new_residents_covered" not in sites.columns and bool(evaluation)
    if block and not evaluated:
        gap = block.get("gap")
        parts.append(
            '<p class="small">'
            + escape(
                t(
                    "rp_sites_method",
                    lang,
                    model=str(block.get("model", "—")),
                    method=str(block.get("method", "—")),
                    optimal=t("rp_optimal" if block.get("optimal") else "rp_not_optimal", lang),
                    bound=fmt_number(block.get("upper_bound")),
                    gap=fmt_share(gap) if gap is not None else "—",
                    before=fmt_share(block.get("share_before")),
                    after=fmt_share(block.get("share_after")),
                )
            )
            + "</p>"
        )
    elif evaluated:
        eval_rows = [
            [
                (category_name(profile, str(r.get("category")), lang), False),
                (fmt_share(r.get("share_before")), True),
                (fmt_share(r.get("share_after")), True),
            ]
            for r in evaluation.get("categories", [])
        ]
        parts.append(
            f"<h3>{escape(t('rp_sites_eval', lang))}</h3>"
            + table(
                [t("category", lang), t("rp_share_before", lang), t("rp_share_after", lang)],
                eval_rows,
            )
        )
    if sites_png:
        caption = title
        parts.append(
            f'<figure class="map">{img(sites_png, caption)}'
            f"<figcaption>{escape(caption)} (maps/sites.png)</figcaption></figure>"
        )
    return "".join(parts)
