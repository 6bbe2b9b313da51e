"""Shared test fixtures: the real data, Chromium, and one demo run for every module.

Tests that need ``../shared/data`` or headless Chromium skip with a reason on a
user's machine that lacks them, and fail under CI (``CI=true``) instead. The
synthetic demo district is run once per session (:func:`demo_outputs`) and shared
read-only; the session fails if a test changed it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from lifecircle.analyses.subdistrict import SubdistrictResults
    from lifecircle.layers.layerset import LayerSet
    from lifecircle.pipeline import RunOutputs

REPO_ROOT = Path(__file__).resolve().parents[1]

# The command line's language follows the locale when --lang is not given
# (lifecircle.cli_text.resolve_lang); tests get the same English locale on every
# machine, and the language tests set their own.
for _variable in ("LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_variable, None)
os.environ["LANG"] = "en_US.UTF-8"


def running_in_ci() -> bool:
    """True when the CI environment variable says so (CI=true)."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def skip_or_fail(reason: str) -> None:
    """Skip on a user's machine; fail under CI, where the resource must exist."""
    if running_in_ci():
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


def shared_data_dir() -> Path:
    """The real OSM data folder: $LIFECIRCLE_SHARED_DATA or ../shared/data beside the repo."""
    override = os.environ.get("LIFECIRCLE_SHARED_DATA")
    return Path(override) if override else REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shanghai_central() -> Path:
    """Path to ../shared/data/shanghai-central, or skip (fail under CI) without it."""
    path = shared_data_dir() / "shanghai-central"
    if not (path / "roads.osm").is_file():
        skip_or_fail(f"the real OSM data is missing: {path / 'roads.osm'} not found")
    return path


@pytest.fixture(scope="session")
def zhangmiao_pois() -> Path:
    """Path to ../shared/data/zhangmiao-pois (Geofabrik POIs, no roads), or skip (fail under CI)."""
    path = shared_data_dir() / "zhangmiao-pois"
    if not (path / "gis_osm_pois_free_1.shp").is_file():
        skip_or_fail(f"the real POI data is missing: {path / 'gis_osm_pois_free_1.shp'} not found")
    return path


def chromium_path() -> str | None:
    """The headless Chromium binary, if installed."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path to Chromium, or skip (fail under CI) without it."""
    path = chromium_path()
    if path is None:
        skip_or_fail("headless Chromium is not installed (Debian package `chromium`)")
    return path


# --- one synthetic demo run, shared read-only by every test module ---------------------

_demo_base: list[Path] = []  # pytest's folder for the shared run, set by the session fixture
_demo_fingerprints: list[tuple[str, str]] = []  # taken right after the run


@functools.cache
def demo_outputs() -> RunOutputs:
    """The `lifecircle demo` run, computed once per test session and shared by every module.

    The same call as the command ``lifecircle demo --out DIR`` (shanghai profile, default
    map options; ``test_demo_district.py`` checks the command gives the same figures).
    The folder, layers and results are shared: a test must never change them. Copy the
    folder first (``shutil.copytree(demo_run, tmp_path / "run")``) and ``.copy()`` frames
    before editing them; :func:`shared_demo_is_not_changed` fails the session otherwise.
    """
    from lifecircle.config import RunConfig
    from lifecircle.pipeline import run

    if not _demo_base:
        raise RuntimeError("demo_outputs() needs the pytest session (tests/conftest.py)")
    folder = _demo_base[0] / "demo"
    outputs = run(RunConfig(output=folder, profile="shanghai"), demo=True, quiet=True)
    _demo_fingerprints.append(_fingerprint(outputs))
    return outputs


def _fingerprint(outputs: RunOutputs) -> tuple[str, str]:
    """SHA-256 of every file in the run folder, and of the pickled in-memory results."""
    files = hashlib.sha256()
    for path in sorted(outputs.folder.rglob("*")):
        files.update(path.relative_to(outputs.folder).as_posix().encode())
        if path.is_file():
            files.update(path.read_bytes())
    memory = hashlib.sha256(pickle.dumps((outputs.layerset, outputs.results, outputs.summary)))
    return files.hexdigest(), memory.hexdigest()


@pytest.fixture(scope="session", autouse=True)
def shared_demo_is_not_changed(tmp_path_factory) -> Iterator[None]:
    """Give the shared demo run a folder; at the end, fail if any test changed it."""
    _demo_base.append(tmp_path_factory.mktemp("shared"))
    yield
    if _demo_fingerprints:
        folder, memory = _fingerprint(demo_outputs())
        assert folder == _demo_fingerprints[0][0], (
            "a test changed the shared demo run folder; copy it to tmp_path first")
        assert memory == _demo_fingerprints[0][1], (
            "a test changed the shared demo layers or results; .copy() them first")


@pytest.fixture(scope="session")
def demo_run() -> Path:
    """The shared demo run's output folder (read-only: copy it to tmp_path to change it)."""
    return demo_outputs().folder


@pytest.fixture(scope="session")
def demo_results() -> SubdistrictResults:
    """The shared demo run's analysis results (read-only)."""
    return demo_outputs().results


@pytest.fixture(scope="session")
def demo_prepared() -> LayerSet:
    """The shared demo run's prepared LayerSet, demand points included (read-only)."""
    return demo_outputs().layerset
