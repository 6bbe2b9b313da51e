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


def write_workbook(
    tables: Mapping[str, pd.DataFrame], path: Path, profile: Profile, lang: str
) -> None:
    """Write the tables as one ``.xlsx`` workbook, one sheet per table (atomically).

    Parameters
    ----------
    tables : mapping of str to DataFrame
        Table name → table, as written to ``tables/NAME.csv``. Sheets follow
        the order of :data:`~lifecircle.table_headers.TABLE_TITLES`, then the rest.
    path : Path
        The workbook file.
    profile : Profile
        The run's profile (names the per-category columns).
    lang : str
        ``zh`` or ``en``: language of the headers and sheet titles.
    """
    book = Workbook()
    book.remove(book.active)
    known = [name for name in TABLE_TITLES if name in tables]
    for name in known + [name for name in tables if name not in known]:
        table = tables[name]
        sheet = book.create_sheet(_unique_title(book, table_title(name, lang)))
        headers = [header_text(str(c), profile, lang) for c in table.columns]
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [_display_width(h) for h in headers]
        for index, column in enumerate(table.columns):
            header = column_header(str(column), profile)
            decimals, number_format = _FORMATS.get(header.kind if header else "", (None, None))
            letter = get_column_letter(index + 1)
            for row, value in enumerate(table[column].tolist(), start=2):
                cell = sheet.cell(row=row, column=index + 1, value=_cell_value(value, decimals))
                if number_format and isinstance(cell.value, int | float):
                    cell.number_format = number_format
                widths[index] = max(widths[index], _display_width(_shown(cell.value, decimals)))
            sheet.column_dimensions[letter].width = min(widths[index] + 2, _MAX_WIDTH)
        sheet.freeze_panes = "A2"
    if not book.sheetnames:
        book.create_sheet(table_title("tables", lang))
    with staged_file(path) as temporary:
        book.save(temporary)


def _unique_title(book: Workbook, title: str) -> str:
    """``title``, or ``title (2)``... when a sheet already has it (Excel needs unique titles)."""
    candidate, number = title, 2
    while candidate in book.sheetnames:
        suffix = f" ({number})"
        candidate, number = title[: 31 - len(suffix)] + suffix, number + 1
    return candidate
