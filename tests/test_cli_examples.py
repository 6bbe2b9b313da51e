"""Every command line shown in `--help` examples and in the README's language section runs,
exactly as written, from a folder with ../shared beside it (as in the repository)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lifecircle.cli_text import EXAMPLES
from tests.conftest import REPO_ROOT, shared_data_dir

README_SECTION = "### Language, short flags and help"


def readme_commands() -> list[str]:
    """The command lines of the README's language section (its ```bash block)."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split(README_SECTION, 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip()]


BATCH_SECTION = "## Every sub-district at once"  # run as written by tests/test_batch_readme.py


def help_commands() -> list[str]:
    """The examples of every subcommand's help, demo first (sites reads out/demo).

    ``batch`` is left to tests/test_batch_readme.py, which runs its README section (from
    the repository root, on a Dask cluster); its help example must be one of those lines.
    """
    return [line for name, command in EXAMPLES.items() if name != "batch" for _, _, line in command]


def test_the_batch_example_is_a_readme_command_run_as_written():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split(BATCH_SECTION, 1)[1].split("\n## ", 1)[0]
    for _, _, line in EXAMPLES["batch"]:
        assert f"\n{line}\n" in section, line


def test_the_examples_name_real_commands_and_options():
    from lifecircle.cli import build_parser

    parser = build_parser("en")
    batch = [line for _, _, line in EXAMPLES["batch"]]
    for line in help_commands() + readme_commands() + batch:
        words = line.split()
        words = words[1:] if "=" in words[0] else words  # LANG=... before the command
        assert words[0] == "lifecircle", line
        if {"-h", "--help"} & set(words):
            with pytest.raises(SystemExit) as info:
                parser.parse_args(words[1:])
            assert info.value.code == 0, line
        else:
            assert parser.parse_args(words[1:]).command, line  # unknown options would exit 2


@pytest.mark.slow
def test_every_example_command_runs_as_written(tmp_path, shanghai_central):
    work = tmp_path / "work"
    work.mkdir()
    (tmp_path / "shared").symlink_to(shared_data_dir().parent, target_is_directory=True)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for line in help_commands() + readme_commands():
        done = subprocess.run(
            line,
            shell=True,
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        assert done.returncode == 0, (line, done.stderr[-2000:])
        assert "Traceback" not in done.stderr, line
