"""Fast service areas and gap zones agree with the reference algorithms.

Service areas: the per-facility default (pieces joined into lines, one buffer
call for all sources) and the category area (one multi-source search, one union
for all of a category's facilities) stay within 1% symmetric difference of the
reference (every piece buffered and merged, source by source, then dissolved).
Gap zones: every zone holds exactly the uncovered points of one connected
component of the "closer than the linking distance" graph, found here by a
brute-force search over all pairwise distances, and the zones' polygons stay
within 1% of the exact union of the discs around their points.
"""

from __future__ import annotations

from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from lifecircle.analyses.gaps import gap_zones
from lifecircle.spatial.disc_union import DEFAULT_STEPS_PER_RADIUS
from lifecircle.spatial.service_areas import category_service_area, service_areas
from lifecircle.standards.profile import load_profile

TOLERANCE = 0.01  # symmetric difference / reference area
DISC_TOLERANCE = 0.02  # gap zone area outside or missing from its exact region (sampled)
YICHUAN_BBOX = (121.425, 31.248, 121.452, 31.272)


def assert_areas_match_reference(access, max_facilities: int | None = None) -> int:
    """Compare fast and reference areas for every category; return how many were compared."""
    network = access.network
    compared = 0
    for cat, rows in access.facility_rows.items():
        rows = rows[:max_facilities]
        if rows.size == 0:
            continue
        limit = access.rule(cat).threshold_m
        snapped = network.facilities.subset(rows)
        fast = service_areas(network.graph, snapped, limit)
        reference = service_areas(network.graph, snapped, limit, reference=True)
        for got, want in zip(fast, reference, strict=True):
            assert got.is_empty == want.is_empty, cat
            if want.is_empty:
                continue
            assert got.is_valid
            assert shapely.symmetric_difference(got, want).area < TOLERANCE * want.area, cat
            compared += 1
        union = shapely.union_all([p for p in reference if not p.is_empty])
        together = category_service_area(network.graph, snapped, limit)
        assert together.is_valid, cat
        assert shapely.symmetric_difference(together, union).area < TOLERANCE * union.area, cat
    return compared


def test_service_areas_match_reference_on_demo(demo_results):
    assert assert_areas_match_reference(demo_results.access) > 20


def test_service_areas_match_reference_on_real_streets(shanghai_central):
    from lifecircle.analyses.access import compute_access
    from lifecircle.layers.load import load_layerset

    profile = load_profile("shanghai")
    layerset = load_layerset(
        profile,
        osm=[shanghai_central / "roads.osm"],
        geofabrik=[shanghai_central / "geofabrik"],
        bbox=list(YICHUAN_BBOX),
    )
    access = compute_access(layerset, profile)
    assert assert_areas_match_reference(access, max_facilities=15) > 30


def test_service_area_of_a_source_that_cannot_walk_is_its_disc_or_empty(demo_results):
    network = demo_results.access.network
    snapped = network.facilities.subset(np.flatnonzero(network.facilities.ok)[:3])
    limits = snapped.snap_m.copy()  # exactly the snap distance: only the point itself
    limits[1] = snapped.snap_m[1] / 2  # cannot even reach the street
    fast = service_areas(network.graph, snapped, limits, buffer_m=20.0)
    reference = service_areas(network.graph, snapped, limits, buffer_m=20.0, reference=True)
    assert fast[1].is_empty and reference[1].is_empty
    for j in (0, 2):
        assert fast[j].equals(reference[j])
        assert shapely.Point(snapped.point_xy[j]).within(fast[j])


def components_by_brute_force(xy: np.ndarray, link_m: float) -> list[frozenset[int]]:
    """Connected components of "within link_m" by search over the full distance matrix."""
    close = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)) <= link_m
    seen = np.zeros(len(xy), dtype=bool)
    components = []
    for start in range(len(xy)):
        if seen[start]:
            continue
        stack, members = [start], {start}
        seen[start] = True
        while stack:
            for nxt in np.flatnonzero(close[stack.pop()] & ~seen):
                seen[nxt] = True
                members.add(int(nxt))
                stack.append(int(nxt))
        components.append(frozenset(members))
    return components


def nearest_distances(xy: np.ndarray, to: np.ndarray) -> np.ndarray:
    """For each of ``xy``, the distance (m) to its nearest point of ``to`` (inf if none)."""
    if len(to) == 0:
        return np.full(len(xy), np.inf)
    return np.hypot(*(xy[:, None, :] - to[None, :, :]).transpose(2, 0, 1)).min(axis=1)


def assert_zones_hold_components(zones, demand, mask, key, link_m, zone_buffer_m) -> None:
    """The zones of ``key`` hold the linked components of ``mask``, drawn as clipped discs.

    A zone is the union of its members' discs less the plane nearer to a point
    of another zone or to a point outside ``mask`` (a served resident).
    """
    everyone = np.column_stack([demand.geometry.x, demand.geometry.y])
    rows = np.flatnonzero(mask)
    xy = everyone[rows]
    step = zone_buffer_m / DEFAULT_STEPS_PER_RADIUS
    expected = [frozenset(rows[list(c)]) for c in components_by_brute_force(xy, link_m)]
    zone_of = {row: i for i, members in enumerate(expected) for row in members}
    own = zones[zones["kind_key"] == key]
    assert sorted(own["demand_points"]) == sorted(len(c) for c in expected)
    served = everyone[~mask]
    for zone in own.itertuples():
        inside = rows[shapely.contains_xy(zone.geometry, *xy.T)]
        # the zone's people are its component's (counted from the links, not the shape)
        component = expected[zone_of[int(inside[0])]] if inside.size else None
        assert component is not None and set(inside) <= component
        assert zone.demand_points == len(component)
        residents = demand["residents"].to_numpy()[list(component)].sum()
        assert zone.residents == pytest.approx(residents)
        # each member lies inside by its disc radius, or half the way to the nearest point of
        # another zone or a served one, less one grid step; a member with such a point within
        # a step of it may lie outside
        members = np.array(sorted(component))
        others = everyone[np.setdiff1d(np.arange(len(everyone)), members)]
        gap = nearest_distances(everyone[members], others)
        clear = gap > 2 * step
        assert np.isin(members[clear], inside).all()
        depth = shapely.distance(shapely.points(everyone[members[clear]]), zone.geometry.boundary)
        assert (depth >= np.minimum(zone_buffer_m, gap[clear] / 2) - step).all()
        # no served resident lies inside, unless a member is within a grid step of it
        held = shapely.contains_xy(zone.geometry, *served.T)
        assert (nearest_distances(served[held], everyone[members]) <= step).all()
    # the zones together cover the exact region: within a disc of a member, and nearer to it
    # than to any served resident (checked on a dense sample of the plane)
    rng = np.random.default_rng(7)
    low, high = xy.min(axis=0) - zone_buffer_m, xy.max(axis=0) + zone_buffer_m
    sample = rng.uniform(low, high, size=(40_000, 2))
    to_member = nearest_distances(sample, xy)
    exact = (to_member <= zone_buffer_m) & (to_member <= nearest_distances(sample, served))
    drawn = shapely.contains_xy(shapely.union_all(own.geometry.to_numpy()), *sample.T)
    assert (exact != drawn).sum() < DISC_TOLERANCE * exact.sum()


def zone_members(geometry, demand, mask, link_m) -> np.ndarray:
    """Bool mask of the linked component of ``mask`` whose points a zone holds."""
    everyone = np.column_stack([demand.geometry.x, demand.geometry.y])
    rows = np.flatnonzero(mask)
    held = shapely.contains_xy(geometry, *everyone[rows].T)
    out = np.zeros(len(everyone), dtype=bool)
    for component in components_by_brute_force(everyone[rows], link_m):
        if held[list(component)].any():
            out[rows[list(component)]] = True
    return out


def random_case(seed: int, n: int = 300):
    """Clustered random points with a random uncovered mask per category."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, 4000, size=(12, 2))
    xy = np.vstack(
        [
            centres[rng.integers(0, 12, n // 2)] + rng.normal(0, 120, (n // 2, 2)),
            rng.uniform(0, 4000, size=(n - n // 2, 2)),
        ]
    )
    demand = gpd.GeoDataFrame(
        {
            "residents": rng.integers(1, 200, n).astype(float),
            "elderly": rng.integers(0, 40, n).astype(float),
            "children": rng.integers(0, 30, n).astype(float),
        },
        geometry=shapely.points(xy),
        crs="EPSG:32651",
    )
    walk = pd.DataFrame(
        {c: np.where(rng.random(n) < 0.7, rng.uniform(100, 2000, n), np.nan) for c in CATS}
    )
    nearest = pd.DataFrame({c: [f"f{i % 7}" for i in range(n)] for c in CATS})
    access = SimpleNamespace(walk_m=walk, nearest=nearest, rule=load_profile("shanghai").rule)
    uncovered = {c: rng.random(n) < share for c, share in zip(CATS, (0.9, 0.4, 1.0), strict=True)}
    return demand, access, uncovered


CATS = ("day_care", "park", "meal_point")


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("link_m, zone_buffer_m", [(150.0, 75.0), (150.0, 40.0), (80.0, 60.0)])
def test_gap_zones_hold_the_people_of_each_connected_component(seed, link_m, zone_buffer_m):
    demand, access, uncovered = random_case(seed)
    incomplete = uncovered["day_care"] | uncovered["park"]
    zones = gap_zones(demand, access, uncovered, incomplete, link_m, zone_buffer_m)
    assert zones.geometry.is_valid.all()
    for cat, mask in uncovered.items():
        assert_zones_hold_components(zones, demand, mask, cat, link_m, zone_buffer_m)
    assert_zones_hold_components(zones, demand, incomplete, "life_circle", link_m, zone_buffer_m)
    life = zones[zones["kind"] == "life_circle"]
    for zone in life.itertuples():
        inside = zone_members(zone.geometry, demand, incomplete, link_m)
        missing = [c for c in CATS if (uncovered[c] & inside).any()]
        assert zone.categories == ",".join(missing)
    for cat in CATS:
        own = zones[zones["kind_key"] == cat]
        for zone in own.itertuples():
            inside = zone_members(zone.geometry, demand, uncovered[cat], link_m)
            walks = access.walk_m[cat].to_numpy()[inside]
            if np.isfinite(walks).any():
                assert zone.nearest_walk_m == np.nanmin(walks)
            else:
                assert np.isnan(zone.nearest_walk_m) and pd.isna(zone.nearest_facility_id)


def test_gap_zones_on_demo_hold_the_components(demo_results, demo_prepared):
    from lifecircle.analyses.gaps import linking_distance_m

    demand = demo_prepared.demand
    grid = demo_prepared.meta.get("demand_grid", {}).get("size_m")
    link_m = linking_distance_m(demand, grid)
    access = demo_results.access
    zones = demo_results.gaps
    for cat in access.facility_rows:
        mask = ~access.covered(cat)
        if mask.any():
            assert_zones_hold_components(zones, demand, mask, cat, link_m, link_m / 2)


def test_category_area_is_the_union_of_facility_areas_with_any_limit(demo_results):
    """Also for limits at which sources' areas meet half-way along edges."""
    access = demo_results.access
    network = access.network
    rows = np.flatnonzero(network.facilities.ok)[:40]
    snapped = network.facilities.subset(rows)
    for limit in (120.0, 333.3, 900.0):
        union = shapely.union_all(
            [
                p
                for p in service_areas(network.graph, snapped, limit, reference=True)
                if not p.is_empty
            ]
        )
        together = category_service_area(network.graph, snapped, limit)
        assert shapely.symmetric_difference(together, union).area < TOLERANCE * union.area


@pytest.mark.parametrize("choice, expect_facility_rows", [("all", True), ("none", False)])
def test_facility_areas_choice(demo_results, demo_prepared, choice, expect_facility_rows):
    from lifecircle.analyses.service_area_layer import facility_area_layer, service_area_layer

    access, profile = demo_results.access, demo_results.profile
    layer = service_area_layer(access, demo_prepared, profile, facility_areas=choice)
    kinds = set(layer["kind"])
    assert {"category", "radius"} <= kinds
    assert ("facility" in kinds) == expect_facility_rows
    some = list(layer.loc[layer["kind"] == "radius", "facility_id"][:3])
    own = facility_area_layer(access, demo_prepared, some)
    assert sorted(own["facility_id"]) == sorted(some)
    assert (own["kind"] == "facility").all() and (own["area_m2"] > 0).all()
    for row in own.itertuples():  # a facility's own area lies within its category's
        category = layer[(layer["kind"] == "category") & (layer["category"] == row.category)]
        assert row.geometry.difference(category.geometry.iloc[0]).area < TOLERANCE * row.area_m2


def test_facility_areas_choice_is_checked(demo_results, demo_prepared):
    from lifecircle.analyses.service_area_layer import service_area_layer
    from lifecircle.spatial.errors import LifecircleError

    with pytest.raises(LifecircleError, match="per-facility"):
        service_area_layer(
            demo_results.access, demo_prepared, demo_results.profile, facility_areas="some"
        )


def test_run_config_takes_facility_areas(tmp_path):
    from lifecircle.config import load_config
    from lifecircle.pipeline import map_options
    from lifecircle.spatial.errors import LifecircleError

    path = tmp_path / "run.yml"
    path.write_text("maps:\n  facility_areas: none\n  lang: en\n", encoding="utf-8")
    config = load_config(path)
    assert config.maps["facility_areas"] == "none"
    assert map_options(config).lang == "en"  # the analysis key is not a drawing option
    path.write_text("maps:\n  facility_areas: some\n", encoding="utf-8")
    with pytest.raises(LifecircleError):
        load_config(path)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("radius_m", [40.0, 75.0])
def test_tiled_trace_is_the_whole_grid_trace(seed, radius_m):
    """Tiles of the smallest size give the same parts as one grid (groups kept apart)."""
    from lifecircle.spatial.disc_union import disc_union_groups, disc_union_parts

    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, 3000, size=(10, 2))
    xy = np.vstack(
        [
            centres[rng.integers(0, 10, 400)] + rng.normal(0, 150, (400, 2)),
            rng.uniform(0, 3000, size=(200, 2)),
        ]
    )
    group = rng.integers(0, 5, len(xy))
    whole = disc_union_parts(xy, radius_m, group=group, tile_cells=10**6)
    tiled = disc_union_parts(xy, radius_m, group=group, tile_cells=1)  # the smallest tiles
    assert len(tiled) == len(whole)
    assert shapely.is_valid(tiled).all()
    holes = shapely.get_num_interior_rings
    assert holes(tiled).sum() == holes(whole).sum()
    exact, drawn = shapely.union_all(whole), shapely.union_all(tiled)
    assert exact.symmetric_difference(drawn).area < 1e-9 * exact.area
    # each part holds the same points as on one grid
    held = sorted(tuple(np.flatnonzero(shapely.contains_xy(p, xy[:, 0], xy[:, 1]))) for p in tiled)
    assert held == sorted(
        tuple(np.flatnonzero(shapely.contains_xy(p, xy[:, 0], xy[:, 1]))) for p in whole
    )
    # the group read off the grid is that of every point the part holds, tiled or not
    for cells in (10**6, 1):
        parts, groups = disc_union_groups(xy, radius_m, group=group, tile_cells=cells)
        for part, part_group in zip(parts, groups, strict=True):
            # a part can hold no point (a piece of a disc cut off where two groups meet),
            # or a point of another group within a grid step of its own (random groups here)
            inside = shapely.contains_xy(part, xy[:, 0], xy[:, 1])
            assert not inside.any() or part_group in group[inside]


def test_wide_extents_trace_on_a_coarser_grid_that_still_holds_every_point():
    """The step grows with the extent (to radius / 2), within the stated accuracy."""
    from lifecircle.spatial.disc_union import (
        DEFAULT_STEPS_PER_RADIUS,
        MIN_STEPS_PER_RADIUS,
        disc_union_parts,
        steps_per_radius_for,
    )

    radius = 37.0
    near = np.array([[0.0, 0.0], [3000.0, 2000.0]])  # a sub-district
    wide = np.array([[0.0, 0.0], [60_000.0, 60_000.0]])  # a whole city
    assert steps_per_radius_for(near, radius) == DEFAULT_STEPS_PER_RADIUS
    assert steps_per_radius_for(wide, radius) == MIN_STEPS_PER_RADIUS
    middle = steps_per_radius_for(np.array([[0.0, 0.0], [12_000.0, 12_000.0]]), radius)
    assert MIN_STEPS_PER_RADIUS <= middle <= DEFAULT_STEPS_PER_RADIUS
    rng = np.random.default_rng(3)
    homes = np.stack(np.meshgrid(np.arange(0, 2400, 30.0), np.arange(0, 2400, 30.0)), -1)
    homes = homes.reshape(-1, 2)
    xy = homes[rng.random(len(homes)) < 0.5] + rng.normal(0, 6, (1, 2))
    xy = np.vstack([xy, rng.uniform(0, 2400, (150, 2))])  # and isolated homes
    exact = shapely.union_all(shapely.buffer(shapely.points(xy), radius, quad_segs=64))
    for steps, tolerance in ((DEFAULT_STEPS_PER_RADIUS, 0.006), (MIN_STEPS_PER_RADIUS, 0.03)):
        drawn = shapely.union_all(disc_union_parts(xy, radius, steps_per_radius=steps))
        assert shapely.contains_xy(drawn, xy[:, 0], xy[:, 1]).all(), steps
        assert drawn.symmetric_difference(exact).area < tolerance * exact.area, steps


def test_a_zone_member_beside_a_served_resident_still_counts_in_its_project():
    """A lacking home 0.5 m from a served one: the zone stops half-way between them (exactly,
    along the grid lines), and the 补缺 project finds every member through its group."""
    from lifecircle.analyses.gap_projects import _members
    from lifecircle.analyses.gaps import linked_pairs

    xy = np.array([[0.0, 0.0], [0.5, 0.0], [50.0, 0.0], [100.0, 0.0], [600.0, 0.0], [650.0, 0]])
    lacking = np.array([True, False, True, True, True, True])
    demand = gpd.GeoDataFrame(
        {"residents": [10.0] * 6, "elderly": [1.0] * 6, "children": [1.0] * 6},
        geometry=shapely.points(xy),
        crs="EPSG:32651",
    )
    walk = pd.DataFrame({"park": np.where(lacking, np.nan, 100.0)})
    nearest = pd.DataFrame({"park": ["f0"] * 6})
    access = SimpleNamespace(walk_m=walk, nearest=nearest, rule=load_profile("shanghai").rule)
    zones = gap_zones(demand, access, {"park": lacking}, None, link_m=75.0, zone_buffer_m=37.5)
    assert sorted(zones["demand_points"]) == [2, 3]
    first = zones[zones["demand_points"] == 3].geometry.iloc[0]
    assert first.contains(shapely.Point(0.0, 0.0)) and not first.contains(shapely.Point(0.5, 0))
    assert first.boundary.distance(shapely.Point(0.25, 0.0)) < 1e-6  # the bisector
    zone_of, rows = _members(zones, demand.geometry.to_numpy(), lacking, linked_pairs(xy, 75.0))
    held = {int(z): sorted(rows[zone_of == z].tolist()) for z in np.unique(zone_of)}
    assert sorted(held.values()) == [[0, 2, 3], [4, 5]]


def test_summary_records_the_linking_distance_the_zones_were_drawn_with(demo_results):
    from lifecircle.analyses.gaps import linking_distance_m
    from lifecircle.maps.gap_counts import zone_link_m

    recorded = demo_results.summary["gap_zones"]
    grid = demo_results.layerset.meta.get("demand_grid", {}).get("size_m")
    computed = linking_distance_m(demo_results.layerset.demand, grid)
    assert recorded == {"link_m": computed, "zone_radius_m": computed / 2}
    assert zone_link_m(demo_results) == computed
    # a run folder from before it was recorded: computed again from the demand points
    older = SimpleNamespace(
        summary={k: v for k, v in demo_results.summary.items() if k != "gap_zones"},
        layerset=demo_results.layerset,
        demand=demo_results.demand,
    )
    assert zone_link_m(older) == pytest.approx(computed)
