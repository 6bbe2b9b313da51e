"""城市体检 indicators per unit (analyses/city_indicators.py) and the profile section behind them.

A small street laid out by hand gives figures one can check on paper: walks
along one road, straight-line radii around one park, per-1,000 figures from
stated and missing capacities. The demo and a real box check the class of
result (shares in [0, 1], every indicator present, "no data" never 0) and that
the network figure agrees with the run's own coverage where both use the same
threshold.
"""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
import yaml

from lifecircle.analyses.city_indicators import (
    COLUMNS,
    NO_DATA,
    OK,
    PARTIAL,
    facility_radii,
    unit_indicators,
)
from lifecircle.analyses.subdistrict import analyse
from lifecircle.layers.layerset import LayerSet
from lifecircle.spatial.errors import LifecircleError
from lifecircle.standards.city_indicators import StraightLineTier
from lifecircle.standards.profile import STANDARDS_DIR, Figure, load_profile

CRS = "EPSG:32651"
SHARE_KINDS = {"share"}


def _row(frame: pd.DataFrame, indicator: str, method: str) -> pd.Series:
    rows = frame[(frame["indicator_id"] == indicator) & (frame["method"] == method)]
    assert len(rows) == 1, (indicator, method, frame[["indicator_id", "method"]])
    return rows.iloc[0]


def _check_class_of_result(frame: pd.DataFrame, profile) -> None:
    """Columns, shares in [0, 1], no-data rows NaN, every indicator present."""
    assert list(frame.columns) == COLUMNS
    shares = frame[frame["unit"].isin(SHARE_KINDS)]
    finite = shares["value"].dropna()
    assert ((finite >= 0) & (finite <= 1)).all()
    assert frame.loc[frame["status"] == NO_DATA, "value"].isna().all()
    assert frame.loc[frame["status"].isin([OK, PARTIAL]), "value"].notna().all()
    assert set(frame["indicator_id"]) == set(profile.city_indicators)
    assert set(frame["confidence"]) <= {"S", "M", "I"}
    assert frame["source"].str.len().gt(0).all()
    for ind in profile.city_indicators.values():
        if ind.straight_line:
            assert set(frame.loc[frame["indicator_id"] == ind.id, "method"]) == {
                "network", "straight_line"}


# --- a street by hand ---------------------------------------------------------------
#
# One road along y = 0 from x = 0 to 2000 m; the unit is x in [0, 1500]. Residents
# stand 10 m north of the road; the park at (0, 5), site 3,000 m² (the 300 m tier).

HOMES_X = [100.0, 250.0, 400.0, 1200.0]
RESIDENTS = [10.0, 20.0, 30.0, 40.0]
ELDERLY = [5.0, 5.0, 5.0, 5.0]


def _street(care_home_beds: float | None, day_care_floor: list[float | None],
            buildings: gpd.GeoDataFrame | None = None) -> LayerSet:
    roads = gpd.GeoDataFrame(
        {"road_id": ["r"], "highway": "residential", "name": None, "foot": None, "layer": 0},
        geometry=[shapely.LineString([(0, 0), (2000, 0)])], crs=CRS,
    )
    demand = gpd.GeoDataFrame(
        {"demand_id": [f"d{i}" for i in range(4)], "residents": RESIDENTS,
         "elderly": ELDERLY, "children": 0.0, "unit_id": "u", "source": "grid"},
        geometry=shapely.points([[x, 10.0] for x in HOMES_X]), crs=CRS,
    )
    rows = [("park-1", "park", (0.0, 5.0), np.nan, np.nan, 3000.0),
            # a pocket park too small for any radius, by home d3
            ("park-2", "park", (1200.0, 5.0), np.nan, np.nan, 500.0),
            ("home-in", "care_home", (300.0, 5.0), care_home_beds or np.nan, np.nan, np.nan),
            # beyond the unit (x > 1500): routed to, never counted per 1,000
            ("home-out", "care_home", (1900.0, 5.0), 300.0, np.nan, np.nan)]
    for i, floor in enumerate(day_care_floor):
        rows.append((f"dc-{i}", "day_care", (500.0 + i, 5.0), np.nan,
                     np.nan if floor is None else floor, np.nan))
    facilities = gpd.GeoDataFrame(
        {"facility_id": [r[0] for r in rows], "category": [r[1] for r in rows],
         "name": [r[0] for r in rows], "capacity": [r[3] for r in rows],
         "floor_area_m2": [r[4] for r in rows], "source": "test", "tags": "{}",
         "site_area_m2": [r[5] for r in rows]},
        geometry=shapely.points([r[2] for r in rows]), crs=CRS,
    )
    boundary = gpd.GeoDataFrame({"unit_id": ["u"], "name": ["单元"], "name_en": ["Unit"]},
                                geometry=[shapely.box(0, -100, 1500, 100)], crs=CRS)
    return LayerSet(crs=CRS, boundary=boundary, roads=roads, demand=demand,
                    facilities=facilities, buildings=buildings)


def _housing(boxes: list[shapely.Polygon]) -> gpd.GeoDataFrame:
    n = len(boxes)
    return gpd.GeoDataFrame(
        {"building_id": [f"b{i}" for i in range(n)], "use": "residential", "levels": 6.0,
         "height_m": np.nan, "footprint_m2": [b.area for b in boxes],
         "floor_area_m2": np.nan, "residents": 1.0, "elderly": 0.0, "children": 0.0,
         "housing": True},
        geometry=boxes, crs=CRS,
    )


@pytest.fixture(scope="module")
def shanghai():
    return load_profile("shanghai")


def test_hand_computed_network_and_radius_coverage(shanghai):
    results = analyse(_street(20.0, [400.0]), shanghai)
    frame = unit_indicators(results, shanghai, lang="en")
    _check_class_of_result(frame, shanghai)
    walk_m = results.demand["min_park"].to_numpy() * 60.0 * shanghai.speed_mps("general")
    # the walk is the road distance plus the two connectors (10 m and 5 m)
    np.testing.assert_allclose(walk_m, [115.0, 265.0, 415.0, 15.0], atol=1e-6)
    park = _row(frame, "park_5min", "network")  # 5 min at 1.0 m/s = 300 m
    assert park["value"] == pytest.approx((10 + 20 + 40) / 100)  # d0, d1, and d3 by park-2
    assert park["status"] == OK and park["basis"] == "residents"
    # straight line, on demand cells (no buildings): the pocket park has no radius, and
    # park-1's 300 m circle holds d0 and d1 but not d2 (400 m) -> 2 of 4 equal cells
    radius = _row(frame, "park_5min", "straight_line")
    assert radius["basis"] == "demand_cells"
    assert radius["value"] == pytest.approx(2 / 4)
    assert radius["status"] == OK  # both parks have a site area: none left out


def test_radius_on_housing_footprints(shanghai):
    inside = shapely.box(90, 20, 110, 40)      # 400 m², 30 m from the park's circle centre
    outside = shapely.box(600, 20, 630, 60)    # 1,200 m², far beyond 300 m
    straddling = shapely.box(1450, 20, 1550, 30)  # half of it beyond the unit (x > 1500)
    results = analyse(_street(20.0, [400.0], _housing([inside, outside, straddling])), shanghai)
    frame = unit_indicators(results, shanghai, lang="zh")
    radius = _row(frame, "park_5min", "straight_line")
    assert radius["basis"] == "residential_buildings"
    # only the part inside the unit counts: 500 m² of the straddling block
    assert radius["value"] == pytest.approx(400 / (400 + 1200 + 500))


def test_facility_radii_take_the_largest_tier_met():
    def fig(v):
        return Figure(v, "test", "M")

    tiers = (StraightLineTier(fig(300), fig(2000)), StraightLineTier(fig(500), fig(5000)))
    frame = pd.DataFrame({"site_area_m2": [1999.0, 2000.0, 4999.0, 5000.0, 80000.0, np.nan]})
    np.testing.assert_array_equal(
        facility_radii(frame, tiers), [np.nan, 300, 300, 500, 500, np.nan])
    assert np.isnan(facility_radii(frame.drop(columns="site_area_m2"), tiers)).all()
    everyone = (StraightLineTier(fig(1000)),)
    np.testing.assert_array_equal(facility_radii(frame, everyone), [1000.0] * 6)


@pytest.mark.parametrize(
    ("beds", "floors", "expected_beds", "expected_floor", "floor_status"),
    [
        # stated everywhere: 20 beds inside the unit / 20 older residents; the 300 beds
        # beyond the unit are not counted. Floor area 400 m² / 100 residents.
        (20.0, [400.0], 1000.0, 4000.0, PARTIAL),
        # one day-care centre states no floor area: counted out, a lower bound
        (20.0, [400.0, None], 1000.0, 4000.0, PARTIAL),
        # nothing stated: no data, never 0
        (None, [None], None, None, NO_DATA),
    ],
)
def test_per_1000_with_and_without_capacities(shanghai, beds, floors, expected_beds,
                                              expected_floor, floor_status):
    frame = unit_indicators(analyse(_street(beds, floors), shanghai), shanghai, lang="en")
    beds_row = _row(frame, "elderly_beds_per_1000_elderly", "count")
    floor_row = _row(frame, "elderly_floor_area_per_1000", "count")
    if expected_beds is None:
        assert math.isnan(beds_row["value"]) and beds_row["status"] == NO_DATA
        assert "states" in beds_row["note"]
    else:
        assert beds_row["value"] == pytest.approx(expected_beds)
        assert beds_row["status"] == OK
    if expected_floor is None:
        assert math.isnan(floor_row["value"])
    else:
        assert floor_row["value"] == pytest.approx(expected_floor)
    # elderly_service_centre and meal_point have no facility at all: a lower bound at best
    assert floor_row["status"] == floor_status
    assert "meal_point" in floor_row["note"]


def test_categories_without_facilities_are_no_data_not_zero(shanghai):
    frame = unit_indicators(analyse(_street(20.0, [400.0]), shanghai), shanghai, lang="en")
    for indicator in ("health_15min", "market_10min", "culture_15min", "primary_school_10min"):
        for method in ("network", "straight_line"):
            row = _row(frame, indicator, method)
            assert row["status"] == NO_DATA and math.isnan(row["value"]), row.to_dict()
    # the elderly-care indicator has care homes and day-care: partial, a lower bound
    care = _row(frame, "elderly_care_5min", "network")
    assert care["status"] == PARTIAL and "elderly_service_centre" in care["note"]
    complete = _row(frame, "life_circle_complete", "network")
    assert complete["status"] == PARTIAL and "upper bound" in complete["note"]


def test_unknown_language_is_refused(shanghai, demo_results):
    with pytest.raises(LifecircleError, match="language"):
        unit_indicators(demo_results, shanghai, lang="fr")


# --- the demo and a real box --------------------------------------------------------


def _agrees_with_run_coverage(results, profile, frame) -> None:
    """Where an indicator is one category at that category's own threshold and speed,
    its network figure is the run's own coverage of that category."""
    shares = results.summary["life_circle"]["categories"]
    checked = 0
    for ind in profile.city_indicators.values():
        if ind.kind != "coverage" or len(ind.categories) != 1:
            continue
        (cat,) = ind.categories
        rule = profile.rule(cat)
        if cat not in shares or rule.target != "everyone":
            continue
        if abs(rule.threshold_minutes * rule.speed_mps
               - ind.minutes.value * profile.speed_mps(ind.speed)) > 1e-9:
            continue
        row = _row(frame, ind.id, "network")
        expected = shares[cat]["population_share"]
        if expected is None:
            assert math.isnan(row["value"])
        else:
            assert row["value"] == pytest.approx(expected, abs=1e-12), ind.id
        checked += 1
    assert checked >= 3


def test_demo_indicators(demo_results):
    profile = demo_results.profile
    frame = unit_indicators(demo_results, profile, lang="zh")
    _check_class_of_result(frame, profile)
    assert (frame["status"] == OK).all(), frame[frame["status"] != OK]
    _agrees_with_run_coverage(demo_results, profile, frame)
    park_network = _row(frame, "park_5min", "network")["value"]
    park_radius = _row(frame, "park_5min", "straight_line")["value"]
    assert 0 < park_network < 1 and 0 < park_radius <= 1
    assert _row(frame, "park_5min", "straight_line")["basis"] == "residential_buildings"


@pytest.mark.shared_data
@pytest.mark.slow
def test_real_box_indicators(shanghai_central):
    from lifecircle.config import RunConfig
    from lifecircle.pipeline import build_layerset
    from lifecircle.progress import Progress

    profile = load_profile("shanghai")
    config = RunConfig(
        osm=[shanghai_central / "roads.osm"], geofabrik=[shanghai_central / "geofabrik"],
        bbox=[121.425, 31.248, 121.452, 31.272],
    )
    results = analyse(build_layerset(config, profile, Progress(quiet=True)), profile)
    frame = unit_indicators(results, profile, lang="en")
    _check_class_of_result(frame, profile)
    _agrees_with_run_coverage(results, profile, frame)
    no_data = set(results.summary["no_data"])
    for ind in profile.city_indicators.values():
        if ind.kind == "coverage" and set(ind.categories) <= no_data:
            assert _row(frame, ind.id, "network")["status"] == NO_DATA
    park = frame[frame["indicator_id"] == "park_5min"].set_index("method")
    assert park["value"].notna().all()


# --- the profile section ------------------------------------------------------------


def _profile_with(tmp_path: Path, change) -> Path:
    raw = yaml.safe_load((STANDARDS_DIR / "shanghai.yml").read_text(encoding="utf-8"))
    change(raw["city_indicators"])
    path = tmp_path / "profile.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def _rename(mapping: dict, old: str, new: str) -> None:
    mapping[new] = mapping.pop(old)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda s: _rename(s["park_5min"], "minutes", "minuets"),
         ["city_indicators.park_5min.minuets", "Did you mean 'minutes'?"]),
        (lambda s: s["park_5min"]["straight_line"][0].update(radius=300),
         ["city_indicators.park_5min.straight_line[0].radius"]),
        (lambda s: s["park_5min"].update(kind="coverag"), ["city_indicators.park_5min.kind"]),
        (lambda s: s["park_5min"].pop("minutes"), ["needs minutes"]),
        (lambda s: s["elderly_beds_per_1000_elderly"].update(
            minutes={"value": 5, "source": "tdt1063", "confidence": "M"}),
         ["takes no minutes"]),
        (lambda s: s["park_5min"]["target"].update(value=90), ["target of a share"]),
        (lambda s: s["park_5min"]["minutes"].update(confidence="X"),
         ["city_indicators.park_5min.minutes.confidence"]),
        (lambda s: s["park_5min"].update(categories=["parks"]), ["unknown categories", "parks"]),
        (lambda s: s["park_5min"]["minutes"].update(source="nowhere"), ["nowhere"]),
        (lambda s: s["life_circle_complete"].update(circle="life"), ["unknown circle"]),
    ],
)
def test_profile_section_refuses_mistakes(tmp_path, change, words):
    path = _profile_with(tmp_path, change)
    with pytest.raises(LifecircleError) as info:
        load_profile(path)
    text = str(info.value)
    for word in words:
        assert word in text, text


def test_profile_section_is_optional_and_marked(tmp_path):
    def drop(section):
        section.clear()

    assert load_profile(_profile_with(tmp_path, drop)).city_indicators == {}
    for name in ("shanghai", "gb50180-2018"):
        profile = load_profile(name)
        assert profile.city_indicators
        for ind in profile.city_indicators.values():
            figures = [ind.minutes, ind.target, ind.definition,
                       *(f for t in ind.straight_line for f in (t.radius, t.min_site_area))]
            for figure in filter(None, figures):
                # the official texts could not be read: only a seed-backed figure is S
                assert figure.confidence in {"M", "I"} or figure.source == "yichuan_14th"
