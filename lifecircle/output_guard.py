"""Which output paths lifecircle may write, and the lock that guards a folder swap.

Rules (``docs/architecture.md``, "Outputs that cannot hurt"):

- An existing output folder is replaced only when it is empty, or when it
  carries the marker ``.lifecircle-output.json`` that lifecircle writes into
  every output folder and holds nothing beyond the entries the marker lists.
  Anything else (a user's folder, an output a user added files to) is refused.
- An output never equals or contains an input, the working folder, the home
  folder, or one of their parents (``/`` included).
- ``lifecircle layers`` replaces an existing file only when it is a GeoPackage
  that ``lifecircle layers`` wrote (its layer metadata says so).

Every refusal is a :class:`LifecircleError` saying what, where and how to fix it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from lifecircle.maps.atomic import interrupts_deferred, short_name, storage_error
from lifecircle.spatial.errors import LifecircleError

MARKER_NAME = ".lifecircle-output.json"
MARKER_VERSION = 1
#: Layer metadata of a GeoPackage written by ``lifecircle layers``.
LAYERS_FILE_METADATA = {"lifecircle_output": "layers"}
#: Longest wait for another run's swap of the same folder (seconds).
LOCK_TIMEOUT_S = 120.0


def _where(where: str, path: Path) -> str:
    return f"{where} {path}"


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(Path(path).expanduser()))


def _resolved(path: Path) -> Path:
    """``path`` with symlinks resolved as far as it exists."""
    return Path(os.path.realpath(_absolute(path)))


def check_name_lengths(path: Path, where: str) -> None:
    """Refuse a path with a file or folder name longer than the file system allows."""
    path = _absolute(path)
    existing = next(p for p in (path, *path.parents) if os.path.lexists(p))
    try:
        limit = os.pathconf(existing, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    for part in path.parts[1:]:
        size = len(os.fsencode(part))
        if size > limit:
            raise LifecircleError(
                f"The name '{part[:40]}…' is {size} bytes long; this file system allows "
                f"{limit} bytes per name.",
                where=_where(where, path),
                fix="Use a shorter folder or file name.",
            )


def _protected_folders() -> dict[Path, str]:
    """The working folder, the home folder and all their parents (``/`` included)."""
    bases = {_resolved(Path.cwd()): "the working folder"}
    with contextlib.suppress(RuntimeError, KeyError):  # no HOME and no password entry
        bases = {_resolved(Path.home()): "your home folder", **bases}
    protected = {Path("/"): "the root of the file system", **bases}
    for base, label in bases.items():
        for parent in base.parents:
            protected.setdefault(parent, f"a folder that holds {label} ({base})")
    return protected


def check_not_protected(target: Path, where: str) -> None:
    """Refuse ``/``, the home or working folder, or a folder that holds them."""
    label = _protected_folders().get(_resolved(target))
    if label is not None:
        raise LifecircleError(
            f"The output folder {target} is {label}; lifecircle replaces its output folder "
            "as a whole, so it never writes there.",
            where=_where(where, target),
            fix=f"Choose a new folder, for example {where} {Path(target) / 'lifecircle-out'}.",
        )


def check_not_over_inputs(
    target: Path,
    inputs: Iterable[Path],
    where: str,
    rewrites: Path | None = None,
) -> None:
    """Refuse an output that equals or contains an input, or sits inside ``rewrites``.

    Parameters
    ----------
    target : Path
        The output folder or file.
    inputs : iterable of Path
        Files and folders the run reads.
    where : str
        The option that named ``target``.
    rewrites : Path, optional
        A folder the run may replace as a whole (``lifecircle sites`` rewrites
        its ``--from`` folder); the output may equal it, never sit inside it.
    """
    resolved = _resolved(target)
    if rewrites is not None:
        source = _resolved(rewrites)
        if source in resolved.parents:
            raise LifecircleError(
                f"The output {target} is inside the run folder {rewrites} it reads.",
                where=_where(where, target),
                fix=f"Leave out {where} to rewrite {rewrites}, or choose a folder outside it.",
            )
    for path in inputs:
        source = _resolved(path)
        if source == resolved and source != (_resolved(rewrites) if rewrites else None):
            raise LifecircleError(
                f"The output {target} is also an input of this run; lifecircle never "
                "writes over an input.",
                where=_where(where, target),
                fix="Choose another output name.",
            )
        if resolved in source.parents:
            raise LifecircleError(
                f"The output folder {target} holds the input {path}; replacing the folder "
                "would delete it.",
                where=_where(where, target),
                fix=f"Choose a new folder, for example {where} {Path(target) / 'lifecircle-out'}.",
            )


def read_marker(folder: Path) -> dict[str, Any] | None:
    """The marker of a lifecircle output folder, or None when it has none (or a broken one)."""
    try:
        marker = json.loads((Path(folder) / MARKER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(marker, dict) or marker.get("lifecircle_output") != MARKER_VERSION:
        return None
    return marker


def write_marker(folder: Path, command: str, version: str) -> None:
    """Write the marker into a finished staging folder, listing what it holds.

    Parameters
    ----------
    folder : Path
        The staging folder, complete.
    command : str
        The command that wrote it (``run``, ``demo``, ``sites``).
    version : str
        The lifecircle version.
    """
    entries = sorted(p.name for p in Path(folder).iterdir() if p.name != MARKER_NAME)
    marker = {
        "lifecircle_output": MARKER_VERSION,
        "version": version,
        "command": command,
        "created": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "entries": entries,
    }
    (Path(folder) / MARKER_NAME).write_text(
        json.dumps(marker, ensure_ascii=False, indent=2), encoding="utf-8"
    )


def check_replaceable(target: Path, where: str, suggestion: Path | None = None) -> None:
    """Refuse to replace an existing ``target`` unless it is empty or a lifecircle output.

    ``suggestion`` is the folder the message proposes instead (default: a new
    folder inside ``target``).

    Raises
    ------
    LifecircleError
        When ``target`` is a file, a folder without the marker, or an output
        folder holding entries lifecircle did not write.
    """
    if not os.path.lexists(target):
        return
    if not target.is_dir():
        raise LifecircleError(
            f"The output path {target} is a file, not a folder.",
            where=_where(where, target),
            fix="Choose a folder name (new, empty, or an earlier lifecircle output).",
        )
    if os.path.ismount(target):
        raise LifecircleError(
            f"The output folder {target} is a mount point; lifecircle replaces its output "
            "folder as a whole, which a mount point does not allow.",
            where=_where(where, target),
            fix=f"Choose a folder inside it, for example {where} {target / 'lifecircle-out'}.",
        )
    try:
        entries = {p.name for p in target.iterdir()}
    except OSError as exc:
        raise storage_error(exc, target, where) from exc
    if not entries:
        return
    marker = read_marker(target)
    example = f"{where} {suggestion or target / 'lifecircle-out'}"
    if marker is None:
        raise LifecircleError(
            f"The folder {target} already exists and is not a lifecircle output (it has no "
            f"{MARKER_NAME}); lifecircle replaces only its own output folders, so it left "
            "the folder untouched.",
            where=_where(where, target),
            fix=f"Choose a new or empty folder, for example {example}.",
        )
    extra = sorted(entries - set(marker.get("entries", [])) - {MARKER_NAME})
    if extra:
        shown = ", ".join(extra[:5]) + (" …" if len(extra) > 5 else "")
        raise LifecircleError(
            f"The output folder {target} holds files lifecircle did not write ({shown}); "
            "replacing it would delete them.",
            where=_where(where, target),
            fix="Move those files out of the folder, or choose a new output folder.",
        )


def probe_writable(target: Path, where: str) -> None:
    """Check, before any work, that the folder that will hold ``target`` can be written.

    It creates and removes an empty folder in the nearest existing folder
    above ``target``, so a read-only, full or missing place fails at once and
    leaves nothing behind.
    """
    parent = _absolute(target).parent
    existing = next(p for p in (parent, *parent.parents) if os.path.lexists(p))
    if not existing.is_dir():
        raise LifecircleError(
            f"{existing} is a file, so {target} cannot be created under it.",
            where=_where(where, target),
            fix="Check the path.",
        )
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".lifecircle-probe-", dir=existing))
    except OSError as exc:
        raise storage_error(exc, target, where) from exc


def check_output_folder(
    target: Path,
    inputs: Iterable[Path] = (),
    *,
    where: str = "--out",
    rewrites: Path | None = None,
) -> Path:
    """Apply every rule to an output folder, before any work; return its absolute path.

    Parameters
    ----------
    target : Path
        The output folder.
    inputs : iterable of Path
        Files and folders the run reads (never written over or deleted).
    where : str
        The option that named ``target``, for messages.
    rewrites : Path, optional
        A run folder the output may replace as a whole (``sites --from``).
    """
    check_name_lengths(target, where)
    target = _resolved(target)  # a symlinked output: the folder it points to is replaced
    check_not_protected(target, where)
    check_not_over_inputs(target, inputs, where, rewrites)
    # sites may not write inside --from, so it is offered a sibling folder instead
    suggestion = target.with_name(f"{target.name}-sites") if rewrites is not None else None
    probe_writable(target, where)
    if target.parent.is_dir():
        # under the swap lock: another run's swap may be moving this folder just now
        with folder_lock(target, where):
            check_replaceable(target, where, suggestion)
    else:
        check_replaceable(target, where, suggestion)
    return target


def is_layers_file(path: Path) -> bool:
    """True when ``path`` is a GeoPackage that ``lifecircle layers`` wrote (its layer metadata)."""
    import pyogrio

    try:
        info = pyogrio.read_info(path, layer=0)
    except Exception:  # any file pyogrio cannot read is not ours
        return False
    metadata = info.get("layer_metadata") or {}
    return all(metadata.get(k) == v for k, v in LAYERS_FILE_METADATA.items())


def check_output_file(path: Path, inputs: Iterable[Path] = (), *, where: str = "--out") -> Path:
    """Apply the rules to the GeoPackage of ``lifecircle layers``; return its absolute path."""
    check_name_lengths(path, where)
    path = _resolved(path)
    check_not_protected(path, where)
    check_not_over_inputs(path, inputs, where)
    if path.is_dir():
        raise LifecircleError(
            f"The output {path} is a folder; `lifecircle layers` writes one GeoPackage file.",
            where=_where(where, path),
            fix=f"Give a file name, for example {where} {path / 'layers.gpkg'}.",
        )
    if path.suffix.lower() != ".gpkg":
        raise LifecircleError(
            f"The output {path} does not end in .gpkg; `lifecircle layers` writes a GeoPackage.",
            where=_where(where, path),
            fix=f"Name the file with .gpkg, for example {where} {path.with_suffix('.gpkg')}.",
        )
    if os.path.lexists(path) and not is_layers_file(path):
        raise LifecircleError(
            f"The file {path} already exists and was not written by `lifecircle layers`, so "
            "it was left untouched.",
            where=_where(where, path),
            fix="Choose a new file name, or delete the file yourself if you no longer need it.",
        )
    probe_writable(path, where)
    return path


def _lock_path(target: Path) -> Path:
    digest = hashlib.sha1(os.fsencode(target.name)).hexdigest()[:8]
    return target.parent / f".{short_name(target.name)}.{digest}.lifecircle-lock"


@contextlib.contextmanager
def folder_lock(target: Path, where: str = "--out") -> Iterator[None]:
    """Hold an exclusive lock on ``target``'s swap; the lock file is removed afterwards.

    A lock file that another process removed between our open and our lock
    is not the lock any more, so we check that the path still names the
    inode we locked and retry otherwise; this makes removing it safe.

    Raises
    ------
    LifecircleError
        When another process keeps the lock longer than :data:`LOCK_TIMEOUT_S`.
    """
    path = _lock_path(target)
    deadline = time.monotonic() + LOCK_TIMEOUT_S
    while True:
        try:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise storage_error(exc, path, where) from exc
        try:
            if _try_lock(descriptor) and _same_file(descriptor, path):
                break
        except BaseException:
            os.close(descriptor)
            raise
        os.close(descriptor)
        if time.monotonic() > deadline:
            raise LifecircleError(
                f"Another lifecircle run kept {target} locked for {LOCK_TIMEOUT_S:.0f} s.",
                where=_where(where, target),
                fix=f"Wait for the other run to finish, or delete {path} if none is running.",
            )
        time.sleep(0.05)
    try:
        yield
    finally:
        with interrupts_deferred():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
            os.close(descriptor)


def _try_lock(descriptor: int) -> bool:
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _same_file(descriptor: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(descriptor)
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)
