"""Write run outputs atomically: a whole folder appears, or none does.

Everything is written into a hidden temporary sibling folder, which is renamed
to the requested name only when complete. A failed run removes it, so it never
leaves a half-written folder that looks valid.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from lifecircle.spatial.errors import LifecircleError


@contextlib.contextmanager
def atomic_folder(target: Path) -> Iterator[Path]:
    """Yield a temporary folder that replaces ``target`` when the block succeeds.

    Parameters
    ----------
    target : Path
        The output folder. An existing one is replaced only after the new one
        is complete.
    """
    target = Path(target).resolve()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LifecircleError(
            f"Cannot create the output folder's parent {target.parent}: {exc}",
            where="--out",
            fix="Choose an output folder you can write to.",
        ) from exc
    if target.exists() and not target.is_dir():
        raise LifecircleError(
            f"The output path {target} is a file, not a folder.",
            where="--out",
            fix="Choose a folder name.",
        )
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    staging.chmod(0o755)
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    retired = target.parent / f".{target.name}.old-{uuid.uuid4().hex[:8]}"
    if target.exists():
        target.rename(retired)
    try:
        staging.rename(target)
    except OSError:
        if retired.exists():
            retired.rename(target)  # put the previous output back
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def atomic_file(path: Path) -> Path:
    """A temporary path beside ``path``; call :func:`commit_file` when written."""
    return path.with_name(f".{path.stem}.partial-{os.getpid()}{path.suffix}")


def commit_file(temporary: Path, path: Path) -> None:
    """Move a completely written temporary file into place."""
    os.replace(temporary, path)


def _json_default(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if not np.isfinite(value) else float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def _clean_floats(value: Any) -> Any:
    """Replace NaN/inf by None so the JSON is standard (other tools reject NaN)."""
    if isinstance(value, float):
        return None if not math.isfinite(value) else value
    if isinstance(value, dict):
        return {k: _clean_floats(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean_floats(v) for v in value]
    return value


def write_json(data: dict[str, Any], path: Path) -> None:
    """Write UTF-8 JSON (Chinese kept readable, NaN written as null)."""
    temporary = atomic_file(path)
    temporary.write_text(
        json.dumps(_clean_floats(data), ensure_ascii=False, indent=2, default=_json_default),
        encoding="utf-8",
    )
    commit_file(temporary, path)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write CSV as UTF-8 with BOM, so Excel shows Chinese text correctly."""
    temporary = atomic_file(path)
    frame.to_csv(temporary, index=False, encoding="utf-8-sig")
    commit_file(temporary, path)


def gpkg_ready(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Make a frame writable to GeoPackage: arrays become ';'-joined text."""
    out = frame.copy()
    for column in out.columns:
        if column == out.geometry.name or out[column].dtype != object:
            continue
        sample = out[column].dropna()
        if len(sample) and isinstance(sample.iloc[0], np.ndarray | list | tuple):
            out[column] = out[column].map(
                lambda v: None if v is None else ";".join(str(x) for x in v)
            )
        elif len(sample) and isinstance(sample.iloc[0], dict):
            out[column] = out[column].map(lambda v: json.dumps(v, ensure_ascii=False))
    return out


def write_gpkg_layers(layers: dict[str, gpd.GeoDataFrame], path: Path) -> None:
    """Write several layers to one GeoPackage (atomically).

    Empty layers are written with their columns so the file always has the
    same layer names.
    """
    temporary = atomic_file(path)
    if temporary.exists():
        temporary.unlink()
    try:
        for name, frame in layers.items():
            if frame is None:
                continue
            out = gpkg_ready(frame)
            out.to_file(temporary, layer=name, driver="GPKG", engine="pyogrio")
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    commit_file(temporary, path)
