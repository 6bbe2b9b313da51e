"""The batch's OSM files, parsed once into GeoPackages each unit reads by box.

An OSM file (XML or PBF) has no spatial index: reading a unit's box from it
means parsing all of it. ``lifecircle batch`` therefore parses each OSM file
once, in one Dask task, into ``OUT/.cache/<key>/layers.gpkg`` (the raw layers
:func:`lifecircle.layers.osm.read_osm` returns, unclipped, with the roads'
OSM node ids). Each unit then reads only the features that meet its box
through the GeoPackage's R-tree (:func:`lifecircle.layers.raw_io.read_raw_layers`).

The key is a hash of the file's path, size and modification time, lifecircle's
version and the OSM reader's own source, so ``--resume`` reuses a cache made
from the same file by the same reader and a changed file or reader makes a new
one. The GeoPackage is written to a temporary name and renamed into place.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: The folder of the batch output that holds the caches.
CACHE_FOLDER = ".cache"
CACHE_FILE = "layers.gpkg"


def cache_key(osm: Path) -> str:
    """Hash of what decides the parsed layers of ``osm``: file identity, lifecircle, reader."""
    from lifecircle import __version__
    from lifecircle.layers import osm as osm_reader

    stat = osm.stat()
    content = {
        "path": str(osm.resolve()),
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "version": __version__,
        "reader_sha256": hashlib.sha256(Path(osm_reader.__file__).read_bytes()).hexdigest(),
    }
    text = json.dumps(content, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def cache_path(out: Path, osm: Path) -> Path:
    """Where the parsed layers of ``osm`` go in the batch folder ``out``."""
    return out / CACHE_FOLDER / cache_key(osm) / CACHE_FILE


def parse_osm_once(osm: str, target: str) -> str:
    """Parse one OSM file whole and write its raw layers to ``target`` (atomically).

    Runs as a Dask task; returns ``target``.
    """
    from lifecircle.layers.osm import read_osm
    from lifecircle.layers.raw_io import raw_layer_frames
    from lifecircle.output import write_gpkg_layers

    layers, metadata = raw_layer_frames(read_osm(osm))
    write_gpkg_layers(layers, Path(target), layer_metadata=metadata)
    return target


def osm_layers(client: Any, osm: Sequence[Path], out: Path) -> dict[Path, Path]:
    """Each OSM file's parsed layers in ``out``: reused when present, else parsed on the cluster.

    One task per file not yet parsed; caches of other files or of an earlier
    version of a file are removed. A file that cannot be parsed raises its
    :class:`~lifecircle.spatial.errors.LifecircleError` here, before any unit starts.
    """
    paths = {Path(path): cache_path(out, Path(path)) for path in osm}
    futures = [
        client.submit(parse_osm_once, str(path), str(target), pure=False)
        for path, target in paths.items()
        if not target.is_file()
    ]
    for future in futures:
        future.result()
    keep = {target.parent.name for target in paths.values()}
    for folder in (out / CACHE_FOLDER).glob("*"):
        if folder.is_dir() and folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)
    return paths
