"""Errors, progress lines and solver messages in one language: --lang zh or en, else the locale.

The message catalogue (lifecircle.spatial.messages_zh) is keyed by the English
template; these tests run bad input through the command line in both languages,
and (slow) record every error the bad-input test modules raise and check the
catalogue has the Chinese of each, so a new message without a template is found.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from lifecircle.cli import EXIT_USER_ERROR, main
from lifecircle.cli_text import lang_from_argv, lang_from_locale, resolve_lang
from lifecircle.spatial.errors import LifecircleError
from lifecircle.spatial.messages import has_zh, translate
from lifecircle.spatial.messages_zh import ZH
from tests.conftest import REPO_ROOT
from tests.language_check import chinese_outside_names, english_runs
from tests.osm_fixtures import grid_osm

BAD_INPUT_MODULES = [
    "tests/test_bad_input.py",
    "tests/test_hostile_config.py",
    "tests/test_hostile_outputs.py",
    "tests/test_hostile_rest.py",
    "tests/test_run_config.py",
]


def _cases(tmp_path) -> list[list[str]]:
    """Command lines a user gets wrong, one per kind of check (file, option, config, output)."""
    empty = tmp_path / "empty.osm"
    empty.write_bytes(b"")
    corrupt = tmp_path / "bad.osm"
    corrupt.write_bytes(b"this is not xml at all <<<")
    nothing = tmp_path / "nothing.osm"
    nothing.write_text('<?xml version="1.0"?><osm version="0.6"></osm>', encoding="utf-8")
    grid = grid_osm(tmp_path / "g.osm")
    config = tmp_path / "run.yml"
    config.write_text("sources:\n  osm: g.osm\nmaps: {colour: red}\n", encoding="utf-8")
    typo = tmp_path / "typo.yml"
    typo.write_text("sourcs:\n  osm: g.osm\n", encoding="utf-8")
    number = tmp_path / "number.yml"
    number.write_text("demand: {grid_size_m: 10 m}\n", encoding="utf-8")
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    out = str(tmp_path / "o")
    return [
        ["run", "--osm", str(tmp_path / "nope.osm"), "-o", out],
        ["run", "--osm", str(empty), "-o", out],
        ["run", "--osm", str(corrupt), "-o", out],
        ["run", "--osm", str(nothing), "-o", out],
        ["run", "--osm", str(grid), "--bbox", "31.25,121.43,31.27,121.45", "-o", out],
        ["run", "--osm", str(grid), "--bbox", "1,2,3", "-o", out],
        ["run", "--osm", str(grid), "--profile", "no-such-profile", "-o", out],
        ["run", "--osm", str(grid), "-o", str(foreign)],
        ["run", str(config)],
        ["run", str(typo)],
        ["run", str(number)],
        ["run", str(tmp_path / "missing.yml")],
        ["run", "-o", out],
        ["layers", "--osm", str(grid), "-o", str(tmp_path / "layers.txt")],
        ["sites", "--from", str(tmp_path), "--category", "day_care", "--k", "2"],
        [
            "sites",
            "--from",
            str(tmp_path),
            "--category",
            "day_care",
            "--time-limit",
            "0",
            "--k",
            "1",
        ],
        ["sites", "--from", str(tmp_path), "--category", "day_care"],
    ]


def _run(args: list[str], capsys) -> tuple[int, str]:
    code = main(args)
    return code, capsys.readouterr().err


def test_every_bad_command_line_answers_in_chinese_with_lang_zh(tmp_path, capsys):
    for args in _cases(tmp_path):
        code, err = _run([*args, "--lang", "zh"], capsys)
        assert code == EXIT_USER_ERROR, (args, err)
        assert "Traceback" not in err
        assert "lifecircle: 问题：" in err and "解决办法：" in err, (args, err)
        assert "Fix:" not in err and "Where:" not in err
        assert english_runs(err) == [], (args, err)


def test_every_bad_command_line_answers_in_english_with_lang_en(tmp_path, capsys):
    for args in _cases(tmp_path):
        code, err = _run([*args, "--lang", "en"], capsys)
        assert code == EXIT_USER_ERROR, (args, err)
        assert "lifecircle: error:" in err and "Fix:" in err, (args, err)
        assert "问题" not in err and "解决办法" not in err
        assert chinese_outside_names(err) == [], (args, err)


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LC_MESSAGES": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "zh"),
        ({"LANG": "POSIX"}, "zh"),
        ({}, "zh"),
    ],
)
def test_the_locale_decides_when_neither_option_nor_config_does(environ, expected):
    assert resolve_lang(None, None, environ) == expected
    other = "en" if expected == "zh" else "zh"
    assert resolve_lang(other, None, environ) == other  # --lang wins
    assert resolve_lang(None, other, environ) == other  # then the config's maps.lang
    assert resolve_lang("en", "zh", environ) == "en"


def test_lang_is_found_in_the_command_line_before_parsing():
    assert lang_from_argv(["run", "--lang", "en", "--help"]) == "en"
    assert lang_from_argv(["run", "--lang=zh", "-h"]) == "zh"
    assert lang_from_argv(["run", "--lang", "fr"]) is None
    assert lang_from_argv(["run", "--lang", "en", "--lang", "zh"]) == "zh"  # the last, as argparse
    assert lang_from_argv(["run", "--", "--lang", "en"]) is None
    assert lang_from_locale({"LANG": "C"}) is None


def test_a_chinese_locale_gives_chinese_errors_without_the_option(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    code, err = _run(
        ["run", "--osm", str(tmp_path / "nope.osm"), "-o", str(tmp_path / "o")], capsys
    )
    assert code == EXIT_USER_ERROR
    assert "问题：OSM 文件" in err and "不存在" in err
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    code, err = _run(
        ["run", "--osm", str(tmp_path / "nope.osm"), "-o", str(tmp_path / "o")], capsys
    )
    assert "error: The OSM file" in err


def test_the_run_configs_maps_lang_sets_the_language_of_errors(tmp_path, capsys):
    config = tmp_path / "run.yml"
    config.write_text(f"sources: {{osm: {tmp_path / 'nope.osm'}}}\nmaps: {{lang: zh}}\n")
    code, err = _run(["run", str(config), "-o", str(tmp_path / "o")], capsys)
    assert code == EXIT_USER_ERROR
    assert "问题：" in err and english_runs(err) == []
    code, err = _run(["run", str(config), "-o", str(tmp_path / "o"), "--lang", "en"], capsys)
    assert "error:" in err


def test_argument_errors_are_in_the_chosen_language(capsys):
    for args in (["demo", "--basemap", "x"], ["sites", "--k", "2"], ["demo", "--dpi", "many"]):
        with pytest.raises(SystemExit) as info:
            main([*args, "--lang", "zh"])
        assert info.value.code == EXIT_USER_ERROR
        err = capsys.readouterr().err
        assert "用法：" in err and "问题：" in err and english_runs(err) == [], err
        with pytest.raises(SystemExit):
            main([*args, "--lang", "en"])
        err = capsys.readouterr().err
        assert "usage:" in err and "error:" in err and chinese_outside_names(err) == [], err


def test_plain_english_errors_still_work_and_show_in_english():
    """A message without a template (another module's new one) is printed as written."""
    error = LifecircleError("A brand-new problem.", where="somewhere", fix="Do something.")
    assert str(error) == "A brand-new problem.\nWhere: somewhere\nFix: Do something."
    assert error.render("en") == "error: A brand-new problem.\nWhere: somewhere\nFix: Do something."
    assert error.render("zh").startswith("问题：A brand-new problem.")
    assert not has_zh("A brand-new problem.")


def test_templates_take_their_fields_and_translate_nested_phrases():
    assert translate("The OSM file a b.osm holds no nodes and no ways.", "zh") == (
        "OSM 文件 a b.osm 中没有任何节点和路径。"
    )
    message = (
        "2 new sites cover 1,200 more people; coverage rises from 80.0% to 91.5% of 9,000 "
        "people. Within 0.50% of the best possible (exact MILP (HiGHS))."
    )
    assert translate(message, "zh") == (
        "2 处新设施新增覆盖 1,200 人；覆盖率从 80.0% 提高到 91.5%（共 9,000 人）。"
        "与理论最优相差不超过 0.50%（精确混合整数规划（HiGHS））。"
    )
    assert translate(message, "en") == message


def test_the_catalogue_is_consistent():
    """Chinese uses only fields its English template has, and has no English sentence."""
    field = re.compile(r"\{(\w+)\}")
    for english, chinese in ZH.items():
        assert set(field.findall(chinese)) <= set(field.findall(english)), english
        assert english_runs(field.sub("1", chinese)) == [], (english, chinese)


@pytest.mark.slow
def test_every_error_of_the_bad_input_tests_has_chinese(tmp_path):
    """Run the bad-input test modules, record each LifecircleError, and translate it."""
    env = {**os.environ, "LIFECIRCLE_ERROR_RECORD": str(tmp_path)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "tests.error_recorder",
            "-p",
            "no:cacheprovider",
            *BAD_INPUT_MODULES,
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    recorded = {tuple(e) for f in tmp_path.glob("errors-*.json") for e in json.loads(f.read_text())}
    assert len(recorded) > 50
    missing = []
    for what, where, fix in sorted(recorded, key=str):
        error = LifecircleError(what, where, fix)
        text = error.render("zh")
        if not has_zh(what) or (fix and not has_zh(fix)) or english_runs(text):
            missing.append(text)
    assert not missing, "messages without a Chinese template in spatial/messages_zh.py:\n\n" + (
        "\n\n".join(missing)
    )
