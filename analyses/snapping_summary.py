"""What snapping did, for summary.json and the progress lines on stderr.

Every point that did not join the nearest road is counted: kept off a network
fragment, moved to its own side of a river or surface railway, or left unsnapped
(no main-network edge within the snap limit, or none reachable without crossing a
barrier). Residents are summed for demand points; facility ids are listed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lifecircle.analyses.access import Network
from lifecircle.layers.layerset import LayerSet
from lifecircle.spatial.snapping import Snapped

__all__ = ["network_figures", "snapping_lines", "snapping_summary"]

#: Facility ids listed per case in summary.json (the counts are always complete).
LISTED_IDS = 50


def _cases(snapped: Snapped) -> dict[str, np.ndarray]:
    """One bool mask per case; the unsnapped cases do not overlap."""
    return {
        "beyond_snap_limit": ~snapped.ok & ~snapped.avoided_barrier,
        "only_fragment_within_limit": ~snapped.ok & ~snapped.avoided_barrier
        & snapped.avoided_fragment,
        "no_clear_connector": ~snapped.ok & snapped.avoided_barrier,
        "kept_off_fragments": snapped.avoided_fragment,
        "moved_for_barrier": snapped.ok & snapped.avoided_barrier,
    }


def snapping_summary(network: Network, layerset: LayerSet) -> dict[str, Any]:
    """The ``snapping`` block of summary.json.

    Keys per case (``beyond_snap_limit``, ``only_fragment_within_limit``,
    ``no_clear_connector``, ``kept_off_fragments``, ``moved_for_barrier``):
    ``demand_<case>`` (points), ``residents_<case>``, ``facilities_<case>`` and
    ``facility_ids_<case>`` (the first :data:`LISTED_IDS`). Points beyond the
    limit and points with no clear connector are not routed; the points kept off
    fragments and moved for a barrier are routed from the edge they got.
    """
    residents = layerset.demand["residents"].to_numpy(dtype=float)
    facility_ids = layerset.facilities["facility_id"].astype(str).to_numpy()
    out: dict[str, Any] = {}
    demand_cases, facility_cases = _cases(network.demand), _cases(network.facilities)
    for case, mask in demand_cases.items():
        out[f"demand_{case}"] = int(mask.sum())
        out[f"residents_{case}"] = float(residents[mask].sum())
    for case, mask in facility_cases.items():
        out[f"facilities_{case}"] = int(mask.sum())
        out[f"facility_ids_{case}"] = facility_ids[mask][:LISTED_IDS].tolist()
    targets = network.targets
    out["barrier_features"] = 0 if targets is None or targets.barriers is None else len(
        targets.barriers)
    return out


def network_figures(network: Network) -> dict[str, Any]:
    """Main-network figures for the ``network`` block of summary.json (km of edges)."""
    graph = network.graph
    targets = network.targets
    total_km = float(graph.edge_length_m.sum() / 1000.0)
    main_km = total_km
    if targets is not None and targets.eligible is not None:
        main_km = float(graph.edge_length_m[targets.eligible].sum() / 1000.0)
    return {"main_network_km": main_km, "fragments_km": total_km - main_km}


_LINES = {
    "kept_off_fragments": {
        "en": "snapping: {d} demand points ({r:,.0f} residents) and {f} facilities were "
        "nearest to a network fragment and were snapped to the main walk network",
        "zh": "吸附：{d} 个需求点（{r:,.0f} 名居民）和 {f} 处设施最近的道路是孤立路网片段，"
        "已改为吸附到主步行网络",
    },
    "moved_for_barrier": {
        "en": "snapping: {d} demand points ({r:,.0f} residents) and {f} facilities were "
        "snapped to a road on their own side of water or a surface railway",
        "zh": "吸附：{d} 个需求点（{r:,.0f} 名居民）和 {f} 处设施最近的道路在河流或地面铁路对面，"
        "已改为吸附到本侧道路",
    },
    "no_clear_connector": {
        "en": "snapping: {d} demand points ({r:,.0f} residents) and {f} facilities have no "
        "road within the snap limit that is reachable without crossing water or a surface "
        "railway; they are not routed",
        "zh": "吸附：{d} 个需求点（{r:,.0f} 名居民）和 {f} 处设施在吸附距离内没有不跨越河流或"
        "地面铁路即可到达的道路，未参与计算",
    },
    "beyond_snap_limit": {
        "en": "snapping: {d} demand points ({r:,.0f} residents) and {f} facilities have no "
        "main-network road within the snap limit; they are not routed",
        "zh": "吸附：{d} 个需求点（{r:,.0f} 名居民）和 {f} 处设施在吸附距离内没有主步行网络道路，"
        "未参与计算",
    },
}


def snapping_lines(snapping: dict[str, Any], lang: str = "zh") -> list[str]:
    """One line per snapping case that happened, for stderr, in ``lang`` (zh/en)."""
    lang = "en" if lang == "en" else "zh"
    lines = []
    for case, text in _LINES.items():
        d, f = snapping.get(f"demand_{case}", 0), snapping.get(f"facilities_{case}", 0)
        if d or f:
            lines.append(text[lang].format(d=d, r=snapping.get(f"residents_{case}", 0.0), f=f))
    return lines
