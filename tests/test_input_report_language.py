"""summary.json's input report speaks the run's language: every entry carries its sentence."""

from __future__ import annotations

import json
import re

import pytest

from lifecircle.layers.input_report import localised_report, report_text

HAN = re.compile(r"[\u4e00-\u9fff]")
# an English word of four letters or more outside ids, tags and file names
ENGLISH_WORD = re.compile(r"(?<![\w:/=.#'<-])[A-Za-z]{4,}(?![\w:/=.#'>-])")
PROPER_NAMES = {"Geofabrik", "null"}  # a name and a config value, the same in every language


def assert_chinese(entries: list[dict]) -> None:
    assert entries, "the run reported nothing"
    for entry in entries:
        text = entry["text"]
        assert HAN.search(text), text
        headline = text.split("：")[0]
        words = set(ENGLISH_WORD.findall(headline)) - PROPER_NAMES
        assert not words, f"untranslated headline: {text}"
        assert "issue_zh" not in entry and "detail_zh" not in entry  # folded into the text
        assert entry["issue"] and not HAN.search(entry["issue"])  # the stable English key stays


def test_demo_summary_input_report_is_in_chinese(demo_run):
    summary = json.loads((demo_run / "summary.json").read_text(encoding="utf-8"))
    assert_chinese(summary["input_report"])
    assert summary["source_text"] == "lifecircle 合成示范街道（非真实地点）"
    method = next(e for e in summary["input_report"] if e["issue"].startswith("population method"))
    assert method["text"].startswith("人口方法：按建筑") and "人均建筑面积" in method["text"]


def test_english_run_keeps_english_sentences(demo_results):
    report = demo_results.layerset.meta["report"]
    for entry in localised_report(report, "en"):
        assert not HAN.search(entry["text"].split(":")[0]), entry["text"]
        assert entry["text"].startswith(entry["issue"])


def test_a_merge_and_a_prose_detail_are_translated():
    merge = {
        "category": "transit",
        "kept": {"id": "osm:way/1", "name": "陆家嘴", "source": "geofabrik"},
        "dropped": {"id": "osm:node/2", "name": "陆家嘴地铁站", "source": "osm"},
        "distance_m": 2.4,
        "reason": "same place",
    }
    entry = {"layer": "facilities", "issue": "duplicate facility merged", "count": 1,
             "detail": "transit: kept …", "merge": merge}
    assert report_text(entry, "zh") == (
        "已合并的重复设施：1（transit：保留 osm:way/1 陆家嘴（geofabrik），"
        "舍弃 osm:node/2 陆家嘴地铁站（osm），相距 2.4 米，同一地点）"
    )
    far = {
        "layer": "demand",
        "issue": "grid cells farther than 250 m from any road dropped",
        "count": 2536,
        "detail": "they would have held 1,235,385 residents at the assumed density",
    }
    assert report_text(far, "zh") == (
        "距任何道路超过 250 米、已舍弃的网格单元：2,536（按假定密度约有 1,235,385 名居民）"
    )
    unknown = {"layer": "x", "issue": "something new", "count": 3, "detail": ""}
    assert report_text(unknown, "zh") == "something new：3"  # shown, never dropped


@pytest.mark.slow
def test_real_extract_input_report_is_in_chinese(shanghai_central, tmp_path):
    from lifecircle.cli import main
    from tests.test_real_data import yichuan_args

    out = tmp_path / "out"
    assert main(["run", *yichuan_args(shanghai_central, out)]) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert_chinese(summary["input_report"])
