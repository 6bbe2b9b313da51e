"""Analyses: 2SFCA (property tests and a PySAL `access` peer), shares, non-nested levels, gaps."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecircle.analyses.gaps import gap_zones
from lifecircle.analyses.life_circle import share
from lifecircle.analyses.two_step import two_step_fca
from lifecircle.spatial.catchments import Catchments


def random_catchments(rng: np.random.Generator, n_sources: int, n_targets: int, density: float):
    mask = rng.random((n_sources, n_targets)) < density
    source, target = np.nonzero(mask)
    walk = rng.uniform(0, 500, size=source.size)
    return Catchments(
        source=source.astype(np.int64),
        target=target.astype(np.int64),
        walk_m=walk,
        n_sources=n_sources,
        n_targets=n_targets,
        subgraph_nodes=np.zeros(n_sources, dtype=np.int64),
    )


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n_sources=st.integers(1, 12),
    n_targets=st.integers(1, 40),
    density=st.floats(0.0, 1.0),
)
def test_2sfca_totals_are_consistent(seed, n_sources, n_targets, density):
    """Σ_i A_i P_i equals the supply of the facilities whose catchment holds demand."""
    rng = np.random.default_rng(seed)
    pairs = random_catchments(rng, n_sources, n_targets, density)
    supply = rng.uniform(0, 100, n_sources)
    demand = rng.uniform(0, 50, n_targets) * (rng.random(n_targets) > 0.2)
    result = two_step_fca(pairs, supply, demand)
    served = np.bincount(pairs.source, weights=demand[pairs.target], minlength=n_sources) > 0
    assert float((result.index * demand).sum()) == pytest.approx(float(supply[served].sum()))
    assert (result.index >= 0).all()


def test_2sfca_agrees_with_pysal_access():
    access = pytest.importorskip("access", reason="PySAL `access` is a test extra")
    rng = np.random.default_rng(7)
    pairs = random_catchments(rng, 8, 30, 0.35)
    supply = rng.uniform(10, 100, 8)
    demand = rng.uniform(1, 50, 30)
    ours = two_step_fca(pairs, supply, demand).index
    demand_df = pd.DataFrame({"geoid": np.arange(30), "pop": demand})
    supply_df = pd.DataFrame({"geoid": np.arange(8), "beds": supply})
    cost_df = pd.DataFrame({"origin": pairs.target, "dest": pairs.source, "cost": pairs.walk_m})
    model = access.Access(
        demand_df=demand_df,
        demand_index="geoid",
        demand_value="pop",
        supply_df=supply_df,
        supply_index="geoid",
        supply_value="beds",
        cost_df=cost_df,
        cost_origin="origin",
        cost_dest="dest",
        cost_name="cost",
    )
    theirs = model.two_stage_fca(name="fca", max_cost=1e9)
    column = next(c for c in theirs.columns if c.startswith("fca"))
    peer = theirs[column].reindex(np.arange(30)).fillna(0.0).to_numpy()
    np.testing.assert_allclose(ours, peer, rtol=1e-9, atol=1e-12)


@settings(max_examples=100, deadline=None)
@given(
    people=st.lists(st.floats(0, 1e6, allow_nan=False), min_size=0, max_size=30),
    seed=st.integers(0, 1000),
)
def test_shares_stay_in_unit_interval(people, seed):
    weights = np.array(people, dtype=float)
    mask = np.random.default_rng(seed).random(weights.size) < 0.5
    value = share(mask, weights)
    assert 0.0 <= value <= 1.0
    if weights.sum() > 0:
        assert value == pytest.approx(weights[mask].sum() / weights.sum())


def test_life_circle_levels_are_not_nested(tmp_path):
    """A facility within 15 minutes does not satisfy a 5-minute category."""
    from lifecircle.analyses.access import compute_access
    from lifecircle.analyses.life_circle import life_circle
    from lifecircle.config import RunConfig
    from lifecircle.pipeline import run
    from lifecircle.standards.profile import load_profile
    from tests.osm_fixtures import grid_osm

    osm = grid_osm(
        tmp_path / "g.osm",
        n=12,
        spacing_m=100.0,
        facilities=[
            (550, 550, {"amenity": "kindergarten", "name": "中心幼儿园"}),
            (550, 560, {"name": "中心社区卫生服务中心"}),
        ],
    )
    outputs = run(RunConfig(osm=[osm], output=tmp_path / "out"), quiet=True)
    layerset = outputs.layerset
    profile = load_profile("shanghai")
    access = compute_access(layerset, profile)
    result = life_circle(access, layerset, profile)
    kinder = access.minutes["kindergarten"].to_numpy()
    covered = result.demand["covered_kindergarten"].to_numpy()
    assert covered.any() and not covered.all()
    # every point within 15 minutes of the kindergarten but beyond its own 5 minutes is uncovered
    between = (kinder > 5.0) & (kinder <= 15.0)
    assert between.any() and not covered[between].any()
    health = result.demand["covered_community_health"].to_numpy()
    assert health[between].any()
    score = result.demand["life_circle_score"].to_numpy()
    assert ((score >= 0) & (score <= 1)).all()
    assert not result.demand["life_circle_complete"].any()  # most categories are missing
    # the nearest facility, as a row of the facility layer and (built on first use) its id
    rows = access.nearest_row["kindergarten"].to_numpy()
    ids = access.nearest["kindergarten"].to_numpy()
    kinder_rows = np.flatnonzero(layerset.facilities["category"].to_numpy() == "kindergarten")
    assert set(rows[np.isfinite(kinder)]) <= set(kinder_rows)
    assert (rows[~np.isfinite(kinder)] == -1).all()
    facility_ids = layerset.facilities["facility_id"].astype(str).to_numpy()
    np.testing.assert_array_equal(ids[rows >= 0], facility_ids[rows[rows >= 0]])
    assert all(i is None for i in ids[rows < 0])


def test_gap_zones_cluster_adjacent_points_and_rank_by_people():
    from types import SimpleNamespace

    from lifecircle.standards.profile import load_profile

    xy = [(0, 0), (50, 0), (100, 0), (1000, 0), (1050, 0), (3000, 0)]
    demand = gpd.GeoDataFrame(
        {
            "residents": [10, 10, 10, 100, 100, 5],
            "elderly": [5, 5, 5, 10, 10, 1],
            "children": [1] * 6,
        },
        geometry=[shapely.Point(p) for p in xy],
        crs="EPSG:32651",
    )
    walk = pd.DataFrame({"day_care": [900.0, 850.0, 800.0, np.nan, 700.0, np.nan]})
    nearest = pd.DataFrame({"day_care": ["a", "a", "b", None, "c", None]})
    access = SimpleNamespace(walk_m=walk, nearest=nearest, rule=load_profile("shanghai").rule)
    uncovered = {"day_care": np.ones(6, dtype=bool)}
    zones = gap_zones(demand, access, uncovered, None, link_m=75.0, zone_buffer_m=30.0)
    assert list(zones["demand_points"]) == [2, 3, 1]  # ranked by elderly affected: 20, 15, 1
    assert list(zones["people_affected"]) == [20.0, 15.0, 1.0]
    assert list(zones["rank"]) == [1, 2, 3]
    assert zones["nearest_walk_m"].iloc[0] == 700.0 and zones["nearest_facility_id"].iloc[0] == "c"
    assert zones["nearest_walk_m"].iloc[1] == 800.0
    assert np.isnan(zones["nearest_walk_m"].iloc[2])
    assert zones.geometry.is_valid.all() and (zones.geometry.area > 0).all()


def test_thresholds_longer_than_30_minutes_are_not_cut(tmp_path):
    from lifecircle.analyses.access import compute_access
    from lifecircle.config import RunConfig
    from lifecircle.maps import MapOptions
    from lifecircle.maps.labels import t
    from lifecircle.maps.mapdata import demand_layers, make_context
    from lifecircle.pipeline import run
    from lifecircle.standards.profile import load_profile
    from tests.osm_fixtures import grid_osm

    osm = grid_osm(tmp_path / "g.osm", n=16, spacing_m=100.0,
                   facilities=[(0, 0, {"name": "角落日间照料中心"})])
    config = RunConfig(osm=[osm], output=tmp_path / "out", maps={"basemap": "none"},
                       overrides={"categories": {"day_care": {"minutes": 45}}})
    outputs = run(config, quiet=True)
    layerset = outputs.layerset
    profile = load_profile("shanghai", overrides=config.overrides)
    access = compute_access(layerset, profile)
    assert access.max_minutes == 45
    # summary.json reports the cap used, not the 30 minutes asked for, and maps class by it
    assert outputs.summary["network"]["max_minutes"] == outputs.results.access.max_minutes == 45
    context = make_context(outputs.results, MapOptions(basemap="none"))
    care_layers = {layer.key: layer for layer in demand_layers(context, "care_coverage")}
    day_care = care_layers["min_day_care"].classes  # threshold = cap: one class, no "45–45"
    assert day_care.breaks == (np.inf,) and day_care.labels == (t("le_threshold", "zh", a="45"),)
    assert day_care.null_label == t("none_within", "zh", m="45")
    centre = care_layers["min_elderly_service_centre"].classes
    assert centre.breaks == (15.0, 30.0, np.inf)
    assert centre.labels[-1] == t("between", "zh", a="30", b="45")
    minutes = access.minutes["day_care"]
    assert 30 < minutes.max() <= 45
    default = compute_access(layerset, load_profile("shanghai")).minutes["day_care"]
    assert default.max() <= 30 and default.notna().sum() < minutes.notna().sum()


def test_gap_zones_and_shares_count_the_same_people(demo_results):
    """Uncovered people in the shares are exactly the people in that category's gap zones."""
    results = demo_results
    care = results.summary["care_coverage"]
    total_elderly = care["elderly"]
    for cat, block in care["categories"].items():
        uncovered = total_elderly - block["covered_elderly"]
        in_gaps = results.summary["gaps_by_category"].get(cat, {}).get("people_affected", 0.0)
        assert in_gaps == pytest.approx(uncovered, rel=1e-9, abs=1e-6), cat


def test_a_reused_access_table_must_belong_to_the_facility_layer(demo_prepared, demo_results):
    import dataclasses

    from lifecircle.analyses.subdistrict import analyse
    from lifecircle.spatial.errors import LifecircleError
    from lifecircle.standards.profile import load_profile

    profile = load_profile("shanghai")
    layerset, access = demo_prepared, demo_results.access
    fewer = dataclasses.replace(layerset, facilities=layerset.facilities.iloc[1:].copy())
    with pytest.raises(LifecircleError, match="access table was computed for 145 facilities"):
        analyse(fewer, profile, access=access)
    results = analyse(layerset, profile, access=access)  # its own layer: accepted
    assert results.summary["life_circle"]["complete_share"] >= 0
