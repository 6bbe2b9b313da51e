"""The access benchmark script still runs (``--quick`` smoke test)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_access.py"


@pytest.mark.slow
def test_bench_access_quick_runs():
    res = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--repeat", "1"],
                         capture_output=True, text=True, timeout=300, check=False)
    assert res.returncode == 0, res.stderr
    assert "ratio routing / bare kernel" in res.stdout
    assert "## Catchments" in res.stdout
