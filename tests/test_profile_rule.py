"""The category rule: one place for threshold, speed and target group, and its users."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecircle.analyses.access import compute_access
from lifecircle.analyses.fitness_circle import fitness_circle
from lifecircle.analyses.subdistrict import analyse
from lifecircle.layers.load import halo_m, load_demo_layerset
from lifecircle.spatial.errors import LifecircleError
from lifecircle.standards.profile import available_profiles, load_profile

YICHUAN_BBOX = (121.425, 31.248, 121.452, 31.272)


def every_rule(profile):
    """(circle or None, rule) for every category where it is reported and in every circle."""
    yield from ((None, rule) for rule in profile.rules().values())
    for circle_id, rules in profile.circle_rules().items():
        yield from ((circle_id, rule) for rule in rules.values())


@settings(max_examples=25, deadline=None)
@given(
    name=st.sampled_from(available_profiles()),
    general=st.floats(0.3, 2.5),
    elderly=st.floats(0.3, 2.5),
)
def test_minutes_and_metres_agree_at_the_rule_speed(name, general, elderly):
    profile = load_profile(name, overrides={"walk_speed_mps": {"general": general,
                                                               "elderly": elderly}})
    fitness_minutes = profile.circles["fitness_circle"].figure("minutes")
    for circle, rule in every_rule(profile):
        assert rule.speed_mps == profile.speed_mps(rule.speed_key)
        value = float(rule.threshold.value)
        if rule.threshold_kind == "minutes":
            assert rule.threshold_minutes == value
            assert rule.threshold_m == pytest.approx(value * 60.0 * rule.speed_mps, rel=1e-12)
        else:
            assert rule.threshold_m == value
            assert rule.threshold_minutes * 60.0 * rule.speed_mps == pytest.approx(value, rel=1e-12)
        judged_in = circle or profile.circle_of(rule.category)
        assert rule.circle == judged_in
        if judged_in == "fitness_circle":
            assert rule.threshold == fitness_minutes
        else:
            assert rule.threshold == profile.categories[rule.category].threshold


@pytest.mark.parametrize("name", ["shanghai", "gb50180-2018"])
def test_care_categories_route_at_elderly_speed_and_others_at_general(name):
    profile = load_profile(name)
    care = set(profile.circles["care_coverage"].categories)
    assert care, "the shipped profiles have care categories"
    for cat_id, rule in profile.rules().items():
        expected = "elderly" if cat_id in care else "general"
        assert rule.speed_key == expected, cat_id
        # the shipped profiles target older people with exactly the care categories,
        # so routing by circle keeps every figure the target-based speed gave
        assert (rule.target == "elderly") == (cat_id in care), cat_id
        # a category routes at one speed whichever circle judges it
        for circle_rules in profile.circle_rules().values():
            if cat_id in circle_rules:
                assert circle_rules[cat_id].speed_mps == rule.speed_mps


def test_the_access_table_walks_care_categories_at_the_elderly_speed():
    """Slower older people: care minutes grow by the speed ratio, other categories stay."""
    usual = load_profile("shanghai")
    slower = load_profile("shanghai", overrides={"walk_speed_mps": {"elderly": 0.5}})
    layerset = load_demo_layerset(usual)
    fast, slow = compute_access(layerset, usual), compute_access(layerset, slower)
    care = list(usual.circles["care_coverage"].categories)
    for cat_id in usual.categories:
        a, b = fast.minutes[cat_id].to_numpy(), slow.minutes[cat_id].to_numpy()
        if cat_id in care:
            both = np.isfinite(a) & np.isfinite(b)
            assert both.sum() > 100
            np.testing.assert_allclose(b[both] * 0.5, a[both] * 0.8, rtol=1e-9)
            assert slow.rule(cat_id).speed_mps == 0.5
        else:
            np.testing.assert_array_equal(a, b)
    # the metres are the same walks either way
    np.testing.assert_allclose(
        fast.walk_m[care].where(slow.walk_m[care].notna()).to_numpy(),
        slow.walk_m[care].where(fast.walk_m[care].notna()).to_numpy(),
        rtol=1e-9,
    )


def test_a_circle_speed_routes_its_categories(tmp_path):
    """circles.*.speed is not decoration: a care circle walking at the general speed
    routes care categories at the general speed."""
    text = Path(load_profile("shanghai").path).read_text(encoding="utf-8")
    care_block = (
        "  care_coverage:\n    name: {zh: 15分钟养老服务圈, en: 15-minute elderly-service circle}\n"
    )
    assert care_block + "    speed: elderly\n" in text
    path = tmp_path / "general-care.yml"
    path.write_text(text.replace(care_block + "    speed: elderly\n",
                                 care_block + "    speed: general\n"), encoding="utf-8")
    profile = load_profile(str(path))
    for cat_id in profile.circles["care_coverage"].categories:
        rule = profile.rule(cat_id)
        assert (rule.speed_key, rule.speed_mps) == ("general", 1.0)
        assert rule.threshold_m == rule.threshold_minutes * 60.0


def fitness_speed_profile(tmp_path: Path, elderly_speed: float):
    """shanghai with a fitness circle that walks at the elderly speed (``elderly_speed`` m/s)."""
    text = Path(load_profile("shanghai").path).read_text(encoding="utf-8")
    block = "  fitness_circle:\n    name: {zh: 10分钟健身圈, en: 10-minute fitness circle}\n"
    old = block + "    speed: general\n"
    assert old in text
    path = tmp_path / "slow-fitness.yml"
    path.write_text(text.replace(old, block + "    speed: elderly\n"), encoding="utf-8")
    return load_profile(str(path), overrides={"walk_speed_mps": {"elderly": elderly_speed}})


def test_fitness_2sfca_uses_each_category_fitness_rule(tmp_path):
    """A resident has sports area within reach exactly when a fitness facility is within
    its category's fitness-circle rule, whatever speed each category walks at."""
    profile = fitness_speed_profile(tmp_path, elderly_speed=0.5)
    members = profile.circles["fitness_circle"].categories
    assert members[0] == "fitness_station" and "park" in members
    layerset = load_demo_layerset(profile)
    facilities = layerset.facilities.copy()
    fitness = facilities["category"].isin(members).to_numpy()
    facilities["site_area_m2"] = np.where(fitness, 1000.0, np.nan)
    layerset = layerset.with_layers(facilities=facilities)
    access = compute_access(layerset, profile)

    station, park = access.rule("fitness_station"), access.rule("park", "fitness_circle")
    assert (station.speed_mps, station.threshold_m) == (0.5, 300.0)  # the fitness circle's speed
    assert (park.speed_mps, park.threshold_m) == (1.0, 600.0)  # park is reported in the life circle
    result = fitness_circle(access, layerset, profile)
    residents = layerset.demand["residents"].to_numpy(dtype=float)
    has_area = result.demand["sports_area_m2_per_person"].to_numpy() > 0
    fitness_ok = result.demand["fitness_ok"].to_numpy()
    people = residents > 0
    np.testing.assert_array_equal(has_area[people], fitness_ok[people])
    # some are reached by a park alone, farther than the slow fitness speed would walk:
    # judging parks at the first category's speed (0.5 m/s) would leave them no area
    others = np.column_stack(
        [access.covered(c, "fitness_circle") for c in members if c != "park"]
    ).any(axis=1)
    park_only = access.covered("park", "fitness_circle") & ~others & people
    assert (park_only & (access.walk_m["park"].to_numpy() > 300.0)).any()


def test_fitness_circle_judges_park_at_its_minutes_and_life_circle_at_its_own():
    profile = load_profile("shanghai")
    own, fitness = profile.rule("park"), profile.rule("park", "fitness_circle")
    assert (own.circle, own.threshold_minutes) == ("life_circle", 5.0)
    assert (fitness.circle, fitness.threshold_minutes) == ("fitness_circle", 10.0)
    assert fitness.threshold.confidence == "I" and fitness.speed_mps == own.speed_mps
    with pytest.raises(LifecircleError, match="not in the profile's 'care_coverage' circle"):
        profile.rule("park", "care_coverage")
    with pytest.raises(LifecircleError, match="no category 'swimming_pool'"):
        profile.rule("swimming_pool")


def test_an_access_table_is_judged_by_its_own_rules():
    shanghai, gb = load_profile("shanghai"), load_profile("gb50180-2018")
    layerset = load_demo_layerset(shanghai)
    access = compute_access(layerset, shanghai)
    assert access.rules == shanghai.rules()
    with pytest.raises(LifecircleError, match="no rule for category 'outdoor_fitness'"):
        access.rule("outdoor_fitness")
    slower = load_profile("shanghai", overrides={"walk_speed_mps": {"elderly": 0.6}})
    with pytest.raises(LifecircleError, match=r"other category rules.*day_care"):
        analyse(layerset, slower, access=access)
    with pytest.raises(LifecircleError, match="other category rules"):
        analyse(layerset, gb, access=access)


def test_the_halo_covers_the_longest_rule_including_the_fitness_circle():
    profile = load_profile("shanghai")
    snap = float(profile.max_snap_m.value)
    assert halo_m(profile) == 15 * 60 * 1.0 + snap  # 15 minutes at the general speed
    longer = load_profile("gb50180-2018", overrides={"max_snap_m": 100})
    assert halo_m(longer) == 1000 + 100


def test_load_layers_does_not_need_the_pipeline(shanghai_central):
    """The Python API loads layers without the command-line pipeline or a run config."""
    script = f"""
import json, sys
import lifecircle as lc
demo = lc.demo_layers()
osm = lc.load_layers(osm={str(shanghai_central / "roads.osm")!r},
                     geofabrik={str(shanghai_central / "geofabrik")!r}, bbox={YICHUAN_BBOX!r})
print(json.dumps({{
    "modules": sorted(m for m in sys.modules if m in ("lifecircle.pipeline", "lifecircle.config")),
    "demo_demand": len(demo.demand),
    "demand": len(osm.demand),
    "facilities": len(osm.facilities),
    "report": [entry["layer"] for entry in osm.meta["report"]],
}}))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, timeout=600)
    out = json.loads(done.stdout.splitlines()[-1])
    assert out["modules"] == []
    assert out["demo_demand"] > 0 and out["demand"] > 0 and out["facilities"] > 0
    assert "facilities" in out["report"]


@pytest.mark.parametrize("minutes", ["ten", 0, -5, "true"])
def test_a_bad_fitness_minutes_is_named(tmp_path, minutes):
    text = Path(load_profile("shanghai").path).read_text(encoding="utf-8")
    old = "    minutes: {value: 10, source: assumption, confidence: I, note: \"No standard"
    assert old in text
    path = tmp_path / "bad-fitness.yml"
    value = "true" if minutes == "true" else json.dumps(minutes)
    path.write_text(text.replace(old, old.replace("value: 10", f"value: {value}")), "utf-8")
    # refused when the profile is read (the strict profile schema), not at first use
    with pytest.raises(LifecircleError, match=r"circles\.fitness_circle\.minutes") as info:
        load_profile(str(path))
    assert "bad-fitness.yml" in str(info.value)
