"""``tables.xlsx``: the run's tables as one Excel workbook, for planners.

One sheet per table, headers in the run's language, numbers rounded the way
a reader wants them (whole people, shares as percent) but kept as numbers so
they still sum and sort. Text cells that a spreadsheet would run as a formula
are neutralised (:func:`lifecircle.output.neutralise_formula`), as in the CSV
tables.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter

from lifecircle.maps.atomic import staged_file
from lifecircle.output import neutralise_formula
from lifecircle.standards.profile import Profile
from lifecircle.table_headers import (
    AREA,
    COUNT,
    DEGREES,
    METRES,
    MINUTES,
    PEOPLE,
    RATIO,
    SHARE,
    TABLE_TITLES,
    column_header,
    header_text,
    table_title,
)

#: The workbook's file name in the run folder.
WORKBOOK_NAME = "tables.xlsx"

#: Decimals kept and Excel number format per kind of value.
_FORMATS: dict[str, tuple[int, str]] = {
    PEOPLE: (0, "#,##0"),
    SHARE: (3, "0.0%"),
    METRES: (0, "#,##0"),
    MINUTES: (1, "0.0"),
    RATIO: (2, "0.00"),
    DEGREES: (6, "0.000000"),
    AREA: (0, "#,##0"),
    COUNT: (0, "0"),
}

_MAX_WIDTH = 60  # characters; longer text wraps nothing, it is only cut off on screen


#: Rows of one sheet: Excel's limit (1,048,576) less the header row. A longer
#: table continues on sheets "title (2)", "title (3)"...; its CSV holds it whole.
MAX_SHEET_ROWS = 1_048_575


def _cell_value(value: Any, decimals: int | None) -> Any:
    """A Python value for a cell: numbers rounded, missing values empty."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        if decimals is not None:
            value = round(value, decimals)
            return int(value) if decimals == 0 else value
        return value
    if isinstance(value, bool | int):
        return value
    if isinstance(value, list | tuple | np.ndarray):
        value = ";".join(str(v) for v in value)
    return neutralise_formula(str(value))


def _column_values(column: pd.Series, decimals: int | None) -> list[Any]:
    """:func:`_cell_value` of every value of ``column``, whole columns of numbers at once."""
    if column.dtype.kind == "f" and isinstance(column.dtype, np.dtype):
        values = column.to_numpy(dtype=float)
        finite = np.isfinite(values)
        if decimals is not None:
            values = np.round(values, decimals)
        if decimals == 0:
            values = np.where(finite, values, 0.0).astype(np.int64)
        out = values.astype(object)
        out[~finite] = None
        return out.tolist()
    if column.dtype.kind in "iub" and not column.isna().any():  # nullable ints hold pd.NA
        return column.tolist()
    return [_cell_value(value, decimals) for value in column.tolist()]


def _shown(value: Any, decimals: int | None) -> str:
    """Roughly the text Excel shows for a cell value (for the column width)."""
    if value is None:
        return ""
    if isinstance(value, float) and decimals == _FORMATS[SHARE][0]:
        return f"{value:.1%}"
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def _display_width(text: str) -> int:
    """Width of ``text`` in Excel character units: Chinese characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _column_width(header: str, values: list[Any], decimals: int | None) -> float:
    """Excel column width: the widest of the header and the values as shown, capped."""
    distinct = set(values) if len(values) < 2000 else _extremes(values)
    widest = max((_display_width(_shown(v, decimals)) for v in distinct), default=0)
    return min(max(_display_width(header), widest) + 2, _MAX_WIDTH)


def _extremes(values: list[Any]) -> set[Any]:
    """For a long column, the values that can be the widest: numbers' extremes, distinct text."""
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    rest = {v for v in values if not (isinstance(v, int | float) and not isinstance(v, bool))}
    if numbers:  # the longest number is the largest, the most negative or the most decimals
        rest |= {max(numbers), min(numbers)}
        rest |= set(sorted(numbers, key=lambda v: len(repr(v)))[-3:])
    return rest


def write_workbook(
    tables: Mapping[str, pd.DataFrame], path: Path, profile: Profile, lang: str
) -> None:
    """Write the tables as one ``.xlsx`` workbook, one sheet per table (atomically).

    The workbook is streamed row by row (XlsxWriter's ``constant_memory`` mode):
    a city's 155,000 gap rows take about 12 s, where openpyxl took 30–37 s,
    and the cells are never all held at once.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        Table name → table, as written to ``tables/NAME.csv``. Sheets follow
        the order of :data:`~lifecircle.table_headers.TABLE_TITLES`, then the rest.
        A table longer than :data:`MAX_SHEET_ROWS` continues on further sheets.
    path : Path
        The workbook file.
    profile : Profile
        The run's profile (names the per-category columns).
    lang : str
        ``zh`` or ``en``: language of the headers and sheet titles.
    """
    with staged_file(path) as temporary:
        book = xlsxwriter.Workbook(str(temporary), {"constant_memory": True})
        try:
            _write_sheets(book, tables, profile, lang)
        finally:
            book.close()


def _write_sheets(
    book: xlsxwriter.Workbook, tables: Mapping[str, pd.DataFrame], profile: Profile, lang: str
) -> None:
    """One sheet per table (more for a table longer than a sheet), in the documented order."""
    bold = book.add_format({"bold": True})
    number_formats = {f: book.add_format({"num_format": f}) for _, f in _FORMATS.values()}
    titles: list[str] = []
    known = [name for name in TABLE_TITLES if name in tables]
    for name in known + [name for name in tables if name not in known]:
        table = tables[name]
        headers = [header_text(str(c), profile, lang) for c in table.columns]
        kinds = [column_header(str(c), profile) for c in table.columns]
        decimals, formats = [], []
        for kind in kinds:
            places, number_format = _FORMATS.get(kind.kind if kind else "", (None, None))
            decimals.append(places)
            formats.append(number_formats.get(number_format))
        columns = [
            _column_values(table[c], d) for c, d in zip(table.columns, decimals, strict=True)
        ]
        widths = [
            _column_width(h, values, d)
            for h, values, d in zip(headers, columns, decimals, strict=True)
        ]
        for start in range(0, max(len(table), 1), MAX_SHEET_ROWS):
            title = _unique_title(titles, table_title(name, lang))
            titles.append(title)
            sheet = book.add_worksheet(title)
            for index, width in enumerate(widths):
                sheet.set_column(index, index, width)
            sheet.freeze_panes(1, 0)
            sheet.write_row(0, 0, headers, bold)
            rows = zip(*(values[start : start + MAX_SHEET_ROWS] for values in columns), strict=True)
            for row_index, row in enumerate(rows, start=1):
                for col_index, value in enumerate(row):
                    _write_cell(sheet, row_index, col_index, value, formats[col_index])
    if not titles:
        book.add_worksheet(table_title("tables", lang))


def _write_cell(sheet: Any, row: int, column: int, value: Any, number_format: Any) -> None:
    """One cell: numbers in their column's format, text as text (never a formula)."""
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, int | float):
        sheet.write_number(row, column, value, number_format)
    else:
        sheet.write_string(row, column, value)


def _unique_title(taken: list[str], title: str) -> str:
    """``title``, or ``title (2)``... when a sheet already has it (Excel needs unique titles)."""
    candidate, number = title, 2
    while candidate in taken:
        suffix = f" ({number})"
        candidate, number = title[: 31 - len(suffix)] + suffix, number + 1
    return candidate
