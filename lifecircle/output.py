"""Write run outputs atomically: a whole folder appears, or none does.

Everything is written into a hidden staging folder beside the target
(``.NAME.partial-PID-RANDOM``), which replaces the target only when complete,
under a lock, after the rules of :mod:`lifecircle.output_guard` were checked
again. A failed or interrupted run removes it, so it never leaves a
half-written folder. Single files go through :mod:`lifecircle.maps.atomic`,
the one atomic-write helper.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import math
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from lifecircle.maps.atomic import (
    ensure_folder,
    interrupts_deferred,
    make_staging,
    remove_staging,
    staged_file,
    write_error,
)
from lifecircle.output_guard import (
    check_output_folder,
    check_replaceable,
    folder_lock,
    write_marker,
)

#: The exact standards profile a run used, kept in its output folder.
PROFILE_COPY_NAME = "profile.yml"


@contextlib.contextmanager
def atomic_folder(
    target: Path,
    *,
    inputs: Iterable[Path] = (),
    rewrites: Path | None = None,
    command: str = "run",
    where: str = "--out",
) -> Iterator[Path]:
    """Yield a staging folder that replaces ``target`` when the block succeeds.

    Parameters
    ----------
    target : Path
        The output folder: new, empty, or an earlier lifecircle output.
    inputs : iterable of Path
        Files and folders the run reads; the output never equals or holds one.
    rewrites : Path, optional
        A run folder the output may replace (``lifecircle sites --from``).
    command : str
        Recorded in the folder's marker.
    where : str
        The option that named ``target``, for messages.

    Raises
    ------
    LifecircleError
        When a rule of :mod:`lifecircle.output_guard` refuses ``target``, the
        disk is full, or the folder cannot be written; ``target`` is unchanged.
    """
    from lifecircle import __version__

    target = check_output_folder(target, inputs, where=where, rewrites=rewrites)
    ensure_folder(target.parent, where)
    staging = make_staging(target.parent, target.name, where)
    try:
        yield staging
        write_marker(staging, command, __version__)
        with folder_lock(target, where), interrupts_deferred():
            check_replaceable(target, where)  # again: another process may have written it
            _swap_in(staging, target)
    except Exception as exc:
        translated = write_error(exc, target, where, staging)
        if translated is not None:
            raise translated from exc
        raise
    finally:
        remove_staging(staging)  # after a swap it holds the earlier output, if any


def _swap_in(staging: Path, target: Path) -> None:
    """Put ``staging`` at ``target``; afterwards ``staging`` holds the earlier folder or is gone.

    An existing folder is exchanged in one step (Linux ``renameat2``), so
    readers always see a complete folder; elsewhere it is moved aside first.
    """
    if not target.exists():
        os.rename(staging, target)
        return
    if _exchange(staging, target):
        return
    retired = staging.with_name(staging.name + "-old")
    os.rename(target, retired)
    try:
        os.rename(staging, target)
    except OSError:
        os.rename(retired, target)  # put the earlier output back
        raise
    os.rename(retired, staging)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically with ``renameat2(RENAME_EXCHANGE)``; False if unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    status = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if status == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))


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
    text = json.dumps(_clean_floats(data), ensure_ascii=False, indent=2, default=_json_default)
    with staged_file(path) as temporary:
        temporary.write_text(text, encoding="utf-8")


#: A text cell starting with one of these is run as a formula by Excel and LibreOffice.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: object) -> object:
    """``value`` with a leading ``'`` when it is text a spreadsheet would run as a formula.

    Anything else (numbers, a negative number too, None) is returned unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix ``'`` to text cells that a spreadsheet would run as a formula (OWASP).

    Sub-unit names, facility names and candidate ids come from planners' and
    OSM files, so a name such as ``=HYPERLINK(...)`` must stay text when the
    table is opened in Excel. Only text cells change: numbers (a negative
    number too) stay numbers, and column names are treated like cells.
    """
    out = frame.rename(columns=neutralise_formula)
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise_formula)
    return out


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write CSV as UTF-8 with BOM, so Excel shows Chinese text correctly.

    Text cells that a spreadsheet would run as formulas are neutralised first
    (:func:`neutralise_formulas`). Rows end in CRLF (RFC 4180), which also makes
    the writer quote a cell holding a bare carriage return, so a name with one
    cannot split its row.
    """
    with staged_file(path) as temporary:
        neutralise_formulas(frame).to_csv(
            temporary, index=False, encoding="utf-8-sig", lineterminator="\r\n"
        )


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


def write_gpkg_layers(
    layers: dict[str, gpd.GeoDataFrame],
    path: Path,
    *,
    layer_metadata: dict[str, str] | None = None,
    where: str | None = None,
) -> None:
    """Write several layers to one GeoPackage (atomically).

    Empty layers are written with their columns so the file always has the
    same layer names.

    Parameters
    ----------
    layers : dict of str to GeoDataFrame
        Layer name → frame; None frames are skipped.
    path : Path
        The GeoPackage.
    layer_metadata : dict, optional
        Written into every layer's metadata (``lifecircle layers`` marks its
        files so that it replaces only its own). Layer, not dataset, metadata:
        GDAL copies dataset metadata into a ``.aux.xml`` file beside the
        GeoPackage whenever it lists the layers.
    where : str, optional
        The option that named ``path``, for error messages.
    """
    extra = {"layer_metadata": layer_metadata} if layer_metadata else {}
    with staged_file(path, where) as temporary:
        for name, frame in layers.items():
            if frame is None:
                continue
            gpkg_ready(frame).to_file(
                temporary, layer=name, driver="GPKG", engine="pyogrio", **extra
            )
