"""`--help` of every command in Chinese or English (--lang, else the locale), short flags,
examples, and --category choices with their Chinese names."""

from __future__ import annotations

import subprocess
import sys

import pytest

from lifecircle.cli import EXIT_USER_ERROR, build_parser, main
from lifecircle.cli_text import EXAMPLES, HELP
from lifecircle.standards.profile import load_profile
from tests.language_check import chinese_outside_names, english_runs

COMMANDS = [[], ["demo"], ["run"], ["layers"], ["sites"], ["batch"]]
CATEGORY_NAMES = tuple(c.name_zh for c in load_profile("shanghai").categories.values())


def _help(args: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as info:
        main([*args, "--help"])
    assert info.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0] if c else "lifecircle")
def test_help_in_chinese_has_no_english_sentence(command, capsys):
    text = _help([*command, "--lang", "zh"], capsys)
    assert text.startswith("用法：lifecircle")
    assert "选项" in text and "显示本帮助并退出" in text
    assert english_runs(text) == [], text
    if command:
        assert "示例：" in text


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0] if c else "lifecircle")
def test_help_in_english_has_chinese_only_in_category_names(command, capsys):
    text = _help([*command, "--lang", "en"], capsys)
    assert text.startswith("usage: lifecircle")
    assert "show this help message and exit" in text
    assert chinese_outside_names(text, CATEGORY_NAMES) == [], text
    if command:
        assert "examples:" in text


def test_help_follows_the_locale_without_the_option(monkeypatch, capsys):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert "用法：" in _help(["run"], capsys)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert "usage:" in _help(["run"], capsys)
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")  # LC_ALL overrides LANG
    assert "用法：" in _help(["run"], capsys)


def test_help_in_a_subprocess_follows_the_locale():
    env = {"LANG": "zh_CN.UTF-8", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "lifecircle", "sites", "-h"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "推荐新设施选址" not in done.stdout  # the command list is the top level's
    assert "用法：lifecircle sites" in done.stdout and "示例：" in done.stdout


def test_short_flags_on_every_command_that_writes_or_prints():
    parser = build_parser("en")
    commands = parser._subparsers._group_actions[0].choices
    for name, sub in commands.items():
        flags = {flag for action in sub._actions for flag in action.option_strings}
        assert {"-o", "--out", "-q", "--quiet", "--lang"} <= flags, name
        needed = {"sites": ["--from", "r"], "batch": ["run.yml"]}.get(name, [])
        args = sub.parse_args(["-o", "x", "-q", *needed])
        assert str(args.out) == "x" and args.quiet


def test_every_command_has_examples_and_every_help_text_two_languages():
    assert set(EXAMPLES) == {"demo", "run", "layers", "sites", "batch"}
    for zh, en in HELP.values():
        assert english_runs(zh) == [], zh
        assert chinese_outside_names(en) == [], en


def test_category_help_lists_chinese_names(capsys):
    for lang in ("zh", "en"):
        text = " ".join(_help(["sites", "--lang", lang], capsys).split())
        assert "day_care 日间照料中心" in text and "meal_point 长者食堂（助餐点）" in text


def test_an_unknown_category_lists_the_choices_with_chinese_names(demo_run, tmp_path, capsys):
    out = str(tmp_path / "o")
    args = ["sites", "--from", str(demo_run), "--category", "daycare", "--k", "2", "-o", out]
    for lang, label in (("zh", "问题："), ("en", "error:")):
        assert main([*args, "--lang", lang]) == EXIT_USER_ERROR
        err = capsys.readouterr().err
        assert label in err and "daycare" in err
        assert "day_care 日间照料中心" in err and "care_home 长者照护之家（养老院）" in err
    assert main(["sites", "--from", str(demo_run), "--k", "2", "-o", out]) == EXIT_USER_ERROR
    assert "day_care 日间照料中心" in capsys.readouterr().err
