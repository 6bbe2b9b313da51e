"""What the city map, the city report and the city tables show of a batch: :class:`CityView`.

The city outputs of ``lifecircle batch`` read one view: each unit's status and
link, and its 城市体检 indicators (:func:`lifecircle.analyses.city_indicators.unit_indicators`)
in one long frame. Here are the things they share: labels in both languages,
how a value is written, how it compares with its target (the map's colour
classes), the rank of each unit on each indicator, and the ranking table.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from lifecircle.analyses.city_indicators import NO_DATA, NO_PEOPLE, PARTIAL, SHARE_UNIT
from lifecircle.maps.labels import check_lang
from lifecircle.standards.profile import Profile

LABELS: dict[str, dict[str, str]] = {
    "map_title": {"zh": "城市体检总览图", "en": "City examination overview map"},
    "report_title": {"zh": "城市体检报告", "en": "City examination report"},
    "rank": {"zh": "排名", "en": "Rank"},
    "mean_rank": {"zh": "平均排名", "en": "Mean rank"},
    "unit": {"zh": "单元", "en": "Unit"},
    "unit_id": {"zh": "单元编号", "en": "Unit id"},
    "run_status": {"zh": "运行状态", "en": "Run status"},
    "indicator": {"zh": "指标", "en": "Indicator"},
    "method": {"zh": "计算方法", "en": "Method"},
    "value": {"zh": "数值", "en": "Value"},
    "value_unit": {"zh": "单位", "en": "Unit of value"},
    "target": {"zh": "目标", "en": "Target"},
    "data_status": {"zh": "数据状态", "en": "Data status"},
    "basis": {"zh": "计算依据", "en": "Basis"},
    "note": {"zh": "说明", "en": "Note"},
    "source": {"zh": "来源", "en": "Source"},
    "confidence": {"zh": "可信度", "en": "Confidence"},
    "error": {"zh": "错误", "en": "Error"},
    "seconds": {"zh": "用时（秒）", "en": "Time (s)"},
    "ranked_by": {"zh": "按指标排名", "en": "Ranked by indicator"},
    "open_unit_maps": {"zh": "打开本单元地图", "en": "Open this unit's maps"},
    "status_ok": {"zh": "完成", "en": "done"},
    "status_skipped": {"zh": "完成（沿用上次结果）", "en": "done (kept from an earlier run)"},
    "status_failed": {"zh": "失败", "en": "failed"},
    "no_data": {"zh": "无数据", "en": "no data"},
    "no_people": {"zh": "无居民", "en": "no residents"},
    "bound": {"zh": "（区间值，见说明）", "en": " (a bound, see note)"},
    "against_target": {"zh": "对照目标", "en": "Against the target"},
    "method_network": {"zh": "路网步行", "en": "network walk"},
    "method_straight_line": {"zh": "直线半径", "en": "straight-line radius"},
    "method_count": {"zh": "单元内设施", "en": "facilities in the unit"},
    "basis_residents": {"zh": "常住居民（人口加权）", "en": "residents (population-weighted)"},
    "basis_residential_buildings": {
        "zh": "居住用地：住宅建筑基底面积",
        "en": "residential land: housing footprints",
    },
    "basis_demand_cells": {
        "zh": "居住用地：居民点网格（等面积）",
        "en": "residential land: demand cells (equal area)",
    },
    "basis_facilities_inside": {
        "zh": "单元内设施（已填规模）",
        "en": "facilities in the unit (stated sizes)",
    },
    "unit_share": {"zh": "%", "en": "%"},
    "unit_m2_per_1000_residents": {"zh": "平方米/千人", "en": "m² per 1,000 residents"},
    "unit_m2_per_1000_elderly": {"zh": "平方米/千名老年人", "en": "m² per 1,000 older residents"},
    "unit_capacity_per_1000_residents": {
        "zh": "床（位）/千人",
        "en": "beds (places) per 1,000 residents",
    },
    "unit_capacity_per_1000_elderly": {
        "zh": "床（位）/千名老年人",
        "en": "beds (places) per 1,000 older residents",
    },
    "class_meets": {"zh": "达到目标", "en": "meets the target"},
    "class_near": {"zh": "目标的 90%–100%", "en": "90–100% of the target"},
    "class_below": {"zh": "目标的 75%–90%", "en": "75–90% of the target"},
    "class_far": {"zh": "低于目标的 75%", "en": "below 75% of the target"},
    "class_no_data": {"zh": "无数据", "en": "no data"},
    "class_failed": {"zh": "计算失败", "en": "run failed"},
    "class_q1": {"zh": "最高四分之一", "en": "top quarter"},
    "class_q2": {"zh": "第二个四分之一", "en": "second quarter"},
    "class_q3": {"zh": "第三个四分之一", "en": "third quarter"},
    "class_q4": {"zh": "最低四分之一", "en": "bottom quarter"},
    "choose_indicator": {"zh": "着色指标", "en": "Colour by"},
    "date": {"zh": "日期", "en": "Date"},
    "profile": {"zh": "标准", "en": "Standards"},
    # the city report
    "ranking": {"zh": "各单元排名", "en": "Units ranked"},
    "ranking_note": {
        "zh": "按各指标（路网步行与单元内设施）排名的平均值排序；1 为最好。"
        "直线半径的数值见“路网步行与直线半径对比”。",
        "en": "Ordered by the mean of the units' ranks on each indicator (network walks and "
        "facilities in the unit); 1 is best. Straight-line figures are compared below.",
    },
    "table": {"zh": "城市体检指标表", "en": "City examination indicators"},
    "table_note": {
        "zh": "各单元数值的最小值、中位数和最大值，以及达到目标的单元数。"
        "完整的逐单元表见 city_tables.xlsx。",
        "en": "Lowest, median and highest value over the units, and the units meeting the "
        "target. The full table per unit is in city_tables.xlsx.",
    },
    "lowest": {"zh": "最低", "en": "Lowest"},
    "median": {"zh": "中位数", "en": "Median"},
    "highest": {"zh": "最高", "en": "Highest"},
    "meeting": {"zh": "达标单元", "en": "Units meeting it"},
    "with_value": {"zh": "有数据单元", "en": "Units with data"},
    "gap_title": {
        "zh": "路网步行与直线半径对比",
        "en": "Network walk against straight-line radius",
    },
    "gap_note": {
        "zh": "官方定义按设施周边直线半径内的居住用地计算；"
        "本工具按居民沿步行路网实际走到最近设施计算。"
        "直线半径不计河流、铁路、围墙和缺少的通道，也不计街道的绕行，因此通常偏高；"
        "两者之差即步行绕行造成的覆盖缺口，是规划需要关注的问题。",
        "en": "The official definitions count residential land within a straight-line radius of "
        "a facility; lifecircle follows residents' walks on the network to the nearest one. A "
        "radius ignores rivers, railways, walls, missing paths and the detours of real streets, "
        "so it usually reads higher: the gap is the coverage lost to detours, a finding in "
        "itself.",
    },
    "network_median": {"zh": "路网步行（中位数）", "en": "Network walk (median)"},
    "straight_median": {"zh": "直线半径（中位数）", "en": "Straight-line radius (median)"},
    "gap_median": {"zh": "差值中位数（百分点）", "en": "Median gap (points)"},
    "largest_gap": {"zh": "差值最大的单元", "en": "Largest gap"},
    "failures": {"zh": "计算失败的单元", "en": "Units that failed"},
    "no_failures": {"zh": "所有单元均已完成。", "en": "Every unit finished."},
    "links": {"zh": "地图", "en": "Maps"},
    "overview_map": {"zh": "城市体检总览图", "en": "Overview map"},

    "units_count": {
        "zh": "共 {n} 个单元：{ok} 个完成，{failed} 个失败",
        "en": "{n} units: {ok} done, {failed} failed",
    },
}

#: Fill colour per class (failed units are drawn dark grey and hatched by their border).
CLASS_COLOURS = {
    "meets": "#1a9850",
    "near": "#a6d96a",
    "below": "#fdae61",
    "far": "#d73027",
    "q1": "#1a9850",
    "q2": "#a6d96a",
    "q3": "#fdae61",
    "q4": "#d73027",
    "no_data": "#d9d9d9",
    "failed": "#525252",
}
TARGET_CLASSES = ("meets", "near", "below", "far")
QUARTILE_CLASSES = ("q1", "q2", "q3", "q4")
#: Units whose run produced indicators.
DONE = ("ok", "skipped")
METHOD_ORDER = ("network", "straight_line", "count")


def ct(key: str, lang: str, **values: object) -> str:
    """The city label ``key`` in ``lang``."""
    text = LABELS[key][check_lang(lang)]
    return text.format(**values) if values else text


@dataclass(frozen=True)
class IndicatorKey:
    """One column of the city: an indicator computed one way."""

    indicator_id: str
    method: str

    @property
    def key(self) -> str:
        """``indicator_id:method``."""
        return f"{self.indicator_id}:{self.method}"


@dataclass(frozen=True)
class CityView:
    """The units of a batch and their indicators, for the city outputs.

    Attributes
    ----------
    units : DataFrame
        One row per unit, in the boundary's order: ``unit_id``, ``name``,
        ``status`` (``ok``, ``skipped``, ``failed``), ``href`` (the unit's
        ``maps/index.html`` relative to the city folder; None when failed),
        ``error`` (None unless failed), ``seconds``.
    indicators : DataFrame
        ``unit_id`` and the columns of
        :func:`~lifecircle.analyses.city_indicators.unit_indicators`, for the
        units that finished.
    boundary : GeoDataFrame
        ``unit_id`` and the unit polygons (any CRS).
    profile : Profile
    lang : str
    """

    units: pd.DataFrame
    indicators: pd.DataFrame
    boundary: gpd.GeoDataFrame
    profile: Profile
    lang: str

    def indicator_keys(self) -> list[IndicatorKey]:
        """The indicator columns present, in profile order, network first."""
        present = set(zip(self.indicators["indicator_id"], self.indicators["method"], strict=True))
        order = list(self.profile.city_indicators)
        extra = sorted({i for i, _ in present} - set(order))
        return [
            IndicatorKey(ind, method)
            for ind in order + extra
            for method in METHOD_ORDER
            if (ind, method) in present
        ]

    @cached_property
    def _rows_by_key(self) -> dict[tuple[str, str], pd.DataFrame]:
        return {
            (str(ind), str(method)): rows.drop_duplicates("unit_id").set_index("unit_id")
            for (ind, method), rows in self.indicators.groupby(
                ["indicator_id", "method"], sort=False
            )
        }

    def rows(self, key: IndicatorKey) -> pd.DataFrame:
        """The indicator rows of ``key``, indexed by ``unit_id``."""
        return self._rows_by_key[(key.indicator_id, key.method)]

    def info(self, key: IndicatorKey) -> dict[str, Any]:
        """Name, unit and target of ``key`` (from its first row)."""
        first = self.rows(key).iloc[0]
        return {
            "name": first["name_en"] if self.lang == "en" else first["name_zh"],
            "unit": first["unit"],
            "target": first["target"],
            "source": first["source"],
            "confidence": first["confidence"],
        }

    def label(self, key: IndicatorKey, with_unit: bool = True) -> str:
        """``name（method，unit）`` in the view's language."""
        info = self.info(key)
        parts = [ct(f"method_{key.method}", self.lang)]
        if with_unit:
            parts.append(unit_text(str(info["unit"]), self.lang))
        if self.lang == "en":
            return f"{info['name']} ({', '.join(parts)})"
        return f"{info['name']}（{'，'.join(parts)}）"

    def counts(self) -> dict[str, int]:
        """Units in all, done and failed."""
        status = self.units["status"]
        return {
            "n": len(status),
            "ok": int(status.isin(DONE).sum()),
            "failed": int((status == "failed").sum()),
        }


def unit_text(unit: str, lang: str) -> str:
    """Display text of a value unit (``share`` is %)."""
    key = f"unit_{unit}"
    return ct(key, lang) if key in LABELS else unit


def display_number(value: Any, unit: str) -> float | None:
    """The number shown for a value: a share as percent (1 decimal), else 1 decimal."""
    if value is None or not np.isfinite(float(value)):
        return None
    return round(float(value) * 100.0, 1) if unit == SHARE_UNIT else round(float(value), 1)


def value_text(value: Any, unit: str, status: str, lang: str) -> str:
    """A value as written in the map and the report (``81.8%``, ``无数据``, ``103.5 m²…``)."""
    if status == NO_DATA:
        return ct("no_data", lang)
    if status == NO_PEOPLE:
        return ct("no_people", lang)
    number = display_number(value, unit)
    if number is None:
        return ct("no_data", lang)
    text = f"{number:.1f}%" if unit == SHARE_UNIT else f"{number:,.1f} {unit_text(unit, lang)}"
    return text + (ct("bound", lang) if status == PARTIAL else "")


def target_class(value: float, target: float) -> str:
    """A value against its target: meets, near (≥90 %), below (≥75 %) or far."""
    ratio = value / target if target > 0 else np.inf
    if ratio >= 1.0 - 1e-9:
        return "meets"
    if ratio >= 0.9:
        return "near"
    if ratio >= 0.75:
        return "below"
    return "far"


def value_classes(view: CityView, key: IndicatorKey) -> pd.Series:
    """Class per unit (index ``unit_id``) for the map's colours.

    Against the target when the indicator has one, else by quarter of the
    units' values; ``no_data`` for no value, ``failed`` for a failed unit.
    """
    rows = view.rows(key)
    target = float(view.info(key)["target"])
    values = rows["value"].astype(float)
    finite = values[np.isfinite(values.to_numpy())]
    out = {}
    for unit_id, status in zip(view.units["unit_id"], view.units["status"], strict=True):
        value = values.get(unit_id, np.nan)
        if status == "failed":
            out[unit_id] = "failed"
        elif not np.isfinite(value):
            out[unit_id] = "no_data"
        elif np.isfinite(target):
            out[unit_id] = target_class(float(value), target)
        else:
            better = float((finite > value).sum()) / max(len(finite), 1)
            out[unit_id] = QUARTILE_CLASSES[min(int(better * 4), 3)]
    return pd.Series(out, dtype=object)


def ranks(view: CityView, key: IndicatorKey) -> pd.Series:
    """Rank per unit on ``key`` (1 = highest value; ties share the best rank; NaN: no value)."""
    values = view.rows(key)["value"].astype(float).reindex(view.units["unit_id"])
    return values.rank(ascending=False, method="min")


def ranking_frame(view: CityView) -> pd.DataFrame:
    """The ranking table: one row per unit, a value and a rank column per indicator.

    Headers are in the view's language. Shares are percent. A unit without a
    value says "no data" in its value cell; failed units come last, with their
    status and no values. Units are ordered by their mean rank over the
    indicators' own (network and in-unit) figures.
    """
    lang = view.lang
    units = view.units.set_index("unit_id")
    frame = pd.DataFrame(index=units.index)
    frame[ct("unit", lang)] = units["name"]
    frame[ct("unit_id", lang)] = units.index
    frame[ct("run_status", lang)] = [ct(f"status_{s}", lang) for s in units["status"]]
    own_ranks = []
    for key in view.indicator_keys():
        rows = view.rows(key).reindex(units.index)
        unit = str(view.info(key)["unit"])
        cells: list[Any] = []
        for uid, row in rows.iterrows():
            if units.loc[uid, "status"] == "failed":
                cells.append(None)
            else:
                number = display_number(row["value"], unit)
                cells.append(number if number is not None else value_text(
                    row["value"], unit, str(row["status"]), lang))
        frame[view.label(key)] = cells
        rank = ranks(view, key)
        frame[f"{view.label(key, with_unit=False)} {ct('rank', lang)}"] = rank.to_numpy()
        if key.method != "straight_line":
            own_ranks.append(rank.to_numpy())
    stack = np.column_stack(own_ranks) if own_ranks else np.full((len(units), 1), np.nan)
    mean_rank = np.array([np.nanmean(r) if np.isfinite(r).any() else np.nan for r in stack])
    frame[ct("mean_rank", lang)] = np.round(mean_rank, 2)
    frame["_failed"] = (units["status"] == "failed").to_numpy()
    frame["_order"] = mean_rank
    frame = frame.sort_values(["_failed", "_order"], na_position="last", kind="stable")
    frame.insert(0, ct("rank", lang), _overall_rank(frame["_order"].to_numpy()))
    return frame.drop(columns=["_failed", "_order"]).reset_index(drop=True)


def _overall_rank(mean_rank: np.ndarray) -> list[float | None]:
    """1, 2, 3... in the sorted order; ties of mean rank share a rank; none without one."""
    ranked = pd.Series(mean_rank).rank(method="min")
    return [None if not np.isfinite(r) else float(r) for r in ranked.to_numpy()]


def indicator_frame(view: CityView) -> pd.DataFrame:
    """The 城市体检 table: every unit × indicator × method, headers in the view's language."""
    lang = view.lang
    names = view.units.set_index("unit_id")["name"]
    table = view.indicators
    name_column = "name_en" if lang == "en" else "name_zh"
    return pd.DataFrame(
        {
            ct("unit", lang): table["unit_id"].map(names).to_numpy(),
            ct("indicator", lang): table[name_column].to_numpy(),
            ct("method", lang): [ct(f"method_{m}", lang) for m in table["method"]],
            ct("value", lang): _numbers(table["value"], table["unit"]),
            ct("value_unit", lang): [unit_text(str(u), lang) for u in table["unit"]],
            ct("target", lang): _numbers(table["target"], table["unit"]),
            ct("data_status", lang): [
                value_text(v, str(u), str(s), lang) if s != "ok" else ""
                for v, u, s in zip(table["value"], table["unit"], table["status"], strict=True)
            ],
            ct("basis", lang): [
                ct(f"basis_{b}", lang) if f"basis_{b}" in LABELS else str(b)
                for b in table["basis"]
            ],
            ct("note", lang): table["note"].fillna("").to_numpy(),
            ct("source", lang): table["source"].to_numpy(),
            ct("confidence", lang): table["confidence"].to_numpy(),
        }
    )


def _numbers(values: pd.Series, units: pd.Series) -> list[float | None]:
    return [display_number(v, str(u)) for v, u in zip(values, units, strict=True)]


def failures_frame(view: CityView) -> pd.DataFrame:
    """The failed units and their errors, headers in the view's language."""
    lang = view.lang
    failed = view.units[view.units["status"] == "failed"]
    return pd.DataFrame(
        {
            ct("unit", lang): failed["name"].to_numpy(),
            ct("unit_id", lang): failed["unit_id"].to_numpy(),
            ct("error", lang): failed["error"].fillna("").to_numpy(),
        }
    )
