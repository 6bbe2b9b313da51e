"""The report's data and method section (数据说明): what the figures rest on.

Everything a planner must know before quoting a figure, in the report's
language: the sources and the CRS, the standards profile and every threshold
with the document it comes from and how sure that is (S/M/I), how residents
were placed (the method and any assumed density), and what the run dropped,
moved or merged (snapping to the main network and around barriers, facilities
that could not be routed, duplicates merged, ways cut at the extract edge).
The same facts are printed on stderr during the run and kept in
``summary.json``; this section puts them where the planner reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from lifecircle.analyses.snapping_summary import snapping_lines
from lifecircle.analyses.subdistrict import RunFrames
from lifecircle.layers.placement import population_lines
from lifecircle.maps.labels import attribution, category_name, circle_name, profile_title, t
from lifecircle.spatial.messages import translate

#: input_report issues that get their own translated line (the rest stay in summary.json).
_COUNTED_ISSUES = {
    "duplicate facilities merged (node and area, or one place in two sources)": "data_merged",
    "ways cut at the extract edge": "data_cut_ways",
    "points of interest outside every profile category (not used)": "data_unclassified",
}


def _rows(cells: Sequence[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in cells)
    return f'<table class="facts">{body}</table>'


def _threshold_table(results: RunFrames, lang: str) -> str:
    """Every category's rule as routed: minutes, speed, metres, source and confidence."""
    profile = results.profile
    head = "".join(
        f"<th>{escape(t(key, lang))}</th>"
        for key in (
            "data_category",
            "data_circle",
            "data_minutes",
            "data_speed",
            "data_metres",
            "data_source",
            "data_confidence",
        )
    )
    rows = []
    for category, rule in results.access.rules.items():
        figure = rule.threshold
        source = (
            t("data_assumed_source", lang)
            if figure.source == "assumption"
            else profile.sources.get(figure.source, figure.source)
        )
        cells = (
            category_name(profile, category, lang),
            circle_name(profile, rule.circle, lang) if rule.circle else "",
            f"{rule.threshold_minutes:g}",
            f"{rule.speed_mps:g}",
            f"{rule.threshold_m:,.0f}",
            source,
            t(f"confidence_{figure.confidence}", lang),
        )
        rows.append("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in cells) + "</tr>")
    return f'<table class="thresholds"><tr>{head}</tr>{"".join(rows)}</table>'


def _input_lines(report: Sequence[dict[str, Any]], lang: str) -> list[str]:
    """Translated lines for the input-report entries a planner must see."""
    lines = []
    for entry in report:
        key = _COUNTED_ISSUES.get(str(entry.get("issue", "")))
        if key and int(entry.get("count") or 0) > 0:
            lines.append(t(key, lang, n=f"{int(entry['count']):,}"))
    return lines


def data_section(results: RunFrames, lang: str) -> str:
    """HTML of the report's 数据说明 / data and method section.

    Parameters
    ----------
    results : RunFrames
        The run's results; reads the LayerSet's meta (source, population
        method, input report), the access table's rules and the snapping
        summary.
    lang : str
        ``zh`` or ``en``.
    """
    layerset = results.layerset
    meta = layerset.meta
    profile = f"{profile_title(results.profile, lang)} ({t('data_profile_copy', lang)})"
    facts = [
        (t("data_sources", lang), translate(str(meta.get("source") or ""), lang)),
        (t("attribution", lang), attribution(meta, lang)),
        (t("data_crs", lang), t("data_crs_value", lang, crs=layerset.crs.to_string())),
        (t("profile", lang), profile),
    ]
    parts = [f'<h2 class="break">{escape(t("data_section", lang))}</h2>', _rows(facts)]
    # a run folder read back (``lifecircle sites``) has these in its summary.json only
    population = meta.get("population") or results.summary.get("population") or {}
    notes = population_lines(population, lang) if "method" in population else []
    notes += snapping_lines(results.summary.get("snapping") or {}, lang)
    notes += _input_lines(meta.get("report") or results.summary.get("input_report") or [], lang)
    notes.append(t("data_gap_zone_shapes", lang))
    if notes:
        parts.append(f"<h3>{escape(t('data_assumptions', lang))}</h3>")
        parts.append("<ul>" + "".join(f"<li>{escape(n)}</li>" for n in notes) + "</ul>")
    parts.append(f"<h3>{escape(t('data_thresholds', lang))}</h3>")
    parts.append(_threshold_table(results, lang))
    parts.append(f'<p class="small">{escape(t("data_confidence_note", lang))}</p>')
    return "\n".join(parts)
