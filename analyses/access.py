"""The one access computation every analysis shares.

For each demand point and each profile category: the walk in metres and
minutes to the nearest facility of that category (at the category's speed, see
:meth:`lifecircle.standards.profile.Profile.rule`), and which facility that
is. Computed up to ``max_minutes`` (30 by default, raised to the profile's
longest threshold), and no farther than the clip-safe horizon of the inputs;
beyond that the value is null (NaN), read as "more than
:meth:`AccessTable.limit` minutes" (censored), never as a number. The table
keeps the rules it was routed with, and analyses judge it by those.

The clip-safe horizon: inputs are clipped to ``halo_m`` around the study area
(``layerset.meta["halo_m"]``, see :func:`lifecircle.layers.load.halo_m`). A
walk of W metres from a point of the study area (connectors included) stays
within W of it, and the facility it ends at snaps to an edge within the snap
limit of itself; so every walk up to ``halo_m - max_snap_m`` is complete in
the clipped inputs, and a longer one may not be (its facility or roads may
have been cut off).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import shapely

from lifecircle.analyses.data_status import no_data_categories
from lifecircle.layers.barriers import railway_stations, walk_barriers
from lifecircle.layers.layerset import LayerSet
from lifecircle.spatial.errors import LifecircleError
from lifecircle.spatial.graph import WalkGraph, build_walk_graph, main_network_edges, walkable_mask
from lifecircle.spatial.routing import nearest_source_by_group, to_minutes
from lifecircle.spatial.snapping import Snapped, SnapTargets, snap_points
from lifecircle.standards.profile import CategoryRule, Profile

DEFAULT_MAX_MINUTES = 30.0


@dataclass
class Network:
    """The walk graph of a LayerSet with demand and facilities snapped to it.

    Attributes
    ----------
    graph : WalkGraph
    demand : Snapped
        One row per ``layerset.demand`` row.
    facilities : Snapped
        One row per ``layerset.facilities`` row.
    excluded_roads : int
        Road lines left out as not walkable (motorways, foot=no...).
    targets : SnapTargets or None
        The main-network edges and barriers points were snapped with; None when
        every edge was eligible and nothing was a barrier.
    """

    graph: WalkGraph
    demand: Snapped
    facilities: Snapped
    excluded_roads: int = 0
    targets: SnapTargets | None = None

    def snap(self, xy: np.ndarray) -> Snapped:
        """Snap more points (e.g. candidate sites) with the same limit and rules."""
        return snap_points(self.targets or self.graph, xy, self.demand.max_snap_m)


def point_xy(frame) -> np.ndarray:
    """(k, 2) coordinates of a point layer, metres."""
    if frame.empty:
        return np.zeros((0, 2))
    geoms = frame.geometry.values
    if (shapely.get_type_id(geoms) == 0).all() and not shapely.is_empty(geoms).any():
        return shapely.get_coordinates(geoms)
    # not all single points: geopandas gives NaN or says what is wrong
    return np.column_stack([frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()])


def build_network(layerset: LayerSet, max_snap_m: float) -> Network:
    """Build the walk graph from walkable roads and snap demand and facilities.

    Points snap to the main walk network only (the largest connected component
    and components of 5 km or more, see
    :func:`lifecircle.spatial.graph.main_network_edges`), along a connector that
    crosses no water area, river, canal or surface railway
    (:func:`lifecircle.layers.barriers.walk_barriers`); railway stations are
    reached across their railway, not across water.

    Parameters
    ----------
    layerset : LayerSet
        Prepared inputs (metric CRS).
    max_snap_m : float
        Snap limit in metres; points with no main-network edge reachable along a
        clear connector within it are kept but not routed.
    """
    roads = layerset.roads
    access = roads.get("access")
    walkable = walkable_mask(roads["highway"], roads["foot"], access)
    used = roads[walkable]
    vertex_ids = None
    if "vertex_ids" in used and used["vertex_ids"].notna().all() and len(used):
        vertex_ids = list(used["vertex_ids"])
    grade = pd.to_numeric(used["layer"], errors="coerce").fillna(0).astype(int).to_numpy()
    graph = build_walk_graph(used.geometry.values, vertex_ids=vertex_ids, grade=grade)
    targets = SnapTargets(graph, main_network_edges(graph), walk_barriers(layerset))
    facility_xy = point_xy(layerset.facilities)
    facilities = snap_points(targets, facility_xy, max_snap_m)
    stations = railway_stations(layerset.facilities)
    if stations.any():
        water_only = targets.with_barriers(walk_barriers(layerset, railways=False))
        facilities = facilities.replaced(
            stations, snap_points(water_only, facility_xy[stations], max_snap_m))
    return Network(
        graph=graph,
        demand=snap_points(targets, point_xy(layerset.demand), max_snap_m),
        facilities=facilities,
        excluded_roads=int((~walkable).sum()),
        targets=targets,
    )


def cap_minutes(profile: Profile, max_minutes: float = DEFAULT_MAX_MINUTES) -> float:
    """The minutes access is computed up to: ``max_minutes``, raised to the longest
    threshold of the profile (over :meth:`Profile.all_rules`) so no threshold is cut."""
    return max(float(max_minutes), *(rule.threshold_minutes for rule in profile.all_rules()))


def clip_horizon_m(layerset: LayerSet, profile: Profile) -> float:
    """Longest walk (m) the clipped inputs answer correctly: the halo minus the snap limit.

    ``inf`` when the layer set was not clipped (no ``meta["halo_m"]``: the
    synthetic demo district, or a LayerSet built by hand).

    Raises
    ------
    LifecircleError
        When a threshold of the profile is longer than the horizon: the inputs
        were clipped for shorter walks, and coverage itself would be wrong.
    """
    halo = layerset.meta.get("halo_m")
    if halo is None:
        return float("inf")
    horizon = float(halo) - float(profile.max_snap_m.value)
    longest = max(rule.threshold_m for rule in profile.all_rules())
    if longest > horizon + 1e-6:
        raise LifecircleError(
            f"The inputs were clipped {float(halo):,.0f} m around the study area, which "
            f"answers walks up to {horizon:,.0f} m only, but the profile '{profile.id}' "
            f"judges walks up to {longest:,.0f} m.",
            where="layerset.meta['halo_m']",
            fix="Load the layers with this profile (the halo follows its thresholds), "
            "e.g. lifecircle.load_layers(..., profile=...).",
        )
    return horizon


@dataclass
class AccessTable:
    """Demand × category walks to the nearest facility.

    Attributes
    ----------
    minutes : DataFrame
        Minutes at the category's speed, index = demand_id, one column per
        category; NaN beyond ``max_minutes``.
    nearest_row : DataFrame
        Row position in ``layerset.facilities`` of the nearest facility per
        category (int32; -1 beyond the cap).
    rules : dict of CategoryRule
        The rule each category was routed with (its speed, m/s) and is judged
        by where it is reported (``Profile.rules()``).
    circle_rules : dict
        Circle id → category id → rule (``Profile.circle_rules()``), for a
        category judged in another circle (``park`` in the fitness circle).
    max_minutes : float
        The cap actually used (minutes): the requested one, raised to the
        profile's longest threshold.
    network : Network
    facility_rows : dict
        Row positions in ``layerset.facilities`` of each category's facilities.
    facility_ids : np.ndarray
        ``facility_id`` (str) of every row of ``layerset.facilities``.
    limit_minutes : dict
        Category → minutes it was computed to: ``max_minutes``, or less where
        the clip-safe horizon is shorter (see :meth:`limit`).
    horizon_m : float
        The clip-safe horizon (m; ``inf`` for unclipped inputs).
    no_data : dict
        Category → why it is "no data" (no or implausibly few facilities in
        the input; :func:`lifecircle.analyses.data_status.no_data_categories`).
    """

    minutes: pd.DataFrame
    nearest_row: pd.DataFrame
    rules: dict[str, CategoryRule]
    circle_rules: dict[str, dict[str, CategoryRule]]
    max_minutes: float
    network: Network
    facility_rows: dict[str, np.ndarray] = field(default_factory=dict)
    facility_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    limit_minutes: dict[str, float] = field(default_factory=dict)
    horizon_m: float = float("inf")
    no_data: dict[str, dict] = field(default_factory=dict)

    def limit(self, category: str) -> float:
        """Minutes ``category`` was computed to: NaN in :attr:`minutes` means "more than this"."""
        return self.limit_minutes.get(category, self.max_minutes)

    def censored(self, category: str) -> bool:
        """True when the clip, not the cap, limits ``category`` (its NaN is ">limit")."""
        return self.limit(category) < self.max_minutes - 1e-9

    def censored_categories(self) -> list[str]:
        """Categories whose minutes the clip, not the cap, limits (see :meth:`censored`)."""
        return [c for c in self.minutes.columns if self.censored(c)]

    def has_data(self, category: str) -> bool:
        """False when the input has no (or implausibly few) facilities of ``category``."""
        return category not in self.no_data

    @cached_property
    def walk_m(self) -> pd.DataFrame:
        """Metres walked, per demand point and category (NaN beyond the cap).

        Derived from :attr:`minutes` and the category speeds on first use, so the
        access step holds one demand × category table of floats, not two.
        """
        metres_per_minute = np.array(
            [60.0 * self.rules[c].speed_mps for c in self.minutes.columns]
        )
        return self.minutes * metres_per_minute

    @cached_property
    def nearest(self) -> pd.DataFrame:
        """facility_id of the nearest facility per category (None beyond the cap).

        Built from :attr:`nearest_row` on first use (18 object columns cost
        about 0.5 s at a million demand points, so the access step skips them).
        """
        ids = np.append(self.facility_ids.astype(object), None)
        # object dtype: pandas 3 would otherwise convert the id columns to its str type (slow)
        return pd.DataFrame(
            ids[self.nearest_row.to_numpy()], index=self.nearest_row.index,
            columns=self.nearest_row.columns, dtype=object, copy=False,
        )

    def rule(self, category: str, circle: str | None = None) -> CategoryRule:
        """The rule this table judges ``category`` by (in ``circle``, by default where it
        is reported), as :meth:`lifecircle.standards.profile.Profile.rule` gave it.

        Raises
        ------
        LifecircleError
            When the table has no such rule: it was computed with another profile.
        """
        rule = self.rules.get(category)
        if circle is not None and (rule is None or rule.circle != circle):
            rule = self.circle_rules.get(circle, {}).get(category)
        if rule is None:
            raise LifecircleError(
                f"The access table has no rule for category '{category}'"
                + (f" in the '{circle}' circle" if circle else "")
                + "; it was computed with another standards profile.",
                where="analysis(access=...)",
                fix="Compute the access table with the profile you judge it by "
                "(leave access=None).",
            )
        return rule

    def covered(self, category: str, circle: str | None = None) -> np.ndarray:
        """Bool per demand point: the category is within its rule's threshold.

        ``circle`` picks the rule as in :meth:`rule`.
        """
        minutes = self.rule(category, circle).threshold_minutes
        return (self.minutes[category] <= minutes + 1e-9).to_numpy()


def compute_access(
    layerset: LayerSet,
    profile: Profile,
    network: Network | None = None,
    max_minutes: float = DEFAULT_MAX_MINUTES,
) -> AccessTable:
    """Minutes from every demand point to the nearest facility of every category.

    Parameters
    ----------
    layerset : LayerSet
        With classified facilities and demand.
    profile : Profile
        Categories and speeds.
    network : Network, optional
        Reuse a built network.
    max_minutes : float
        Compute up to this many minutes (at each category's speed); raised to the
        longest threshold of the profile when that is longer, so no threshold is cut
        (``AccessTable.max_minutes`` is the cap used). No farther than the clip-safe
        horizon (:func:`clip_horizon_m`; ``AccessTable.limit_minutes``).

    Raises
    ------
    LifecircleError
        When the inputs were clipped too narrowly for the profile's thresholds.

    Returns
    -------
    AccessTable
    """
    rules = profile.rules()
    max_minutes = cap_minutes(profile, max_minutes)
    horizon_m = clip_horizon_m(layerset, profile)
    network = network or build_network(layerset, float(profile.max_snap_m.value))
    demand_ids = layerset.demand["demand_id"].astype(str).to_numpy()
    facility_ids = layerset.facilities["facility_id"].astype(str).to_numpy()
    categories = layerset.facilities["category"].to_numpy()
    cats = list(profile.categories)
    speeds = {cat: rules[cat].speed_mps for cat in cats}
    limits_m = {cat: min(max_minutes * 60.0 * speeds[cat], horizon_m) for cat in cats}
    rows_by_category = {cat: np.flatnonzero(categories == cat) for cat in cats}
    # one (category, demand) block per table, filled in place and handed to pandas
    # without a copy: at a million demand points, fresh memory is a large cost
    n = len(demand_ids)
    walk = np.empty((len(cats), n))
    nearest_row = np.empty((len(cats), n), dtype=np.int32)
    nearest_source_by_group(
        network.graph, network.facilities, [rows_by_category[cat] for cat in cats],
        network.demand, [limits_m[cat] for cat in cats],
        out=(walk, nearest_row),
    )
    minutes = walk  # converted in place, row by row
    for c, cat in enumerate(cats):
        row = minutes[c]
        np.copyto(row, np.nan, where=np.isinf(row))
        to_minutes(row, speeds[cat], out=row)
        # group positions to facility rows; position -1 (beyond the cap) picks the -1 appended
        to_row = np.append(rows_by_category[cat], -1).astype(np.int32)
        nearest_row[c] = to_row[nearest_row[c]]
    index = pd.Index(demand_ids, name="demand_id")
    columns = pd.Index(cats)
    return AccessTable(
        minutes=pd.DataFrame(minutes.T, index=index, columns=columns, copy=False),
        nearest_row=pd.DataFrame(nearest_row.T, index=index, columns=columns, copy=False),
        rules=rules,
        circle_rules=profile.circle_rules(),
        max_minutes=max_minutes,
        network=network,
        facility_rows=rows_by_category,
        facility_ids=facility_ids,
        limit_minutes={cat: limits_m[cat] / (60.0 * speeds[cat]) for cat in cats},
        horizon_m=horizon_m,
        no_data=no_data_categories(layerset, profile),
    )
