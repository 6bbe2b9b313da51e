"""Classify facilities into profile categories by tags, Geofabrik fclass and name.

The rules come from the standards profile as plain data (``layers`` never
imports ``analyses``). A rule is a mapping with any of:

``tags``
    ``{key: value | [values] | "*"}``; every key must match.
``fclass``
    A list of Geofabrik ``fclass`` values.
``name``
    A regular expression searched in the facility name.
``not_name``
    A regular expression that must NOT occur in the name.
``not_tags``
    ``{key: value | [values] | "*"}``; the rule fails if ANY of them matches
    (``{access: [private, no]}`` keeps private pools out of public categories).
``not_fclass``
    Geofabrik ``fclass`` values the rule refuses (a school playground named
    after its school is not a school).
``also``
    Further categories the facility serves (a 九年一贯制 school is a primary
    and a middle school); :func:`split_shared_facilities` makes one row each.

All conditions of a rule must hold. Names are more specific than tags in
Chinese data (an ``amenity=community_centre`` called 长者食堂 is a meal point),
so rules with a ``name`` condition are tried first, across all categories in
profile order, and tag/fclass-only rules second.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

Rules = Sequence[tuple[str, Sequence[dict[str, Any]]]]


def _osm_text(value: Any) -> Any:
    # YAML 1.1 reads an unquoted yes/no as a boolean; OSM values are the text "yes"/"no".
    return {True: "yes", False: "no"}.get(value, value) if isinstance(value, bool) else value


def _tag_matches(tags: pd.Series, key: str, wanted: Any) -> np.ndarray:
    values = tags.map(lambda t: t.get(key))
    if wanted == "*":
        return values.notna().to_numpy()
    allowed = {_osm_text(v) for v in (wanted if isinstance(wanted, list) else [wanted])}
    return values.isin(allowed).to_numpy()


def _tag_mask(tags: pd.Series, condition: dict[str, Any]) -> np.ndarray:
    mask = np.ones(len(tags), dtype=bool)
    for key, wanted in condition.items():
        mask &= _tag_matches(tags, key, wanted)
    return mask


def _any_tag_mask(tags: pd.Series, condition: dict[str, Any]) -> np.ndarray:
    mask = np.zeros(len(tags), dtype=bool)
    for key, wanted in condition.items():
        mask |= _tag_matches(tags, key, wanted)
    return mask


def _rule_mask(
    rule: dict[str, Any], names: pd.Series, tags: pd.Series, fclass: pd.Series
) -> np.ndarray:
    mask = np.ones(len(names), dtype=bool)
    if "tags" in rule:
        mask &= _tag_mask(tags, rule["tags"])
    if "not_tags" in rule:
        mask &= ~_any_tag_mask(tags, rule["not_tags"])
    if "fclass" in rule:
        mask &= fclass.isin(rule["fclass"]).to_numpy()
    if "not_fclass" in rule:
        mask &= ~fclass.isin(rule["not_fclass"]).to_numpy()
    if "name" in rule:
        mask &= names.str.contains(rule["name"], regex=True, na=False).to_numpy()
    if "not_name" in rule:
        mask &= ~names.str.contains(rule["not_name"], regex=True, na=False).to_numpy()
    return mask


def parse_tags(text: Any) -> dict[str, Any]:
    """A facility's ``tags`` (JSON text or a dict) as a dict; {} when absent or unreadable."""
    if isinstance(text, dict):
        return text
    if not isinstance(text, str) or not text:
        return {}
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def classify_facilities(facilities: gpd.GeoDataFrame, rules: Rules) -> gpd.GeoDataFrame:
    """Fill ``category`` for facilities that have none, by the profile rules.

    Parameters
    ----------
    facilities : GeoDataFrame
        With ``name``, ``tags`` (JSON text) and optionally ``fclass`` and an
        existing ``category`` (kept when it is a profile category: a planner's
        own facility list states its categories).
    rules : sequence of (category id, list of rule dicts)
        In profile order, from ``Profile.classification_rules()``.

    Returns
    -------
    GeoDataFrame
        A copy with ``category`` filled (None where nothing matched),
        ``matched_by`` saying which rule decided (``name``, ``tags`` or
        ``given``) and ``also_categories`` (a tuple, empty unless the deciding
        rule has ``also``).
    """
    result = facilities.copy()
    n = len(result)
    names = result["name"].astype("string").fillna("") if n else pd.Series([], dtype="string")
    tags = result["tags"].map(parse_tags) if "tags" in result else pd.Series([{}] * n)
    fclass = result["fclass"] if "fclass" in result else pd.Series([None] * n)
    known = {cat for cat, _ in rules}
    given = result["category"].isin(known).to_numpy() if "category" in result else np.zeros(n, bool)
    category = np.where(given, result.get("category", pd.Series([None] * n)), None).astype(object)
    matched_by = np.where(given, "given", None).astype(object)
    also = np.empty(n, dtype=object)
    also[:] = [()] * n

    for pass_name, wants_name in (("name", True), ("tags", False)):
        for cat, cat_rules in rules:
            for rule in cat_rules:
                if ("name" in rule) != wants_name:
                    continue
                open_rows = pd.isna(category)
                if not open_rows.any():
                    break
                hit = open_rows & _rule_mask(rule, names, tags, fclass)
                category[hit] = cat
                matched_by[hit] = pass_name
                if rule.get("also"):
                    for row in np.flatnonzero(hit):
                        also[row] = tuple(rule["also"])
    result["category"] = category
    result["matched_by"] = matched_by
    result["also_categories"] = also
    return result


def split_shared_facilities(facilities: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list[str]]:
    """One row per category for facilities that serve several (``also`` rules).

    A 九年一贯制 school ``osm:way/1`` becomes ``osm:way/1#primary_school`` and
    ``osm:way/1#middle_school``, so each category routes it and ids stay unique.
    Every row keeps the original id in ``site_id`` (the join key back to the
    source; equal to ``facility_id`` for single-category facilities).

    Parameters
    ----------
    facilities : GeoDataFrame
        Classified facilities, optionally with ``also_categories``.

    Returns
    -------
    (GeoDataFrame, list of str)
        The facilities without ``also_categories``, and the original ids of
        those that were split.
    """
    result = facilities.copy()
    result["site_id"] = result["facility_id"]
    if "also_categories" not in result:
        return result, []
    also = result.pop("also_categories")
    shared = also.map(lambda extra: bool(extra)).to_numpy(dtype=bool)
    if not shared.any():
        return result, []
    single = result[~shared]
    multi = result[shared].copy()
    multi["category"] = [
        tuple(dict.fromkeys((first, *extra)))
        for first, extra in zip(multi["category"], also[shared], strict=True)
    ]
    multi = multi.explode("category")
    multi["facility_id"] = multi["site_id"].astype(str) + "#" + multi["category"].astype(str)
    combined = pd.concat([single, multi]).sort_index(kind="stable").reset_index(drop=True)
    return gpd.GeoDataFrame(combined, crs=facilities.crs), multi["site_id"].unique().tolist()
