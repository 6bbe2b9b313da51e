"""Every word a map or the report shows, in Chinese and English.

Labels are looked up by key with :func:`t`; category names come from the
standards profile (:func:`category_name`), never from this table. Chinese is
the default language because the readers are Shanghai planners.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lifecircle.spatial.errors import LifecircleError
from lifecircle.standards.profile import Profile

LANGS: tuple[str, ...] = ("zh", "en")

LABELS: dict[str, dict[str, str]] = {
    # map titles
    "life_circle": {"zh": "15分钟社区生活圈", "en": "15-minute community life circle"},
    "fitness_circle": {"zh": "10分钟健身圈", "en": "10-minute fitness circle"},
    "care_coverage": {"zh": "15分钟养老服务圈", "en": "15-minute elderly-service circle"},
    "sites": {"zh": "新设施选址", "en": "New facility sites"},
    "index_title": {"zh": "地图目录", "en": "Maps"},
    "report_title": {"zh": "社区生活圈评估报告", "en": "Life-circle assessment report"},
    "synthetic": {"zh": "合成示范数据", "en": "synthetic demo data"},
    "synthetic_banner": {
        "zh": "合成示范数据 — 非真实地点",
        "en": "synthetic demo data — not a real place",
    },
    "date": {"zh": "制图日期", "en": "Date"},
    "profile": {"zh": "标准", "en": "Standard"},
    "attribution": {"zh": "数据来源", "en": "Data"},
    "offline_basemap": {
        "zh": "离线模式：底图由道路、水系和建筑矢量绘制",
        "en": "Offline: basemap drawn from the road, water and building layers",
    },
    "tiles_failed": {
        "zh": "底图瓦片无法加载（网络受限或离线）。可改用矢量底图：--basemap none",
        "en": "Basemap tiles could not be loaded (network blocked or offline). "
        "Use the vector basemap instead: --basemap none",
    },
    "aggregated": {
        "zh": "居民点超过 {limit} 个，按 {size} 米六边形汇总显示；各居委详图见下",
        "en": "More than {limit} demand points: shown as {size} m hexagons; "
        "detailed maps per sub-unit below",
    },
    "detail_pages": {"zh": "分区详图", "en": "Detailed maps"},
    "overview": {"zh": "总图", "en": "Overview"},
    # layer names
    "layer_score": {"zh": "生活圈完整度", "en": "Life-circle completeness"},
    "layer_minutes": {"zh": "步行时间：{cat}", "en": "Walk time: {cat}"},
    "layer_fitness": {"zh": "健身圈覆盖", "en": "Fitness-circle coverage"},
    "layer_2sfca": {"zh": "养老设施可达性指数（2SFCA）", "en": "Care accessibility index (2SFCA)"},
    "layer_facilities": {"zh": "设施：{cat}", "en": "Facilities: {cat}"},
    "layer_area": {"zh": "步行网络服务范围：{cat}", "en": "Network service area: {cat}"},
    "layer_radius": {"zh": "服务半径（直线）：{cat}", "en": "Straight-line radius: {cat}"},
    "layer_facility_areas": {
        "zh": "单个设施服务范围",
        "en": "Service area of each facility",
    },
    # service-area and gap-zone layers of results.gpkg (issue 14, analysis side): for the
    # report's data section; {n} facilities, {limit} the auto limit
    "data_service_areas_layer": {
        "zh": "service_areas 图层：每类设施一个步行网络服务范围（kind=category），"
        "每个设施一个直线服务半径圆（kind=radius）",
        "en": "service_areas layer: one network service area per category "
        "(kind=category) and one straight-line radius circle per facility (kind=radius)",
    },
    "data_facility_areas_on": {
        "zh": "含每个设施各自的步行网络服务范围（kind=facility，{n} 个设施）",
        "en": "with each facility's own network service area (kind=facility, {n} facilities)",
    },
    "data_facility_areas_off": {
        "zh": "未绘制单个设施的服务范围（设施超过 {limit} 个；"
        "运行配置 maps: {{facility_areas: all}} 可绘制全部）",
        "en": "per-facility service areas not drawn (more than {limit} facilities; "
        "run config maps: {{facility_areas: all}} draws them all)",
    },
    "data_gap_zone_shapes": {
        "zh": "缺口范围为缺口居民点周围圆盘的并集，止于离已覆盖居民点更近之处"
        "（描绘误差小于面积的 2%）",
        "en": "gap zones are the union of discs around their demand points, stopping "
        "where a served resident is nearer (drawn within 2% of the exact area)",
    },
    "layer_gaps": {"zh": "服务缺口：各类设施", "en": "Gap zones per category"},
    "layer_gaps_life": {
        "zh": "服务缺口：生活圈不完整",
        "en": "Gap zones: incomplete life circle",
    },
    "layer_water": {"zh": "水系", "en": "Water"},
    "layer_railways": {"zh": "铁路", "en": "Railways"},
    "layer_boundary": {"zh": "研究范围与居委", "en": "Study area and sub-units"},
    "layer_vector_basemap": {
        "zh": "矢量底图（道路、建筑、路名、地名）",
        "en": "Vector basemap (roads, buildings, road and place names)",
    },
    "layer_sites": {"zh": "建议新设施点", "en": "Proposed sites"},
    "layer_site_areas": {"zh": "新设施步行服务范围", "en": "Service areas of the new sites"},
    "layer_newly_covered": {"zh": "新增覆盖的居民点", "en": "Residents newly covered"},
    "site_id": {"zh": "选址编号", "en": "Site id"},
    "site_rank": {"zh": "优先序", "en": "Rank"},
    "new_residents": {"zh": "新增覆盖居民", "en": "Residents newly covered"},
    "new_elderly": {"zh": "新增覆盖老人", "en": "Older people newly covered"},
    "cumulative_share": {"zh": "累计覆盖率", "en": "Cumulative coverage"},
    "basemap_osm": {"zh": "OpenStreetMap 底图", "en": "OpenStreetMap"},
    "basemap_tianditu": {"zh": "天地图", "en": "Tianditu"},
    "basemap_amap": {"zh": "高德地图（GCJ-02）", "en": "AMap (GCJ-02)"},
    "basemap_none": {"zh": "无底图", "en": "No basemap"},
    # legend
    "legend": {"zh": "图例", "en": "Legend"},
    "minutes_unit": {"zh": "步行分钟", "en": "walking minutes"},
    "le_threshold": {"zh": "≤ {a} 分钟（达标）", "en": "≤ {a} min (meets standard)"},
    "between": {"zh": "{a}–{b} 分钟", "en": "{a}–{b} min"},
    "none_within": {"zh": "{m} 分钟内无设施", "en": "none within {m} min"},
    "score_complete": {"zh": "完整（{n}/{n} 类）", "en": "complete ({n}/{n} categories)"},
    "score_missing": {"zh": "缺 {k} 类", "en": "{k} missing"},
    "score_missing_more": {"zh": "缺 {k} 类及以上", "en": "{k} or more missing"},
    "sfca_unit": {
        "zh": "每位老人可及的养老设施建筑面积（m²）",
        "en": "care floor area within reach per older person (m²)",
    },
    "sfca_zero": {"zh": "0（步行范围内无设施）", "en": "0 (no facility within reach)"},
    "facility_symbols": {"zh": "设施", "en": "Facilities"},
    "area_network": {"zh": "步行网络服务范围", "en": "network service area"},
    "area_radius": {"zh": "服务半径（直线，虚线）", "en": "straight-line radius (dashed)"},
    "gap_zone": {"zh": "服务缺口", "en": "gap zone"},
    "hexagon": {"zh": "六边形汇总", "en": "hexagon summary"},
    # popups
    "name": {"zh": "名称", "en": "Name"},
    "category": {"zh": "类别", "en": "Category"},
    "capacity": {"zh": "规模", "en": "Capacity"},
    "served_residents": {"zh": "服务居民（人）", "en": "Residents served"},
    "load_ratio": {"zh": "负荷比（老人/容量）", "en": "Load (older people / capacity)"},
    "facility_id": {"zh": "设施编号", "en": "Facility id"},
    "demand_id": {"zh": "居民点", "en": "Demand point"},
    "residents": {"zh": "居民（人）", "en": "Residents"},
    "elderly": {"zh": "老年人（人）", "en": "Older residents"},
    "minutes": {"zh": "步行分钟", "en": "Walk (min)"},
    "score": {"zh": "完整度", "en": "Completeness"},
    "missing": {"zh": "缺少类别", "en": "Missing categories"},
    "gap": {"zh": "缺口", "en": "Gap"},
    "gap_kind_category": {"zh": "单类缺口", "en": "category gap"},
    "gap_kind_life_circle": {"zh": "生活圈不完整", "en": "incomplete life circle"},
    "people_affected": {"zh": "受影响人数", "en": "People affected"},
    "nearest_walk": {"zh": "最近设施步行距离", "en": "Walk to nearest facility"},
    "walk_m": {"zh": "{m} 米", "en": "{m} m"},
    "unit": {"zh": "居委", "en": "Sub-unit"},
    "points": {"zh": "居民点数", "en": "Demand points"},
    "index_2sfca": {"zh": "2SFCA 指数", "en": "2SFCA index"},
    "threshold": {"zh": "标准", "en": "Standard"},
    # capacity units
    "cap_places": {"zh": "个托位/床位", "en": "places"},
    "cap_beds": {"zh": "张床位", "en": "beds"},
    "cap_meals_per_day": {"zh": "餐/日", "en": "meals a day"},
    "cap_floor_area_m2": {"zh": "m²", "en": "m²"},
    # report
    "summary": {"zh": "主要指标", "en": "Key figures"},
    # report: data and method (数据说明)
    "data_section": {"zh": "数据说明", "en": "Data and method"},
    "data_sources": {"zh": "输入数据", "en": "Input data"},
    "data_profile_copy": {
        "zh": "所用标准的完整副本：本文件夹中的 profile.yml",
        "en": "the exact profile used is kept as profile.yml in this folder",
    },
    "data_crs": {"zh": "坐标系", "en": "Coordinate system"},
    "data_crs_value": {
        "zh": "计算：{crs}（米制）；地图：WGS84（高德底图时为 GCJ-02）",
        "en": "analysis: {crs} (metres); maps: WGS84 (GCJ-02 with AMap tiles)",
    },
    "data_assumptions": {
        "zh": "假定与处理记录",
        "en": "Assumptions, and what was dropped, moved or merged",
    },
    "data_thresholds": {"zh": "步行阈值及其依据", "en": "Walking thresholds and their sources"},
    "data_category": {"zh": "设施类别", "en": "Category"},
    "data_circle": {"zh": "所属圈层", "en": "Circle"},
    "data_minutes": {"zh": "分钟", "en": "Minutes"},
    "data_speed": {"zh": "步速（米/秒）", "en": "Speed (m/s)"},
    "data_metres": {"zh": "步行距离（米）", "en": "Walk (m)"},
    "data_source": {"zh": "依据", "en": "Source"},
    "data_confidence": {"zh": "可信度", "en": "Confidence"},
    "data_assumed_source": {
        "zh": "lifecircle 假定值，非任何标准规定",
        "en": "lifecircle default: an assumption, not taken from any standard",
    },
    "confidence_S": {"zh": "S 见于原文", "en": "S seen in the source"},
    "confidence_M": {"zh": "M 据记忆，未核对原文", "en": "M recalled, not checked"},
    "confidence_I": {"zh": "I 假定值", "en": "I assumption"},
    "data_confidence_note": {
        "zh": "标为 M 或 I 的数值尚未与标准原文核对，规划引用前请核实；"
        "完整的处理记录见 summary.json 的 input_report。",
        "en": "Figures marked M or I have not been checked against the standard's text: "
        "verify them before a plan relies on them. The full processing log is "
        "summary.json's input_report.",
    },
    "data_merged": {
        "zh": "合并重复设施 {n} 处（同一设施的点与面，或不同来源的同一地点）",
        "en": "{n} duplicate facilities merged (node and area, or one place in two sources)",
    },
    "data_cut_ways": {
        "zh": "{n} 条道路在数据范围边缘被截断",
        "en": "{n} ways cut at the extract edge",
    },
    "data_unclassified": {
        "zh": "{n} 个兴趣点不属于标准中的任何设施类别，未使用",
        "en": "{n} points of interest outside every profile category (not used)",
    },
    "population": {"zh": "常住人口", "en": "Residents"},
    "elderly_population": {"zh": "老年人口", "en": "Older residents"},
    "complete_share": {"zh": "生活圈完整的居民比例", "en": "Residents with a complete circle"},
    "fitness_share": {"zh": "10分钟健身圈覆盖率", "en": "Fitness-circle coverage"},
    "care_any_share": {
        "zh": "可达至少一类养老设施的老人比例",
        "en": "Older residents reaching at least one care type",
    },
    "per_1000": {"zh": "每千人养老设施建筑面积", "en": "Care floor area per 1,000 residents"},
    "target": {"zh": "目标", "en": "target"},
    "coverage_chart": {"zh": "各类设施人口覆盖率", "en": "Population coverage per category"},
    "coverage_axis": {"zh": "覆盖率（%）", "en": "Coverage (%)"},
    "target_line": {"zh": "目标 {p}%", "en": "target {p}%"},
    "tables": {"zh": "分类覆盖表", "en": "Coverage per category"},
    "units_tables": {"zh": "各居委指标", "en": "Figures per sub-unit"},
    "top_gaps": {"zh": "主要服务缺口", "en": "Largest gap zones"},
    "static_maps": {"zh": "专题图", "en": "Thematic maps"},
    "interactive_maps": {"zh": "交互地图", "en": "Interactive maps"},
    "covered_population": {"zh": "覆盖人口", "en": "Covered"},
    "target_population": {"zh": "目标人群", "en": "Target group"},
    "population_share": {"zh": "覆盖率", "en": "Share"},
    "facilities": {"zh": "设施数", "en": "Facilities"},
    "walk_distance": {"zh": "步行距离（米）", "en": "Walk (m)"},
    "target_group": {"zh": "服务对象", "en": "For"},
    "everyone": {"zh": "全体居民", "en": "everyone"},
    "children": {"zh": "儿童", "en": "children"},
    "elderly_group": {"zh": "老年人", "en": "older residents"},
    "no_cjk_font": {
        "zh": "未找到中文字体，静态图改用英文标注（安装 fonts-noto-cjk 可显示中文）。",
        "en": "No CJK font found: static maps use English labels (install fonts-noto-cjk).",
    },
    "not_applicable": {"zh": "—", "en": "—"},
    "yes": {"zh": "是", "en": "yes"},
    "no": {"zh": "否", "en": "no"},
    "meets": {"zh": "达到 {v} m²", "en": "meets {v} m²"},
    "rank": {"zh": "排名", "en": "Rank"},
    # no data (a data gap, not a service gap)
    "no_data": {"zh": "无数据", "en": "no data"},
    "no_data_fill": {"zh": "无数据（可由{list}补充）", "en": "no data (fill from the {list})"},
    "no_data_title": {"zh": "无数据的类别", "en": "Categories with no data"},
    "no_data_note": {
        "zh": "输入数据中这些类别没有（或明显过少）设施：这是数据缺口，不是服务缺口，"
        "不计覆盖率、不划服务缺口。",
        "en": "The input has no (or implausibly few) facilities of these categories: "
        "a data gap, not a service gap. No coverage is computed and no gap zones are drawn.",
    },
    "no_data_reason_no_facilities": {"zh": "输入中无设施", "en": "no facility in the input"},
    "no_data_reason_implausibly_few": {
        "zh": "设施数明显过少（{v} 个/万人）",
        "en": "implausibly few facilities ({v} per 10,000 residents)",
    },
    "planner_list": {"zh": "可补充的清单", "en": "List that would fill it"},
    "reason": {"zh": "原因", "en": "Reason"},
    "lower_bound": {
        "zh": "下限：{cats} 无数据",
        "en": "lower bound: no data for {cats}",
    },
    "censored_note": {
        "zh": "步行分钟只计算到输入裁剪范围可靠的上限：超过的记为“{m} 分钟内无设施”，不给出数值。",
        "en": "Walking minutes are computed only as far as the clipped inputs answer "
        'correctly; beyond that they read "none within {m} min", never a number.',
    },
    # maps that read at a glance (issue 13 §3): grouped layer control, gap counts,
    # care types reached, 居委 labels, the sites map
    "grp_base": {"zh": "基础", "en": "Base"},
    "grp_residents": {"zh": "居民点", "en": "Residents"},
    "grp_areas": {"zh": "服务范围", "en": "Service areas"},
    "grp_facilities": {"zh": "设施", "en": "Facilities"},
    "grp_gaps": {"zh": "缺口（选一项）", "en": "Gap zones (pick one)"},
    "grp_sites": {"zh": "选址", "en": "Sites"},
    "grp_basemap": {"zh": "底图", "en": "Basemap"},
    "layer_control": {"zh": "图层", "en": "Layers"},
    "gaps_off": {"zh": "不显示", "en": "None"},
    "layer_gap_count": {"zh": "服务缺口：缺少设施类别数", "en": "Gap zones: categories missing"},
    "layer_gap_circle": {
        "zh": "健身圈缺口（{m} 分钟内无任何健身设施）",
        "en": "Fitness-circle gaps (no fitness facility within {m} min)",
    },
    "layer_gap_cat": {"zh": "缺口：{cat}", "en": "Gaps: {cat}"},
    "gap_missing_k": {"zh": "缺少 {k} 类设施", "en": "categories missing: {k}"},
    "gap_name": {"zh": "{cat}缺口 第{n}处", "en": "{cat} gap no. {n}"},
    "nearest_facility": {"zh": "最近设施", "en": "Nearest facility"},
    "unnamed": {"zh": "（未命名）", "en": "(unnamed)"},
    "layer_reached": {
        "zh": "老年人可达养老服务类型数（共 {n} 类）",
        "en": "Care types an older resident reaches (of {n})",
    },
    "layer_reached_nodata": {
        "zh": "老年人可达养老服务类型数（输入无养老设施数据）",
        "en": "Care types an older resident reaches (no care facility in the input)",
    },
    "reached_k": {"zh": "{k} 类", "en": "{k} of {n}"},
    "reached_popup": {"zh": "可达养老服务类型", "en": "Care types reached"},
    "layer_unit_per_1000": {
        "zh": "居委养老设施建筑面积（m²/千人）",
        "en": "Care floor area per 1,000 residents by sub-unit (m²)",
    },
    "per_1000_popup": {"zh": "养老设施建筑面积（m²/千人）", "en": "Care floor area per 1,000 (m²)"},
    "target_below": {"zh": "< {a}（低于目标）", "en": "< {a} (below target)"},
    "target_between": {"zh": "{a}–{b}", "en": "{a}–{b}"},
    "target_at_least": {"zh": "≥ {a}（达到目标）", "en": "≥ {a} (meets target)"},
    "no_data_short": {"zh": "无数据", "en": "no data"},
    "layer_study_area": {"zh": "研究范围", "en": "Study area"},
    "layer_units": {"zh": "居委边界与名称", "en": "Neighbourhood committee boundaries and names"},
    "unit_boundary": {"zh": "居委边界", "en": "Neighbourhood committee boundary"},
    "sites_title": {
        "zh": "{cat}新设施选址：{k} 处，新增覆盖居民 {gain} 人、老年人 {old} 人",
        "en": "New {cat} sites: {k}, newly covering {gain} residents and {old} older people",
    },
    # report and static maps for print (issue 13 §2): one block, keys prefixed rp_
    "rp_contents": {"zh": "目录", "en": "Contents"},
    "rp_page": {"zh": "第 {p} 页", "en": "page {p}"},
    "rp_study_area": {"zh": "研究范围", "en": "Study area"},
    "rp_complete_vs": {"zh": "生活圈完整的居民比例", "en": "Residents with a complete life circle"},
    "rp_sports_area": {
        "zh": "人均体育场地面积（步行可达范围内）",
        "en": "Sports area per resident (within walking reach)",
    },
    "rp_care_all_share": {
        "zh": "可达全部 {n} 类养老设施的老人比例",
        "en": "Older residents reaching all {n} care types",
    },
    "rp_target_source": {
        "zh": "目标 {v}（依据：{src}，{conf}）",
        "en": "target {v} ({src}, {conf})",
    },
    "rp_met": {"zh": "达标", "en": "met"},
    "rp_not_met": {"zh": "未达标", "en": "not met"},
    "rp_cat_minutes": {"zh": "{name}（{m}分钟）", "en": "{name} ({m} min)"},
    "rp_total_life": {"zh": "合计：生活圈完整", "en": "Total: complete circle"},
    "rp_total_any": {"zh": "合计：任一类可达", "en": "Total: any category"},
    "rp_total_all": {"zh": "合计：全部类别可达", "en": "Total: all categories"},
    "rp_no_share_target": {"zh": "标准未设覆盖率目标", "en": "no share target in the profile"},
    "rp_units_map": {"zh": "各居委对照目标", "en": "Sub-units against the targets"},
    "rp_units_share_title": {"zh": "{circle}覆盖率", "en": "{circle}: share"},
    "rp_units_per_1000_title": {
        "zh": "每千人居家养老设施建筑面积（m²）",
        "en": "Home-care floor area per 1,000 residents (m²)",
    },
    "rp_class_meets": {"zh": "≥ {v}（达标）", "en": "≥ {v} (meets target)"},
    "rp_class_range": {"zh": "{a} – {b}", "en": "{a} – {b}"},
    "rp_class_below": {"zh": "< {v}", "en": "< {v}"},
    "rp_projects": {
        "zh": "补缺项目清单（建议优先序）",
        "en": "Gap-filling projects (suggested order)",
    },
    "rp_project_id": {"zh": "缺口-{n:02d}", "en": "Gap-{n:02d}"},
    "rp_project": {"zh": "编号", "en": "Id"},
    "rp_road": {"zh": "最近道路", "en": "Nearest road"},
    "rp_coords_wgs84": {"zh": "坐标 WGS84（经度, 纬度）", "en": "WGS84 (lon, lat)"},
    "rp_coords_gcj02": {"zh": "坐标 GCJ-02（高德/腾讯）", "en": "GCJ-02 (AMap/Tencent)"},
    "rp_circle_people": {"zh": "可纳入圈层人数", "en": "People brought into the circle"},
    "rp_nearest_facility": {"zh": "最近现有设施", "en": "Nearest existing facility"},
    "rp_proposed_site": {"zh": "建议选址", "en": "Proposed site"},
    "rp_site_ref": {"zh": "选址 {rank}（{road}）", "en": "site {rank} ({road})"},
    "rp_any_of": {"zh": "任一（{m}分钟）：{cats}", "en": "any of ({m} min): {cats}"},
    "rp_run_sites": {
        "zh": "尚未运行选址：lifecircle sites --from <本文件夹> --category <类别>",
        "en": "not sited yet: lifecircle sites --from <this folder> --category <category>",
    },
    "rp_rank_rule": {
        "zh": "排序规则：按“可纳入圈层人数”×圈层缺口权重排序。可纳入圈层人数："
        "生活圈类别为缺该类的服务对象；健身圈为缺该类且 {fm} 分钟内无任何健身设施的居民"
        "（同一批居民的多类健身缺口合并为一项，任选其一即可）；养老类别为缺该类的老人。"
        "权重为圈层覆盖率与其目标的差距（最小 {w}，无目标的圈层为 1）。"
        "每类最多 {cap} 项排在前列，其余排在所有类别的前 {cap} 项之后；"
        "无人可纳入圈层的缺口排在最后。共 {n} 项，列出前 {k} 项；"
        "全部缺口片区见 tables/gaps.csv。",
        "en": "Ranking rule: people brought into the circle × the circle's shortfall weight. "
        "People brought into the circle: for a life-circle category, its target group lacking "
        "it; for fitness, residents lacking it who reach no fitness facility at all within "
        "{fm} min (zones over the same residents are one project: any one category will do); "
        "for care, older residents lacking it. The weight is the circle's shortfall against "
        "its share target (at least {w}; 1 for a circle without a target). At most {cap} "
        "projects per category come first; the rest follow every category's first {cap}; "
        "zones that bring nobody into a circle come last. {n} projects, the first {k} "
        "listed; every gap zone is in tables/gaps.csv.",
    },
    "rp_sites_title": {"zh": "新设施选址：{cat}", "en": "New facility sites: {cat}"},
    "rp_sites_method": {
        "zh": "模型：{model}；求解：{method}；{optimal}；上界 {bound} 人，最优性差距 {gap}。"
        "覆盖率由 {before} 提高到 {after}。",
        "en": "Model: {model}; solver: {method}; {optimal}; upper bound {bound} people, "
        "optimality gap {gap}. Coverage rises from {before} to {after}.",
    },
    "rp_sites_none": {
        "zh": "没有候选点能新增覆盖尚未覆盖的人：可加 --generate，在缺口片区的街道上生成候选点。",
        "en": "No candidate reaches anyone not yet covered: add --generate to place "
        "candidates on the streets inside the gap zones.",
    },
    "rp_optimal": {"zh": "已证明最优", "en": "proven optimal"},
    "rp_not_optimal": {"zh": "未证明最优", "en": "not proven optimal"},
    "rp_location": {"zh": "位置", "en": "Location"},
    "rp_sites_eval": {"zh": "拟建设施评估", "en": "Proposed sites evaluated"},
    "rp_share_before": {"zh": "现状覆盖率", "en": "Share before"},
    "rp_share_after": {"zh": "建设后覆盖率", "en": "Share after"},
    "rp_sites_map_title": {
        "zh": "{cat}新设施选址：新增覆盖 {n} 人",
        "en": "New sites, {cat}: {n} more people covered",
    },
    "rp_site_marker": {"zh": "建议新设施（数字为优先序）", "en": "Proposed site (number = rank)"},
    "rp_site_area": {"zh": "新设施步行服务范围", "en": "Walk service area of a new site"},
    "rp_newly_covered": {"zh": "新增覆盖的居民点", "en": "Residents newly covered"},
    "rp_existing": {"zh": "现有设施：{cat}", "en": "Existing: {cat}"},
    "rp_gap_category": {"zh": "服务缺口：{cat}", "en": "Gap zone: {cat}"},
    "rp_gap_life": {"zh": "服务缺口：生活圈不完整", "en": "Gap: incomplete life circle"},
    "rp_gap_fitness": {
        "zh": "服务缺口：{m} 分钟内无任何健身设施",
        "en": "Gap: no fitness facility within {m} min",
    },
    "rp_gap_care": {
        "zh": "服务缺口：{m} 分钟内无任何养老设施",
        "en": "Gap: no care facility within {m} min",
    },
    "rp_care_count_title": {
        "zh": "老人可达的养老设施类型数（共 {n} 类）",
        "en": "Care types an older resident reaches (of {n})",
    },
    "rp_care_count": {"zh": "{k} 类", "en": "{k} types"},
    "rp_unit_boundary": {"zh": "居委界线", "en": "Sub-unit boundary"},
    "rp_study_boundary": {"zh": "研究范围", "en": "Study area boundary"},
    "rp_north": {"zh": "北", "en": "N"},
    "rp_crs": {"zh": "坐标系：{crs}", "en": "CRS: {crs}"},
    "rp_source": {"zh": "数据来源：{src}", "en": "Data: {src}"},
    "rp_osm": {"zh": "© OpenStreetMap 贡献者", "en": "© OpenStreetMap contributors"},
    "rp_figure_of": {"zh": "图：{name}", "en": "Figure: {name}"},
}


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is supported, else raise LifecircleError."""
    if lang not in LANGS:
        raise LifecircleError(
            f"Unknown map language '{lang}'.",
            where="--lang / maps.lang",
            fix="Use 'zh' (Chinese, the default) or 'en' (English).",
        )
    return lang


def t(key: str, lang: str, **values: object) -> str:
    """The label ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``."""
    text = LABELS[key][lang]
    return text.format(**values) if values else text


def attribution(meta: Mapping[str, Any], lang: str) -> str:
    """The data attribution in ``lang`` (``attribution_zh``/``_en``), else as the source gave it."""
    return str(meta.get(f"attribution_{lang}") or meta.get("attribution") or "")


def category_name(profile: Profile, category_id: str, lang: str) -> str:
    """Display name of a category, from the profile (falls back to the id)."""
    category = profile.categories.get(category_id)
    return category.label(lang) if category is not None else category_id


def circle_name(profile: Profile, circle_id: str, lang: str) -> str:
    """Display name of a circle, from the profile when it has one."""
    circle = profile.circles.get(circle_id)
    if circle is None:
        return t(circle_id, lang)
    return circle.name_en if lang == "en" else circle.name_zh


def no_data_label(profile: Profile, category_id: str, lang: str) -> str:
    """ "无数据 / no data" for a category, with the planner's list that would fill it."""
    category = profile.categories.get(category_id)
    planner_list = category.planner_list.get(lang, "") if category is not None else ""
    return t("no_data_fill", lang, list=planner_list) if planner_list else t("no_data", lang)


def profile_title(profile: Profile, lang: str) -> str:
    """The profile's display title."""
    return profile.title_en if lang == "en" else profile.title_zh


def capacity_unit(unit: str | None, lang: str) -> str:
    """Display text for a capacity unit (``places``, ``beds`` …)."""
    if not unit:
        return ""
    key = f"cap_{unit}"
    return t(key, lang) if key in LABELS else unit


def fmt_number(value: float | None, digits: int = 0) -> str:
    """A number with thousands separators, or an em dash for a missing value."""
    if value is None or value != value:  # NaN
        return "—"
    return f"{value:,.{digits}f}"


def fmt_share(value: float | None) -> str:
    """A share 0–1 as a percentage with one decimal."""
    if value is None or value != value:
        return "—"
    return f"{100.0 * value:.1f}%"
