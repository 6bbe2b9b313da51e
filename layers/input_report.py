"""The input report (what reading the sources dropped, repaired or assumed) in the run's language.

Every entry a reader records (``LayerSet.report`` and the readers' own lists)
keeps its English ``issue`` and ``detail``: they are stable strings that
scripts and tests match. :func:`report_text` adds the sentence a planner
reads, in ``zh`` or ``en``. The Chinese comes from the message catalogue
(:func:`lifecircle.spatial.messages.translate`, keyed by the English
templates); an entry may carry its Chinese ready-made (``issue_zh``,
``detail_zh``: ``LayerSet.report``) where the reader knows more, such as a
category's Chinese name. A detail that is data (ids, tags, category ids, file
names) is shown as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lifecircle.spatial.messages import translate

__all__ = ["localised_report", "report_text"]

_MERGE_REASON_ZH = {"same name": "同名", "same place": "同一地点"}
#: Keys a reader may add for the Chinese text; folded into ``text`` in summary.json.
_READY_MADE = ("issue_zh", "detail_zh")


def _merge_zh(merge: Mapping[str, Any]) -> str:
    """A merge of two duplicate facilities, from its record (both ids, the distance)."""
    kept, dropped = merge["kept"], merge["dropped"]
    reason = _MERGE_REASON_ZH.get(str(merge.get("reason")), str(merge.get("reason")))
    return (
        f"{merge['category']}：保留 {kept['id']} {kept.get('name') or ''}（{kept['source']}），"
        f"舍弃 {dropped['id']} {dropped.get('name') or ''}（{dropped['source']}），"
        f"相距 {merge['distance_m']:g} 米，{reason}"
    )


def report_text(entry: Mapping[str, Any], lang: str) -> str:
    """One input-report entry as a sentence in ``lang`` (``zh`` or ``en``).

    The headline, the count and the detail: for example ``位于水域、已舍弃的网格单元：508``.
    An issue the catalogue lacks stays in English under ``zh``.
    """
    count = int(entry.get("count") or 0)
    issue = str(entry.get("issue") or "")
    detail = str(entry.get("detail") or "")
    if lang == "zh":
        issue = str(entry.get("issue_zh") or "") or translate(issue, "zh")
        merge = entry.get("merge")
        if isinstance(merge, Mapping):
            detail = _merge_zh(merge)
        else:
            detail = str(entry.get("detail_zh") or "") or translate(detail, "zh")
        return f"{issue}：{count:,}" + (f"（{detail}）" if detail else "")
    return f"{issue}: {count:,}" + (f" ({detail})" if detail else "")


def localised_report(report: list[Mapping[str, Any]], lang: str) -> list[dict[str, Any]]:
    """The entries for summary.json: as recorded, plus ``text`` in ``lang``."""
    return [
        {
            **{k: v for k, v in entry.items() if k not in _READY_MADE},
            "text": report_text(entry, lang),
        }
        for entry in report
    ]
