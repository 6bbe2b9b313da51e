"""Messages a user reads, in the run's language (zh or en).

Code writes every user-facing message in English, as it always has: the
``what``, ``where`` and ``fix`` of a :class:`~lifecircle.spatial.errors.LifecircleError`,
a progress stage name or detail. :func:`translate` gives the Chinese text from a
catalogue (:mod:`lifecircle.spatial.messages_zh`) keyed by the *English template*,
the f-string with its fields written ``{name}``::

    "{path} does not exist." -> "{path} 不存在。"

A formatted message is matched against the templates, its field values are
taken out (and translated themselves when they are catalogue phrases, such as a
layer kind), and put into the Chinese template. So a raise site stays a plain
English f-string, other modules need no change to be translated, and a message
without a template is printed in English and listed by the language tests.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from lifecircle.spatial.messages_zh import ZH

LANGS = ("zh", "en")
_FIELD = re.compile(r"\{(\w+)\}")
_ENGLISH_PAIR = re.compile(r"[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}")


def _pattern(template: str) -> re.Pattern[str]:
    """A regex matching ``template`` with each ``{field}`` standing for any text."""
    parts: list[str] = []
    seen: set[str] = set()
    position = 0
    for match in _FIELD.finditer(template):
        parts.append(re.escape(template[position : match.start()]))
        name = match.group(1)
        # a field repeated in one template must carry the same text
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.*?)")
        seen.add(name)
        position = match.end()
    parts.append(re.escape(template[position:]))
    return re.compile("".join(parts), re.DOTALL)


@functools.cache
def _templates() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(pattern, Chinese template) for every template with fields, most literal text first."""
    with_fields = [key for key in ZH if _FIELD.search(key)]
    with_fields.sort(key=lambda key: len(_FIELD.sub("", key)), reverse=True)
    return tuple((_pattern(key), ZH[key]) for key in with_fields)


def _lookup(text: str) -> str | None:
    """The Chinese text of one English message, or None when the catalogue lacks it.

    Fields match any text, so a message may fit several templates (``{key} is
    {value}.`` fits most sentences with "is"); the one leaving the fewest English
    words in its translated fields wins, then the one with the most literal text.
    """
    if text in ZH and not _FIELD.search(text):
        return ZH[text]
    best: tuple[int, str] | None = None
    for pattern, chinese in _templates():
        match = pattern.fullmatch(text)
        if match is None:
            continue
        fields = {name: translate(value, "zh") for name, value in match.groupdict().items()}
        left = sum(len(_ENGLISH_PAIR.findall(value)) for value in fields.values())
        if best is None or left < best[0]:
            best = (left, _fill(chinese, fields))
            if left == 0:
                break
    if best is None or best[1] == text:  # separators alone ("{a}; {b}") translated nothing
        return None
    return best[1]


def _fill(template: str, fields: Mapping[str, str]) -> str:
    return _FIELD.sub(lambda m: fields[m.group(1)], template)


def translate(text: str, lang: str) -> str:
    """``text`` (an English message) in ``lang``; English when the catalogue lacks it.

    Parameters
    ----------
    text : str
        A message as the code wrote it, fields already filled in.
    lang : str
        ``"zh"`` or ``"en"``.
    """
    if lang != "zh" or not text:
        return text
    return _lookup(text) or text


def has_zh(text: str) -> bool:
    """True when the catalogue gives ``text`` in Chinese (for tests of new messages)."""
    return _lookup(text) is not None
