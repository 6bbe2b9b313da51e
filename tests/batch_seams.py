"""Helpers of the batch tests and benchmark: make a unit boundary, compare a batch with one run."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio

REPO_ROOT = Path(__file__).resolve().parents[1]
SCRIPT = REPO_ROOT / "scripts" / "make_test_boundary.py"


def make_boundary(
    path: Path,
    *,
    cols: int,
    rows: int,
    bbox: Sequence[float] | None = None,
    data: Path | None = None,
) -> Path:
    """Write a named unit grid with ``scripts/make_test_boundary.py`` (run as a script)."""
    command = [sys.executable, str(SCRIPT), "--out", str(path), "--cols", str(cols)]
    command += ["--rows", str(rows)]
    if bbox is not None:
        command += ["--bbox", ",".join(f"{v:.6f}" for v in bbox)]
    if data is not None:
        command += ["--data", str(data)]
    subprocess.run(command, check=True, capture_output=True)
    return path


def central_case(folder: Path, data: Path, cols: int = 4, rows: int = 3) -> Path:
    """A ``cols`` × ``rows`` unit boundary over the central box and a batch config over it.

    Returns the config path; its output is ``folder/out``, without maps' tiles.
    """
    make_boundary(folder / "units.gpkg", cols=cols, rows=rows, data=data)
    config = folder / "batch.yml"
    config.write_text(
        f"""
sources:
  osm: {data / "roads.osm"}
  geofabrik: {data / "geofabrik"}
study_area:
  boundary: {{path: units.gpkg, name_column: 街道}}
maps: {{basemap: none, offline: true}}
output: out
""",
        encoding="utf-8",
    )
    return config


def demand_minutes(results_gpkg: Path) -> pd.DataFrame:
    """The ``min_<category>`` columns of a run's demand layer, indexed by ``demand_id``."""
    frame = pyogrio.read_dataframe(results_gpkg, layer="demand", read_geometry=False)
    columns = [c for c in frame.columns if c.startswith("min_")]
    return frame.set_index("demand_id")[columns].astype(float)


def seam_differences(whole_folder: Path, batch_folder: Path) -> dict[str, float | int]:
    """Compare every demand point's minutes of a batch with those of one whole run.

    Returns
    -------
    dict
        ``points`` (of the whole run), ``missing`` / ``extra`` / ``duplicated``
        demand ids of the batch, ``nan_mismatches`` (reached in one, not the
        other), ``max_abs_minutes`` (largest difference where both are reached)
        and ``categories``.
    """
    whole = demand_minutes(whole_folder / "results.gpkg")
    parts = pd.concat(
        demand_minutes(path) for path in sorted((batch_folder / "units").glob("*/results.gpkg"))
    )
    duplicated = int(parts.index.duplicated().sum())
    parts = parts[~parts.index.duplicated()]
    common = whole.index.intersection(parts.index)
    a = whole.loc[common, whole.columns].to_numpy()
    b = parts.loc[common, whole.columns].to_numpy()
    both = np.isfinite(a) & np.isfinite(b)
    return {
        "points": len(whole),
        "categories": whole.shape[1],
        "missing": len(whole.index.difference(parts.index)),
        "extra": len(parts.index.difference(whole.index)),
        "duplicated": duplicated,
        "nan_mismatches": int((np.isnan(a) != np.isnan(b)).sum()),
        "max_abs_minutes": float(np.abs(a - b)[both].max()) if both.any() else 0.0,
    }
