"""Readable column headers (zh/en) and the kind of value of every output column.

One table serves the Excel workbook (headers, number formats, rounding) and
the QGIS styles (field aliases), so a column reads the same in both.
Columns named after a profile category (``share_day_care``,
``min_kindergarten``...) take the category's name from the profile.
"""

from __future__ import annotations

from dataclasses import dataclass

from lifecircle.maps.labels import category_name, check_lang
from lifecircle.standards.profile import Profile

#: Kinds of value: how a workbook cell is rounded and formatted.
PEOPLE, SHARE, METRES, MINUTES, RATIO, DEGREES, AREA, COUNT, TEXT = (
    "people", "share", "metres", "minutes", "ratio", "degrees", "area", "count", "text"
)


@dataclass(frozen=True)
class Header:
    """A column's header in both languages and the kind of its values."""

    zh: str
    en: str
    kind: str = TEXT

    def text(self, lang: str) -> str:
        """The header in ``lang`` (zh or en)."""
        return self.zh if check_lang(lang) == "zh" else self.en


HEADERS: dict[str, Header] = {
    # identifiers and names
    "category": Header("类别代码", "Category id"),
    "name_zh": Header("类别（中文）", "Category (Chinese)"),
    "name_en": Header("名称（英文）", "Name (English)"),
    "name": Header("名称", "Name"),
    "unit_id": Header("居委编号", "Sub-unit id"),
    "unit_name": Header("居委", "Residents' committee"),
    "unit_name_en": Header("居委（英文）", "Residents' committee (English)"),
    "facility_id": Header("设施编号", "Facility id"),
    "demand_id": Header("居民点编号", "Demand point id"),
    "gap_id": Header("缺口编号", "Gap id"),
    "site_id": Header("选址编号", "Site id"),
    "kind": Header("类型", "Kind"),
    "kind_key": Header("类型代码", "Kind key"),
    "categories": Header("缺失类别", "Categories missing"),
    "source": Header("来源", "Source"),
    "status": Header("数据状态", "Data status"),
    "target": Header("服务对象", "Target group"),
    "planner_list_zh": Header("核对清单（中文）", "List to check (Chinese)"),
    "planner_list_en": Header("核对清单（英文）", "List to check (English)"),
    "category_zh": Header("类别名称（中文）", "Category name (Chinese)"),
    "category_en": Header("类别名称（英文）", "Category name (English)"),
    "nearest_facility_id": Header("最近设施编号", "Nearest facility id"),
    "capacity_unit": Header("规模单位", "Capacity unit"),
    "life_circle_missing": Header("缺失类别", "Categories missing"),
    # people
    "residents": Header("常住人口（人）", "Residents", PEOPLE),
    "elderly": Header("老年人口（人）", "Elderly", PEOPLE),
    "children": Header("儿童（人）", "Children", PEOPLE),
    "target_population": Header("服务对象人口（人）", "Target population", PEOPLE),
    "covered_population": Header("覆盖人口（人）", "People covered", PEOPLE),
    "people_affected": Header("受影响人口（人）", "People affected", PEOPLE),
    "elderly_in_catchment": Header("服务范围内老年人（人）", "Elderly in catchment", PEOPLE),
    "served_residents": Header("服务人口（人）", "Residents served", PEOPLE),
    "new_residents_covered": Header("新增覆盖居民（人）", "Residents newly covered", PEOPLE),
    "new_elderly_covered": Header("新增覆盖老年人（人）", "Elderly newly covered", PEOPLE),
    "new_target_covered": Header("新增覆盖服务对象（人）", "Target people newly covered", PEOPLE),
    "newly_covered": Header("新增覆盖服务对象（人）", "Target people newly covered", PEOPLE),
    "newly_covered_residents": Header("新增覆盖居民（人）", "Residents newly covered", PEOPLE),
    "capacity": Header("容量（人）", "Capacity (people)", PEOPLE),
    "capacity_used": Header("采用规模", "Capacity used", PEOPLE),
    # shares
    "population_share": Header("覆盖比例", "Share covered", SHARE),
    "complete_share": Header("生活圈完整比例", "Complete life circle", SHARE),
    "complete_share_strict": Header(
        "生活圈完整比例（严格）", "Complete life circle (strict)", SHARE
    ),
    "complete_share_with_data": Header(
        "生活圈完整比例（仅有数据类别）", "Complete life circle (categories with data)", SHARE
    ),
    "cumulative_share": Header("累计覆盖比例", "Cumulative share covered", SHARE),
    "share_before": Header("建设前覆盖比例", "Share covered before", SHARE),
    "share_after": Header("建设后覆盖比例", "Share covered after", SHARE),
    "life_circle_score": Header("生活圈完整度", "Life-circle completeness", SHARE),
    # distances, times, areas
    "minutes": Header("步行时间标准（分钟）", "Walk time standard (min)", MINUTES),
    "fitness_minutes": Header("最近健身设施（分钟）", "Nearest fitness facility (min)", MINUTES),
    "walk_m": Header("步行距离（米）", "Walk distance (m)", METRES),
    "nearest_walk_m": Header("最近设施步行距离（米）", "Walk to nearest facility (m)", METRES),
    "snap_m": Header("接入路网距离（米）", "Distance to the street network (m)", METRES),
    "floor_area_m2": Header("建筑面积（平方米）", "Floor area (m²)", AREA),
    "floor_area_used_m2": Header("采用建筑面积（平方米）", "Floor area used (m²)", AREA),
    "site_area_m2": Header("用地面积（平方米）", "Site area (m²)", AREA),
    "area_m2": Header("面积（平方米）", "Area (m²)", AREA),
    "care_floor_area_m2": Header("养老设施建筑面积（平方米）", "Care floor area (m²)", AREA),
    "sports_area_m2_per_person": Header(
        "人均体育用地（平方米）", "Sports area per person (m²)", RATIO
    ),
    "per_1000_m2": Header("每千老人建筑面积（平方米）", "Floor area per 1,000 elderly (m²)", RATIO),
    "load_ratio": Header("负荷比", "Load ratio", RATIO),
    "care_2sfca": Header("养老可达性指数（2SFCA）", "Care accessibility (2SFCA)", RATIO),
    # counts and flags
    "rank": Header("排序", "Rank", COUNT),
    "facilities": Header("设施数", "Facilities", COUNT),
    "facilities_inside": Header("区内设施数", "Facilities inside", COUNT),
    "demand_points": Header("居民点数", "Demand points", COUNT),
    "proposed_sites": Header("拟建设施数", "Proposed sites", COUNT),
    "sites_beyond_snap_limit": Header(
        "离路网过远的拟建设施数", "Sites too far from the street network", COUNT
    ),
    "capacity_assumed": Header("规模为假定值", "Capacity assumed"),
    "floor_area_assumed": Header("面积为假定值", "Floor area assumed"),
    "oversubscribed": Header("超负荷", "Oversubscribed"),
    "meets_40_m2": Header("达到每千老人40平方米", "Meets 40 m² per 1,000 elderly"),
    "meets_50_m2": Header("达到每千老人50平方米", "Meets 50 m² per 1,000 elderly"),
    "life_circle_complete": Header("生活圈完整", "Life circle complete"),
    "life_circle_complete_with_data": Header(
        "生活圈完整（仅有数据类别）", "Life circle complete (categories with data)"
    ),
    "fitness_ok": Header("健身圈达标", "Fitness circle met"),
    "snapped": Header("已接入路网", "Snapped to the network"),
    # coordinates
    "lon_wgs84": Header("经度（WGS84）", "Longitude (WGS84)", DEGREES),
    "lat_wgs84": Header("纬度（WGS84）", "Latitude (WGS84)", DEGREES),
    "lon_gcj02": Header("经度（GCJ-02，高德/腾讯）", "Longitude (GCJ-02, AMap/Tencent)", DEGREES),
    "lat_gcj02": Header("纬度（GCJ-02，高德/腾讯）", "Latitude (GCJ-02, AMap/Tencent)", DEGREES),
}

#: Columns named ``PREFIX<category id>``: header templates with ``{cat}``.
CATEGORY_HEADERS: dict[str, Header] = {
    "share_": Header("覆盖比例：{cat}", "Share covered: {cat}", SHARE),
    "min_": Header("步行时间：{cat}（分钟）", "Walk time: {cat} (min)", MINUTES),
    "nearest_": Header("最近设施：{cat}", "Nearest facility: {cat}"),
    "covered_": Header("已覆盖：{cat}", "Covered: {cat}"),
    "care_2sfca_": Header("可达性指数（2SFCA）：{cat}", "Accessibility (2SFCA): {cat}", RATIO),
}

#: Sheet titles of the workbook, per table (at most 31 characters, Excel's limit).
TABLE_TITLES: dict[str, Header] = {
    "life_circle_categories": Header("生活圈分类覆盖", "Life circle by category"),
    "fitness_circle_categories": Header("健身圈分类覆盖", "Fitness circle by category"),
    "care_coverage_categories": Header("养老服务圈分类覆盖", "Care by category"),
    "care_facilities": Header("养老设施负荷", "Care facilities"),
    "units_life_circle": Header("各居委生活圈", "Life circle by sub-unit"),
    "units_care": Header("各居委养老服务", "Care by sub-unit"),
    "gaps": Header("服务缺口", "Gap zones"),
    "sites": Header("新设施选址", "New sites"),
    "sites_evaluation": Header("拟建设施评估", "Proposed sites"),
    "sites_evaluation_units": Header("拟建设施评估（各居委）", "Proposed sites by sub-unit"),
}


def column_header(column: str, profile: Profile) -> Header | None:
    """The header of an output column, or None when the column has none.

    Parameters
    ----------
    column : str
        Column name as in the CSV tables and the GeoPackage layers.
    profile : Profile
        The run's standards profile, which names the categories.
    """
    if column in HEADERS:
        return HEADERS[column]
    for prefix, template in CATEGORY_HEADERS.items():
        category = column.removeprefix(prefix)
        if column.startswith(prefix) and category in profile.categories:
            return Header(
                template.zh.format(cat=category_name(profile, category, "zh")),
                template.en.format(cat=category_name(profile, category, "en")),
                template.kind,
            )
    return None


def header_text(column: str, profile: Profile, lang: str) -> str:
    """The column's header in ``lang``; the column name itself when it has none."""
    header = column_header(column, profile)
    return column if header is None else header.text(lang)


def table_title(table: str, lang: str) -> str:
    """The sheet title of a table in ``lang``; the table name when it has none."""
    title = TABLE_TITLES.get(table)
    return table[:31] if title is None else title.text(lang)[:31]
