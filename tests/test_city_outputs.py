"""The city folder (lifecircle/city_outputs.py): ranking, tables, overview map, report.

Built from synthetic outcomes of six units whose indicator frames are the demo's
real ones, scaled per unit; one unit failed and one was kept from an earlier run.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely

from lifecircle.analyses.city_indicators import unit_indicators
from lifecircle.batch_types import UnitOutcome
from lifecircle.city_outputs import (
    CITY_MAP,
    CITY_REPORT,
    CITY_WORKBOOK,
    RANKING_CSV,
    write_city_outputs,
)
from lifecircle.maps.offline import EXTERNAL_REFERENCE
from lifecircle.spatial.errors import LifecircleError
from tests.browser import Browser, png_variance

HOSTILE_NAME = '=HYPERLINK("http://x")<img src=x onerror=alert(1)>'
FAILED_ERROR = "路网为空 / the walk network is empty"
SCALES = [1.0, 0.8, 0.9, 1.0, 0.6, 1.1]


@pytest.fixture(scope="module")
def demo_frame(demo_results) -> pd.DataFrame:
    return unit_indicators(demo_results, demo_results.profile, lang="zh")


def _outcomes(frame: pd.DataFrame) -> list[UnitOutcome]:
    out = []
    for k, scale in enumerate(SCALES):
        values = frame.copy()
        values["value"] = values["value"] * scale
        shares = values["unit"] == "share"
        values.loc[shares, "value"] = values.loc[shares, "value"].clip(0, 1)
        if k == 4:  # a unit the input has no parks for
            parks = values["indicator_id"] == "park_5min"
            values.loc[parks, ["value", "status"]] = [np.nan, "no_data"]
        status = "failed" if k == 3 else "skipped" if k == 5 else "ok"
        name = HOSTILE_NAME if k == 2 else f"第{k}街道"
        out.append(UnitOutcome(
            unit_id=f"u{k}", name=name, status=status, folder=f"units/u{k}",
            error=FAILED_ERROR if status == "failed" else None,
            indicators=None if status == "failed" else values,
            summary=None if status == "failed" else {}, seconds=0.0 if status != "ok" else 2.5,
        ))
    return out


def _boundary() -> gpd.GeoDataFrame:
    # metric polygons (UTM 51N, central Shanghai): the writer reprojects them
    boxes = [shapely.box(350_000 + 1500 * i, 3_450_000 + 1500 * j,
                         351_500 + 1500 * i, 3_451_500 + 1500 * j)
             for j in range(2) for i in range(3)]
    return gpd.GeoDataFrame({"unit_id": [f"u{k}" for k in range(6)]}, geometry=boxes,
                            crs="EPSG:32651")


@pytest.fixture(scope="module")
def city(demo_frame, demo_results, tmp_path_factory) -> dict[str, tuple[Path, list[Path]]]:
    """The city folder in both languages, beside fake unit folders that the links reach."""
    out = {}
    for lang in ("zh", "en"):
        base = tmp_path_factory.mktemp(f"batch_{lang}")
        for k in range(6):
            if k != 3:
                index = base / "units" / f"u{k}" / "maps" / "index.html"
                index.parent.mkdir(parents=True)
                index.write_text("<html></html>", encoding="utf-8")
        city_dir = base / ".city-staging"
        files = write_city_outputs(city_dir, _outcomes(demo_frame), _boundary(), lang=lang,
                                   profile=demo_results.profile)
        out[lang] = (city_dir, files)
    return out


def _map_data(html: str) -> dict:
    match = re.search(r"\}\)\((map_\w+), (\{.*\})\);\s*$", html, re.MULTILINE)
    assert match, "the city map script and its data"
    return json.loads(match.group(2))


def test_files_are_written(city):
    for city_dir, files in city.values():
        assert [f.name for f in files] == [RANKING_CSV, CITY_WORKBOOK, CITY_MAP, CITY_REPORT]
        assert all(f.parent == city_dir and f.stat().st_size > 0 for f in files)
        assert sorted(p.name for p in city_dir.iterdir()) == sorted(f.name for f in files)


@pytest.mark.parametrize(
    ("lang", "words"),
    [("zh", ["排名", "单元", "运行状态", "平均排名",
             "社区卫生服务设施步行15分钟覆盖率（路网步行，%）",
             "公园绿地步行5分钟覆盖率（直线半径，%）"]),
     ("en", ["Rank", "Unit", "Run status", "Mean rank",
             "Community health facilities within a 15-minute walk (network walk, %)",
             "Parks within a 5-minute walk (straight-line radius, %)"])],
)
def test_ranking_csv(city, lang, words):
    path = city[lang][0] / RANKING_CSV
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    for word in words:
        assert word in table.columns, (word, list(table.columns))
    unit = table.columns[1]
    assert len(table) == 6
    # formula-like names stay text; the failed unit is last, with no values
    assert f"'{HOSTILE_NAME}" in set(table[unit])
    assert table.iloc[-1][table.columns[2]] in {"u3"}
    assert table.iloc[-1][words[4]] == ""
    # the unit scaled down most ranks last among the finished ones; no-data is written
    assert table.iloc[-2][table.columns[2]] == "u4"
    no_data = "无数据" if lang == "zh" else "no data"
    park = [c for c in table.columns if c.startswith(words[5].split("（")[0].split(" (")[0])]
    assert no_data in set(table.loc[table[table.columns[2]] == "u4", park[0]])
    ranks = pd.to_numeric(table[table.columns[0]], errors="coerce")
    assert ranks.iloc[:5].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0] and np.isnan(ranks.iloc[5])


@pytest.mark.parametrize(
    ("lang", "sheets", "header"),
    [("zh", ["各单元排名", "城市体检指标", "失败单元"], ["单元", "指标", "计算方法", "数值"]),
     ("en", ["Ranking", "City examination", "Failed units"],
      ["Unit", "Indicator", "Method", "Value"])],
)
def test_workbook(city, demo_frame, lang, sheets, header):
    book = openpyxl.load_workbook(city[lang][0] / CITY_WORKBOOK)
    assert book.sheetnames == sheets
    indicators = book[sheets[1]]
    assert [c.value for c in indicators[1]][:4] == header
    rows = list(indicators.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 5 * len(demo_frame)  # every finished unit, every indicator row
    assert sum(r[0] == "第0街道" for r in rows) == len(demo_frame)
    failures = book[sheets[2]]
    assert [c.value for c in failures[2]] == ["第3街道", "u3", FAILED_ERROR]
    ranking_names = [r[1].value for r in book[sheets[0]].iter_rows(min_row=2)]
    assert f"'{HOSTILE_NAME}" in ranking_names


def test_map_is_self_contained_and_links_resolve(city):
    for lang, (city_dir, _) in city.items():
        html = (city_dir / CITY_MAP).read_text(encoding="utf-8")
        assert EXTERNAL_REFERENCE.search(html) is None
        data = _map_data(html)
        features = {f["properties"]["id"]: f["properties"] for f in data["units"]["features"]}
        assert set(features) == {f"u{k}" for k in range(6)}
        assert "href" not in features["u3"] and features["u3"]["st"] == "failed"
        assert features["u3"]["err"] == FAILED_ERROR
        for uid, props in features.items():
            if uid == "u3":
                continue
            assert not props["href"].startswith(("/", "http"))
            # the city folder is renamed beside units/: ../units/<id>/maps/index.html
            assert (city_dir / props["href"]).resolve().is_file(), props["href"]
        assert len(data["keys"]) >= 19
        assert features["u4"]["c" + str(_key_index(data, "park_5min", lang))] == "no_data"


def _key_index(data: dict, indicator: str, lang: str) -> int:
    name = "公园绿地步行5分钟覆盖率（路网步行" if lang == "zh" else "Parks within a 5-minute walk ("
    return next(i for i, k in enumerate(data["keys"]) if k.startswith(name))


def test_report(city):
    for lang, (city_dir, _) in city.items():
        html = (city_dir / CITY_REPORT).read_text(encoding="utf-8")
        assert EXTERNAL_REFERENCE.search(html) is None
        assert "@page { size: A4" in html
        assert FAILED_ERROR in html
        assert "<img src=x" not in html and "&lt;img src=x" in html
        assert 'href="../units/u0/maps/index.html"' in html
        assert f'href="{CITY_MAP}"' in html
        gap_title = "路网步行与直线半径对比" if lang == "zh" else "Network walk against straight"
        assert gap_title in html
        park = "公园绿地步行5分钟覆盖率" if lang == "zh" else "Parks within a 5-minute walk"
        assert park in html


def test_refuses_bad_input(demo_frame, demo_results, tmp_path):
    units = _outcomes(demo_frame)
    with pytest.raises(LifecircleError, match="language"):
        write_city_outputs(tmp_path / "a", units, _boundary(), lang="fr",
                           profile=demo_results.profile)
    with pytest.raises(LifecircleError, match="no polygon"):
        write_city_outputs(tmp_path / "b", units, _boundary().iloc[:4], lang="zh",
                           profile=demo_results.profile)
    with pytest.raises(LifecircleError, match="unit_id"):
        write_city_outputs(tmp_path / "c", units, _boundary().drop(columns="unit_id"),
                           lang="zh", profile=demo_results.profile)
    assert not (tmp_path / "b" / RANKING_CSV).exists()


@pytest.mark.browser
def test_overview_map_in_chromium(city, chromium, tmp_path_factory):
    shots = tmp_path_factory.mktemp("city_shots")
    for lang, (city_dir, _) in city.items():
        with Browser(chromium, timeout_s=60, window=(1366, 768)) as browser:
            record = browser.open(city_dir / CITY_MAP, settle_s=1.0)
            assert browser.evaluate("window.LC_READY === true")
            assert record.errors() == [] and record.dialogs == []
            assert [u for u in record.requests if not u.startswith(("file:", "data:"))] == []
            fills = browser.evaluate(
                "Array.from(document.querySelectorAll('path.leaflet-interactive'))"
                ".map(function (p) { return p.getAttribute('fill'); })"
            )
            assert len(fills) == 6
            assert fills.count("#525252") == 1  # the failed unit
            shot = browser.screenshot(shots / f"city_map_{lang}.png")
            print(f"screenshot: {shot}")
            assert png_variance(shot) > 0.005
            # choose the park indicator: the no-park unit turns grey
            data = _map_data((city_dir / CITY_MAP).read_text(encoding="utf-8"))
            index = _key_index(data, "park_5min", lang)
            after = browser.evaluate(
                "(function () { var s = document.getElementById('lc-city-indicator');"
                f" s.value = '{index}'; s.dispatchEvent(new Event('change'));"
                " return Array.from(document.querySelectorAll('path.leaflet-interactive'))"
                ".map(function (p) { return p.getAttribute('fill'); }); })()"
            )
            assert after.count("#d9d9d9") == 1 and after != fills
            labels = browser.evaluate(
                "Array.from(document.querySelectorAll('.lc-unit-label'))"
                ".map(function (e) { return e.innerText; }).join('|')"
            )
            assert HOSTILE_NAME in labels  # a name is text, never markup
            assert record.dialogs == [] and browser.record.dialogs == []


def test_every_unit_failed_still_writes_the_city_folder(demo_results, tmp_path):
    units = [UnitOutcome(f"u{k}", f"第{k}街道", "failed", f"units/u{k}", error=f"error {k}")
             for k in range(6)]
    files = write_city_outputs(tmp_path / "city", units, _boundary(), lang="en",
                               profile=demo_results.profile)
    table = pd.read_csv(files[0], encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert len(table) == 6 and set(table["Run status"]) == {"failed"}
    report = files[3].read_text(encoding="utf-8")
    assert all(f"error {k}" in report for k in range(6))
    assert _map_data(files[2].read_text(encoding="utf-8"))["keys"] == []
