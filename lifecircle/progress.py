"""One progress line per stage, with its elapsed time, in the run's language."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from typing import TextIO

from lifecircle.spatial.messages import translate


class Progress:
    """Prints ``[  1.2 s] stage ... detail`` lines to stderr unless quiet.

    Stage names and details are written in English by the code and printed in
    ``lang`` through the message catalogue (:mod:`lifecircle.spatial.messages`).

    Attributes
    ----------
    timings : dict of str to float
        Seconds per stage (keyed by the English stage name), for summary.json.
    lang : str
        ``zh`` or ``en``: the language of the printed lines.
    """

    def __init__(self, quiet: bool = False, stream: TextIO | None = None, lang: str = "en") -> None:
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.lang = lang
        self.start = time.perf_counter()
        self.timings: dict[str, float] = {}

    def line(self, text: str) -> None:
        """Print one line (unless quiet), already in the run's language."""
        if not self.quiet:
            elapsed = time.perf_counter() - self.start
            print(f"[{elapsed:6.1f} s] {text}", file=self.stream, flush=True)

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[dict[str, str]]:
        """Time a stage; put a ``detail`` string (English) in the yielded dict to print it."""
        info: dict[str, str] = {}
        began = time.perf_counter()
        yield info
        seconds = time.perf_counter() - began
        self.timings[name] = round(seconds, 3)
        detail = translate(info.get("detail", ""), self.lang)
        shown = f" — {detail}" if detail else ""
        colon, unit = ("：", "秒") if self.lang == "zh" else (": ", "s")
        self.line(f"{translate(name, self.lang)}{colon}{seconds:.2f} {unit}{shown}")
