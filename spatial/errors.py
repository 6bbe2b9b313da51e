"""The one exception type for errors a user can cause.

It lives in ``spatial`` because that is the bottom layer: every other package
(layers, analyses, maps, the application) imports it from here, and imports
only go one way.
"""

from __future__ import annotations


class LifecircleError(Exception):
    """An error caused by input, configuration or environment, not by a bug.

    The message says what is wrong, where (file, layer, row or column) and how
    to fix it. The command line prints it without a traceback and exits with
    status 2.

    Parameters
    ----------
    what : str
        What is wrong, in one sentence.
    where : str, optional
        The file, layer, row, column or config key concerned.
    fix : str, optional
        What the user can do about it.
    """

    def __init__(self, what: str, where: str | None = None, fix: str | None = None) -> None:
        self.what = what
        self.where = where
        self.fix = fix
        parts = [what]
        if where:
            parts.append(f"Where: {where}")
        if fix:
            parts.append(f"Fix: {fix}")
        super().__init__("\n".join(parts))
