"""Data gaps are not service gaps, and minutes beyond the clip are censored, never wrong.

A category with no (or implausibly few) facilities in the input is "no data":
null coverage with ``status: "no_data"``, no gap zones, completeness reported
with and without it, and "无数据 / no data" with the planner's list in the
report and the maps. Minutes are computed only as far as the clipped inputs
answer correctly (issue #11, sections 3 and 6).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
import shapely
import yaml

from lifecircle.analyses.access import compute_access
from lifecircle.analyses.data_status import no_data_categories
from lifecircle.analyses.life_circle import share
from lifecircle.analyses.subdistrict import analyse
from lifecircle.layers.layerset import LayerSet
from lifecircle.maps import MapOptions, mapdata, write_maps, write_report
from lifecircle.spatial.errors import LifecircleError
from lifecircle.standards.profile import load_profile, resolve_profile_path
from tests.conftest import demo_outputs

CARE = ("elderly_service_centre", "day_care", "care_home", "meal_point")


@pytest.fixture(scope="module")
def profile():
    return load_profile("shanghai")


def without(layerset: LayerSet, categories) -> LayerSet:
    """A copy of ``layerset`` whose facilities of ``categories`` are gone (meta copied)."""
    facilities = layerset.facilities
    kept = facilities[~facilities["category"].isin(list(categories))].reset_index(drop=True)
    return dataclasses.replace(layerset, facilities=kept.copy(), meta=dict(layerset.meta))


@pytest.fixture(scope="module")
def no_care(profile):
    """The demo district with every care facility removed, analysed."""
    return analyse(without(demo_outputs().layerset, CARE), profile)


@pytest.fixture(scope="module")
def no_market(profile):
    """The demo district with no fresh market, analysed."""
    return analyse(without(demo_outputs().layerset, ["market"]), profile)


def test_care_without_facilities_is_no_data_not_zero(no_care):
    care = no_care.summary["care_coverage"]
    assert set(no_care.access.no_data) == set(CARE)
    for cat in CARE:
        block = care["categories"][cat]
        assert block["status"] == "no_data" and block["population_share"] is None
        assert block["no_data"]["reason"] == "no_facilities"
        assert block["no_data"]["planner_list"]["zh"] == "民政部门养老服务设施清单"
        assert block["no_data"]["planner_list"]["en"] == "civil-affairs list of care facilities"
    assert care["per_1000_m2"] is None and care["per_1000_m2_status"] == "no_data"
    assert set(care["meets_targets"].values()) == {None}
    assert care["any_category_share"] is None and care["all_categories_share"] is None
    units = no_care.care.units
    assert units["per_1000_m2"].isna().all()
    # no gap zones for a category with no data, and the life circle keeps its zones
    assert not no_care.gaps["kind_key"].isin(CARE).any()
    assert set(CARE).isdisjoint(no_care.summary["gaps_by_category"])
    assert (no_care.gaps["kind_key"] == "life_circle").any()
    # the other categories are untouched
    demo = demo_outputs().results.summary
    assert (
        no_care.summary["life_circle"]["complete_share"] == demo["life_circle"]["complete_share"]
    )


def test_some_counted_care_without_data_makes_per_1000_a_lower_bound(profile):
    results = analyse(without(demo_outputs().layerset, ["meal_point"]), profile)
    care = results.summary["care_coverage"]
    assert care["per_1000_m2_status"] == "partial"
    assert care["per_1000_m2_no_data_categories"] == ["meal_point"]
    full = demo_outputs().results.summary["care_coverage"]
    assert 0 < care["per_1000_m2"] < full["per_1000_m2"]
    for target, meets in care["meets_targets"].items():
        # a lower bound that meets a target meets it; one that misses it cannot say
        assert meets is (True if care["per_1000_m2"] >= float(target) else None)
    assert care["categories"]["day_care"]["status"] == "ok"


def test_completeness_with_data_and_strict(no_market, profile):
    life = no_market.summary["life_circle"]
    demand = no_market.life.demand
    residents = demand["residents"].to_numpy(dtype=float)
    cats = profile.circles["life_circle"].categories
    with_data = [c for c in cats if c != "market"]
    assert life["categories_no_data"] == ["market"]
    assert life["categories_with_data"] == with_data
    expected = share(demand[[f"covered_{c}" for c in with_data]].all(axis=1).to_numpy(), residents)
    assert life["complete_share_with_data"] == pytest.approx(expected)
    assert 0 < life["complete_share_with_data"] < 1
    # strictly, nobody reaches a market the input does not have
    assert life["complete_share_strict"] == life["complete_share"] == 0.0
    for key in ("complete_share_with_data", "complete_share_strict"):
        labels = life["completeness_labels"][key]
        assert labels["zh"] and labels["en"] and labels["zh"] != labels["en"]
    assert life["completeness_labels"]["complete_share_with_data"]["en"] != (
        life["completeness_labels"]["complete_share_strict"]["en"]
    )
    assert life["categories"]["market"]["population_share"] is None
    assert "market" not in ",".join(demand["life_circle_missing"])
    # an incomplete-circle zone lists only categories with data
    zones = no_market.gaps[no_market.gaps["kind"] == "life_circle"]
    assert len(zones) and not zones["categories"].str.contains("market").any()
    # per sub-unit: the two completeness columns and no share for the no-data category
    units = no_market.life.units
    assert {"complete_share_with_data", "complete_share_strict"} <= set(units.columns)
    assert units["share_market"].isna().all()


def test_with_every_category_present_both_completeness_figures_agree(profile):
    life = demo_outputs().results.summary["life_circle"]
    assert life["categories_no_data"] == []
    assert life["complete_share_with_data"] == life["complete_share_strict"]
    assert all(b["status"] == "ok" for b in life["categories"].values())


def write_profile(tmp_path: Path, edit) -> Path:
    raw = yaml.safe_load(resolve_profile_path("shanghai").read_text(encoding="utf-8"))
    edit(raw)
    path = tmp_path / "profile.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("per_10k, flagged", [(0.5, False), (20.0, True)])
def test_implausibly_few_facilities_per_10k_residents(tmp_path, per_10k, flagged):
    layerset = demo_outputs().layerset
    residents = float(layerset.demand["residents"].sum())
    count = int((layerset.facilities["category"] == "kindergarten").sum())
    assert (count * 10_000 / residents < per_10k) is flagged  # the case is what it says

    def edit(raw):
        raw["categories"]["kindergarten"]["min_facilities_per_10k_residents"] = {
            "value": per_10k, "source": "assumption", "confidence": "I"}

    profile = load_profile(write_profile(tmp_path, edit))
    found = no_data_categories(layerset, profile)
    assert ("kindergarten" in found) is flagged
    if flagged:
        assert found["kindergarten"]["reason"] == "implausibly_few"
        assert found["kindergarten"]["facilities"] == count
        assert found["kindergarten"]["rule"]["value"] == per_10k


def test_min_facilities_rule_of_the_profile(tmp_path):
    layerset = demo_outputs().layerset
    counts = layerset.facilities["category"].value_counts()
    # a minimum of 4: categories with 1-3 facilities become no data, the rest keep their data
    profile = load_profile(write_profile(tmp_path, lambda raw: raw.update(
        data_check={"min_facilities": {"value": 4, "source": "assumption", "confidence": "I"}})))
    found = no_data_categories(layerset, profile)
    expected = {c for c in profile.categories if counts.get(c, 0) < 4}
    assert set(found) == expected and expected
    assert {found[c]["reason"] for c in found} == {"no_facilities"}


@pytest.mark.parametrize(
    "bad", [["a list"], {"fr": "liste"}, "text"], ids=["list", "unknown-lang", "string"]
)
def test_bad_planner_list_is_a_user_error(tmp_path, bad):
    def edit(raw):
        raw["categories"]["day_care"]["planner_list"] = bad

    with pytest.raises(LifecircleError, match="planner_list"):
        load_profile(write_profile(tmp_path, edit))


@pytest.mark.parametrize("lang, word, care_list", [
    ("zh", "无数据", "民政部门养老服务设施清单"),
    ("en", "no data", "civil-affairs list of care facilities"),
])
def test_report_and_maps_say_no_data(no_care, tmp_path, lang, word, care_list):
    options = MapOptions(lang=lang, basemap="none")
    files = write_maps(no_care, tmp_path, options)
    report = write_report(no_care, tmp_path, options, files).read_text(encoding="utf-8")
    assert word in report and care_list in report
    # the per-1,000 figure reads "no data", never "0.0 m²"
    assert "0.0 m²" not in report
    care_page = next(p for p in files if p.name == "care_coverage.html").read_text(
        encoding="utf-8")
    assert word in care_page and care_list in care_page
    ctx = mapdata.make_context(no_care, options)
    assert mapdata.gap_collection(ctx, "care_coverage")["n"] == 0
    layers = {layer.key: layer for layer in mapdata.demand_layers(ctx, "care_coverage")}
    for cat in CARE:
        assert word in layers[f"min_{cat}"].name
        assert care_list in layers[f"min_{cat}"].classes.null_label


def test_summary_json_has_no_data_block(tmp_path, no_care):
    text = json.dumps(no_care.summary, ensure_ascii=False, default=str)
    summary = json.loads(text)
    assert set(summary["no_data"]) == set(CARE)


# ---- clip and censoring ----------------------------------------------------------------


def clipped_pair(layerset: LayerSet, halo: float):
    """The demo cut to a 300 m study area near its west edge: with every input (reference)
    and clipped to ``halo`` around it, as the loader clips (the same demand points in both).
    The district runs 3 km east of it, so facilities within 30 min lie beyond the clip.

    Returns (reference, clipped) LayerSets; the reference is not clipped (no halo).
    """
    west, south, _, _ = layerset.boundary.total_bounds
    box = shapely.box(west + 150, south + 800, west + 450, south + 1100)
    boundary = layerset.boundary.iloc[:1].copy()
    boundary["geometry"] = [box]
    # The demo puts facilities half-way between parallel streets: a tie the snapper may
    # break either way in two different graphs. Nudge them (the same in both) so each
    # snaps to one edge and the two tables can be compared to the metre.
    facilities = layerset.facilities.copy()
    nudge = np.random.default_rng(11).uniform(-3.0, 3.0, size=(len(facilities), 2))
    facilities["geometry"] = shapely.points(
        shapely.get_coordinates(facilities.geometry.values) + nudge)
    layerset = dataclasses.replace(layerset, facilities=facilities, meta=dict(layerset.meta))
    demand = layerset.demand[layerset.demand.within(box)].reset_index(drop=True).copy()
    full = dataclasses.replace(
        layerset, boundary=boundary, demand=demand,
        meta={k: v for k, v in layerset.meta.items() if k != "halo_m"},
    )
    region = box.buffer(halo)

    def clip(frame):
        return frame.iloc[np.sort(frame.sindex.query(region, predicate="intersects"))].reset_index(
            drop=True).copy()

    clipped = dataclasses.replace(
        full, roads=clip(layerset.roads), facilities=clip(layerset.facilities),
        water=clip(layerset.water), railways=clip(layerset.railways),
        meta={**full.meta, "halo_m": halo},
    )
    return full, clipped


def test_minutes_beyond_the_clip_are_censored_never_wrong(profile):
    from lifecircle.layers.load import halo_m

    halo = halo_m(profile)
    full, clipped = clipped_pair(demo_outputs().layerset, halo)
    assert len(full.demand) > 5
    reference = compute_access(full, profile)
    access = compute_access(clipped, profile)
    horizon_m = halo - float(profile.max_snap_m.value)
    assert access.horizon_m == pytest.approx(horizon_m)
    assert reference.horizon_m == np.inf and not reference.censored_categories()
    wrong_without_censoring = 0
    for cat in profile.categories:
        limit = access.limit(cat)
        speed = access.rules[cat].speed_mps
        assert limit == pytest.approx(min(access.max_minutes, horizon_m / (60 * speed)))
        assert access.censored(cat) is (limit < access.max_minutes)
        ref = reference.minutes[cat].to_numpy()
        got = access.minutes[cat].to_numpy()
        known = np.isfinite(got)
        # every number given is the true one ...
        np.testing.assert_allclose(got[known], ref[known], rtol=1e-6, atol=1e-3)
        # ... and every missing value is true as "none within <limit> min"
        assert (~np.isfinite(ref[~known]) | (ref[~known] > limit - 1e-6)).all()
        # the case the censoring exists for: reached within the cap, but beyond the clip
        wrong_without_censoring += int(
            (np.isfinite(ref) & (ref > limit) & (ref <= access.max_minutes)).sum())
    assert wrong_without_censoring > 0, "the test area reaches nothing beyond the clip"


def test_a_clip_narrower_than_the_thresholds_is_refused(profile):
    _, clipped = clipped_pair(demo_outputs().layerset, 600.0)
    with pytest.raises(LifecircleError, match="clipped"):
        compute_access(clipped, profile)


def test_report_and_popups_use_the_censored_limit(profile, tmp_path):
    _, clipped = clipped_pair(demo_outputs().layerset, 1150.0)
    results = analyse(clipped, profile)
    assert results.summary["network"]["limit_minutes"]["market"] == pytest.approx(15.0)
    assert "market" in results.summary["network"]["censored_categories"]
    ctx = mapdata.make_context(results, MapOptions(lang="en"))
    texts = {layer.key: layer.classes.null_label for layer in mapdata.demand_layers(
        ctx, "life_circle") if layer.key.startswith("min_")}
    assert texts["min_market"] == "none within 15 min"
    assert not any("30 min" in text for text in texts.values())


def test_no_category_with_data_gives_an_empty_gap_layer_with_its_columns(demo_results):
    """Every category without data: no zone at all, not an 'incomplete circle' over everyone."""
    from lifecircle.analyses.gaps import GAP_COLUMNS, gap_zones

    demand = demo_results.layerset.demand
    everyone = np.ones(len(demand), dtype=bool)
    zones = gap_zones(demand, demo_results.access, {}, everyone, link_m=75.0, zone_buffer_m=30.0)
    assert zones.empty
    assert {*GAP_COLUMNS, "kind_key"} <= set(zones.columns)
