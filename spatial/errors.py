"""The one exception type for errors a user can cause.

It lives in ``spatial`` because that is the bottom layer: every other package
(layers, analyses, maps, the application) imports it from here, and imports
only go one way.
"""

from __future__ import annotations

from lifecircle.spatial.messages import translate

# the labels of the three parts, per language
LABELS = {
    "en": {"what": "error: ", "where": "Where: ", "fix": "Fix: "},
    "zh": {"what": "问题：", "where": "位置：", "fix": "解决办法："},
}


class LifecircleError(Exception):
    """An error caused by input, configuration or environment, not by a bug.

    The message says what is wrong, where (file, layer, row or column) and how
    to fix it. The command line prints it without a traceback and exits with
    status 2, in the run's language (:meth:`render`).

    Parameters
    ----------
    what : str
        What is wrong, in one sentence, in English (the Chinese comes from the
        catalogue in :mod:`lifecircle.spatial.messages_zh`).
    where : str, optional
        The file, layer, row, column or config key concerned.
    fix : str, optional
        What the user can do about it.
    """

    def __init__(self, what: str, where: str | None = None, fix: str | None = None) -> None:
        self.what = what
        self.where = where
        self.fix = fix
        super().__init__(self.render("en", labelled_what=False))

    def render(self, lang: str = "en", *, labelled_what: bool = True) -> str:
        """The message in ``lang`` (zh or en): what, then the labelled where and fix lines.

        ``labelled_what`` puts the ``error:`` (``问题：``) label before the first line.
        """
        labels = LABELS["zh" if lang == "zh" else "en"]
        first = translate(self.what, lang)
        parts = [labels["what"] + first if labelled_what else first]
        if self.where:
            parts.append(labels["where"] + translate(self.where, lang))
        if self.fix:
            parts.append(labels["fix"] + translate(self.fix, lang))
        return "\n".join(parts)
