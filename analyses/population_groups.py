"""Which people count for a category: everyone, the elderly or children."""

from __future__ import annotations

import numpy as np
import pandas as pd

TARGET_COLUMNS = {"everyone": "residents", "elderly": "elderly", "children": "children"}


def target_population(demand: pd.DataFrame, target: str) -> np.ndarray:
    """People of the target group per demand point (residents, elderly or children)."""
    return demand[TARGET_COLUMNS[target]].to_numpy(dtype=float)


def share(covered: np.ndarray, people: np.ndarray) -> float:
    """Covered people ÷ all people, in [0, 1]; 0 when there are no people."""
    total = float(people.sum())
    return float(people[covered].sum() / total) if total > 0 else 0.0
