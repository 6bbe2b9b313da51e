"""Chinese text of the English messages users read: see :mod:`lifecircle.spatial.messages`.

Keys are the English templates exactly as the code writes them, with every
f-string field written ``{name}``; values are the Chinese text with the same
fields. A library's own English words (a YAML or GDAL error) stay as they are,
marked ``英文原文``. Grouped by the module that raises them.
"""

from __future__ import annotations

ZH: dict[str, str] = {
    # --- argparse (the command line's own errors) ---
    "the following arguments are required: {args}": "缺少必需的参数：{args}",
    "argument {arg}: invalid choice: {value} (choose from {choices})": (
        "参数 {arg}：无效的选项 {value}（可选：{choices}）"
    ),
    "argument {arg}: invalid {kind} value: {value}": "参数 {arg}：无效的数值 {value}",
    "argument {arg}: expected one argument": "参数 {arg}：需要一个值",
    "argument {arg}: not allowed with argument {other}": "参数 {arg}：不能与 {other} 同时使用",
    "unrecognized arguments: {args}": "无法识别的参数：{args}",
    "ambiguous option: {option} could match {matches}": "选项 {option} 有歧义，可能是：{matches}",
    "one of the arguments {args} is required": "需要以下参数之一：{args}",
    # --- progress stages (lifecircle.progress) ---
    "read sources": "读取数据源",
    "assemble layers": "整合图层",
    "build synthetic demo district": "生成合成示范街道",
    "classify facilities and place residents": "设施分类与居民分布",
    "access, circles, service areas and gaps": "可达性、生活圈、服务范围与缺口",
    "write outputs": "写出结果",
    "maps and report": "地图与报告",
    "write layers": "写出图层",
    "read the earlier run": "读取此前的运行结果",
    "access from existing facilities": "现有设施的可达性",
    "candidates, coverage and solve": "候选点、覆盖与求解",
    "evaluate proposed sites": "评估拟建设施",
    "CRS {crs}, {n} road lines": "坐标系 {crs}，道路线 {n} 条",
    "{roads} road lines, {buildings} buildings": "道路线 {roads} 条，建筑 {buildings} 栋",
    "{facilities} facilities classified, {points} demand points, {residents} residents": (
        "已分类设施 {facilities} 处，需求点 {points} 个，居民 {residents} 人"
    ),
    "{nodes} nodes, life circle complete for {with_data} over categories with data, "
    "{strict} strictly": "路网节点 {nodes} 个，生活圈齐全：按有数据的类别 {with_data}，严格计 {strict}",
    "{nodes} nodes, life circle complete for {strict} strictly": (
        "路网节点 {nodes} 个，生活圈齐全：严格计 {strict}"
    ),
    "{n} map files, {report}": "地图文件 {n} 个，{report}",
    "{n} demand points, profile {profile}": "需求点 {n} 个，标准配置 {profile}",
    "{n} candidates ({sources}), solved in {seconds} s — {message}": (
        "候选点 {n} 个（{sources}），求解用时 {seconds} 秒 — {message}"
    ),
    "{target}: maps/sites.html, maps/index.html, report.html": (
        "{target}：maps/sites.html、maps/index.html、report.html"
    ),
    "OSM extract {name}": "OSM 数据 {name}",
    "Geofabrik shapefiles {name}": "Geofabrik shapefile {name}",
    "osmnx download": "osmnx 下载",
    "embedded synthetic demo district": "内置合成示范街道",
    "lifecircle synthetic demo district (not a real place)": "lifecircle 合成示范街道（非真实地点）",
    "layers file {name}": "图层文件 {name}",
    # --- siting solver messages (analyses.siting.models, recommend) ---
    "{n} new site covers {people} more people; coverage rises from {before} to {after} of "
    "{total} people. {rest}": (
        "{n} 处新设施新增覆盖 {people} 人；覆盖率从 {before} 提高到 {after}（共 {total} 人）。{rest}"
    ),
    "{n} new sites cover {people} more people; coverage rises from {before} to {after} of "
    "{total} people. {rest}": (
        "{n} 处新设施新增覆盖 {people} 人；覆盖率从 {before} 提高到 {after}（共 {total} 人）。{rest}"
    ),
    "Only {n} of the {k} sites add anyone. {rest}": "{k} 处中只有 {n} 处新增覆盖人口。{rest}",
    "Proven optimal ({method}).": "已证明为最优解（{method}）。",
    "Within {gap} of the best possible ({method}).": "与理论最优相差不超过 {gap}（{method}）。",
    "Within {gap} of the best possible ({method}; solver stopped: {status}).": (
        "与理论最优相差不超过 {gap}（{method}；求解器停止：{status}）。"
    ),
    "exact MILP (HiGHS)": "精确混合整数规划（HiGHS）",
    "lazy greedy": "惰性贪心算法",
    "{message} None of these candidates reaches uncovered people within the threshold; try "
    "generated candidates (--generate) on the streets inside the gap zones.": (
        "{message}这些候选点在步行阈值内都覆盖不到尚未覆盖的居民；可尝试在缺口区内沿街生成候选点"
        "（--generate）。"
    ),
    "Existing facilities already cover {before}, which meets the {target} target; no new site "
    "is needed.": "现有设施已覆盖 {before}，达到 {target} 的目标，无需新增设施。",
    "Proven minimum ({method}).": "已证明为最少数量（{method}）。",
    "At least {n} sites are needed in any case ({method}).": "无论如何至少需要 {n} 处（{method}）。",
    "At least {n} sites are needed in any case ({method}; solver stopped: {status}).": (
        "无论如何至少需要 {n} 处（{method}；求解器停止：{status}）。"
    ),
    "The {target} target cannot be reached with these candidate sites: none of them reaches "
    "anyone not yet covered (now {before}). Add candidate sites near the people left out, or "
    "review the walking threshold.": (
        "用这些候选点无法达到 {target} 的目标：它们都覆盖不到尚未覆盖的居民（目前 {before}）。"
        "请在未覆盖居民附近增加候选点，或复核步行阈值。"
    ),
    "{n} new site raise coverage from {before} to {after}, meeting the {target} target. "
    "{proof}": "{n} 处新设施使覆盖率从 {before} 提高到 {after}，达到 {target} 的目标。{proof}",
    "{n} new sites raise coverage from {before} to {after}, meeting the {target} target. "
    "{proof}": "{n} 处新设施使覆盖率从 {before} 提高到 {after}，达到 {target} 的目标。{proof}",
    "The {target} target cannot be reached with these candidate sites: the most they can "
    "reach is {after} (now {before}), which takes {n} new site. {proof} Add candidate sites "
    "near the people left out, or review the walking threshold.": (
        "用这些候选点无法达到 {target} 的目标：最多只能达到 {after}（目前 {before}），需 {n} 处新设施。"
        "{proof}请在未覆盖居民附近增加候选点，或复核步行阈值。"
    ),
    "The {target} target cannot be reached with these candidate sites: the most they can "
    "reach is {after} (now {before}), which takes {n} new sites. {proof} Add candidate sites "
    "near the people left out, or review the walking threshold.": (
        "用这些候选点无法达到 {target} 的目标：最多只能达到 {after}（目前 {before}），需 {n} 处新设施。"
        "{proof}请在未覆盖居民附近增加候选点，或复核步行阈值。"
    ),
    # --- command line (lifecircle.cli) ---
    "--time-limit is {value} seconds; the solver needs some time to run.": (
        "--time-limit 为 {value} 秒；求解器需要一定的运行时间。"
    ),
    "Give a number of seconds greater than 0, e.g. --time-limit 60 (the default).": (
        "请给出大于 0 的秒数，例如 --time-limit 60（默认值）。"
    ),
    "Say how many sites: --k N, or --target-share 0.99, or --evaluate FILE.": (
        "请说明设施数量：--k N，或 --target-share 0.99，或 --evaluate FILE。"
    ),
    "For example: lifecircle sites --from out/demo --category day_care --k 3": (
        "例如：lifecircle sites --from out/demo --category day_care --k 3"
    ),
    # --- run config (lifecircle.config, config_schema, pipeline) ---
    "The run config {path} does not exist.": "运行配置文件 {path} 不存在。",
    "Check the path; see examples/ for a run config to copy.": (
        "请检查路径；可从 examples/ 中复制一份运行配置。"
    ),
    "The run config is not a mapping.": "运行配置不是键值映射（mapping）。",
    "Start from an example in examples/.": "请从 examples/ 中的示例开始。",
    "Fix the YAML syntax (indentation, colons, quotes).": "请修正 YAML 语法（缩进、冒号、引号）。",
    "Fix the YAML syntax (indentation, colons) or start again from a shipped profile.": (
        "请修正 YAML 语法（缩进、冒号），或从自带的标准配置重新开始。"
    ),
    "run config": "运行配置",
    "standards profile": "标准配置",
    "Unknown map options {options}.": "未知的地图选项 {options}。",
    "run config key maps": "运行配置的 maps 键",
    "Known map options: {options}.": "可用的地图选项：{options}。",
    "--bbox '{text}' is not four numbers.": "--bbox '{text}' 不是四个数。",
    "Write it as W,S,E,N in degrees, e.g. 121.425,31.248,121.452,31.272.": (
        "请写成 W,S,E,N（单位为度），例如 121.425,31.248,121.452,31.272。"
    ),
    # pydantic validation (standards.validation)
    "{what}. {n} more problem(s) in the same {label}: {others}.": (
        "{what}。同一{label}中另有 {n} 个问题：{others}。"
    ),
    "{key} is missing.": "缺少 {key}。",
    "{key} is missing": "缺少 {key}",
    "Add `{key}:` to the {label}.": "请在{label}中加上 `{key}:`。",
    "{key} is {value}: {sentence}.": "{key} 为 {value}：{sentence}。",
    "{key} is {value}: {sentence}": "{key} 为 {value}：{sentence}",
    "Give {description}.": "请给出：{description}。",
    "Correct {key} in the {label}.": "请修正{label}中的 {key}。",
    "Unknown {noun} [{keys}] under {parent} in the {label}.": (
        "{label}中 {parent} 下有未知的{noun} [{keys}]。"
    ),
    "Unknown {noun} [{keys}] under {parent} in the {label}": "{label}中 {parent} 下有未知的{noun} [{keys}]",
    "The {label} has unknown {noun} [{keys}].": "{label}中有未知的{noun} [{keys}]。",
    "The {label} has unknown {noun} [{keys}]": "{label}中有未知的{noun} [{keys}]",
    "source types": "数据源类型",
    # schema field descriptions ("Give {description}.")
    "[west, south, east, north] in degrees": "[西, 南, 东, 北]，单位为度",
    "a folder path": "文件夹路径",
    "a list of OSM values, e.g. [residential]": "OSM 值的列表，例如 [residential]",
    "a list of category ids, e.g. [day_care]": "类别的列表，例如 [day_care]",
    "a list of facility files, each {path: ..., columns: ...}": "设施文件的列表，每项为 {path: ..., columns: ...}",
    "a mapping of profile values, e.g. {walk_speed_mps: {elderly: 0.7}}": (
        "标准配置数值的映射，例如 {walk_speed_mps: {elderly: 0.7}}"
    ),
    "a mapping of the file's labels to category ids, e.g. {日照: day_care}": (
        "文件中的类别名到标准类别的映射，例如 {日照: day_care}"
    ),
    "a mapping such as {candidate_id: 编号, capacity: 面积}": "映射，例如 {candidate_id: 编号, capacity: 面积}",
    "a mapping such as {elderly_share: 0.3}": "映射，例如 {elderly_share: 0.3}",
    "a mapping such as {grid_size_m: 150, grid_shape: hexagon}": (
        "映射，例如 {grid_size_m: 150, grid_shape: hexagon}"
    ),
    "a mapping such as {lang: en, basemap: none}": "映射，例如 {lang: en, basemap: none}",
    "a mapping such as {levels: 层数, use: 用途}": "映射，例如 {levels: 层数, use: 用途}",
    "a mapping such as {name: 名称, category: 类别}": "映射，例如 {name: 名称, category: 类别}",
    "a mapping such as {osm: roads.osm, geofabrik: shapefiles/}": (
        "映射，例如 {osm: roads.osm, geofabrik: shapefiles/}"
    ),
    "a mapping such as {residents: 常住人口, elderly: 老年人口}": (
        "映射，例如 {residents: 常住人口, elderly: 老年人口}"
    ),
    "a mapping: {bbox: [W, S, E, N]} in degrees, or {boundary: units.gpkg}": (
        "映射：{bbox: [W, S, E, N]}（单位为度），或 {boundary: units.gpkg}"
    ),
    "a path or a list of paths": "路径或路径列表",
    "a path to the file, relative to the run config": "文件路径（相对于运行配置文件）",
    "a path, or a mapping {path: buildings.gpkg, columns: {...}}": (
        "路径，或映射 {path: buildings.gpkg, columns: {...}}"
    ),
    "a path, or a mapping {path: plots.gpkg, columns: {...}}": "路径，或映射 {path: plots.gpkg, columns: {...}}",
    "a path, or a mapping {path: units.gpkg, name_column: 居委}": (
        "路径，或映射 {path: units.gpkg, name_column: 居委}"
    ),
    "a rule name, e.g. auto": "规则名，例如 auto",
    "a shipped profile name or a .yml path": "自带标准配置的名称或 .yml 路径",
    "an EPSG code (EPSG:4326), gcj02 (AMap/Tencent) or bd09 (Baidu)": (
        "EPSG 代码（EPSG:4326）、gcj02（高德/腾讯）或 bd09（百度）"
    ),
    "the CRS of results.gpkg: analysis (default) or cgcs2000": "results.gpkg 的坐标系：analysis（默认）或 cgcs2000",
    "the column's name in the file, as text": "文件中的列名（文本）",
    "the confidence S (seen in a source), M (recalled) or I (assumption)": (
        "可信度 S（见于来源文件）、M（凭记忆）或 I（假定）"
    ),
    "the study area's name as text": "研究范围的名称（文本）",
    "degrees (W, S, E, N), e.g. [121.42, 31.24, 121.45, 31.27]": (
        "度数（W, S, E, N），例如 [121.42, 31.24, 121.45, 31.27]"
    ),
    "metres from 10 to 5000, e.g. 150": "10 到 5000 之间的米数，例如 150",
    "a share from 0 to 1, e.g. 0.48": "0 到 1 之间的比例，例如 0.48",
    "a walking speed in m/s from 0.1 to 5, e.g. 0.8": "步行速度（米/秒），0.1 到 5 之间，例如 0.8",
    "minutes, more than 0 and at most 120, e.g. 15": "分钟数，大于 0 且不超过 120，例如 15",
    "metres, more than 0 and at most 10000": "米数，大于 0 且不超过 10000",
    "metres, more than 0 and at most 5000, e.g. 250": "米数，大于 0 且不超过 5000，例如 250",
    "m² of floor area per person from 1 to 1000, e.g. 35": "人均建筑面积（m²），1 到 1000 之间，例如 35",
    "m², more than 0 and at most 1000000": "平方米数，大于 0 且不超过 1000000",
    "a capacity more than 0 and at most 1000000": "容量，大于 0 且不超过 1000000",
    "m² per 1,000 residents from 0 to 100000, e.g. 40": "每千人平方米数，0 到 100000 之间，例如 40",
    "m² per person from 0 to 1000, e.g. 2.6": "人均平方米数，0 到 1000 之间，例如 2.6",
    "storeys from 1 to 200, e.g. 6": "层数，1 到 200 之间，例如 6",
    "residents per km² from 0 to 200000, e.g. 25000": "每平方公里居民数，0 到 200000 之间，例如 25000",
    "m² of footprint from 0 to 10000, e.g. 30": "占地面积（m²），0 到 10000 之间，例如 30",
    "facilities per 10,000 residents, more than 0, e.g. 0.5": "每万人设施数，大于 0，例如 0.5",
    "a number of facilities, more than 0, e.g. 1": "设施数，大于 0，例如 1",
    "give bbox or boundary, not both": "bbox 和 boundary 只能给出其一",
    "give minutes or distance_m, not both": "minutes 和 distance_m 只能给出其一",
    "The CRS {text} is not a CRS name.": "坐标系 {text} 不是坐标系名称。",
    "'{text}' coordinates are {datum}: write `{nickname}`.": "'{text}' 的坐标是 {datum}：请写 `{nickname}`。",
    "'{text}' names a map provider, not a CRS; {hint}": "'{text}' 是地图服务商，不是坐标系；{hint}",
    "'{text}' is not a coordinate reference system that PROJ knows.": "'{text}' 不是 PROJ 认识的坐标系。",
    "Use an EPSG code such as EPSG:4326 (lon/lat degrees) or EPSG:32651 (UTM 51N, metres), gcj02 "
    "for AMap/Tencent coordinates, or bd09 for Baidu.": (
        "请使用 EPSG 代码，例如 EPSG:4326（经纬度）或 EPSG:32651（UTM 51N，米），高德/腾讯坐标用 gcj02，"
        "百度坐标用 bd09。"
    ),
    "The longitude and latitude columns look swapped (latitude holds values such as 121.x, which "
    "is Shanghai's longitude).": "经度列和纬度列似乎写反了（纬度中有 121.x 之类的值，那是上海的经度）。",
    "Latitudes must lie between -90 and 90 degrees.": "纬度必须在 -90 到 90 度之间。",
    "{suggestion}Known {noun} here: {known}.": "{suggestion}此处可用的{noun}：{known}。",
    "Known {noun} here: {known}.": "此处可用的{noun}：{known}。",
    "Did you mean '{word}'? {rest}": "是否想写 '{word}'？{rest}",
    "Remove the key.": "请删除该键。",
    "keys": "键",
    "map options": "地图选项",
    "{label} key {key} ({path})": "{label}的键 {key}（{path}）",
    "{label} key {key}": "{label}的键 {key}",
    "it should be a mapping (key: value lines or {key: value})": (
        "应为键值映射（key: value 行或 {key: value}）"
    ),
    "it should be a finite number (not .inf or .nan)": "应为有限的数（不能是 .inf 或 .nan）",
    "it should be a plain number without units or quotes": "应为不带单位或引号的纯数字",
    "it should be a plain number without units or quotes (YAML reads 1e5 as text; write 100000 "
    "or 1.0e+5)": "应为不带单位或引号的纯数字（YAML 把 1e5 读作文本；请写 100000 或 1.0e+5）",
    "it should be a valid string": "应为文本",
    "it should be a valid list": "应为列表",
    "it should be a valid boolean": "应为布尔值（true / false）",
    "it should be a valid integer": "应为整数",
    "it should be a valid number": "应为数字",
    "it should be {choices}": "应为 {choices} 之一",
    "it should be greater than {n}": "应大于 {n}",
    "it should be greater than or equal to {n}": "应大于或等于 {n}",
    "it should be less than {n}": "应小于 {n}",
    "it should be less than or equal to {n}": "应小于或等于 {n}",
    "it should have at least {n} items after validation, not {m}": "至少应有 {n} 项，实际为 {m} 项",
    "it should have at most {n} items after validation, not {m}": "最多应有 {n} 项，实际为 {m} 项",
    "List should have at least {n} items after validation, not {m}": "至少应有 {n} 项，实际为 {m} 项",
    "List should have at most {n} items after validation, not {m}": "最多应有 {n} 项，实际为 {m} 项",
    # --- safe YAML (standards.safe_yaml) ---
    "The {what} is not valid UTF-8 YAML: {exc}": "{what}不是有效的 UTF-8 YAML（英文原文：{exc}）",
    "Save the file as UTF-8.": "请将文件另存为 UTF-8 编码。",
    "The {what} was refused: {exc}. Reading it could exhaust the memory or the stack (a "
    "'billion laughs' or deeply nested document).": (
        "{what}被拒绝读取（英文原文：{exc}）。读取它可能耗尽内存或栈（“十亿笑”攻击或嵌套过深的文档）。"
    ),
    "Write the values out instead of nesting anchors (&name) and aliases (*name), and nest "
    "blocks only as deep as the example configs do.": (
        "请直接写出各个值，不要嵌套锚点（&name）和别名（*name），嵌套层数不要超过示例配置。"
    ),
    # --- standards profile (standards.profile, schema) ---
    "There is no shipped standards profile called '{text}'.": "没有名为 '{text}' 的自带标准配置。",
    "--profile / profile:": "--profile / profile:",
    "Use one of {profiles}, or give a path to a .yml file.": "请使用 {profiles} 之一，或给出 .yml 文件路径。",
    "The standards profile file {path} does not exist.": "标准配置文件 {path} 不存在。",
    "Check the path; copy a shipped profile from {folder} to start one.": (
        "请检查路径；可从 {folder} 复制一份自带的标准配置作为起点。"
    ),
    "The standards profile is empty or not a mapping.": "标准配置为空，或不是键值映射。",
    "Start from a copy of {path}.": "请从 {path} 的副本开始。",
    "{path}, key '{key}'": "{path}，键 '{key}'",
    "The profile '{profile}' has no category '{category}'.": "标准配置 '{profile}' 中没有类别 '{category}'。",
    "category {category}": "类别 {category}",
    "Use one of: {choices}.": "请使用以下之一：{choices}。",
    "Use one of {choices}.": "请使用以下之一：{choices}。",
    "The category '{category}' is not in the profile's '{circle}' circle.": (
        "类别 '{category}' 不在标准配置的 '{circle}' 圈中。"
    ),
    "{path}, circles.{circle}.categories": "{path}，circles.{circle}.categories",
    "Judge it in the circle it is reported in ({home}), or add it to circles.{circle}.categories.": (
        "请在它所属的圈（{home}）中评价，或把它加入 circles.{circle}.categories。"
    ),
    "The profile lists no sources.": "标准配置没有列出任何来源（sources）。",
    "Add a `sources:` table: key → document title.": "请添加 `sources:` 表：键 → 文件名称。",
    "Walking speeds {missing} are missing.": "缺少步行速度 {missing}。",
    "Give `general` and `elderly` speeds in m/s.": "请给出 `general` 和 `elderly` 的速度（米/秒）。",
    "'{key}' must be a mapping with value, source and confidence.": (
        "'{key}' 必须是包含 value、source 和 confidence 的映射。"
    ),
    "Write it as {{value: 10, source: gb50180, confidence: M}}.": (
        "请写成 {{value: 10, source: gb50180, confidence: M}}。"
    ),
    "Write it as {value: 10, source: gb50180, confidence: M}.": (
        "请写成 {value: 10, source: gb50180, confidence: M}。"
    ),
    "'{key}' cites source '{source}', which is not in `sources`.": (
        "'{key}' 引用的来源 '{source}' 不在 `sources` 中。"
    ),
    "Use one of: {sources}, or add it to `sources`.": "请使用以下之一：{sources}，或把它加入 `sources`。",
    "'{key}' has confidence '{confidence}'.": "'{key}' 的可信度为 '{confidence}'。",
    "Use S (seen in a source), M (recalled, unchecked) or I (assumption).": (
        "请使用 S（见于来源文件）、M（凭记忆，未核对）或 I（假定）。"
    ),
    "'{key}' must be a positive number, got {value}.": "'{key}' 必须是正数，实际为 {value}。",
    "Use a number greater than zero (metres, minutes or m/s).": "请使用大于零的数（米、分钟或米/秒）。",
    "The profile defines no facility categories.": "标准配置没有定义设施类别。",
    "Add a `categories:` table.": "请添加 `categories:` 表。",
    "'{key}' must be a mapping with zh and/or en, got {raw}.": "'{key}' 必须是含 zh 和/或 en 的映射，实际为 {raw}。",
    "circles.fitness_circle.minutes is {value}.": "circles.fitness_circle.minutes 为 {value}。",
    "{path}, key 'circles.fitness_circle.minutes'": "{path}，键 'circles.fitness_circle.minutes'",
    "Give the fitness circle's walking minutes as a number above zero.": (
        "请以大于零的数给出健身圈的步行分钟数。"
    ),
    "population.{key} is missing.": "缺少 population.{key}。",
    "Add it with value, source and confidence.": "请添加它，并给出 value、source 和 confidence。",
    "'{key}' has no {part}.": "'{key}' 缺少 {part}。",
    "Every figure needs value, source and confidence (S, M or I).": (
        "每个数值都需要 value、source 和 confidence（S、M 或 I）。"
    ),
    "Category '{category}' is not a mapping.": "类别 '{category}' 不是键值映射。",
    "See shanghai.yml.": "请参见 shanghai.yml。",
    "Category '{category}' needs exactly one of minutes or distance_m.": (
        "类别 '{category}' 必须且只能给出 minutes 或 distance_m 之一。"
    ),
    "Give the walking threshold as `minutes:` or `distance_m:`.": "请以 `minutes:` 或 `distance_m:` 给出步行阈值。",
    "Category '{category}' has target {target}.": "类别 '{category}' 的服务对象为 {target}。",
    "Category '{category}' has no classification rules.": "类别 '{category}' 没有分类规则。",
    "Add at least one rule with tags, fclass or name.": "请至少添加一条含 tags、fclass 或 name 的规则。",
    "Circle '{circle}' names unknown categories {unknown}.": "圈 '{circle}' 列出了未知的类别 {unknown}。",
    "Use category ids from `categories`: {known}.": "请使用 `categories` 中的类别：{known}。",
    "Circle '{circle}' has speed {speed}.": "圈 '{circle}' 的速度为 {speed}。",
    "Use general or elderly.": "请使用 general 或 elderly。",
    "The profile has no '{circle}' circle.": "标准配置中没有 '{circle}' 圈。",
    "Add it under `circles:` (see shanghai.yml).": "请在 `circles:` 下添加（参见 shanghai.yml）。",
    "Rule {rule} is not understood.": "无法理解规则 {rule}。",
    "A rule is a mapping with keys from {keys}.": "规则是一个键值映射，键取自 {keys}。",
    "Rule {rule} has only exclusions, so it matches everything.": "规则 {rule} 只有排除条件，因此会匹配所有要素。",
    "Combine not_name, not_tags, not_fclass or also with tags, fclass or name.": (
        "请把 not_name、not_tags、not_fclass 或 also 与 tags、fclass 或 name 一起使用。"
    ),
    "Rule {rule}: `also` is not a list of this profile's categories.": (
        "规则 {rule}：`also` 不是本标准配置的类别列表。"
    ),
    "Write also: [category, ...] with ids from {known}.": "请写成 also: [类别, ...]，类别取自 {known}。",
    "The run config overrides category '{category}', which the profile {profile} does not have.": (
        "运行配置覆盖了类别 '{category}'，但标准配置 {profile} 中没有该类别。"
    ),
    "run config key overrides.categories.{category}": "运行配置的键 overrides.categories.{category}",
    "{suggestion}Use one of: {known}.": "{suggestion}请使用以下之一：{known}。",
    "{suggestion}Profile categories: {known}.": "{suggestion}标准配置中的类别：{known}。",
    # --- readers (layers.*) ---
    "No input data was given.": "没有给出输入数据。",
    "command line / run config `sources`": "命令行 / 运行配置的 `sources`",
    "Pass --osm FILE, --geofabrik DIR or --layers FILE.gpkg (or run `lifecircle demo`).": (
        "请给出 --osm FILE、--geofabrik DIR 或 --layers FILE.gpkg（或运行 `lifecircle demo`）。"
    ),
    "The OSM file {path} does not exist.": "OSM 文件 {path} 不存在。",
    "Check the path; download an extract (for example from Geofabrik) or use `lifecircle demo` "
    "to try the tool.": "请检查路径；可下载一份数据（例如从 Geofabrik），或用 `lifecircle demo` 试用本工具。",
    "{path} is a folder, not an OSM file.": "{path} 是文件夹，不是 OSM 文件。",
    "For Geofabrik shapefile folders use --geofabrik DIR instead of --osm.": (
        "Geofabrik shapefile 文件夹请用 --geofabrik DIR，而不是 --osm。"
    ),
    "The OSM file {path} is empty (0 bytes).": "OSM 文件 {path} 为空（0 字节）。",
    "Download the extract again; the transfer may have failed.": "请重新下载数据；传输可能失败了。",
    "The OSM file {name} holds no nodes and no ways.": "OSM 文件 {name} 中没有任何节点和路径。",
    "The extract is empty: download a larger area or check the bounding box.": (
        "数据为空：请下载更大的范围，或检查范围框。"
    ),
    "The OSM file {name} could not be read: {exc}": "无法读取 OSM 文件 {name}（英文原文：{exc}）",
    "The file is corrupt or not OSM data. Download the extract again, or check that a .pbf "
    "file is not in fact XML (or the other way round).": (
        "文件已损坏或不是 OSM 数据。请重新下载，或检查 .pbf 文件实际上是否为 XML（或反之）。"
    ),
    "The Geofabrik folder {folder} does not exist or is not a folder.": (
        "Geofabrik 文件夹 {folder} 不存在或不是文件夹。"
    ),
    "Unzip the Geofabrik shapefile download and pass the folder with --geofabrik.": (
        "请解压 Geofabrik shapefile 下载包，并用 --geofabrik 给出该文件夹。"
    ),
    "{folder} holds no Geofabrik shapefiles (gis_osm_*_free_1.shp).": (
        "{folder} 中没有 Geofabrik shapefile（gis_osm_*_free_1.shp）。"
    ),
    "Pass the folder that the Geofabrik .shp.zip unpacks to.": "请给出 Geofabrik .shp.zip 解压后的文件夹。",
    "{path} does not exist.": "{path} 不存在。",
    "{name} lacks the layers {missing}.": "{name} 缺少图层 {missing}。",
    "Use the layers.gpkg of a complete `lifecircle run` or `demo` output folder.": (
        "请使用完整的 `lifecircle run` 或 `demo` 输出文件夹中的 layers.gpkg。"
    ),
    "{folder} holds no summary.json, so it is not a lifecircle output folder.": (
        "{folder} 中没有 summary.json，因此不是 lifecircle 的输出文件夹。"
    ),
    "Run `lifecircle run` or `lifecircle demo` first and pass its --out folder.": (
        "请先运行 `lifecircle run` 或 `lifecircle demo`，再给出其 --out 文件夹。"
    ),
    "{name} holds a JSON {kind}, not the mapping a lifecircle run writes.": (
        "{name} 中是 JSON {kind}，不是 lifecircle 写出的映射。"
    ),
    "Point --from at the output folder of `lifecircle run` or `demo`, or run again.": (
        "请让 --from 指向 `lifecircle run` 或 `demo` 的输出文件夹，或重新运行。"
    ),
    "{name} is not a readable GeoPackage: {exc}": "{name} 不是可读取的 GeoPackage（英文原文：{exc}）",
    "{name} is damaged (not complete JSON text: {exc}).": "{name} 已损坏（不是完整的 JSON 文本，英文原文：{exc}）。",
    "Run `lifecircle run` or `lifecircle demo` again to write a complete folder.": (
        "请重新运行 `lifecircle run` 或 `lifecircle demo`，写出完整的文件夹。"
    ),
    "An osmnx source needs a place, bbox or polygon.": "osmnx 数据源需要 place、bbox 或 polygon。",
    "Write `osmnx: {place: '宜川路街道, 普陀区, 上海市'}` or `osmnx: {bbox: [W,S,E,N]}`.": (
        "请写成 `osmnx: {place: '宜川路街道, 普陀区, 上海市'}` 或 `osmnx: {bbox: [W,S,E,N]}`。"
    ),
    "No network connection for the osmnx download.": "osmnx 下载没有网络连接。",
    "The osmnx download failed: {exc}": "osmnx 下载失败（英文原文：{exc}）",
    "osmnx could not find that area: {exc}": "osmnx 找不到该区域（英文原文：{exc}）",
    "Check the place name (try the Chinese and English names), or give a bbox.": (
        "请检查地名（可试中文名和英文名），或给出 bbox。"
    ),
    "No residents were placed in the study area, so there is nothing to analyse.": (
        "研究范围内没有分布任何居民，因此无可分析。"
    ),
    "population method {method}": "人口方法 {method}",
    "The {what} file {path} does not exist.": "{what}文件 {path} 不存在。",
    "Check the path in the run config (relative paths are resolved against the config file's "
    "folder).": "请检查运行配置中的路径（相对路径以配置文件所在文件夹为起点）。",
    "boundary": "研究范围",
    "buildings": "建筑",
    "candidate sites": "候选点",
    "facility list": "设施清单",
    "layer roads": "道路图层",
    "population per area": "分区人口",
    "input": "输入",
    "The table {name} is neither UTF-8 nor GBK/GB18030 text: {error}": (
        "表格 {name} 既不是 UTF-8 也不是 GBK/GB18030 文本（英文原文：{error}）"
    ),
    "Save it as UTF-8 (in Excel: CSV UTF-8).": "请另存为 UTF-8（Excel 中选“CSV UTF-8”）。",
    "The attribute text of {name} is not UTF-8, GBK or GB18030: {error}": (
        "{name} 的属性文本不是 UTF-8、GBK 或 GB18030（英文原文：{error}）"
    ),
    "Add a .cpg file naming the encoding (for example 'GBK'), or re-save the layer as UTF-8 in "
    "QGIS.": "请添加注明编码的 .cpg 文件（例如 'GBK'），或在 QGIS 中把图层另存为 UTF-8。",
    "{n} rows of {name} have no numeric coordinates.": "{name} 中有 {n} 行没有数值坐标。",
    "Fill in or delete those rows; '{x}' and '{y}' must be numbers.": (
        "请填写或删除这些行；'{x}' 和 '{y}' 必须是数字。"
    ),
    "{name} holds {n} layers and the run config does not say which.": (
        "{name} 中有 {n} 个图层，运行配置没有说明用哪一个。"
    ),
    "Add `layer:` with one of: {names}.": "请添加 `layer:`，取以下之一：{names}。",
    "{name} is declared {datum} but its CRS is projected ({crs}).": (
        "{name} 声明为 {datum}，但其坐标系是投影坐标系（{crs}）。"
    ),
    "GCJ-02 and BD-09 are lon/lat; declare only lon/lat data with them.": (
        "GCJ-02 和 BD-09 是经纬度坐标；只有经纬度数据才能这样声明。"
    ),
    "The table {name} has no column '{column}'.": "表格 {name} 中没有 '{column}' 列。",
    "{path}, columns {columns}": "{path}，列 {columns}",
    "Name the coordinate columns in the run config: x_column / y_column (defaults lon / lat).": (
        "请在运行配置中指明坐标列：x_column / y_column（默认 lon / lat）。"
    ),
    "The {what} layer {name} has no coordinate reference system.": "{what}图层 {name} 没有坐标系。",
    "Declare it in the run config, e.g. `crs: EPSG:4326` for lon/lat degrees, `crs: gcj02` for "
    "AMap/Tencent coordinates, `crs: bd09` for Baidu; or set the CRS in QGIS and save again.": (
        "请在运行配置中声明，例如经纬度用 `crs: EPSG:4326`，高德/腾讯坐标用 `crs: gcj02`，百度坐标用 "
        "`crs: bd09`；或在 QGIS 中设置坐标系后重新保存。"
    ),
    "The table {name} is empty.": "表格 {name} 为空。",
    "Export it again.": "请重新导出。",
    "The file {name} has no layer '{layer}': {exc}": "文件 {name} 中没有图层 '{layer}'（英文原文：{exc}）",
    "Available layers: {layers}.": "可用的图层：{layers}。",
    "The file {name} could not be opened as a GIS file: {exc}": (
        "无法把文件 {name} 作为 GIS 文件打开（英文原文：{exc}）"
    ),
    "Check that it is a GeoPackage, Shapefile (with .shx and .dbf) or GeoJSON.": (
        "请检查它是否为 GeoPackage、Shapefile（含 .shx 和 .dbf）或 GeoJSON。"
    ),
    "Column '{column}' ({key}) holds text that is not a number.": "'{column}' 列（{key}）中有不是数字的文本。",
    "Write plain numbers (no units) or leave the cell empty.": "请填写纯数字（不带单位），或留空。",
    "Column '{column}' ({key}) holds values that are not {allowed}: {shown}.": (
        "'{column}' 列（{key}）中有不是 {allowed} 的值：{shown}。"
    ),
    "Correct those cells ({allowed}) or leave them empty.": "请修正这些单元格（{allowed}），或留空。",
    "from {low} to {high} {unit}": "{low} 到 {high} {unit}",
    "places, beds or m²": "个床位/位或 m²",
    "m² of floor area": "m² 建筑面积",
    "storeys": "层",
    "metres": "米",
    "people": "人",
    "The facility list {name} has {n} category value the profile does not know: {listed}.": (
        "设施清单 {name} 中有 {n} 个标准配置不认识的类别值：{listed}。"
    ),
    "The facility list {name} has {n} category values the profile does not know: {listed}.": (
        "设施清单 {name} 中有 {n} 个标准配置不认识的类别值：{listed}。"
    ),
    "Translate each with `category_values: {你的类别: day_care}` (or `null` to drop its rows); "
    "profile categories: {known}.": (
        "请用 `category_values: {你的类别: day_care}` 逐个对应（或写 `null` 删去这些行）；"
        "标准配置中的类别：{known}。"
    ),
    "The facility ids of {name} are not unique ({ids}).": "{name} 的设施编号不唯一（{ids}）。",
    "Give every facility its own id (results are joined back by id), or drop the facility_id "
    "mapping to number the rows.": (
        "请给每个设施一个独立编号（结果按编号连接回去），或去掉 facility_id 对应，改为按行编号。"
    ),
    "{name} counts more elderly than residents in some buildings.": "{name} 中有些建筑的老年人数多于居民数。",
    "The elderly are part of the residents: correct those counts.": "老年人是居民的一部分：请修正这些数字。",
    "{name} has no 'roads' layer.": "{name} 中没有 'roads' 图层。",
    "Use a GeoPackage written by `lifecircle layers`.": "请使用 `lifecircle layers` 写出的 GeoPackage。",
    "Column '{source}' (mapped to '{schema}') is not in {name}.": "{name} 中没有 '{source}' 列（对应 '{schema}'）。",
    "Correct the `columns:` mapping in the run config.": "请修正运行配置中的 `columns:` 对应关系。",
    "replace_categories names '{category}', which the profile does not have.": (
        "replace_categories 中的 '{category}' 不是标准配置中的类别。"
    ),
    "run config key replace_categories[{position}] of the facility list {name}": (
        "设施清单 {name} 的运行配置键 replace_categories[{position}]"
    ),
    "The facility list {name} says nothing about categories.": "设施清单 {name} 没有说明类别。",
    "Map a category column (columns: {category: 类别}) or give one `category:` for the whole "
    "file.": "请对应一个类别列（columns: {category: 类别}），或为整个文件给出一个 `category:`。",
    "The facility list {name} has rows with an empty category.": "设施清单 {name} 中有类别为空的行。",
    "Fill in the category of those rows, or delete them.": "请填写这些行的类别，或删除它们。",
    "population.{key} must be a {kind} number, got {value}.": "population.{key} 必须是数字，实际为 {value}。",
    "population.{key} (profile or run config)": "population.{key}（标准配置或运行配置）",
    "Give a plain number, e.g. 35 for floor_area_per_person_m2.": "请给出纯数字，例如 floor_area_per_person_m2 写 35。",
    "The population-per-area layer has no 'residents' column.": "分区人口图层中没有 'residents' 列。",
    "Map your count column to 'residents' in the run config (population.columns).": (
        "请在运行配置（population.columns）中把人数列对应到 'residents'。"
    ),
    "Some residential areas have a missing or negative resident count.": "有些居住区的居民数缺失或为负。",
    "Give every area a count of zero or more.": "请给每个区域零或更多的人数。",
    "The population raster {path} does not exist.": "人口栅格 {path} 不存在。",
    "Check population.raster in the run config.": "请检查运行配置中的 population.raster。",
    "population.{key} must be a list of OSM values, got {value}.": "population.{key} 必须是 OSM 值的列表，实际为 {value}。",
    "Write it as a YAML list, e.g. {key}: [yes, residential].": "请写成 YAML 列表，例如 {key}: [yes, residential]。",
    "Some residential areas have a negative elderly count.": "有些居住区的老年人数为负。",
    "Give every area an elderly count of zero or more, or leave it empty.": "请给每个区域零或更多的老年人数，或留空。",
    "Some residential areas hold more elderly than residents (e.g. {elderly} elderly of "
    "{residents} residents).": "有些居住区的老年人数多于居民数（例如居民 {residents} 人中老年人 {elderly} 人）。",
    "The elderly count is part of the residents: check the two columns are not swapped "
    "(population.columns) and that both count the same people.": (
        "老年人数是居民数的一部分：请检查两列没有对调（population.columns），并且统计的是同一批人。"
    ),
    "The population raster {name} could not be read: {exc}": "无法读取人口栅格 {name}（英文原文：{exc}）",
    "Give a GeoTIFF of people per pixel.": "请给出每像元人数的 GeoTIFF。",
    "The population raster {name} has no CRS.": "人口栅格 {name} 没有坐标系。",
    "Set its CRS with gdal_edit.py -a_srs or in QGIS.": "请用 gdal_edit.py -a_srs 或在 QGIS 中设置其坐标系。",
    "population.{key} is {value}.": "population.{key} 为 {value}。",
    "A bounding box needs 4 numbers, got {n}.": "范围框需要 4 个数，实际为 {n} 个。",
    "The bounding box {bbox} is empty or inverted.": "范围框 {bbox} 为空或方向颠倒。",
    "West must be less than east and south less than north (W,S,E,N order).": (
        "西边界必须小于东边界，南边界必须小于北边界（按 W,S,E,N 顺序）。"
    ),
    "The study area is {width} km × {height} km, too large for a sub-district analysis (at most "
    "{limit} km across, within one map projection zone).": (
        "研究范围为 {width} km × {height} km，对街道级分析来说过大（最多 {limit} km，且在一个投影带内）。"
    ),
    "Give the sub-district's own boundary (--boundary) or a bounding box around it (--bbox "
    "W,S,E,N, a few km across); run a larger district one sub-district at a time.": (
        "请给出街道自身的边界（--boundary）或其外接范围框（--bbox W,S,E,N，几公里见方）；"
        "更大的区请逐个街道运行。"
    ),
    "The roads span no area ({width} m × {height} m, {nodes} road nodes), so they cannot stand "
    "for a study area or make a walk network.": (
        "道路没有覆盖任何面积（{width} m × {height} m，道路节点 {nodes} 个），既不能代表研究范围，也无法构成步行路网。"
    ),
    "Give an extract with the sub-district's street network, or give the study area with "
    "--boundary FILE or --bbox W,S,E,N.": (
        "请给出包含街道路网的数据，或用 --boundary FILE 或 --bbox W,S,E,N 给出研究范围。"
    ),
    "The boundary layer holds no polygons.": "边界图层中没有多边形。",
    "Give a polygon layer of the study area or its sub-units (居委).": "请给出研究范围或其下级单元（居委）的多边形图层。",
    "Boundary unit ids are not unique: {dupes}.": "边界单元编号不唯一：{dupes}。",
    "Name a column of unique ids with study_area.id_column.": "请用 study_area.id_column 指定一个编号唯一的列。",
    "{n} pair(s) of boundary sub-units overlap, so the people in the overlap would be counted in "
    "one unit only: {pairs}.": "有 {n} 对边界单元相互重叠，重叠区内的居民只会计入其中一个单元：{pairs}。",
    "Correct the unit polygons so they do not overlap (QGIS: Vector > Geometry Tools > Check "
    "Validity, or the Topology Checker), or merge duplicated units. Overlaps under {share} of "
    "the smaller unit are trimmed by themselves.": (
        "请修正单元多边形使其不重叠（QGIS：矢量 > 几何工具 > 检查有效性，或拓扑检查器），或合并重复的单元。"
        "小于较小单元 {share} 的重叠会被自动裁去。"
    ),
    "The study area holds no roads, so nobody can walk anywhere.": "研究范围内没有道路，因此无法步行到任何地方。",
    "study area bounds (W,S,E,N) {bounds}": "研究范围边界（W,S,E,N）{bounds}",
    "Check that the bounding box or boundary lies inside the extract (lon first, then lat), or "
    "use an extract that covers the area.": (
        "请检查范围框或边界是否位于数据范围内（先经度后纬度），或使用覆盖该区域的数据。"
    ),
    "Two facility lists give the same facility ids {ids}, so one would hide the other.": (
        "两份设施清单给出了相同的设施编号 {ids}，一份会遮盖另一份。"
    ),
    "Rename one of the files (ids are prefixed with the file name), or map a facility_id column "
    "whose values differ between the lists.": (
        "请给其中一个文件改名（编号以文件名为前缀），或对应一个在两份清单间取值不同的 facility_id 列。"
    ),
    "The inputs hold no roads, so there is no walk network.": "输入中没有道路，因此没有步行路网。",
    "Give an OSM extract with highway ways (--osm) or a road line layer.": (
        "请给出含 highway 路径的 OSM 数据（--osm）或道路线图层。"
    ),
    "The grid cell size must be positive, got {size} m.": "网格单元大小必须为正，实际为 {size} m。",
    "Use a size such as 100–250 m.": "请使用 100–250 m 之类的大小。",
    "Unknown grid shape '{shape}'.": "未知的网格形状 '{shape}'。",
    "Use hexagon or square.": "请使用 hexagon（六边形）或 square（正方形）。",
    # --- input report (summary.json input_report: layers.prepare, placement, assemble, osm,
    # geofabrik, dedupe, planner_files; the readers' issues and prose details) ---
    "points of interest outside every profile category (not used)": (
        "不属于任何标准类别的兴趣点（未使用）"
    ),
    "source facilities replaced by the planner's own list": "被规划清单替换的数据源设施",
    "no facility of category '{cat}' (reported as no data, not as a service gap)": (
        "类别 {cat} 没有任何设施（报告为无数据，而非服务缺口）"
    ),
    "facilities serving several categories (one row per category, ids '<id>#<category>')": (
        "同时服务多个类别的设施（每个类别一行，编号为“<编号>#<类别>”）"
    ),
    "buildings counted as housing (untyped rule: {rule})": (
        "计为住宅的建筑（未标用途建筑的规则：{rule}）"
    ),
    "buildings ignored: {reason}": "未计入的建筑：{reason}",
    "housing without levels or height; {levels} levels assumed": (
        "住宅缺少层数或高度，假定为 {levels} 层"
    ),
    "residents of areas with no housing": "所在分区没有住宅、未能分配的居民",
    "raster residents in pixels with no housing": "人口栅格中落在无住宅像元的居民",
    "grid cells in water dropped": "位于水域、已舍弃的网格单元",
    "grid cells farther than {m} m from any road dropped": "距任何道路超过 {m} 米、已舍弃的网格单元",
    "residents not placed on any grid cell": "未能分配到任何网格单元的居民",
    "population method: {method}": "人口方法：{method}",
    "sub-unit overlaps under {share} of the smaller unit trimmed (kept by the unit listed first)": (
        "小于较小单元 {share} 的子单元重叠已裁去（归先列出的单元）"
    ),
    "invalid geometries repaired (shapely.make_valid)": "无效几何已修复（shapely.make_valid）",
    "empty geometries dropped": "空几何已舍弃",
    "planner facilities beyond the study area and its {m} m halo (not used)": (
        "位于研究范围及其 {m} 米缓冲区以外的规划清单设施（未使用）"
    ),
    "planner facilities outside the study area, within the halo (used)": (
        "位于研究范围以外、缓冲区以内的规划清单设施（已使用）"
    ),
    "the same feature in two sources (kept once)": "两个数据源中的同一要素（只保留一个）",
    "Geofabrik layer without attributes skipped": "缺少属性表的 Geofabrik 图层已跳过",
    "ways cut at the extract edge": "在数据范围边缘被截断的路径",
    "pedestrian areas read as walkable (outline and straight crossings)": (
        "步行广场按可步行处理（沿外轮廓及直线穿越）"
    ),
    "areas that could not be assembled (incomplete rings)": "无法组装的面（环不完整）",
    "duplicate facilities merged (node and area, or one place in two sources)": (
        "已合并的重复设施（点与面，或两个数据源中的同一地点）"
    ),
    "duplicate facility merged": "已合并的重复设施",
    "planner rows dropped by category_values: null": "按 category_values: null 舍弃的规划清单行",
    "they would have held {n} residents at the assumed density": "按假定密度约有 {n} 名居民",
    "first ids: {ids}": "前几个编号：{ids}",
    "{n} referenced nodes are missing from the file; the ways were split at the gaps and kept "
    "where 2+ nodes remain": (
        "文件中缺少 {n} 个被引用的节点；路径在缺口处断开，保留仍有 2 个以上节点的部分"
    ),
    "{n} crossing lines between the points where other ways meet the areas": (
        "在其他路径与广场相接的点之间加入 {n} 条穿越线"
    ),
    "usually multipolygons cut at the extract edge": "通常是在数据范围边缘被截断的多面",
    "{file}: columns {cols} missing ({dbf} is {size} bytes); download the extract again to use "
    "this layer": "{file}：缺少字段 {cols}（{dbf} 为 {size} 字节）；请重新下载该数据以使用此图层",
    # --- spatial engine (spatial.*) ---
    "Longitude {lon} is not a number between -180 and 180 degrees.": "经度 {lon} 不是 -180 到 180 度之间的数。",
    "Pass the study area's centre as (lon, lat) in WGS84 degrees.": "请以 WGS84 度数给出研究范围中心 (经度, 纬度)。",
    "Latitude {lat} is not a number between -90 and 90 degrees.": "纬度 {lat} 不是 -90 到 90 度之间的数。",
    "Pass (lon, lat) in this order, in WGS84 degrees; they may be swapped.": (
        "请按 (经度, 纬度) 的顺序给出 WGS84 度数；两者可能写反了。"
    ),
    "{n} points have missing or non-numeric coordinates (rows {rows}...).": "有 {n} 个点的坐标缺失或不是数字（第 {rows} 行……）。",
    "Fill in or drop these rows before loading.": "请在读取前填写或删除这些行。",
    "{n} latitudes are outside -90..90 degrees (rows {rows}). {hint}": (
        "有 {n} 个纬度超出 -90..90 度（第 {rows} 行）。{hint}"
    ),
    "Swap the lon/lat column mapping, or check that the data is in degrees and not in a projected "
    "CRS.": "请对调经度/纬度列的对应关系，或检查数据是否为度数而不是投影坐标。",
    "{n} longitudes are outside -180..180 degrees (rows {rows}).": "有 {n} 个经度超出 -180..180 度（第 {rows} 行）。",
    "Check that the data is in WGS84 degrees and not in a projected CRS (metres); give the source "
    "CRS if it is projected.": "请检查数据是否为 WGS84 度数而不是投影坐标（米）；若为投影坐标，请给出其坐标系。",
    "Road layer holds a {kind} at row {row}; roads must be lines.": "道路图层第 {row} 行是 {kind}；道路必须是线。",
    "roads, row {row}": "道路，第 {row} 行",
    "Keep only LineString/MultiLineString features in the road layer.": "道路图层中只能保留 LineString/MultiLineString 要素。",
    "The study area has no walkable roads: after removing empty and zero-length lines no road "
    "segment is left.": "研究范围内没有可步行的道路：去掉空线和零长度线后没有剩下任何路段。",
    "roads layer": "道路图层",
    "The study area has no walkable roads: the road layer is empty.": "研究范围内没有可步行的道路：道路图层为空。",
    "A road line has NaN or infinite coordinates.": "有一条道路线的坐标为 NaN 或无穷大。",
    "Repair or drop that feature before building the graph.": "请在构建路网前修复或删除该要素。",
    "The study area has no walkable roads: no line has two distinct vertices.": (
        "研究范围内没有可步行的道路：没有一条线有两个不同的顶点。"
    ),
    "The study area has no walkable roads: no line has two vertices.": "研究范围内没有可步行的道路：没有一条线有两个顶点。",
    "The study area has no walkable roads: every road segment has zero length.": (
        "研究范围内没有可步行的道路：所有路段长度都为零。"
    ),
    "Barrier {row} is a {kind}; only lines and polygons bar a connector.": "障碍第 {row} 个是 {kind}；只有线和面能阻隔连接线。",
    "barriers, row {row}": "障碍，第 {row} 行",
    "Keep only lines (rivers, railways) and polygons (water areas); split geometry collections "
    "into their parts.": "请只保留线（河流、铁路）和面（水域）；把几何集合拆分为各个部分。",
    "Unknown CRS '{text}'.": "未知的坐标系 '{text}'。",
    # --- output folders (lifecircle.output_guard, maps.atomic) ---
    "The output folder {target} is {label}; lifecircle replaces its output folder as a whole, "
    "so it never writes there.": "输出文件夹 {target} 是{label}；lifecircle 会整体替换输出文件夹，因此从不写入那里。",
    "Choose a new folder, for example {where} {example}.": "请另选一个新文件夹，例如 {where} {example}。",
    "The output path {target} is a file, not a folder.": "输出路径 {target} 是文件，不是文件夹。",
    "Choose a folder name (new, empty, or an earlier lifecircle output).": (
        "请给出一个文件夹名（新的、空的，或此前的 lifecircle 输出）。"
    ),
    "The output folder {target} is a mount point; lifecircle replaces its output folder as a "
    "whole, which a mount point does not allow.": (
        "输出文件夹 {target} 是挂载点；lifecircle 会整体替换输出文件夹，而挂载点不允许这样做。"
    ),
    "Choose a folder inside it, for example {where} {example}.": "请选择其中的一个文件夹，例如 {where} {example}。",
    "The folder {target} already exists and is not a lifecircle output (it has no {marker}); "
    "lifecircle replaces only its own output folders, so it left the folder untouched.": (
        "文件夹 {target} 已存在且不是 lifecircle 的输出（其中没有 {marker}）；lifecircle 只替换自己的输出"
        "文件夹，因此没有改动该文件夹。"
    ),
    "Choose a new or empty folder, for example {example}.": "请选择一个新的或空的文件夹，例如 {example}。",
    "The output folder {target} holds files lifecircle did not write ({shown}); replacing it "
    "would delete them.": "输出文件夹 {target} 中有并非 lifecircle 写出的文件（{shown}）；替换它会删除这些文件。",
    "Move those files out of the folder, or choose a new output folder.": "请把这些文件移出该文件夹，或另选输出文件夹。",
    "{existing} is a file, so {target} cannot be created under it.": "{existing} 是文件，因此无法在其下创建 {target}。",
    "Check the path.": "请检查路径。",
    "The output {path} is a folder; `lifecircle layers` writes one GeoPackage file.": (
        "输出 {path} 是文件夹；`lifecircle layers` 写出的是一个 GeoPackage 文件。"
    ),
    "Give a file name, for example {where} {example}.": "请给出文件名，例如 {where} {example}。",
    "The output {path} does not end in .gpkg; `lifecircle layers` writes a GeoPackage.": (
        "输出 {path} 的扩展名不是 .gpkg；`lifecircle layers` 写出的是 GeoPackage。"
    ),
    "Name the file with .gpkg, for example {where} {example}.": "请以 .gpkg 为扩展名，例如 {where} {example}。",
    "The file {path} already exists and was not written by `lifecircle layers`, so it was left "
    "untouched.": "文件 {path} 已存在且不是 `lifecircle layers` 写出的，因此没有改动。",
    "Choose a new file name, or delete the file yourself if you no longer need it.": (
        "请另选文件名；如不再需要该文件，请自行删除。"
    ),
    "The name '{part}…' is {size} bytes long; this file system allows {limit} bytes per name.": (
        "名称 '{part}…' 长 {size} 字节；该文件系统的名称最长为 {limit} 字节。"
    ),
    "Use a shorter folder or file name.": "请使用更短的文件夹名或文件名。",
    "The output {target} is inside the run folder {rewrites} it reads.": "输出 {target} 位于其读取的运行文件夹 {rewrites} 之内。",
    "Leave out {where} to rewrite {rewrites}, or choose a folder outside it.": (
        "去掉 {where} 即改写 {rewrites}，或选择其外的文件夹。"
    ),
    "The output {target} is also an input of this run; lifecircle never writes over an input.": (
        "输出 {target} 也是本次运行的输入；lifecircle 从不覆盖输入。"
    ),
    "Choose another output name.": "请另选输出名称。",
    "The output folder {target} holds the input {path}; replacing the folder would delete it.": (
        "输出文件夹 {target} 中有输入 {path}；替换该文件夹会删除它。"
    ),
    "Another lifecircle run kept {target} locked for {seconds} s.": "另一个 lifecircle 运行锁定 {target} 已达 {seconds} 秒。",
    "Wait for the other run to finish, or delete {path} if none is running.": (
        "请等待另一个运行结束；如没有在运行，请删除 {path}。"
    ),
    "Cannot write {path}: {reason} ({detail}).": "无法写入 {path}：{reason}（英文原文：{detail}）。",
    "Cannot write {path}: the disk is full ({free} bytes free; the writer said: {exc}). The "
    "earlier output, if any, is unchanged.": (
        "无法写入 {path}：磁盘已满（剩余 {free} 字节；英文原文：{exc}）。此前的输出（如有）未改动。"
    ),
    "Free some space, or choose a folder on another disk.": "请释放一些空间，或选择另一块磁盘上的文件夹。",
    "{folder} is a file, not a folder.": "{folder} 是文件，不是文件夹。",
    "Give the path of a folder (new or existing), not of a file.": "请给出文件夹（新的或已有的）路径，而不是文件路径。",
    "{path} is a folder, not a file.": "{path} 是文件夹，不是文件。",
    "Give a file name that is not an existing folder.": "请给出一个不是已有文件夹的文件名。",
    "Cannot write {path}: the disk is full ({detail}).": "无法写入 {path}：磁盘已满（英文原文：{detail}）。",
    "the disk is full": "磁盘已满",
    "the disk quota is used up": "磁盘配额已用完",
    "the file system is read-only": "文件系统为只读",
    "permission denied": "没有权限",
    "the operation is not permitted": "不允许该操作",
    "a name in the path is too long": "路径中的名称过长",
    "a part of the path is a file, not a folder": "路径中的某一部分是文件，不是文件夹",
    "a file is in the way": "有一个文件挡在那里",
    "a folder on the path does not exist or cannot be created": "路径上的文件夹不存在或无法创建",
    "a folder is in the way": "有一个文件夹挡在那里",
    "the path is in use (a mount point?)": "路径正在使用中（挂载点？）",
    "the path crosses file systems": "路径跨越了不同的文件系统",
    "Free some space, or choose another folder.": "请释放一些空间，或另选文件夹。",
    "Choose a folder you can write to.": "请选择你有写权限的文件夹。",
    "Use a shorter name (at most 255 bytes per folder or file name).": "请使用更短的名称（每个文件夹名或文件名最多 255 字节）。",
    "Check the path, or choose another name.": "请检查路径，或另选名称。",
    "Check the path, or choose a folder you can write to.": "请检查路径，或选择你有写权限的文件夹。",
    "Choose a file name that is not a folder.": "请选择一个不是文件夹的文件名。",
    "Choose a folder inside it instead.": "请改为选择其中的一个文件夹。",
    "the root of the file system": "文件系统的根目录",
    "the working folder": "当前工作文件夹",
    "your home folder": "你的主文件夹",
    "a folder that holds {label} ({base})": "包含{label}的文件夹（{base}）",
    "{path}, rows {rows} (row numbers as Excel shows them: the header is row 1)": (
        "{path}，第 {rows} 行（按 Excel 显示的行号：表头为第 1 行）"
    ),
    "{path}, features {rows} (counted from 1 in file order)": "{path}，第 {rows} 个要素（按文件顺序从 1 计）",
    "{sources} (no --bbox or --boundary given, so the roads' extent is the study area)": (
        "{sources}（没有给出 --bbox 或 --boundary，因此以道路范围作为研究范围）"
    ),
    "{where}: {bounds}": "{where}：{bounds}",
    "study area boundary (W,S,E,N)": "研究范围边界（W,S,E,N）",
    "{first} ({first_id}) and {second} ({second_id}): {area} m², {share} of the smaller": (
        "{first}（{first_id}）与 {second}（{second_id}）：{area} m²，占较小单元的 {share}"
    ),
    "{one}; {other}": "{one}；{other}",
    "{one}, {other}": "{one}，{other}",
    # --- map options (maps.options, maps.labels, lifecircle.map) ---
    "Unknown map kind '{kind}'.": "未知的地图类型 '{kind}'。",
    "Unknown map language '{lang}'.": "未知的地图语言 '{lang}'。",
    "Use 'zh' (Chinese, the default) or 'en' (English).": "请使用 'zh'（中文，默认）或 'en'（英文）。",
    "Unknown basemap '{basemap}'.": "未知的底图 '{basemap}'。",
    "max_demand_points must be at least 1, got {value}.": "max_demand_points 至少为 1，实际为 {value}。",
    "Give a positive number such as 20000.": "请给出正数，例如 20000。",
    "dpi must be between 50 and 1200, got {value}.": "dpi 必须在 50 到 1200 之间，实际为 {value}。",
    "Use 150 for screens or 300 for print.": "屏幕用 150，打印用 300。",
    "The Tianditu basemap needs a key (天地图 key), and none was given.": "天地图底图需要密钥，但没有给出。",
    "Set LIFECIRCLE_TIANDITU_KEY (or maps.tianditu_key in the run config), or choose another "
    "basemap (osm, amap, none).": (
        "请设置 LIFECIRCLE_TIANDITU_KEY（或运行配置中的 maps.tianditu_key），或选择其他底图（osm、amap、none）。"
    ),
    # --- sites (lifecircle.sites, analyses.siting) ---
    "The run folder {folder} has no {name}, and the profile file it used ({path}) is gone.": (
        "运行文件夹 {folder} 中没有 {name}，其使用的标准配置文件（{path}）也已不在。"
    ),
    "Put the profile file back at that path, or re-run `lifecircle run` so the run folder keeps "
    "its own {name}.": "请把标准配置文件放回原路径，或重新运行 `lifecircle run`，让运行文件夹保留自己的 {name}。",
    "results.gpkg lacks the layers {missing}.": "results.gpkg 缺少图层 {missing}。",
    "Which category should the new sites serve?": "新设施服务哪个类别？",
    "Add --category, one of: {choices}.": "请加上 --category，取以下之一：{choices}。",
    "The earlier run drew its maps on the Tianditu basemap (天地图), which needs a key, and no "
    "key is set.": "此前的运行以天地图为底图，需要密钥，但没有设置密钥。",
    "Set the environment variable LIFECIRCLE_TIANDITU_KEY to your Tianditu key and run "
    "`lifecircle sites` again.": "请把环境变量 LIFECIRCLE_TIANDITU_KEY 设为你的天地图密钥，然后重新运行 `lifecircle sites`。",
    "The proposed sites have no category.": "拟建设施没有类别。",
    "Add a 'category' column, or pass --category for all of them.": "请添加 'category' 列，或用 --category 为全部设施指定类别。",
    "The proposed sites have no 'category' column.": "拟建设施中没有 'category' 列。",
    "--evaluate file": "--evaluate 文件",
    "Add a category column with profile category ids (e.g. day_care), or pass --category for all "
    "of them.": "请添加取值为标准配置类别（例如 day_care）的 category 列，或用 --category 为全部设施指定类别。",
    "The proposed sites name unknown categories {unknown}.": "拟建设施中有未知的类别 {unknown}。",
    "--evaluate file, column category": "--evaluate 文件，category 列",
    "Use profile categories: {known}.": "请使用标准配置中的类别：{known}。",
    "Unknown category '{category}'.": "未知的类别 '{category}'。",
    "Candidate spacing must be positive, got {value} m.": "候选点间距必须为正，实际为 {value} m。",
    "Use e.g. 100–200 m.": "请使用例如 100–200 m。",
    "{n} candidate capacities are not numbers (first: {first}).": "有 {n} 个候选点的容量不是数字（第一个：{first}）。",
    "Give capacity as a number of people, or leave the cell empty for the default.": (
        "请以人数给出容量，或留空以使用默认值。"
    ),
    "Candidate capacities must be zero or more people and finite.": "候选点容量必须是零或更多的有限人数。",
    "Correct the negative or infinite values.": "请修正负值或无穷大值。",
    "{n} candidate sites have no capacity, and the profile gives no default capacity for "
    "'{category}'.": "有 {n} 个候选点没有容量，标准配置也没有给出 '{category}' 的默认容量。",
    "The profile's default capacity for '{category}' is in {unit}, not a number of people, so it "
    "cannot cap the people a site serves.": (
        "标准配置中 '{category}' 的默认容量单位为 {unit}，不是人数，因此不能限制设施服务的人数。"
    ),
    "There are no candidate sites for '{category}'.": "没有 '{category}' 的候选点。",
    "candidates": "候选点",
    "Give a candidates file (--candidates) or check that the category has gap zones.": (
        "请给出候选点文件（--candidates），或检查该类别是否有缺口区。"
    ),
    "Give exactly one of k (number of sites) and target_share.": "k（设施数量）和 target_share 只能给出其一。",
    "For example --k 3, or --target-share 0.99.": "例如 --k 3，或 --target-share 0.99。",
    "The capacity-aware model answers --k, not --target-share.": "考虑容量的模型只回答 --k，不回答 --target-share。",
    "--capacitated with --target-share": "--capacitated 与 --target-share 同用",
    "Drop --capacitated, or ask for a number of sites with --k.": "请去掉 --capacitated，或用 --k 指定设施数量。",
    "Candidates were given and generation was asked for; use one.": "既给出了候选点又要求生成候选点；只能选其一。",
    "--candidates with --generate": "--candidates 与 --generate 同用",
    "Drop --generate to use the file, or drop --candidates to generate.": (
        "去掉 --generate 即使用文件，去掉 --candidates 即自动生成。"
    ),
    "The candidate sites have no 'candidate_id' column.": "候选点中没有 'candidate_id' 列。",
    "Add a candidate_id column with a stable id per site.": "请添加 candidate_id 列，每个候选点一个固定编号。",
    "The candidate sites have no coordinate reference system.": "候选点没有坐标系。",
    "{n} candidate sites have no geometry (first: {first}).": "有 {n} 个候选点没有几何（第一个：{first}）。",
    "Give every candidate a point or polygon, or drop those rows.": "请给每个候选点一个点或面，或删除这些行。",
    "Candidate ids repeat (first: {first}).": "候选点编号重复（第一个：{first}）。",
    "candidates, column candidate_id": "候选点，candidate_id 列",
    "Give each candidate site its own id.": "请给每个候选点一个独立编号。",
    "k must be a whole number of sites, got {k}.": "k 必须是整数个设施，实际为 {k}。",
    "k = {k} new sites, but there are {n} candidates.": "k = {k} 处新设施，但只有 {n} 个候选点。",
    "Choose k between 1 and {n}.": "请在 1 到 {n} 之间选择 k。",
    "target_share must be in (0, 1], got {value}.": "target_share 必须在 (0, 1] 内，实际为 {value}。",
    "Give a share such as 0.99 for 99%.": "请给出比例，例如 0.99 表示 99%。",
    "target_share must be a number, got {value}.": "target_share 必须是数字，实际为 {value}。",
    "All demand weights are zero, so there is nobody to cover.": "所有需求权重都为零，因此没有人需要覆盖。",
    "Check the population column used as demand weight.": "请检查用作需求权重的人口列。",
}
