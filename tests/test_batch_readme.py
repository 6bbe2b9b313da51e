"""The README's "Every sub-district at once" commands run exactly as written.

They work on the shared central box (12 units, then a loopback Dask cluster), so
the test is slow and needs ``../shared/data``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT

SECTION = "## Every sub-district at once"


def readme_bash_blocks() -> list[str]:
    """The ```bash blocks of the README section, in order."""
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    return [part.split("```", 1)[0] for part in section.split("```bash\n")[1:]]


def test_the_section_shows_the_local_and_the_cluster_commands():
    local, cluster = readme_bash_blocks()
    assert "lifecircle batch examples/batch_central.yml --workers 2" in local
    assert "--scheduler tcp://127.0.0.1:8786" in cluster
    assert "dask scheduler" in cluster and "dask worker" in cluster


@pytest.mark.slow
def test_readme_batch_commands_run_as_written(shanghai_central):
    local, cluster = readme_bash_blocks()
    env = {**os.environ, "PATH": f"{os.path.dirname(sys.executable)}:{os.environ['PATH']}"}

    def bash(script: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["bash", "-e", "-c", script],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )

    first = bash(local)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "--resume: 12 units complete, 0 to compute" in first.stderr
    # the background scheduler and worker are this script's own jobs, ended by their ids
    # whatever happens, and the script's status stays that of the batch command
    second = bash("trap 'kill $(jobs -p) 2>/dev/null; wait' EXIT\n" + cluster)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "Dask: tcp://127.0.0.1:8786" in second.stderr
    out = REPO_ROOT / "out" / "batch-central"
    city = json.loads((out / "city" / "summary.json").read_text(encoding="utf-8"))
    assert city["units_count"] == {"ok": 0, "skipped": 12, "failed": 0}
    assert city["engine"]["scheduler"] == "tcp://127.0.0.1:8786"
    assert len(list((out / "units").iterdir())) == 12
