"""The command line's words in Chinese and English: help texts, examples and the language rule.

:mod:`lifecircle.cli` builds its parser from these tables, so a help text is
changed here once for both languages. Every command line in :data:`EXAMPLES`
runs in ``tests/test_cli_examples.py`` exactly as written.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
# locale variables in POSIX precedence: the first one set decides
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
NEUTRAL_LOCALES = ("", "C", "POSIX")

HELP: dict[str, tuple[str, str]] = {  # key: (zh, en)
    "description": (
        "基于步行路网的上海街道 15 分钟社区生活圈、10 分钟健身圈和 15 分钟养老服务圈覆盖分析。",
        "Network-based 15-minute life circle, fitness circle and elderly-care coverage for "
        "Shanghai sub-districts.",
    ),
    "help": ("显示本帮助并退出", "show this help message and exit"),
    "version": ("显示版本号并退出", "show the version number and exit"),
    "commands": ("命令", "commands"),
    "positionals": ("位置参数", "positional arguments"),
    "options": ("选项", "options"),
    "usage": ("用法：", "usage: "),
    "epilog_title": ("示例：", "examples:"),
    "lang_rule": (
        "语言：--lang，否则运行配置的 maps.lang，否则区域设置（LC_ALL / LC_MESSAGES / LANG 以 zh "
        "开头为中文，其他非 C/POSIX 区域设置为英文），否则中文。",
        "Language: --lang, else the run config's maps.lang, else the locale (LC_ALL / "
        "LC_MESSAGES / LANG starting with zh: Chinese; any other but C/POSIX: English), "
        "else Chinese.",
    ),
    "cmd_demo": (
        "在内置的合成示范街道上运行全部分析",
        "run everything on the embedded synthetic district",
    ),
    "cmd_run": ("用你的数据运行分析", "run the analyses on your data"),
    "cmd_layers": (
        "把输入整理为一个 GeoPackage（供 QGIS 使用）",
        "normalize inputs into one GeoPackage for QGIS",
    ),
    "cmd_sites": (
        "推荐新设施选址，或评估拟建设施",
        "recommend new facility sites, or evaluate proposed ones",
    ),
    "profile": (
        "标准配置：shanghai、gb50180-2018 或 .yml 文件路径",
        "standards profile: shanghai, gb50180-2018, or a .yml path",
    ),
    "quiet": ("不显示进度信息", "no progress lines"),
    "lang": (
        "输出语言：zh 或 en（地图、报告、表格和信息）",
        "language of maps, report, tables and messages: zh or en",
    ),
    "lang_messages": (
        "信息语言：zh 或 en（sites 的地图和报告沿用此前运行的语言）",
        "language of messages: zh or en (sites keeps the earlier run's language in its maps)",
    ),
    "basemap": (
        "none：由图层绘制的矢量底图（含道路名和地名，无天地图密钥时为默认）；tianditu（环境变量 "
        "LIFECIRCLE_TIANDITU_KEY 有密钥时为默认）；osm；amap（GCJ-02）",
        "none: vector basemap with road and place names, drawn from the layers (default "
        "without a Tianditu key); tianditu (default with a key in LIFECIRCLE_TIANDITU_KEY); "
        "osm; amap (GCJ-02)",
    ),
    "offline": (
        "无论何种底图都不加载瓦片（页面总是自包含：Leaflet 已内嵌）",
        "no tiles whatever the basemap (pages are always self-contained: Leaflet is inlined)",
    ),
    "dpi": ("静态 PNG 地图的分辨率（打印用 300）", "resolution of static PNG maps (300 for print)"),
    "output_crs": (
        "results.gpkg 的坐标系：analysis（分析用 UTM 分带，默认）或 cgcs2000（CGCS2000 3 度带"
        "高斯-克吕格，国内规划部门常用）",
        "CRS of results.gpkg: analysis (the run's UTM zone, default) or cgcs2000 (CGCS2000 "
        "3-degree Gauss-Kruger, as Chinese bureaus use)",
    ),
    "osm": (
        "OSM 数据文件（.osm、.osm.bz2、.osm.pbf），可重复",
        "OSM extract (.osm, .osm.bz2, .osm.pbf); may repeat",
    ),
    "geofabrik": (
        "Geofabrik shapefile 文件夹（gis_osm_*_free_1.shp），可重复",
        "Geofabrik shapefile folder (gis_osm_*_free_1.shp); may repeat",
    ),
    "layers": ("`lifecircle layers` 写出的图层文件", "layers written by `lifecircle layers`"),
    "boundary": (
        "研究范围多边形（GeoPackage、Shapefile、GeoJSON）",
        "study area polygons (GeoPackage, Shapefile, GeoJSON)",
    ),
    "bbox": ("研究范围矩形，单位为度", "study area box in degrees"),
    "config": ("运行配置 YAML 文件", "run configuration YAML"),
    "out_demo": ("输出文件夹（默认 out/demo）", "output folder (default out/demo)"),
    "out_run": (
        "输出文件夹（默认：配置中的 output，否则 out/run）",
        "output folder (default: config's output or out/run)",
    ),
    "out_layers": ("输出的 .gpkg 文件", "output .gpkg"),
    "out_sites": (
        "输出文件夹（默认：改写 --from 文件夹）",
        "output folder (default: rewrite --from)",
    ),
    "from": (
        "此前 `lifecircle run` 或 `demo` 的输出文件夹",
        "output folder of an earlier `lifecircle run` or `demo`",
    ),
    "category": (
        "新设施服务的设施类别（运行所用标准配置中的类别）：{choices}",
        "profile category the new sites serve (of the run's profile): {choices}",
    ),
    "k": ("新设施数量（最大覆盖）", "number of new sites (maximal covering)"),
    "target_share": (
        "达到此覆盖比例所需的最少设施数，如 0.99",
        "fewest sites reaching this covered share, e.g. 0.99",
    ),
    "evaluate": (
        "要评估的拟建设施文件（含 category 列）",
        "proposed sites (with a category column) to evaluate",
    ),
    "candidates": (
        "候选地块（空地……）；默认：运行中的候选点，否则自动生成",
        "candidate sites (vacant plots...); default: the run's, else generated",
    ),
    "generate": (
        "在缺口区内沿街道生成候选点（不可与 --candidates 同用）",
        "generate candidates along streets inside the gap zones (not with --candidates)",
    ),
    "spacing_m": (
        "沿街生成候选点的间距，米",
        "spacing of generated candidates along streets, metres",
    ),
    "method": (
        "求解方法：auto（先贪心，未证明最优时用 HiGHS）、milp（HiGHS）或 greedy",
        "solver: auto (greedy, then HiGHS when not proven), milp (HiGHS) or greedy",
    ),
    "capacitated": (
        "每处设施最多服务其容量人数（capacity 列，否则为标准配置中该类别的默认值）；与 --k 同用",
        "a site serves at most its capacity in people (capacity column, else the profile's "
        "default for the category); with --k",
    ),
    "time_limit": ("求解时间上限，秒", "solver time limit, seconds"),
    "crs": (
        "CSV 文件的坐标：EPSG:4326（默认）、gcj02（高德）、bd09（百度）",
        "coordinates of a CSV file: EPSG:4326 (default), gcj02 (AMap), bd09 (Baidu)",
    ),
    "cmd_batch": (
        "在 Dask 上运行一个边界文件中的每个街道/镇，并生成全市汇总表",
        "run every sub-district (街道/镇) of one boundary file on Dask, with a city table",
    ),
    "batch_config": (
        "运行配置 YAML 文件（study_area.boundary 需有 name_column）",
        "run configuration YAML (study_area.boundary with name_column)",
    ),
    "scheduler": (
        "已在运行的 Dask 调度器，例如 tcp://10.0.0.5:8786（默认：本机集群）",
        "a running Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster)",
    ),
    "workers": (
        "本机集群的工作进程数（默认：CPU 核数）",
        "worker processes of the local cluster (default: cores)",
    ),
    "resume": (
        "跳过文件夹已完整且由同一配置生成的单元",
        "skip units whose folder is complete and made with the same config",
    ),
    "out_batch": (
        "输出文件夹（默认：配置中的 output）",
        "output folder (default: the config's output)",
    ),
    "open_files": ("请打开以下文件：", "Open these files:"),
    "interrupted": (
        "已中断；输出未改动，没有留下写了一半的文件。",
        "interrupted; the output was not changed and nothing half-written was left.",
    ),
    "terminated": (
        "已终止（SIGTERM）；输出未改动，没有留下写了一半的文件。",
        "terminated (SIGTERM); the output was not changed and nothing half-written was left.",
    ),
}

# per command: (comment zh, comment en, command line); every line runs in a test as written
EXAMPLES: dict[str, list[tuple[str, str, str]]] = {
    "demo": [
        (
            "合成示范街道，中文输出",
            "the synthetic district, Chinese outputs",
            "lifecircle demo -o out/demo",
        ),
        (
            "英文输出，不显示进度",
            "English outputs, no progress lines",
            "lifecircle demo -o out/demo-en --lang en -q",
        ),
    ],
    "run": [
        (
            "宜川路街道一带，使用 OSM 数据",
            "the Yichuan Road area from OSM data",
            "lifecircle run --osm ../shared/data/shanghai-central/roads.osm "
            "--geofabrik ../shared/data/shanghai-central/geofabrik "
            "--bbox 121.425,31.248,121.452,31.272 -o out/yichuan",
        ),
    ],
    "layers": [
        (
            "整理为一个 GeoPackage，在 QGIS 中打开",
            "one GeoPackage to open in QGIS",
            "lifecircle layers --osm ../shared/data/shanghai-central/roads.osm -o out/layers.gpkg",
        ),
    ],
    "batch": [
        (
            "上海中心城区的 12 个单元，两个工作进程（在代码库根目录运行）",
            "the 12 units of the central box on two workers (from the repository root)",
            "lifecircle batch examples/batch_central.yml --workers 2",
        ),
    ],
    "sites": [
        (
            "在示范街道新增 2 处日间照料中心",
            "two new day-care centres in the demo district",
            "lifecircle sites --from out/demo --category day_care --k 2 -o out/demo-sites",
        ),
        (
            "覆盖 99% 老年人所需的最少助餐点",
            "the fewest meal points reaching 99% of older residents",
            "lifecircle sites --from out/demo --category meal_point --target-share 0.99 "
            "--generate -o out/demo-meals -q",
        ),
    ],
}


def text(key: str, lang: str) -> str:
    """The help text ``key`` in ``lang`` (zh or en)."""
    zh, en = HELP[key]
    return en if lang == "en" else zh


def epilog(command: str, lang: str) -> str:
    """The examples block of a subcommand's help: a comment line, then the command."""
    lines = [text("epilog_title", lang)]
    for zh, en, command_line in EXAMPLES[command]:
        lines += [f"  # {en if lang == 'en' else zh}", f"  {command_line}"]
    return "\n".join(lines)


def lang_from_argv(argv: Sequence[str]) -> str | None:
    """The ``--lang`` value in a command line, read before the parser exists (for --help).

    The last one counts, as for argparse.
    """
    found = None
    for position, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and position + 1 < len(argv):
            value = argv[position + 1]
        elif arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
        else:
            continue
        if value in LANGS:
            found = value
    return found


def lang_from_locale(environ: Mapping[str, str] | None = None) -> str | None:
    """zh or en from the locale variables; None for an unset, C or POSIX locale."""
    environ = os.environ if environ is None else environ
    for variable in LOCALE_VARIABLES:
        value = environ.get(variable, "")
        if value:
            name = value.split(".", 1)[0]
            if name in NEUTRAL_LOCALES:
                return None
            return "zh" if name.lower().startswith("zh") else "en"
    return None


def resolve_lang(
    option: str | None, config_lang: str | None = None, environ: Mapping[str, str] | None = None
) -> str:
    """The one language rule: --lang, else the config's maps.lang, else the locale, else zh."""
    for choice in (option, config_lang, lang_from_locale(environ)):
        if choice in LANGS:
            return choice
    return DEFAULT_LANG
