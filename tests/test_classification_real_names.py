"""Classification rules of the shipped profiles, one test per rule, on real OSM names.

The Zhangmiao POIs (``../shared/data/zhangmiao-pois``) and the central Shanghai
Geofabrik shapefiles (``../shared/data/shanghai-central``) are read through the
real reader and classified with the real profiles. Rules that need OSM tags
Geofabrik drops (``access``, ``isced:level``, ``public_transport``) are tested
through the real OSM reader.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from lifecircle.layers.classify import classify_facilities, split_shared_facilities
from lifecircle.layers.geofabrik import read_geofabrik
from lifecircle.layers.osm import read_osm
from lifecircle.spatial.errors import LifecircleError
from lifecircle.standards.profile import load_profile
from tests.conftest import REPO_ROOT
from tests.osm_fixtures import grid_osm

PROFILES = ("shanghai", "gb50180-2018")


@pytest.fixture(scope="module", params=PROFILES)
def rules(request):
    return load_profile(request.param).classification_rules()


@pytest.fixture(scope="module")
def zhangmiao(zhangmiao_pois, rules) -> gpd.GeoDataFrame:
    return classify_facilities(read_geofabrik(zhangmiao_pois).facilities, rules)


@pytest.fixture(scope="module")
def central(shanghai_central, rules) -> gpd.GeoDataFrame:
    return classify_facilities(read_geofabrik(shanghai_central / "geofabrik").facilities, rules)


def categories(frame: gpd.GeoDataFrame, name: str, fclass: str | None = None) -> list[str | None]:
    """Categories of the rows with this exact name (and fclass), failing if there is none."""
    rows = frame[frame["name"] == name]
    if fclass is not None:
        rows = rows[rows["fclass"] == fclass]
    assert len(rows), f"{name!r} ({fclass}) is not in the data"
    return category_list(rows)


def category_list(frame: gpd.GeoDataFrame) -> list[str | None]:
    return [c if isinstance(c, str) else None for c in frame["category"]]


def osm_facilities(tmp_path, rules, tagged: list[dict[str, str]]) -> gpd.GeoDataFrame:
    """Classify tagged nodes read through the real OSM reader, in the given order."""
    path = grid_osm(
        tmp_path / "tags.osm", facilities=[(10.0 * i, 5.0, tags) for i, tags in enumerate(tagged)]
    )
    facilities = read_osm(path).facilities
    order = pd.Series(range(len(tagged)), index=[t.get("name") for t in tagged])
    facilities = facilities.iloc[facilities["name"].map(order).argsort()].reset_index(drop=True)
    return classify_facilities(facilities, rules)


def test_school_playgrounds_are_not_schools(zhangmiao):
    assert categories(zhangmiao, "宝山区泗塘新村小学操场") == [None]
    assert categories(zhangmiao, "上海市虎林中学", fclass="playground") == [None]
    assert categories(zhangmiao, "求真北校操场") == [None]
    # the schools themselves still count
    assert categories(zhangmiao, "宝山区泗塘新村小学") == ["primary_school"]
    assert categories(zhangmiao, "泗塘中学") == ["middle_school"]


def test_nine_year_schools_serve_primary_and_middle(zhangmiao):
    nine_year = ["上海市存志附属宝山实验学校", "华东师范大学宝山实验学校", "同洲模范学校"]
    rows = zhangmiao[zhangmiao["name"].isin(nine_year)]
    assert sorted(rows["name"]) == sorted(nine_year)
    assert set(rows["category"]) == {"primary_school"}
    assert all(also == ("middle_school",) for also in rows["also_categories"])
    split, shared = split_shared_facilities(rows)
    assert sorted(shared) == sorted(rows["facility_id"])
    for site_id, group in split.groupby("site_id"):
        assert sorted(group["category"]) == ["middle_school", "primary_school"]
        assert sorted(group["facility_id"]) == [
            f"{site_id}#middle_school",
            f"{site_id}#primary_school",
        ]
    # its primary department (小学部) is a primary school only
    assert categories(zhangmiao, "上海市存志附属宝山实验学校（小学部）") == ["primary_school"]
    single = zhangmiao[zhangmiao["name"] == "上海市存志附属宝山实验学校（小学部）"]
    assert single["also_categories"].tolist() == [()]


def test_university_affiliated_and_traditional_script_schools_count(zhangmiao, central):
    assert categories(zhangmiao, "上海师范大学附属虹口中学") == ["middle_school"]
    assert categories(central, "江南新村小學") == ["primary_school"]
    assert categories(central, "六师二附小") == ["primary_school"]
    # a university or a vocational school is still not a middle school
    assert categories(central, "上海戏剧学院(华山路校区)") == [None]
    assert categories(zhangmiao, "上海新闻出版职业技术学校（宝山校区）") == [None]


def test_pharmacies_and_convenience_chains_are_not_markets(zhangmiao, central):
    assert categories(zhangmiao, "华氏大药房(长江西路店)", fclass="supermarket") == [None]
    assert categories(zhangmiao, "美宜佳（宝山万达店）", fclass="supermarket") == [None]
    assert categories(central, "FamilyMart", fclass="supermarket") == [None]
    assert categories(central, "罗森", fclass="supermarket") == [None]
    assert categories(zhangmiao, "盒马奥莱") == ["market"]
    assert set(categories(central, "农工商超市")) == {"market"}


def test_flower_stone_and_furniture_markets_are_not_food_markets(central):
    for name in ("岚灵花鸟市场", "沪太奇石文化城", "美美家建材家居城"):
        assert categories(central, name, fclass="market_place") == [None], name
    assert categories(central, "昌化菜市场") == ["market"]


def test_residences_art_parks_and_school_libraries_are_not_culture_centres(central):
    for name, fclass in (
        ("和泰花园", "community_centre"),
        ("99 Zhongtan Road Brilliant City", "community_centre"),
        ("M50", "arts_centre"),
        ("新时线媒体艺术中心", "arts_centre"),
        ("学校图书馆", "library"),
    ):
        assert categories(central, name, fclass=fclass) == [None], name
    assert categories(central, "两湾城社区中心") == ["culture"]
    assert categories(central, "甘泉路街道图书馆") == ["culture"]


def test_stations_under_construction_and_coach_terminals_are_not_stops(zhangmiao, central):
    assert categories(zhangmiao, "一二八纪念路（在建）") == [None]
    assert categories(central, "平利路(在建）") == [None]
    assert categories(central, "上海长途客运总站") == [None]
    assert categories(central, "中潭路") == ["transit"]
    assert categories(zhangmiao, "18号线爱辉路站出口2") == ["transit"]


def test_shops_named_after_a_station_are_not_stops(central):
    assert categories(central, "超级鸡车（长寿路地铁站店）", fclass="restaurant") == [None]


def test_stations_and_courts_named_after_a_park_are_not_parks(central, rules):
    assert "park" not in categories(central, "大宁公园", fclass="railway_station")
    assert "park" not in categories(central, "大宁公园（在建）", fclass="railway_station")
    assert categories(central, "洛克公园 rucker park #98") == ["sports_centre"]
    if "park" in dict(rules):
        assert categories(central, "闸北公园", fclass="park") == ["park"]


def test_bus_stop_positions_are_stops_not_parks(shanghai_central, rules):
    facilities = read_osm(shanghai_central / "roads.osm").facilities
    classified = classify_facilities(facilities, rules)
    # 闸北公园 is a bus stop named after the park, mapped as public_transport=stop_position
    assert categories(classified, "闸北公园") == ["transit", "transit"]
    stop_positions = classified["tags"].str.contains('"stop_position"')
    assert (classified.loc[stop_positions, "category"] == "transit").sum() > 100


def test_unnamed_and_compound_pools_are_not_sports_centres(zhangmiao, central):
    assert categories(central, "Brilliant City Swimming Pool", fclass="swimming_pool") == [None]
    pools = zhangmiao[zhangmiao["fclass"].eq("swimming_pool") & zhangmiao["name"].isna()]
    assert len(pools) and pools["category"].isna().all()
    assert categories(central, "普陀体育中心") == ["sports_centre"]


def test_private_facilities_are_not_public_ones(tmp_path, rules):
    tagged = [
        {"leisure": "sports_centre", "name": "普陀体育中心", "access": "private"},
        {"leisure": "swimming_pool", "name": "上海游泳馆", "access": "private"},
        {"leisure": "pitch", "name": "泗塘篮球场", "access": "no"},
        {"leisure": "sports_centre", "name": "红光体育运动中心"},
        {"leisure": "swimming_pool", "name": "徐汇游泳馆", "access": "yes"},
    ]
    classified = osm_facilities(tmp_path, rules, tagged)
    court = "sports_court" if "sports_court" in dict(rules) else "outdoor_fitness"
    assert category_list(classified) == [None, None, None, "sports_centre", "sports_centre"]
    public_court = osm_facilities(tmp_path, rules, [{"leisure": "pitch", "name": "泗塘篮球场"}])
    assert category_list(public_court) == [court]


def test_schools_outside_china_are_classified_by_level_or_name(tmp_path, rules):
    tagged = [
        {"amenity": "school", "isced:level": "1", "name": "Grundschule am Arnswalder Platz"},
        {"amenity": "school", "isced:level": "2", "name": "Collège Jean Moulin"},
        {"amenity": "school", "isced:level": "1;2", "name": "Escola Básica Integrada"},
        {"amenity": "school", "name": "Riverside Primary School"},
        {"amenity": "school", "name": "Northfield Middle School"},
    ]
    classified = osm_facilities(tmp_path, rules, tagged)
    assert category_list(classified) == [
        "primary_school",
        "middle_school",
        "primary_school",
        "primary_school",
        "middle_school",
    ]
    assert classified["also_categories"].tolist()[2] == ("middle_school",)


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        ("{not_tags: {access: private}, also: [middle_school]}", "only exclusions"),
        ('{name: "实验学校", also: [high_school]}', "`also` is not a list"),
        ('{name: "实验学校", also: middle_school}', "`also` is not a list"),
    ],
)
def test_profile_rules_that_cannot_work_are_refused(tmp_path, rule, fragment):
    text = (REPO_ROOT / "standards" / "shanghai.yml").read_text(encoding="utf-8")
    marker = '      - {name: "(?i)小学|小學|附小'
    assert marker in text
    path = tmp_path / "my-profile.yml"
    path.write_text(text.replace(marker, f"      - {rule}\n{marker}", 1), encoding="utf-8")
    with pytest.raises(LifecircleError, match=fragment) as info:
        load_profile(str(path))
    assert "primary_school.rules[0]" in str(info.value)


def test_unquoted_yes_and_no_in_a_copied_profile_still_match_osm_text(tmp_path):
    text = (REPO_ROOT / "standards" / "shanghai.yml").read_text(encoding="utf-8")
    path = tmp_path / "my-profile.yml"
    path.write_text(text.replace('[private, "no"]', "[private, no]"), encoding="utf-8")
    rules = load_profile(str(path)).classification_rules()
    classified = osm_facilities(
        tmp_path, rules, [{"leisure": "pitch", "name": "泗塘篮球场", "access": "no"}]
    )
    assert category_list(classified) == [None]
