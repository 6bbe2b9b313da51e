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


def _tag_mask(tags: pd.Series, condition: dict[str, Any]) -> np.ndarray:
    mask = np.ones(len(tags), dtype=bool)
    for key, wanted in condition.items():
        values = tags.map(lambda t, k=key: t.get(k))
        if wanted == "*":
            mask &= values.notna().to_numpy()
        else:
            allowed = set(wanted) if isinstance(wanted, list) else {wanted}
            mask &= values.isin(allowed).to_numpy()
    return mask


def _rule_mask(
    rule: dict[str, Any], names: pd.Series, tags: pd.Series, fclass: pd.Series
) -> np.ndarray:
    mask = np.ones(len(names), dtype=bool)
    if "tags" in rule:
        mask &= _tag_mask(tags, rule["tags"])
    if "fclass" in rule:
        mask &= fclass.isin(rule["fclass"]).to_numpy()
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
        A copy with ``category`` filled (None where nothing matched) and
        ``matched_by`` saying which rule decided (``name``, ``tags`` or
        ``given``).
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
    result["category"] = category
    result["matched_by"] = matched_by
    return result
