"""Which categories the input has data for: a data gap is not a service gap.

A category with fewer facilities in the input than the profile's
``data_check.min_facilities`` (1: none at all), or fewer per 10,000 residents
of the study area than its ``min_facilities_per_10k_residents``, is "no data".
Its coverage is not reported as 0 %, no gap zones are drawn for it, and the
report names the planner's list that would fill it
(``categories.<id>.planner_list``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lifecircle.layers.layerset import LayerSet
from lifecircle.standards.profile import Profile

#: ``status`` of a category in summary.json.
NO_DATA = "no_data"
HAS_DATA = "ok"


def no_data_categories(layerset: LayerSet, profile: Profile) -> dict[str, dict[str, Any]]:
    """The categories the input has no (or implausibly few) facilities of.

    Facilities are counted over the whole input used for routing (the study
    area and its halo), residents over the study area, so the per-10,000 rule
    only flags a category that is sparse even with the halo's facilities.

    Parameters
    ----------
    layerset : LayerSet
        Classified facilities and demand with residents.
    profile : Profile

    Returns
    -------
    dict
        Category id → ``{"reason", "facilities", "facilities_per_10k_residents",
        "rule", "planner_list"}``; ``reason`` is ``no_facilities`` (below
        ``min_facilities``) or ``implausibly_few`` (below the category's
        per-10,000 rule). Categories with data are absent.
    """
    categories = layerset.facilities["category"].to_numpy()
    residents = float(layerset.demand["residents"].to_numpy(dtype=float).sum())
    min_count = profile.min_facilities.value if profile.min_facilities else 1
    out: dict[str, dict[str, Any]] = {}
    for cat_id, cat in profile.categories.items():
        count = int(np.count_nonzero(categories == cat_id))
        per_10k = count * 10_000.0 / residents if residents > 0 else None
        if count < min_count:
            reason, rule = "no_facilities", profile.min_facilities
        elif (
            cat.min_per_10k_residents is not None
            and per_10k is not None
            and per_10k < float(cat.min_per_10k_residents.value)
        ):
            reason, rule = "implausibly_few", cat.min_per_10k_residents
        else:
            continue
        out[cat_id] = {
            "reason": reason,
            "facilities": count,
            "facilities_per_10k_residents": per_10k,
            "rule": rule.to_dict() if rule else {"value": 1},
            "planner_list": dict(cat.planner_list),
        }
    return out
