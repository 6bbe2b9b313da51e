"""Property columns of a map data set: JSON-ready values, one list per property.

Missing values (None, NaN, infinity, pandas NA, the empty string) become None:
the page reads an absent property exactly as a null one. Numbers become Python
``int``/``float``/``bool``, floats rounded to a property's decimals (0 makes
them integers); anything else becomes its text. Numeric and text columns are
converted by numpy and pandas as whole arrays; other columns (mixed objects,
dates) value by value with :func:`plain_value`, the rule the array paths follow.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

# output property name → source column name, or a function of the frame (one value per row)
Properties = Mapping[str, str | Callable[[gpd.GeoDataFrame], Any]]
# output property name → decimals floats are rounded to (None keeps them)
Digits = Mapping[str, int | None]

DEFAULT_DIGITS = 2
# |x| * 10**digits from here on is not rounded by scaling (no fraction to round; 2**52)
_EXACT_LIMIT = 2.0**52


@dataclass
class PropertyColumn:
    """One property's values (None where missing) and the mask of missing ones."""

    values: list[Any]
    missing: np.ndarray  # bool, one per feature


def plain_value(value: Any, digits: int | None) -> Any:
    """A JSON-ready scalar: NaN/None → None, numpy → Python, floats rounded."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            return None
        if digits is None:
            return number
        rounded = round(number, digits)
        return int(rounded) if digits == 0 else rounded
    if pd.api.types.is_scalar(value) and pd.isna(value):  # pandas NA, NaT, Decimal NaN …
        return None
    return str(value)


def _rounded(numbers: np.ndarray, digits: int) -> np.ndarray:
    """``round(x, digits)`` of every finite float, as Python rounds (to the nearest decimal).

    Scaling by 10**digits and rounding to an integer gives Python's result except
    where the scaled value lies within its own rounding error of a half; those
    few (and values too large to have a fraction) are rounded by Python itself.
    """
    scale = 10.0**digits
    scaled = numbers * scale
    whole = np.rint(scaled)
    out = whole / scale
    # the product's rounding error is at most 1.1e-16 of it
    near_half = np.abs(scaled - np.floor(scaled) - 0.5) <= 4e-16 * np.abs(scaled)
    unsure = np.flatnonzero(near_half | (np.abs(scaled) >= _EXACT_LIMIT))
    out[unsure] = [round(float(x), digits) for x in numbers[unsure]]
    return out


def _float_column(numbers: np.ndarray, digits: int | None) -> PropertyColumn:
    numbers = numbers.astype(np.float64, copy=False)
    missing = ~np.isfinite(numbers)
    shown = np.where(missing, 0.0, numbers)
    if digits is not None:
        shown = _rounded(shown, digits)
    if digits == 0:
        fits = len(shown) == 0 or np.abs(shown).max() < 2.0**62
        values = shown.astype(np.int64).tolist() if fits else [int(x) for x in shown]
    else:
        values = shown.tolist()
    for i in np.flatnonzero(missing):
        values[i] = None
    return PropertyColumn(values, missing)


def _object_column(items: np.ndarray, digits: int | None) -> PropertyColumn:
    if pd.api.types.infer_dtype(items, skipna=True) in ("string", "empty"):  # texts, missing
        missing = np.asarray(pd.isna(items), dtype=bool)
        missing[~missing] = items[~missing] == ""
        return PropertyColumn(np.where(missing, None, items).tolist(), missing)
    values = [plain_value(v, digits) for v in items]
    values = [None if v == "" else v for v in values]
    return PropertyColumn(values, np.array([v is None for v in values], dtype=bool))


def plain_column(values: Any, digits: int | None) -> PropertyColumn:
    """The JSON-ready values of one property (a Series, array or sequence, one per feature).

    Parameters
    ----------
    values : Series, ndarray or sequence
        The property's values, in feature order.
    digits : int or None
        Decimals (0 or more) floats are rounded to, 0 making them integers;
        None keeps them.
    """
    if isinstance(values, (pd.Series, pd.Index)):
        # numbers as numpy arrays; anything else as the objects pandas gives (Timestamps …)
        numeric = values.dtype.kind in "biuf" and isinstance(values.dtype, np.dtype)
        array = values.to_numpy() if numeric else values.astype(object).to_numpy()
    elif isinstance(values, np.ndarray):
        array = values
    else:
        array = np.empty(len(values), dtype=object)
        array[:] = list(values)
    no_gaps = np.zeros(len(array), dtype=bool)
    if array.dtype.kind in "biu":
        return PropertyColumn(array.tolist(), no_gaps)
    if array.dtype.kind == "f":
        return _float_column(array, digits)
    return _object_column(array.astype(object, copy=False), digits)


def property_columns(
    frame: gpd.GeoDataFrame, properties: Properties, digits: Digits | None = None
) -> dict[str, PropertyColumn]:
    """Each named property of ``frame`` as a JSON-ready column.

    Parameters
    ----------
    frame : GeoDataFrame
        The features, one per row.
    properties : mapping
        Output property name → source column name, or a function of the frame
        returning a sequence (one value per row).
    digits : mapping, optional
        Output property name → decimals to round floats to (None keeps them;
        the default is ``DEFAULT_DIGITS``).
    """
    places = dict(digits or {})
    columns = {}
    for name, source in properties.items():
        values = source(frame) if callable(source) else frame[source]
        columns[name] = plain_column(values, places.get(name, DEFAULT_DIGITS))
    return columns
