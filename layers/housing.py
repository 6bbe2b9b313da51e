"""Which buildings hold residents: the housing rule for typed and untyped buildings.

Most buildings in OSM for Chinese cities are tagged only ``building=yes``. If
only buildings tagged residential got residents, a dense city would look
empty. The rule, with every list and number taken from the profile's
``population`` block (overridable in the run config):

1. ``use`` in ``residential_building_values`` → housing.
2. ``use`` in ``non_residential_building_values`` → not housing.
3. ``use`` in ``untyped_building_values`` (``yes``):

   - a tag with a key in ``non_residential_tag_keys`` (``shop=*``,
     ``amenity=*``...) → not housing;
   - footprint below ``min_untyped_footprint_m2`` → not housing (sheds,
     garages, kiosks, guard booths);
   - inside a ``landuse`` in ``non_residential_landuse_values`` → not housing;
   - otherwise by ``untyped_buildings``: ``residential_unless_excluded``
     (housing), ``in_residential_landuse`` (housing only inside a landuse in
     ``residential_landuse_values``) or ``never``.
4. Any other ``use`` value → not housing ("other building type").

Each building gets a reason key (:data:`REASONS`), so the report can count the
buildings used and ignored by reason.
"""

from __future__ import annotations

import json
from collections import Counter

import geopandas as gpd
import numpy as np
import pandas as pd

from lifecircle.layers.population import PopulationSettings

#: Reason key → (is housing, English label, Chinese label).
REASONS: dict[str, tuple[bool, str, str]] = {
    "residential_type": (True, "tagged residential", "标注为住宅"),
    "untyped_in_residential_landuse": (
        True,
        "untyped, inside landuse=residential",
        "未标用途且位于居住用地内",
    ),
    "untyped_no_other_use": (True, "untyped, no non-residential tag", "未标用途，无非居住标签"),
    "non_residential_type": (False, "non-residential building type", "非居住建筑类型"),
    "non_residential_tag": (False, "untyped with a non-residential tag", "未标用途但有非居住标签"),
    "too_small": (False, "untyped and smaller than the minimum footprint", "未标用途且占地过小"),
    "non_residential_landuse": (
        False,
        "untyped, inside non-residential landuse",
        "未标用途且位于非居住用地内",
    ),
    "outside_residential_landuse": (
        False,
        "untyped, outside landuse=residential (rule in_residential_landuse)",
        "未标用途且不在居住用地内",
    ),
    "untyped_not_counted": (False, "untyped (rule never)", "未标用途（规则：不计）"),
    "other_type": (False, "other building type", "其他建筑类型"),
}


def classify_housing(
    buildings: gpd.GeoDataFrame, settings: PopulationSettings
) -> tuple[np.ndarray, np.ndarray]:
    """Decide which buildings are housing.

    Parameters
    ----------
    buildings : GeoDataFrame
        With ``use`` and ``footprint_m2`` (m²); optionally ``tags`` (JSON text
        of the OSM tags) and ``landuse`` (value of the landuse area around it).
    settings : PopulationSettings
        The rule's lists and numbers.

    Returns
    -------
    housing : ndarray of bool
    reason : ndarray of str
        A key of :data:`REASONS` per building.
    """
    n = len(buildings)
    use = buildings["use"].astype(str).to_numpy() if n else np.array([], dtype=str)
    reason = np.full(n, "other_type", dtype=object)
    reason[np.isin(use, settings.non_residential_building_values)] = "non_residential_type"
    # readers already map OSM residential values (apartments, house...) to "residential"
    residential_values = (*settings.residential_building_values, "residential")
    reason[np.isin(use, residential_values)] = "residential_type"
    untyped = np.isin(use, settings.untyped_building_values) & (reason == "other_type")
    if untyped.any():
        reason[untyped] = _untyped_reasons(buildings[untyped], settings)
    housing = np.array([REASONS[key][0] for key in reason], dtype=bool)
    return housing, reason


def _untyped_reasons(untyped: gpd.GeoDataFrame, settings: PopulationSettings) -> np.ndarray:
    n = len(untyped)
    other_use = np.array(
        [
            bool(other_use_tags(t, settings.non_residential_tag_keys))
            for t in _texts(untyped, "tags")
        ]
    )
    landuse = np.array(_texts(untyped, "landuse"), dtype=object)
    small = untyped["footprint_m2"].to_numpy(dtype=float) < settings.min_untyped_footprint_m2
    in_residential = np.isin(landuse, settings.residential_landuse_values)
    in_other = np.isin(landuse, settings.non_residential_landuse_values)
    rule = settings.untyped_buildings
    if rule == "never":
        counted = np.full(n, "untyped_not_counted", dtype=object)
    elif rule == "in_residential_landuse":
        counted = np.where(
            in_residential, "untyped_in_residential_landuse", "outside_residential_landuse"
        ).astype(object)
    else:
        counted = np.where(
            in_residential, "untyped_in_residential_landuse", "untyped_no_other_use"
        ).astype(object)
    counted[in_other] = "non_residential_landuse"
    counted[small] = "too_small"
    counted[other_use] = "non_residential_tag"
    return counted


def _texts(frame: pd.DataFrame, column: str) -> list[str]:
    """A text column as strings ('' where missing or absent)."""
    if column not in frame:
        return [""] * len(frame)
    return ["" if pd.isna(v) else str(v) for v in frame[column]]


def other_use_tags(tags_json: str, keys: tuple[str, ...]) -> list[str]:
    """``key=value`` of the non-residential tags in one building's JSON tags."""
    if not tags_json:
        return []
    try:
        tags = json.loads(tags_json)
    except json.JSONDecodeError:
        return []
    if not isinstance(tags, dict):
        return []
    return [f"{k}={tags[k]}" for k in keys if k in tags and tags[k] != "no"]


def ignored_examples(
    buildings: gpd.GeoDataFrame, reason: np.ndarray, key: str, settings: PopulationSettings
) -> str:
    """The most common values behind one ignore reason, e.g. ``shop=supermarket ×3``."""
    chosen = buildings[reason == key]
    if key == "non_residential_tag":
        values = [
            tag
            for text in _texts(chosen, "tags")
            for tag in other_use_tags(text, settings.non_residential_tag_keys)[:1]
        ]
    elif key == "non_residential_landuse":
        values = [f"landuse={v}" for v in _texts(chosen, "landuse")]
    elif key in {"non_residential_type", "other_type"}:
        values = [f"building={v}" for v in _texts(chosen, "use")]
    else:
        return ""
    common = Counter(values).most_common(5)
    return ", ".join(f"{value} ×{count}" for value, count in common)
