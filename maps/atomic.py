"""The one atomic-write helper: every file lifecircle writes goes through it.

A file is written inside a fresh hidden staging folder beside its final path
(``.NAME.partial-PID-RANDOM/NAME``) and moved into place with ``os.replace``
only when complete. Whatever happens meanwhile (an exception, Ctrl-C, SIGTERM,
a full disk) the staging folder is removed, with the sidecar files some
writers add (GeoPackage ``-journal`` / ``-wal``), so the earlier file (or
none) stays and nothing half-written is left.

It lives in ``maps`` because ``maps`` is the lowest layer that writes files:
the application (``lifecircle.output``) builds its run folders on it, and
``maps.write_maps`` can use it without importing upward. Disk errors a user
can cause (full disk, read-only or missing folder, a name too long) become a
:class:`~lifecircle.spatial.errors.LifecircleError` here.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from lifecircle.spatial.errors import LifecircleError

#: Bytes of the target's name kept in a staging name, so staging names stay
#: within the file system's 255-byte limit whatever the target is called.
_NAME_BYTES_KEPT = 60

#: Free space (bytes) under which a failed write is reported as a full disk.
FULL_DISK_BYTES = 1 << 20
#: How writers (SQLite inside GDAL, the C library) say that the disk is full.
_FULL_DISK_WORDS = re.compile(r"database or disk is full|no space left on device", re.IGNORECASE)
#: GDAL's words when SQLite cannot commit; on a nearly full disk that is the full disk, after
#: the journal's rollback has freed the space again (GDAL does not pass SQLite's reason on).
_COMMIT_FAILED_WORDS = re.compile(r"failed to commit transaction", re.IGNORECASE)
#: Free space (bytes) under which a failed commit counts as a full disk.
NEARLY_FULL_BYTES = 64 << 20

#: errno → (what went wrong, how to fix it), for errors of the disk or the path.
_STORAGE_ERRORS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("the disk is full", "Free some space, or choose a folder on another disk."),
    errno.EDQUOT: ("the disk quota is used up", "Free some space, or choose another folder."),
    errno.EROFS: ("the file system is read-only", "Choose a folder you can write to."),
    errno.EACCES: ("permission denied", "Choose a folder you can write to."),
    errno.EPERM: ("the operation is not permitted", "Choose a folder you can write to."),
    errno.ENAMETOOLONG: (
        "a name in the path is too long",
        "Use a shorter name (at most 255 bytes per folder or file name).",
    ),
    errno.ENOTDIR: ("a part of the path is a file, not a folder", "Check the path."),
    errno.EEXIST: ("a file is in the way", "Check the path, or choose another name."),
    errno.ENOENT: (
        "a folder on the path does not exist or cannot be created",
        "Check the path, or choose a folder you can write to.",
    ),
    errno.EISDIR: ("a folder is in the way", "Choose a file name that is not a folder."),
    errno.EBUSY: ("the path is in use (a mount point?)", "Choose a folder inside it instead."),
    errno.EXDEV: ("the path crosses file systems", "Choose a folder inside it instead."),
}


def storage_error(exc: OSError, path: Path, where: str | None = None) -> LifecircleError:
    """Turn an ``OSError`` of the disk or the path into a message for the user.

    Parameters
    ----------
    exc : OSError
        The error raised while creating or writing ``path``.
    path : Path
        What lifecircle was writing.
    where : str, optional
        The option or argument that named it (``--out``, ``out_dir``).
    """
    reason, fix = _STORAGE_ERRORS.get(
        exc.errno or 0, (exc.strerror or str(exc), "Choose a folder you can write to.")
    )
    return LifecircleError(
        f"Cannot write {path}: {reason} ({exc.strerror or exc}).",
        where=f"{where} {path}" if where else str(path),
        fix=fix,
    )


def write_error(
    exc: Exception, path: Path, where: str | None, staging: Path
) -> LifecircleError | None:
    """The user's view of an error raised while writing ``path``, or None for a bug.

    An ``OSError`` of the disk or the path is translated by
    :func:`storage_error`. Other writers (GDAL through pyogrio) report a full
    disk in their own words, so an error that says so ("database or disk is
    full"), or any error raised while the disk holding ``staging`` has less
    than :data:`FULL_DISK_BYTES` free, is reported as a full disk, with the
    writer's message.
    """
    if isinstance(exc, LifecircleError):
        return None
    if isinstance(exc, OSError) and exc.errno in _STORAGE_ERRORS:
        return storage_error(exc, path, where)
    try:
        free = shutil.disk_usage(staging).free
    except OSError:
        return None
    # GDAL may roll its journal back before it raises, freeing the space it had taken,
    # so the writer's own words count as well as the free space left
    says_full = _FULL_DISK_WORDS.search(str(exc)) is not None
    commit_on_nearly_full = free < NEARLY_FULL_BYTES and _COMMIT_FAILED_WORDS.search(str(exc))
    if free >= FULL_DISK_BYTES and not says_full and not commit_on_nearly_full:
        return None
    return LifecircleError(
        f"Cannot write {path}: the disk is full ({free:,} bytes free; the writer said: {exc}). "
        "The earlier output, if any, is unchanged.",
        where=f"{where} {path}" if where else str(path),
        fix="Free some space, or choose a folder on another disk.",
    )


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM off while a short step that must not be cut runs.

    Removing a staging folder or swapping a folder into place takes
    milliseconds; an interrupt in the middle would leave a half-removed
    folder. A signal that arrives meanwhile is dropped: the step it protects
    ends in a consistent state either way. Outside the main thread (where
    Python delivers no signals) this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {
        signum: signal.signal(signum, lambda *_: None) for signum in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def remove_staging(folder: Path) -> None:
    """Remove a staging folder completely, even when interrupted meanwhile."""
    with interrupts_deferred():
        shutil.rmtree(folder, ignore_errors=True)


def short_name(name: str) -> str:
    """``name`` cut to a length that leaves room for a staging suffix."""
    return os.fsencode(name)[:_NAME_BYTES_KEPT].decode("utf-8", errors="ignore")


def make_staging(parent: Path, name: str, where: str | None = None) -> Path:
    """Create an empty hidden staging folder ``.NAME.partial-PID-RANDOM`` in ``parent``."""
    try:
        staging = tempfile.mkdtemp(prefix=f".{short_name(name)}.partial-{os.getpid()}-", dir=parent)
    except OSError as exc:
        raise storage_error(exc, parent / name, where) from exc
    os.chmod(staging, 0o755)
    return Path(staging)


def ensure_folder(folder: Path, where: str | None = None) -> Path:
    """Create ``folder`` and its parents; a file in the way is a user error."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise LifecircleError(
            f"{folder} is a file, not a folder.",
            where=f"{where} {folder}" if where else str(folder),
            fix="Give the path of a folder (new or existing), not of a file.",
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise storage_error(exc, folder, where) from exc
    return folder


@contextlib.contextmanager
def staged_file(path: Path, where: str | None = None) -> Iterator[Path]:
    """Yield a temporary path to write; it replaces ``path`` when the block succeeds.

    Parameters
    ----------
    path : Path
        The final file. Its folder is created if needed.
    where : str, optional
        The option that named the file, for error messages.

    Raises
    ------
    LifecircleError
        When ``path`` is a folder, or the disk or path refuses the write.
    """
    path = Path(path)
    ensure_folder(path.parent, where)
    if path.is_dir():
        raise LifecircleError(
            f"{path} is a folder, not a file.",
            where=f"{where} {path}" if where else str(path),
            fix="Give a file name that is not an existing folder.",
        )
    staging = make_staging(path.parent, path.name, where)
    try:
        temporary = staging / path.name
        yield temporary
        os.replace(temporary, path)
    except Exception as exc:
        translated = write_error(exc, path, where, staging)
        if translated is not None:
            raise translated from exc
        raise
    finally:
        remove_staging(staging)


def write_with(path: Path, writer: Callable[[BinaryIO], object]) -> Path:
    """Call ``writer(binary_file)`` on a staged file, flush it to disk, move it to ``path``."""
    path = Path(path)
    with staged_file(path) as temporary, open(temporary, "wb") as handle:
        writer(handle)
        handle.flush()
        os.fsync(handle.fileno())
    return path


def write_bytes_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; return ``path``."""
    return write_with(path, lambda handle: handle.write(data))


def write_text_atomic(path: Path, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically; return ``path``."""
    return write_bytes_atomic(path, text.encode("utf-8"))
