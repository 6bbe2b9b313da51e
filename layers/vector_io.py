"""Read the planner's own vector files and tables, with clear errors.

Handles GeoPackage, Shapefile, GeoJSON and CSV with coordinate columns; text
encodings (UTF-8, then GBK/GB18030, the usual encodings of Chinese
shapefiles); a missing CRS; swapped lon/lat; and coordinates declared as
GCJ-02 (AMap, Tencent) or BD-09 (Baidu), which are converted to WGS84 first.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import shapely

from lifecircle.spatial.chinese_coords import bd09_to_wgs84, gcj02_to_wgs84
from lifecircle.spatial.crs import check_lonlat_order
from lifecircle.spatial.crs_text import CHINESE_DATUMS, check_crs
from lifecircle.spatial.errors import LifecircleError

WGS84 = "EPSG:4326"
FALLBACK_ENCODINGS = ("utf-8", "gb18030")


def _check_exists(path: Path, what: str) -> None:
    if not path.exists():
        raise LifecircleError(
            f"The {what} file {path} does not exist.",
            where=str(path),
            fix="Check the path in the run config (relative paths are resolved against the "
            "config file's folder).",
        )


def is_table(path: Path) -> bool:
    """True for a CSV/text table (rows counted as Excel counts them)."""
    return Path(path).suffix.lower() in {".csv", ".txt"}


def row_numbers(path: Path, positions: Sequence[int] | np.ndarray, limit: int = 20) -> str:
    """Where rows are, as the planner finds them, for a message's ``where``.

    Parameters
    ----------
    path : Path
        The file.
    positions : sequence of int
        0-based positions of the rows in the frame that was read.
    limit : int
        At most this many numbers are listed; the rest are counted.

    Returns
    -------
    str
        For a CSV table, the row numbers Excel shows (the header is row 1, the
        first data row is row 2); for a GIS layer, feature numbers from 1.
    """
    positions = [int(i) for i in positions]
    offset = 2 if is_table(path) else 1
    shown = ", ".join(str(i + offset) for i in positions[:limit])
    if len(positions) > limit:
        shown += f" and {len(positions) - limit} more"
    if is_table(path):
        return f"{path}, rows {shown} (row numbers as Excel shows them: the header is row 1)"
    return f"{path}, features {shown} (counted from 1 in file order)"


def _read_csv(path: Path) -> pd.DataFrame:
    last_error: Exception | None = None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return pd.read_csv(path, encoding=encoding)
        except UnicodeDecodeError as exc:
            last_error = exc
        except pd.errors.EmptyDataError as exc:
            raise LifecircleError(
                f"The table {path.name} is empty.", where=str(path), fix="Export it again."
            ) from exc
    raise LifecircleError(
        f"The table {path.name} is neither UTF-8 nor GBK/GB18030 text: {last_error}",
        where=str(path),
        fix="Save it as UTF-8 (in Excel: CSV UTF-8).",
    )


def _points_from_table(
    table: pd.DataFrame, path: Path, x_column: str, y_column: str
) -> gpd.GeoDataFrame:
    for column in (x_column, y_column):
        if column not in table.columns:
            raise LifecircleError(
                f"The table {path.name} has no column '{column}'.",
                where=f"{path}, columns {list(table.columns)}",
                fix="Name the coordinate columns in the run config: x_column / y_column "
                "(defaults lon / lat).",
            )
    x = pd.to_numeric(table[x_column], errors="coerce").to_numpy()
    y = pd.to_numeric(table[y_column], errors="coerce").to_numpy()
    bad = np.flatnonzero(~np.isfinite(x) | ~np.isfinite(y))
    if bad.size:
        raise LifecircleError(
            f"{bad.size} rows of {path.name} have no numeric coordinates.",
            where=row_numbers(path, bad),
            fix=f"Fill in or delete those rows; '{x_column}' and '{y_column}' must be numbers.",
        )
    return gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(x, y), crs=None)


def _file_bbox(
    path: Path, layer: str | None, bbox: Sequence[float] | None, declared: str | None
) -> tuple[float, float, float, float] | None:
    """``bbox`` (degrees) in the file's own CRS, or None to read the whole file."""
    if bbox is None or (declared or "").lower() in CHINESE_DATUMS:
        return None
    try:
        text = pyogrio.read_info(path, layer=layer).get("crs")
    except pyogrio.errors.DataSourceError:
        return None  # _read_spatial says what is wrong with the file
    if not text:
        return None
    west, south, east, north = (float(v) for v in bbox)
    try:
        transformer = pyproj.Transformer.from_crs(WGS84, text, always_xy=True)
    except pyproj.exceptions.CRSError:
        return None
    return transformer.transform_bounds(west, south, east, north, densify_pts=21)


def _read_spatial(
    path: Path, layer: str | None, bbox: tuple[float, float, float, float] | None = None
) -> gpd.GeoDataFrame:
    if layer is None:
        _refuse_ambiguous_layers(path)
    # A shapefile without .cpg is read by GDAL as Latin-1, which turns GBK text into
    # mojibake silently; decode it strictly as UTF-8, then as GB18030, instead.
    guess = path.suffix.lower() in {".shp", ".dbf"} and not path.with_suffix(".cpg").exists()
    encodings: tuple[str | None, ...] = FALLBACK_ENCODINGS if guess else (None,)
    last_error: Exception | None = None
    for encoding in encodings:
        try:
            frame = pyogrio.read_dataframe(path, layer=layer, encoding=encoding, bbox=bbox)
        except UnicodeDecodeError as exc:
            last_error = exc
            continue
        except pyogrio.errors.DataLayerError as exc:
            raise LifecircleError(
                f"The file {path.name} has no layer '{layer}': {exc}",
                where=str(path),
                fix=f"Available layers: {[str(x[0]) for x in pyogrio.list_layers(path)]}.",
            ) from exc
        except pyogrio.errors.DataSourceError as exc:
            raise LifecircleError(
                f"The file {path.name} could not be opened as a GIS file: {exc}",
                where=str(path),
                fix="Check that it is a GeoPackage, Shapefile (with .shx and .dbf) or GeoJSON.",
            ) from exc
        if _has_mojibake(frame):
            last_error = UnicodeDecodeError("utf-8", b"", 0, 1, "replacement characters")
            continue
        return frame
    raise LifecircleError(
        f"The attribute text of {path.name} is not UTF-8, GBK or GB18030: {last_error}",
        where=str(path),
        fix="Add a .cpg file naming the encoding (for example 'GBK'), or re-save the layer as "
        "UTF-8 in QGIS.",
    )


def _refuse_ambiguous_layers(path: Path) -> None:
    """A file with several layers and no ``layer:`` would silently use the first one."""
    try:
        names = [str(row[0]) for row in pyogrio.list_layers(path)]
    except pyogrio.errors.DataSourceError:
        return  # _read_spatial reports the unreadable file
    if len(names) > 1:
        raise LifecircleError(
            f"{path.name} holds {len(names)} layers and the run config does not say which.",
            where=str(path),
            fix=f"Add `layer:` with one of: {', '.join(names)}.",
        )


def _has_mojibake(frame: pd.DataFrame) -> bool:
    """True when text columns hold U+FFFD, the mark of a wrong decoding."""
    for column in frame.columns:
        if frame[column].dtype == object:
            values = frame[column].dropna()
            if len(values) and values.astype(str).str.contains("\ufffd", regex=False).any():
                return True
    return False


def read_vector(
    path: str | Path,
    *,
    layer: str | None = None,
    what: str = "input",
    crs: str | None = None,
    x_column: str = "lon",
    y_column: str = "lat",
    bbox: Sequence[float] | None = None,
) -> gpd.GeoDataFrame:
    """Read a vector file or CSV and return it in WGS84 (or the file's metric CRS).

    Parameters
    ----------
    path : str or Path
        GeoPackage, Shapefile, GeoJSON, or CSV with coordinate columns.
    layer : str, optional
        Layer name inside a GeoPackage.
    what : str
        What the file is for (used in messages): "facilities", "boundary"...
    crs : str, optional
        The coordinates' CRS when the file has none, or ``gcj02`` / ``bd09``
        to declare Chinese-map coordinates (converted to WGS84 here).
    x_column, y_column : str
        Coordinate columns of a CSV (degrees or metres of ``crs``).
    bbox : (west, south, east, north), optional
        Degrees (WGS84). Read only the features whose extent meets this box
        (GDAL's spatial filter, through pyogrio) from a GIS file with a CRS; a
        CSV, a file without a CRS or one declared GCJ-02/BD-09 is read whole.

    Returns
    -------
    GeoDataFrame
        With a CRS. Chinese-datum input comes back in WGS84.

    Raises
    ------
    LifecircleError
        Missing file, unreadable text, no CRS, swapped lon/lat, bad geometry.
    """
    path = Path(path)
    if crs is not None:
        check_crs(crs, where=f"crs of the {what} {path.name}")
    _check_exists(path, what)
    if is_table(path):
        frame = _points_from_table(_read_csv(path), path, x_column, y_column)
    else:
        frame = _read_spatial(path, layer, _file_bbox(path, layer, bbox, crs))
    declared = (crs or "").lower()
    if declared in CHINESE_DATUMS:
        return _from_chinese_datum(frame, declared, path)
    if frame.crs is None:
        if not crs:
            raise LifecircleError(
                f"The {what} layer {path.name} has no coordinate reference system.",
                where=str(path),
                fix="Declare it in the run config, e.g. `crs: EPSG:4326` for lon/lat degrees, "
                "`crs: gcj02` for AMap/Tencent coordinates, `crs: bd09` for Baidu; or set the "
                "CRS in QGIS and save again.",
            )
        frame = frame.set_crs(crs)
    if frame.crs.is_geographic:
        _check_geographic(frame, path)
    return frame


def _check_geographic(frame: gpd.GeoDataFrame, path: Path) -> None:
    if frame.empty:
        return
    bounds = frame.geometry.bounds
    lon = np.concatenate([bounds["minx"].to_numpy(), bounds["maxx"].to_numpy()])
    lat = np.concatenate([bounds["miny"].to_numpy(), bounds["maxy"].to_numpy()])
    finite = np.isfinite(lon) & np.isfinite(lat)
    check_lonlat_order(lon[finite], lat[finite], where=str(path))


def _from_chinese_datum(frame: gpd.GeoDataFrame, datum: str, path: Path) -> gpd.GeoDataFrame:
    if frame.crs is not None and not frame.crs.is_geographic:
        raise LifecircleError(
            f"{path.name} is declared {datum.upper()} but its CRS is projected ({frame.crs.name}).",
            where=str(path),
            fix="GCJ-02 and BD-09 are lon/lat; declare only lon/lat data with them.",
        )
    frame = frame.set_crs(WGS84, allow_override=True)
    _check_geographic(frame, path)
    convert = gcj02_to_wgs84 if datum.startswith("gcj") else bd09_to_wgs84

    def transform(coords: np.ndarray) -> np.ndarray:
        lon, lat = convert(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    frame = frame.copy()
    frame.geometry = shapely.transform(frame.geometry.values, transform)
    return frame
