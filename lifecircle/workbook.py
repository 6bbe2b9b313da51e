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
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

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
_BOLD = Font(bold=True)


#: Rows of one sheet: Excel's limit (1,048,576) less the header row. A longer
#: table continues on sheets "title (2)", "title (3)"...; its CSV holds it whole.
MAX_SHEET_ROWS = 1_048_575


def _cell_value(value: Any, decimals: int | None) -> Any:
    """A Python value openpyxl writes: numbers rounded, missing values empty."""
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

    The workbook is streamed (openpyxl's write-only mode), so a table of a
    city's hundreds of thousands of rows costs seconds, not minutes, and its
    cells are never all held at once.

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
    book = Workbook(write_only=True)
    titles: list[str] = []
    known = [name for name in TABLE_TITLES if name in tables]
    for name in known + [name for name in tables if name not in known]:
        table = tables[name]
        headers = [header_text(str(c), profile, lang) for c in table.columns]
        formats = []
        columns = []
        for column in table.columns:
            header = column_header(str(column), profile)
            decimals, number_format = _FORMATS.get(header.kind if header else "", (None, None))
            formats.append(number_format)
            columns.append(_column_values(table[column], decimals))
        widths = [
            _column_width(h, values, _FORMATS.get(k.kind if k else "", (None,))[0])
            for h, values, k in zip(
                headers, columns, (column_header(str(c), profile) for c in table.columns),
                strict=True,
            )
        ]
        for start in range(0, max(len(table), 1), MAX_SHEET_ROWS):
            title = _unique_title(titles, table_title(name, lang))
            titles.append(title)
            sheet = book.create_sheet(title)
            for index, width in enumerate(widths, start=1):
                sheet.column_dimensions[get_column_letter(index)].width = width
            sheet.freeze_panes = "A2"
            sheet.append([_bold(sheet, h) for h in headers])
            rows = zip(*(values[start : start + MAX_SHEET_ROWS] for values in columns), strict=True)
            for row in rows:
                sheet.append(
                    [
                        _formatted(sheet, v, f) if f and isinstance(v, int | float) else v
                        for v, f in zip(row, formats, strict=True)
                    ]
                )
    if not titles:
        book.create_sheet(table_title("tables", lang))
    with staged_file(path) as temporary:
        book.save(temporary)


def _bold(sheet: Any, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = _BOLD
    return cell


def _formatted(sheet: Any, value: Any, number_format: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def _unique_title(taken: list[str], title: str) -> str:
    """``title``, or ``title (2)``... when a sheet already has it (Excel needs unique titles)."""
    candidate, number = title, 2
    while candidate in taken:
        suffix = f" ({number})"
        candidate, number = title[: 31 - len(suffix)] + suffix, number + 1
    return candidate
