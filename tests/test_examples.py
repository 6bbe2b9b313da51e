"""Every script in examples/ runs, so the documented API never goes stale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

EXAMPLES = sorted((REPO_ROOT / "examples").glob("*.py"))
NEEDS_REAL_DATA = {"yichuan_real_osm.py"}


def test_there_are_examples():
    assert len(EXAMPLES) >= 3


@pytest.mark.slow
@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(script: Path, request):
    args = [sys.executable, str(script)]
    if script.name in NEEDS_REAL_DATA:
        data = request.getfixturevalue("shanghai_central")
        args.append(str(data))
    result = subprocess.run(
        args, capture_output=True, text=True, cwd=REPO_ROOT, timeout=600, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip(), "an example should print what it found"
    assert "Traceback" not in result.stderr


def test_real_data_example_without_the_data_says_so(tmp_path):
    script = REPO_ROOT / "examples" / "yichuan_real_osm.py"
    result = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "nowhere")],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=120, check=False,
    )
    assert result.returncode == 2
    assert "roads.osm" in result.stderr and "nowhere" in result.stderr
    assert "Traceback" not in result.stderr
