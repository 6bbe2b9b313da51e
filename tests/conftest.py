"""Shared test fixtures: where the real data and Chromium are, and how to skip.

Tests that need ``../shared/data`` or headless Chromium skip with a reason on a
user's machine that lacks them, and fail under CI (``CI=true``) instead.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


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
