"""One progress line per stage, with its elapsed time."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from typing import TextIO


class Progress:
    """Prints ``[  1.2 s] stage ... detail`` lines to stderr unless quiet.

    Attributes
    ----------
    timings : dict of str to float
        Seconds per stage, for summary.json.
    """

    def __init__(self, quiet: bool = False, stream: TextIO | None = None) -> None:
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.start = time.perf_counter()
        self.timings: dict[str, float] = {}

    def line(self, text: str) -> None:
        """Print one line (unless quiet)."""
        if not self.quiet:
            elapsed = time.perf_counter() - self.start
            print(f"[{elapsed:6.1f} s] {text}", file=self.stream, flush=True)

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[dict[str, str]]:
        """Time a stage; put a ``detail`` string in the yielded dict to print it."""
        info: dict[str, str] = {}
        began = time.perf_counter()
        yield info
        seconds = time.perf_counter() - began
        self.timings[name] = round(seconds, 3)
        detail = f" — {info['detail']}" if info.get("detail") else ""
        self.line(f"{name}: {seconds:.2f} s{detail}")
