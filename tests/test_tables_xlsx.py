"""tables.xlsx: one sheet per table, headers per --lang, rounded numbers, safe text."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from lifecircle.analyses.table_locations import LOCATION_COLUMNS, with_locations
from lifecircle.config import RunConfig
from lifecircle.output import FORMULA_TRIGGERS, neutralise_formula
from lifecircle.pipeline import run
from lifecircle.sites import SitesRequest, run_sites
from lifecircle.spatial.chinese_coords import wgs84_to_gcj02
from lifecircle.standards.profile import load_profile
from lifecircle.table_headers import PEOPLE, SHARE, column_header, header_text, table_title
from lifecircle.workbook import write_workbook

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def profile():
    return load_profile("shanghai")


@pytest.fixture(scope="module")
def english_run(tmp_path_factory) -> Path:
    """A demo run with ``--lang en`` (the shared demo run is Chinese)."""
    folder = tmp_path_factory.mktemp("english") / "run"
    run(RunConfig(output=folder, profile="shanghai", maps={"lang": "en"}), demo=True, quiet=True)
    return folder


def csv_tables(folder: Path) -> dict[str, pd.DataFrame]:
    return {
        path.stem: pd.read_csv(path, encoding="utf-8-sig")
        for path in sorted((folder / "tables").glob("*.csv"))
    }


def sheet_rows(path: Path, title: str) -> list[list[object]]:
    sheet = load_workbook(path)[title]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_one_sheet_per_table_with_headers_in_the_run_language(
    lang, demo_run, english_run, profile
):
    folder = demo_run if lang == "zh" else english_run
    tables = csv_tables(folder)
    book = load_workbook(folder / "tables.xlsx")
    assert sorted(book.sheetnames) == sorted(table_title(name, lang) for name in tables)
    for name, table in tables.items():
        sheet = book[table_title(name, lang)]
        headers = [cell.value for cell in sheet[1]]
        assert headers == [header_text(c, profile, lang) for c in table.columns]
        assert sheet.freeze_panes == "A2"
        assert sheet.max_row == len(table) + 1
        for header in headers:
            assert bool(HAN.search(header)) == (lang == "zh"), (name, header)


def test_every_column_of_every_table_and_layer_has_both_headers(demo_run, tmp_path, profile):
    """A column without a header would show its code name to planners."""
    folder = tmp_path / "run"
    shutil.copytree(demo_run, folder)
    run_sites(SitesRequest(from_dir=folder, category="day_care", k=2), quiet=True)
    columns = {c for table in csv_tables(folder).values() for c in table.columns}
    for layer in ("demand", "facilities", "service_areas", "gaps", "sites"):
        frame = gpd.read_file(folder / "results.gpkg", layer=layer, engine="pyogrio")
        columns |= set(frame.columns) - {"geometry"}
    missing = sorted(c for c in columns if column_header(c, profile) is None)
    assert not missing, f"columns without a header: {missing}"
    for column in columns:
        header = column_header(column, profile)
        assert HAN.search(header.zh) and not HAN.search(header.en), column


def test_numbers_are_rounded_and_shares_are_percent_numbers(demo_run, profile):
    tables = csv_tables(demo_run)
    book = load_workbook(demo_run / "tables.xlsx")
    checked = {PEOPLE: 0, SHARE: 0}
    for name, table in tables.items():
        sheet = book[table_title(name, "zh")]
        for index, column in enumerate(table.columns, start=1):
            header = column_header(column, profile)
            if header.kind not in checked:
                continue
            cells = [row[0] for row in sheet.iter_rows(min_row=2, min_col=index, max_col=index)]
            for cell, raw in zip(cells, table[column], strict=True):
                if pd.isna(raw):
                    assert cell.value is None
                    continue
                if header.kind == PEOPLE:
                    assert cell.value == round(raw) and float(cell.value).is_integer()
                else:
                    assert cell.number_format == "0.0%"
                    assert isinstance(cell.value, int | float)
                    assert cell.value == pytest.approx(raw, abs=5e-4)
                    assert len(repr(float(cell.value))) <= 6  # 0.423, not 0.42274350897742324
                checked[header.kind] += 1
    assert checked[PEOPLE] > 20 and checked[SHARE] > 20


def test_care_table_names_its_facilities(demo_run, demo_results):
    rows = sheet_rows(demo_run / "tables.xlsx", table_title("care_facilities", "zh"))
    header = rows[0]
    ids = [row[header.index("设施编号")] for row in rows[1:]]
    names = [row[header.index("名称")] for row in rows[1:]]
    facilities = demo_results.facilities.set_index("facility_id")["name"]
    assert ids and names == [facilities[i] for i in ids]


def test_gaps_and_sites_tables_have_both_coordinates_and_the_unit(demo_run, demo_prepared):
    gaps = pd.read_csv(demo_run / "tables" / "gaps.csv", encoding="utf-8-sig")
    assert set(LOCATION_COLUMNS) <= set(gaps.columns) and len(gaps)
    lon_gcj, lat_gcj = wgs84_to_gcj02(gaps["lon_wgs84"].to_numpy(), gaps["lat_wgs84"].to_numpy())
    np.testing.assert_allclose(gaps["lon_gcj02"], lon_gcj, atol=2e-6)
    np.testing.assert_allclose(gaps["lat_gcj02"], lat_gcj, atol=2e-6)
    # GCJ-02 differs from WGS84 by hundreds of metres in Shanghai
    assert (np.abs(gaps["lon_gcj02"] - gaps["lon_wgs84"]) > 1e-3).all()
    units = demo_prepared.boundary.set_index("unit_id")
    assert gaps["unit_id"].isin(units.index).all()
    assert (gaps["unit_name"] == units.loc[gaps["unit_id"], "name"].to_numpy()).all()
    rows = sheet_rows(demo_run / "tables.xlsx", table_title("gaps", "zh"))
    assert "居委" in rows[0] and "经度（GCJ-02，高德/腾讯）" in rows[0]


def test_locations_of_points_outside_every_unit_are_empty(demo_prepared):
    boundary = demo_prepared.boundary
    inside = boundary.geometry.representative_point().iloc[:2]
    far = gpd.GeoSeries(inside.translate(xoff=1e5).to_numpy(), crs=boundary.crs)
    frame = gpd.GeoDataFrame(
        {"site_id": ["a", "b", "c", "d"]},
        geometry=pd.concat([inside, far], ignore_index=True),
        crs=boundary.crs,
    )
    out = with_locations(frame, boundary)
    assert list(out["unit_id"][:2]) == list(boundary["unit_id"][:2])
    assert out["unit_id"][2:].isna().all() and out["lon_wgs84"].notna().all()


def test_sites_command_adds_the_sites_sheet(demo_run, tmp_path, profile):
    folder = tmp_path / "run"
    shutil.copytree(demo_run, folder)
    run_sites(SitesRequest(from_dir=folder, category="day_care", k=2), quiet=True)
    book = load_workbook(folder / "tables.xlsx")
    assert table_title("sites", "zh") in book.sheetnames
    assert len(book.sheetnames) == len(list((folder / "tables").glob("*.csv")))
    rows = sheet_rows(folder / "tables.xlsx", table_title("sites", "zh"))
    assert rows[0][0] == header_text("site_id", profile, "zh")
    assert "居委" in rows[0] and len(rows) > 1


@pytest.mark.parametrize("start", FORMULA_TRIGGERS)
def test_text_that_looks_like_a_formula_is_neutralised(start, tmp_path, profile):
    hostile = f"{start}HYPERLINK(\"http://evil\",\"x\")"
    assert neutralise_formula(hostile) == "'" + hostile
    table = pd.DataFrame({"facility_id": ["f1"], "name": [hostile], "residents": [-3.4]})
    path = tmp_path / "tables.xlsx"
    write_workbook({"care_facilities": table}, path, profile, "en")
    cells = load_workbook(path).active[2]
    # the file escapes a carriage return as _x000D_ (OOXML's escape, which Excel reads back
    # as the character and openpyxl leaves as text); XML reads a bare one back as a line feed
    text = re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), cells[1].value)
    assert text.replace("\r", "\n") == ("'" + hostile).replace("\r", "\n")
    assert cells[1].data_type == "s"
    assert cells[2].value == -3  # numbers are never touched, even negative ones


def test_plain_values_are_not_changed_by_neutralising():
    for value in ("通河一村", "a=b", "x-1", 5, -2.5, None, True):
        assert neutralise_formula(value) == value


def test_a_table_longer_than_a_sheet_continues_on_the_next(tmp_path, profile, monkeypatch):
    """Excel stops at 1,048,576 rows: the rest of a table goes to "title (2)"..."""
    import lifecircle.workbook as workbook

    monkeypatch.setattr(workbook, "MAX_SHEET_ROWS", 3)
    table = pd.DataFrame(
        {
            "residents": [1.4, 2.6, np.nan, 4.0, 5.5, 6.0, 7.2],
            "demand_points": pd.array([1, None, 3, 4, 5, 6, 7], dtype="Int64"),
        }
    )
    path = tmp_path / "tables.xlsx"
    write_workbook({"gaps": table}, path, profile, "en")
    title = table_title("gaps", "en")
    book = load_workbook(path)
    assert book.sheetnames == [title, f"{title} (2)", f"{title} (3)"]
    rows = [r for name in book.sheetnames for r in sheet_rows(path, name)[1:]]
    assert [r[0] for r in rows] == [1, 3, None, 4, 6, 6, 7]  # whole people, NaN empty
    assert [r[1] for r in rows] == [1, None, 3, 4, 5, 6, 7]
    for name in book.sheetnames:
        assert book[name].freeze_panes == "A2"
        assert [c.value for c in book[name][1]] == [
            header_text(c, profile, "en") for c in table.columns
        ]
