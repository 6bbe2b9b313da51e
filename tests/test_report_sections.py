"""report.html for planners (issue 13 §2): title, headline figures, per-居委 tables,
ranked 补缺 projects, sites section, and print furniture of the static maps."""

from __future__ import annotations

import base64
import json
import re
import shutil

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

from lifecircle.analyses.gap_projects import CAP_PER_CATEGORY, gap_projects, rank_projects
from lifecircle.maps import MapOptions, write_report
from lifecircle.maps import static as static_maps
from lifecircle.maps.labels import fmt_share
from lifecircle.maps.print_furniture import PRINT_WIDTH_IN
from lifecircle.maps.report_sections import project_table
from lifecircle.standards.profile import load_profile

SECTION_IDS = ("contents", "headline", "coverage", "units", "maps", "projects", "data")


@pytest.fixture(scope="module")
def reports(demo_run, demo_results, tmp_path_factory) -> dict[str, str]:
    """The demo's own report (zh) and the same run's report in English."""
    out = tmp_path_factory.mktemp("report_en")
    english = write_report(demo_results, out, MapOptions(lang="en"), [])
    return {
        "zh": (demo_run / "report.html").read_text(encoding="utf-8"),
        "en": english.read_text(encoding="utf-8"),
    }


def _section(html: str, section_id: str) -> str:
    """The HTML from the element with ``id`` (and its own heading) to the next <h2>."""
    start = html.index(f'id="{section_id}"')
    following = html.find("<h2", html.find("</h2>", start))
    return html[start : following if following > 0 else len(html)]


def _headers(table_html: str) -> list[str]:
    head = table_html[table_html.index("<thead>") : table_html.index("</thead>")]
    return [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<th[^>]*>(.*?)</th>", head)]


@pytest.mark.parametrize(
    ("lang", "name", "words"),
    [
        ("zh", "示范街道（合成数据）", ("目录", "主要指标", "补缺项目清单", "各居委指标")),
        (
            "en",
            "Demo sub-district (synthetic data)",
            ("Contents", "Key figures", "Gap-filling projects", "Figures per sub-unit"),
        ),
    ],
)
def test_report_sections_in_both_languages(reports, demo_results, lang, name, words):
    html = reports[lang]
    title = re.search(r"<h1>(.*?)</h1>", html).group(1)
    assert name in title and not title.rstrip().endswith("—")
    for word in words:
        assert word in html, word
    for section in SECTION_IDS:
        assert f'id="{section}"' in html, section
    contents = _section(html, "contents")
    targets = re.findall(r'href="#([^"]+)"', contents)
    assert set(SECTION_IDS) - {"contents"} <= set(targets)
    assert all(f'id="{target}"' in html for target in targets), "every contents link resolves"
    assert "sites" not in targets, "no sites section before `lifecircle sites`"

    headline = _section(html, "headline")
    care = demo_results.summary["care_coverage"]
    assert fmt_share(care["any_category_share"]) in headline
    assert fmt_share(care["all_categories_share"]) in headline
    fitness = demo_results.summary["fitness_circle"]
    area = fitness["sports_area_m2_per_person_within_reach"]
    assert f"{area:,.2f} m²" in headline and "2.6 m²" in headline
    assert "40 m²" in headline and "50 m²" in headline

    units = _section(html, "units")
    tables = re.findall(r'<table class="units">.*?</table>', units, flags=re.S)
    assert len(tables) == 3, "one per-居委 table for each circle"
    unit_names = demo_results.layerset.boundary["name_en" if lang == "en" else "name"]
    for table_html in tables:
        for unit in unit_names:
            assert f"<td>{unit}</td>" in table_html
    assert "units_map.png" in units

    projects = _section(html, "projects")
    headers = _headers(projects)
    expected = (
        ["编号", "类别", "居委", "最近道路", "居民（人）", "老年人（人）", "建议选址"]
        if lang == "zh"
        else [
            "Id",
            "Category",
            "Sub-unit",
            "Nearest road",
            "Residents",
            "Older residents",
            "Proposed site",
        ]
    )
    for header in expected:
        assert header in headers, (header, headers)
    assert any("WGS84" in h and "GCJ-02" in h for h in headers)
    first = "缺口-01" if lang == "zh" else "Gap-01"
    assert first in projects and "gap-" not in projects, "ids in the report's language"
    road_names = set(demo_results.layerset.roads["name"].dropna())
    cells = re.findall(r"<td>(.*?)</td>", projects)
    assert road_names & set(cells), "nearest road names as in the source"
    categories = re.findall(r"<tr><td>(?:缺口|Gap)-\d+</td><td>(.*?)</td>", projects)
    assert len(categories) >= 10
    has_chinese = [bool(re.search(r"[\u4e00-\u9fff]", c)) for c in categories]
    assert all(has_chinese) if lang == "zh" else not any(has_chinese), categories


def test_headline_says_no_data_rather_than_zero(demo_results, tmp_path):
    """Without sports areas the figure is "no data", never 0 m²."""
    summary = json.loads(json.dumps(demo_results.summary, default=str))
    summary["fitness_circle"]["sports_area_m2_per_person_within_reach"] = None
    frames = _with_summary(demo_results, summary)
    html = write_report(frames, tmp_path, MapOptions(lang="en"), []).read_text(encoding="utf-8")
    row = re.search(r"Sports area per resident.*?</tr>", _section(html, "headline"))
    assert "no data" in row.group(0) and "0.00 m²" not in row.group(0)


def _with_summary(results, summary):
    from lifecircle.analyses.subdistrict import RunFrames

    return RunFrames(
        demand=results.demand,
        facilities=results.facilities,
        service_areas=results.service_areas,
        gaps=results.gaps,
        tables=results.tables,
        summary=summary,
        access=results.access,
        layerset=results.layerset,
        profile=results.profile,
    )


def test_title_carries_the_config_name(tmp_path):
    """A run config's ``name:`` titles the report; without one, never a bare dash."""
    from lifecircle.config import RunConfig
    from lifecircle.pipeline import run
    from tests.osm_fixtures import grid_osm

    osm = grid_osm(
        tmp_path / "g.osm",
        n=8,
        spacing_m=100.0,
        facilities=[(350, 350, {"amenity": "kindergarten", "name": "中心幼儿园"})],
    )
    named = run(
        RunConfig(
            name="宜川路街道", osm=[osm], output=tmp_path / "named", maps={"basemap": "none"}
        ),
        quiet=True,
    )
    html = (named.folder / "report.html").read_text(encoding="utf-8")
    assert re.search(r"<h1>[^<]*宜川路街道</h1>", html)
    plain = run(
        RunConfig(osm=[osm], output=tmp_path / "plain", maps={"basemap": "none", "lang": "en"}),
        quiet=True,
    )
    title = re.search(r"<h1>(.*?)</h1>", (plain.folder / "report.html").read_text("utf-8"))
    assert title.group(1).endswith("— Study area"), title.group(1)


# ------------------------------------------------------------------------------------------
# the ranked 补缺 project list
# ------------------------------------------------------------------------------------------


def test_demo_top_ten_is_not_swamped_by_one_category(demo_results):
    """Rule: in the top 10, no category has more than CAP_PER_CATEGORY rows, and a fitness
    project counts only residents who reach no fitness facility at all."""
    projects = project_table(demo_results)
    top = projects.head(10)
    assert top["category"].value_counts().max() <= CAP_PER_CATEGORY
    assert top["circle"].nunique() >= 2
    # the naive order (people in the zone) is what the issue saw: mostly fitness gaps
    zones = demo_results.gaps[demo_results.gaps["kind"] == "category"]
    fitness_cats = set(demo_results.profile.circles["fitness_circle"].categories)
    fitness_cats -= set(demo_results.profile.circles["life_circle"].categories)
    naive = zones.sort_values("people_affected", ascending=False).head(10)
    ranked = top[top["category"].isin(fitness_cats)]
    assert len(ranked) < naive["kind_key"].isin(fitness_cats).sum()
    lacking = ~demo_results.demand["fitness_ok"].astype(bool)
    fitness_rows = projects[projects["circle"] == "fitness_circle"]
    lacking_people = demo_results.demand["residents"][lacking].sum()
    assert (fitness_rows["circle_people"] <= lacking_people + 1e-6).all()
    assert projects["project_rank"].tolist() == list(range(1, len(projects) + 1))
    assert projects[["lon_wgs84", "lat_wgs84", "lon_gcj02", "lat_gcj02"]].notna().all().all()


def test_rank_caps_each_category_and_puts_zero_priority_last():
    table = pd.DataFrame(
        {
            "gap_id": [f"t{i}" for i in range(8)] + ["m0", "m1", "k0"],
            "category": ["fitness_trail"] * 8 + ["market"] * 2 + ["kindergarten"],
            "priority": [1000.0] * 8 + [500.0, 400.0, 0.0],
            "elderly": [1.0] * 11,
        }
    )
    ranks = rank_projects(table)
    order = table.assign(rank=ranks).sort_values("rank")["category"].tolist()
    assert order[:5] == ["fitness_trail"] * 3 + ["market"] * 2
    assert order[-1] == "kindergarten"
    assert sorted(ranks) == list(range(1, 12))


def test_fitness_zone_of_residents_with_another_fitness_facility_ranks_last():
    """A big zone lacking a fitness trail whose residents reach a fitness station brings
    nobody into the fitness circle; a smaller market gap ranks above it."""
    profile = load_profile("shanghai")
    crs = "EPSG:32651"
    xy = [(x, y) for x in range(0, 500, 100) for y in range(0, 300, 100)]
    n = len(xy)
    east = np.array([x >= 300 for x, _ in xy])
    demand = gpd.GeoDataFrame(
        {
            "residents": np.where(east, 50.0, 500.0),
            "elderly": np.where(east, 10.0, 100.0),
            "children": 5.0,
            "fitness_ok": True,
            **{f"min_{c}": 1.0 for c in profile.categories},
        },
        geometry=[Point(p) for p in xy],
        crs=crs,
    )
    demand.loc[~east, "min_fitness_trail"] = np.nan  # west: no trail, but everything else
    demand.loc[east, "min_market"] = np.nan  # east: no market
    gaps = gpd.GeoDataFrame(
        {
            "gap_id": ["gap-fitness_trail-001", "gap-market-001"],
            "kind": "category",
            "kind_key": ["fitness_trail", "market"],
            "categories": ["fitness_trail", "market"],
            "residents": [demand.residents[~east].sum(), demand.residents[east].sum()],
            "elderly": [demand.elderly[~east].sum(), demand.elderly[east].sum()],
            "people_affected": [demand.residents[~east].sum(), demand.residents[east].sum()],
            "nearest_walk_m": [np.nan, 700.0],
            "nearest_facility_id": [None, "f1"],
        },
        geometry=[box(-40, -40, 240, 240), box(260, -40, 440, 240)],
        crs=crs,
    )
    roads = gpd.GeoDataFrame(
        {"name": ["西路", "东路"]},
        geometry=[LineString([(100, -50), (100, 300)]), LineString([(400, -50), (400, 300)])],
        crs=crs,
    )
    boundary = gpd.GeoDataFrame(
        {"unit_id": ["u1"], "name": ["一居委"], "name_en": ["Unit 1"]},
        geometry=[box(-100, -100, 600, 400)],
        crs=crs,
    )
    projects = gap_projects(
        gaps,
        demand,
        profile,
        roads,
        boundary,
        {"f1": "东菜场"},
        {"life_circle": 0.5, "fitness_circle": 1.0, "care_coverage": 0.9},
    )
    assert n == 15
    assert projects["category"].tolist() == ["market", "fitness_trail"]
    assert projects.loc[1, "circle_people"] == 0.0 and projects.loc[0, "circle_people"] > 0
    assert projects.loc[0, "road"] == "东路" and projects.loc[1, "road"] == "西路"
    assert projects.loc[0, "nearest_facility_name"] == "东菜场"
    assert projects.loc[0, "unit_name"] == "一居委"


# ------------------------------------------------------------------------------------------
# sites in the report
# ------------------------------------------------------------------------------------------


def test_report_changes_after_sites_with_section_and_map(demo_run, tmp_path):
    from lifecircle.cli import main

    run_dir = tmp_path / "run"
    shutil.copytree(demo_run, run_dir)
    before = (run_dir / "report.html").read_text(encoding="utf-8")
    code = main(["sites", "--quiet", "--from", str(run_dir), "--category", "day_care", "--k", "2"])
    assert code == 0
    after = (run_dir / "report.html").read_text(encoding="utf-8")
    assert after != before
    assert 'href="#sites"' in after and 'id="sites"' in after
    sites_png = (run_dir / "maps" / "sites.png").read_bytes()
    assert base64.b64encode(sites_png).decode("ascii") in _section(after, "sites")
    for png in sorted((run_dir / "maps").glob("*.png")):  # the report shows maps/*.png
        assert base64.b64encode(png.read_bytes()).decode("ascii") in after, png.name
    block = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))["sites"]
    section = _section(after, "sites")
    headers = _headers(section)
    for header in ("优先序", "最近道路", "居委", "新增覆盖居民", "新增覆盖老人", "累计覆盖率"):
        assert header in headers, headers
    rows = re.findall(r"<tr><td class=\"num\">(\d+)</td>", section)
    assert rows == [str(s["rank"]) for s in block["sites"]]
    assert "上界" in section and "最优性差距" in section
    assert fmt_share(block["share_after"]) in section


# ------------------------------------------------------------------------------------------
# static maps: furniture, print size, and a map that never contradicts itself
# ------------------------------------------------------------------------------------------


def _texts(fig) -> dict[str, str]:
    found = {}
    for artist in fig.findobj():
        gid = artist.get_gid() if hasattr(artist, "get_gid") else None
        if gid and hasattr(artist, "get_text"):
            found[gid] = artist.get_text()
    return found


@pytest.mark.parametrize("kind", ["life_circle", "fitness_circle", "care_coverage"])
def test_static_maps_carry_print_furniture_and_readable_legends(demo_results, kind):
    fig = static_maps.map_figure(demo_results, kind, MapOptions())
    texts = _texts(fig)
    assert texts.get("north-arrow") == "北"
    assert texts.get("scale-bar", "").endswith(("m", "km"))
    assert "坐标系" in texts["source-crs"] and "EPSG:32651" in texts["source-crs"]
    assert "数据来源" in texts["source-crs"]
    # drawn at the printed width: a font size is its size on paper
    assert fig.get_figwidth() == pytest.approx(PRINT_WIDTH_IN)
    legends = [leg for ax in fig.axes if (leg := ax.get_legend()) is not None]
    assert legends
    for legend in legends:
        assert all(text.get_fontsize() >= 8 for text in legend.get_texts())


def test_png_width_is_the_print_width(demo_results):
    import io

    import matplotlib.image as mpimg

    data = static_maps.draw_map(demo_results, "care_coverage", MapOptions(dpi=100))
    pixels = mpimg.imread(io.BytesIO(data), format="png")
    assert abs(pixels.shape[1] - PRINT_WIDTH_IN * 100) <= 1, "not cropped or grown"


@pytest.mark.parametrize(
    ("kind", "served"),
    [
        ("life_circle", lambda d, r: d["life_circle_complete_with_data"].astype(bool)),
        ("fitness_circle", lambda d, r: d["fitness_ok"].astype(bool)),
        (
            "care_coverage",
            lambda d, r: pd.Series(static_maps.care_types_reached(r)[0] > 0, index=d.index),
        ),
    ],
)
def test_a_map_gap_never_covers_residents_it_shows_as_served(demo_results, kind, served):
    zones, label = static_maps.circle_gap(demo_results, kind, "zh")
    demand = demo_results.demand
    assert not zones.empty and label
    inside = demand.geometry.within(zones.union_all())
    assert inside.any()
    assert not (inside & served(demand, demo_results)).any()


def test_units_choropleth_and_chart_panels(demo_results):
    from lifecircle.maps.static_units import unit_figures

    figures = unit_figures(demo_results)
    assert len(figures) == len(demo_results.layerset.boundary)
    assert figures["life_share"].between(0, 1).all()
    assert figures["fitness_share"].between(0, 1).all()
    life = demo_results.tables["units_life_circle"].set_index("unit_id")
    assert np.allclose(figures.set_index("unit_id")["life_share"], life["complete_share_with_data"])


def test_coverage_chart_labels_carry_minutes_and_each_circle_its_own_target(demo_results):
    fig = static_maps.coverage_figure(demo_results, "zh")
    panels = [ax for ax in fig.axes if ax.get_yticklabels()]
    assert len(panels) == 3
    labels = [label.get_text() for ax in panels for label in ax.get_yticklabels()]
    parks = [label for label in labels if label.startswith("公园绿地")]
    assert len(parks) == 2 and len(set(parks)) == 2, "公园绿地 twice, told apart by minutes"
    assert all(re.search(r"（\d+分钟）$", label) for label in labels if "合计" not in label)
    assert sum("合计" in label for label in labels) == 4, "circle totals (care: any and all)"
    targets = {line.get_gid() for ax in panels for line in ax.get_lines() if line.get_gid()}
    assert targets == {"target-life_circle"}, "only the life circle has a share target"
    life_panel = next(
        ax
        for ax in panels
        if any(line.get_gid() == "target-life_circle" for line in ax.get_lines())
    )
    assert any("生活圈完整" in label.get_text() for label in life_panel.get_yticklabels())


def test_report_paths_exist(reports):
    for lang, html in reports.items():
        for name in ("life_circle", "fitness_circle", "care_coverage", "units_map"):
            assert f"maps/{name}.png" in html, (lang, name)


def test_sites_that_add_nobody_still_get_a_section_that_says_so(demo_results, tmp_path):
    from lifecircle.maps import SitesOverlay

    summary = json.loads(json.dumps(demo_results.summary, default=str))
    summary["sites"] = {"category": "meal_point", "model": "maximal_covering", "method": "greedy",
                        "optimal": True, "upper_bound": 0.0, "gap": 0.0,
                        "share_before": 0.36, "share_after": 0.36}
    empty = gpd.GeoDataFrame(
        {"site_id": [], "rank": [], "category": [], "new_residents_covered": []},
        geometry=[], crs=demo_results.demand.crs,
    )
    frames = _with_summary(demo_results, summary)
    html = write_report(
        frames, tmp_path, MapOptions(lang="en"), [], sites=SitesOverlay(sites=empty)
    ).read_text(encoding="utf-8")
    section = _section(html, "sites")
    assert "Elderly canteen" in section and "No candidate reaches anyone" in section
    assert 'href="#sites"' in html


def test_project_members_found_by_group_are_those_inside_the_zones(demo_results):
    """A zone's residents found through their connected group equal a point-in-polygon
    test, and zones the groups do not match (another linking distance) fall back to it."""
    from lifecircle.analyses.access import point_xy
    from lifecircle.analyses.gap_projects import _members
    from lifecircle.analyses.gaps import linked_pairs
    from lifecircle.maps.gap_counts import zone_link_m

    demand, gaps = demo_results.demand, demo_results.gaps
    points, xy = demand.geometry.to_numpy(), point_xy(demand)
    link = zone_link_m(demo_results)
    checked = 0
    for category, zones in gaps[gaps["kind"] == "category"].groupby("kind_key"):
        minutes = demand[f"min_{category}"].to_numpy(dtype=float)
        lacking = ~(minutes <= demo_results.profile.rule(category).threshold_minutes)
        by_polygon = _members(zones, points, lacking, None)
        for link_m in (link, link / 3):  # the run's distance, and one that splits the zones
            by_group = _members(zones, points, lacking, linked_pairs(xy, link_m))
            assert all(np.array_equal(a, b) for a, b in zip(by_group, by_polygon, strict=True))
        assert np.bincount(by_polygon[0], minlength=len(zones)).tolist() == (
            zones["demand_points"].tolist()
        )
        checked += 1
    assert checked >= 5


def test_print_detail_fills_only_holes_too_small_to_print():
    """At 200 dpi across 10 km a printed pixel is about 7 m: a 10 m hole goes, a 100 m one stays."""
    import geopandas as gpd
    import shapely

    small = shapely.box(1000, 1000, 1010, 1010).exterior.coords
    large = shapely.box(3000, 3000, 3100, 3100).exterior.coords
    zone = shapely.Polygon(shapely.box(0, 0, 10_000, 10_000).exterior.coords, [small, large])
    zones = gpd.GeoSeries([zone], crs="EPSG:32651")
    printed = static_maps.at_print_detail(zones, (0.0, 0.0, 10_000.0, 10_000.0), 200)
    holes = shapely.get_num_interior_rings(shapely.get_parts(printed.to_numpy()))
    assert holes.sum() == 1
    assert printed.area.iloc[0] == pytest.approx(10_000**2 - 100**2, rel=1e-6)
    assert static_maps.at_print_detail(zones.iloc[0:0], (0, 0, 1, 1), 200).empty
