"""A pytest plugin that records every LifecircleError a test session creates.

``tests/test_language_errors.py`` runs the bad-input test modules with
``-p tests.error_recorder`` and checks that the message catalogue translates
each recorded message, so a new message without a Chinese template is found.
Each test process (pytest-xdist workers too) writes one JSON list of
``[what, where, fix]`` into the folder named by ``LIFECIRCLE_ERROR_RECORD``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from lifecircle.spatial.errors import LifecircleError

RECORDED: list[tuple[str, str | None, str | None]] = []
_original_init = LifecircleError.__init__


def _recording_init(self, what, where=None, fix=None, *args, **kwargs):
    _original_init(self, what, where, fix, *args, **kwargs)
    RECORDED.append((self.what, self.where, self.fix))


LifecircleError.__init__ = _recording_init  # type: ignore[method-assign]


def pytest_sessionfinish(session, exitstatus):
    target = os.environ.get("LIFECIRCLE_ERROR_RECORD")
    if target:
        unique = sorted({tuple(entry) for entry in RECORDED}, key=str)
        path = Path(target) / f"errors-{os.getpid()}.json"
        path.write_text(json.dumps(unique, ensure_ascii=False), encoding="utf-8")
