"""After `lifecircle sites`, outputs and messages stay in the run's one language.

zh maps must not gain the demo's English name ("Demo sub-district (synthetic
data)") and en maps must not gain its Chinese one; the progress lines, the
solver's message and the list of files follow --lang.
"""

from __future__ import annotations

import re

import pytest

from lifecircle.cli import main
from lifecircle.layers.demo.district import NAME_EN, NAME_ZH
from tests.language_check import chinese_outside_names, english_runs

ENGLISH_ONLY = (NAME_EN, "synthetic demo data", "Demo sub-district", "not a real place")
CHINESE_ONLY = (NAME_ZH, "合成示范数据", "非真实地点", "示范街道（合成数据）")


def _pages(folder) -> dict[str, str]:
    files = [*sorted((folder / "maps").glob("*.html")), folder / "report.html"]
    return {path.name: path.read_text(encoding="utf-8") for path in files}


def _titles(html: str) -> list[str]:
    """The page title and headings: where the study area's name is shown."""
    return re.findall(r"<(?:title|h1|h2)[^>]*>(.*?)</(?:title|h1|h2)>", html, re.DOTALL)


def test_sites_on_a_chinese_run_adds_no_english(demo_run, tmp_path, capsys):
    out = tmp_path / "sites"
    args = ["sites", "--from", str(demo_run), "--category", "day_care", "--k", "2", "-o", str(out)]
    assert main([*args, "--lang", "zh"]) == 0
    captured = capsys.readouterr()
    assert "请打开以下文件：" in captured.out and "Open these files" not in captured.out
    assert "新设施新增覆盖" in captured.out  # the solver's message
    assert english_runs(captured.out) == [] and english_runs(captured.err) == [], captured
    assert "写出结果：" in captured.err
    for name, html in _pages(out).items():
        for english in ENGLISH_ONLY:
            assert english not in html, (name, english)
        assert NAME_ZH in "".join(_titles(html)) or name.endswith("_detail.html"), name


@pytest.mark.slow
def test_sites_on_an_english_run_adds_no_chinese_name(tmp_path, capsys):
    run, out = tmp_path / "run", tmp_path / "sites"
    assert main(["demo", "-o", str(run), "--lang", "en", "-q"]) == 0
    args = ["sites", "--from", str(run), "--category", "day_care", "--k", "2", "-o", str(out)]
    assert main([*args, "--lang", "en"]) == 0
    captured = capsys.readouterr()
    assert "Open these files:" in captured.out and "请打开" not in captured.out
    assert chinese_outside_names(captured.out + captured.err) == [], captured
    for name, html in _pages(out).items():
        for chinese in CHINESE_ONLY:
            assert chinese not in html, (name, chinese)
        titles = "".join(_titles(html))
        assert chinese_outside_names(titles, (NAME_ZH,)) == [], (name, titles)
