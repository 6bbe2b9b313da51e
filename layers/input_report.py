"""The input report (what reading the sources dropped, repaired or assumed) in the run's language.

Every entry a reader records (``LayerSet.report`` and the readers' own lists)
keeps its English ``issue`` and ``detail``: they are stable strings that
scripts and tests match. :func:`report_text` adds the sentence a planner
reads, in ``zh`` or ``en``. A Chinese headline is found by matching the
English issue against :data:`ISSUES_ZH`; a detail that is prose is matched
against :data:`DETAILS_ZH`; an entry may carry its Chinese ready-made
(``issue_zh``, ``detail_zh``: ``LayerSet.report``); a detail that is data
(ids, tags, category ids, file names) is shown as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["DETAILS_ZH", "ISSUES_ZH", "issue_zh", "localised_report", "report_text"]

#: English issue (a full-match pattern) → Chinese headline (``str.format`` of the groups).
ISSUES_ZH: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), zh)
    for p, zh in [
        (r"points of interest outside every profile category \(not used\)",
         "不属于任何标准类别的兴趣点（未使用）"),
        (r"source facilities replaced by the planner's own list",
         "被规划清单替换的数据源设施"),
        (r"no facility of category '(?P<cat>[^']*)' \(reported as no data, not as a service gap\)",
         "类别 {cat} 没有任何设施（报告为无数据，而非服务缺口）"),
        (r"facilities serving several categories \(one row per category, ids '<id>#<category>'\)",
         "同时服务多个类别的设施（每个类别一行，编号为“<编号>#<类别>”）"),
        (r"buildings counted as housing \(untyped rule: (?P<rule>.*)\)",
         "计为住宅的建筑（未标用途建筑的规则：{rule}）"),
        (r"buildings ignored: (?P<reason>.*)", "未计入的建筑：{reason}"),
        (r"housing without levels or height; (?P<levels>.*) levels assumed",
         "住宅缺少层数或高度，假定为 {levels} 层"),
        (r"residents of areas with no housing", "所在分区没有住宅、未能分配的居民"),
        (r"raster residents in pixels with no housing", "人口栅格中落在无住宅像元的居民"),
        (r"grid cells in water dropped", "位于水域、已舍弃的网格单元"),
        (r"grid cells farther than (?P<m>.*) m from any road dropped",
         "距任何道路超过 {m} 米、已舍弃的网格单元"),
        (r"residents not placed on any grid cell", "未能分配到任何网格单元的居民"),
        (r"population method: (?P<method>.*)", "人口方法：{method}"),
        (r"sub-unit overlaps under (?P<share>.*) of the smaller unit trimmed "
         r"\(kept by the unit listed first\)",
         "小于较小单元 {share} 的子单元重叠已裁去（归先列出的单元）"),
        (r"invalid geometries repaired \(shapely\.make_valid\)",
         "无效几何已修复（shapely.make_valid）"),
        (r"empty geometries dropped", "空几何已舍弃"),
        (r"planner facilities beyond the study area and its (?P<m>.*) m halo \(not used\)",
         "位于研究范围及其 {m} 米缓冲区以外的规划清单设施（未使用）"),
        (r"planner facilities outside the study area, within the halo \(used\)",
         "位于研究范围以外、缓冲区以内的规划清单设施（已使用）"),
        (r"the same feature in two sources \(kept once\)", "两个数据源中的同一要素（只保留一个）"),
        (r"Geofabrik layer without attributes skipped", "缺少属性表的 Geofabrik 图层已跳过"),
        (r"ways cut at the extract edge", "在数据范围边缘被截断的路径"),
        (r"pedestrian areas read as walkable \(outline and straight crossings\)",
         "步行广场按可步行处理（沿外轮廓及直线穿越）"),
        (r"areas that could not be assembled \(incomplete rings\)", "无法组装的面（环不完整）"),
        (r"duplicate facilities merged \(node and area, or one place in two sources\)",
         "已合并的重复设施（点与面，或两个数据源中的同一地点）"),
        (r"duplicate facility merged", "已合并的重复设施"),
        (r"planner rows dropped by category_values: null",
         "按 category_values: null 舍弃的规划清单行"),
    ]
]

#: English prose detail (a full-match pattern) → Chinese detail.
DETAILS_ZH: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), zh)
    for p, zh in [
        (r"they would have held (?P<n>.*) residents at the assumed density",
         "按假定密度约有 {n} 名居民"),
        (r"first ids: (?P<ids>.*)", "前几个编号：{ids}"),
        (r"(?P<n>\d+) referenced nodes are missing from the file; the ways were split at the "
         r"gaps and kept where 2\+ nodes remain",
         "文件中缺少 {n} 个被引用的节点；路径在缺口处断开，保留仍有 2 个以上节点的部分"),
        (r"(?P<n>\d+) crossing lines between the points where other ways meet the areas",
         "在其他路径与广场相接的点之间加入 {n} 条穿越线"),
        (r"usually multipolygons cut at the extract edge", "通常是在数据范围边缘被截断的多面"),
        (r"(?P<file>.*): columns (?P<cols>.*) missing \((?P<dbf>.*) is (?P<size>.*) bytes\); "
         r"download the extract again to use this layer",
         "{file}：缺少字段 {cols}（{dbf} 为 {size} 字节）；请重新下载该数据以使用此图层"),
    ]
]

_MERGE_REASON_ZH = {"same name": "同名", "same place": "同一地点"}


def _translated(text: str, table: list[tuple[re.Pattern[str], str]]) -> str | None:
    for pattern, template in table:
        found = pattern.fullmatch(text)
        if found:
            return template.format(**found.groupdict())
    return None


def issue_zh(issue: str) -> str | None:
    """The Chinese headline of an English issue, or None for an issue not in the table."""
    return _translated(issue, ISSUES_ZH)


def _issue_zh(entry: Mapping[str, Any]) -> str:
    issue = str(entry.get("issue") or "")
    return str(entry.get("issue_zh") or "") or issue_zh(issue) or issue


def _detail_zh(entry: Mapping[str, Any]) -> str:
    merge = entry.get("merge")
    if isinstance(merge, Mapping):
        kept, dropped = merge["kept"], merge["dropped"]
        reason = _MERGE_REASON_ZH.get(str(merge.get("reason")), str(merge.get("reason")))
        return (
            f"{merge['category']}：保留 {kept['id']} {kept.get('name') or ''}（{kept['source']}），"
            f"舍弃 {dropped['id']} {dropped.get('name') or ''}（{dropped['source']}），"
            f"相距 {merge['distance_m']:g} 米，{reason}"
        )
    if entry.get("detail_zh"):
        return str(entry["detail_zh"])
    detail = str(entry.get("detail") or "")
    return _translated(detail, DETAILS_ZH) or detail


def report_text(entry: Mapping[str, Any], lang: str) -> str:
    """One input-report entry as a sentence in ``lang`` (``zh`` or ``en``).

    The headline, the count and the detail: for example ``位于水域、已舍弃的网格单元：508``.
    An issue missing from :data:`ISSUES_ZH` stays in English under ``zh``.
    """
    count = int(entry.get("count") or 0)
    issue = str(entry.get("issue") or "")
    if lang == "zh":
        headline = _issue_zh(entry)
        detail = _detail_zh(entry)
        return f"{headline}：{count:,}" + (f"（{detail}）" if detail else "")
    detail = str(entry.get("detail") or "")
    return f"{issue}: {count:,}" + (f" ({detail})" if detail else "")


def localised_report(report: list[Mapping[str, Any]], lang: str) -> list[dict[str, Any]]:
    """The entries for summary.json: as recorded, plus ``text`` in ``lang``.

    ``issue_zh`` and ``detail_zh``, a reader's ready-made Chinese, are folded into ``text``.
    """
    internal = {"issue_zh", "detail_zh"}
    return [
        {**{k: v for k, v in entry.items() if k not in internal}, "text": report_text(entry, lang)}
        for entry in report
    ]
