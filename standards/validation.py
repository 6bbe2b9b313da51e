"""Turn a pydantic ValidationError into one readable LifecircleError.

The message names the file, the key path as the user wrote it
(``run config key overrides.walk_speed_mps.eldery``), says what is wrong, and
for an unknown key suggests the nearest known one (``difflib``). Every other
problem in the same file is listed too, so one run shows them all.
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from lifecircle.spatial.errors import LifecircleError

MAX_SHOWN_INPUT = 60
#: Further problems of the same file listed after the first one.
MAX_OTHER_PROBLEMS = 10


def did_you_mean(word: str, known: Sequence[str]) -> str:
    """``"Did you mean 'elderly'? "`` for the closest of ``known`` to ``word``, else ``""``."""
    close = difflib.get_close_matches(str(word), [str(k) for k in known], n=1, cutoff=0.6)
    return f"Did you mean '{close[0]}'? " if close else ""


def dotted(loc: Sequence[str | int]) -> str:
    """``('facilities', 0, 'columns')`` → ``facilities[0].columns``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _unwrap(annotation: Any) -> Any:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _unwrap(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
        return _unwrap(models[0] if models else members[0])
    return annotation


def _step(annotation: Any, part: str | int) -> tuple[Any, FieldInfo | None]:
    """The annotation (and field) one loc element below ``annotation``."""
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        return (field.annotation, field) if field is not None else (None, None)
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin in (list, tuple, Sequence) and args:
        return args[0], None
    if origin in (dict, Mapping) and len(args) == 2:
        return args[1], None
    return None, None


def _known_keys(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """The keys a mapping at ``loc`` may hold (empty when it is not a model)."""
    annotation: Any = model
    for part in loc:
        annotation, _ = _step(annotation, part)
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _description(model: type[BaseModel], loc: Sequence[str | int]) -> str | None:
    """The description of the field at ``loc`` (what a valid value looks like)."""
    annotation: Any = model
    field: FieldInfo | None = None
    for part in loc:
        annotation, field = _step(annotation, part)
        if annotation is None:
            return None
    if field is not None and field.description:
        return field.description
    while get_origin(annotation) in (Union, types.UnionType):
        annotation = next(a for a in get_args(annotation) if a is not type(None))
    if get_origin(annotation) is Annotated:
        for meta in get_args(annotation)[1:]:
            if isinstance(meta, FieldInfo) and meta.description:
                return meta.description
    return None


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= MAX_SHOWN_INPUT else text[: MAX_SHOWN_INPUT - 1] + "…"


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _sentence(error: ErrorDetails) -> str:
    message = error["msg"]
    if error["type"] == "value_error":
        message = message.removeprefix("Value error, ")
    elif error["type"] in {"model_type", "dict_type", "model_attributes_type"}:
        message = "it should be a mapping (key: value lines or {key: value})"
    elif error["type"] == "finite_number":
        message = "it should be a finite number (not .inf or .nan)"
    elif error["type"] in {"float_type", "float_parsing", "int_type", "int_parsing"}:
        message = "it should be a plain number without units or quotes"
        if isinstance(error.get("input"), str) and _looks_numeric(error["input"]):
            message += " (YAML reads 1e5 as text; write 100000 or 1.0e+5)"
    else:
        message = message.replace("Input should", "it should")
    return message.rstrip(".")


def _problem(
    model: type[BaseModel],
    error: ErrorDetails,
    prefix: tuple[str | int, ...],
    label: str,
    nouns: Mapping[str, str],
) -> tuple[str, str, str]:
    """(key path as written, what, fix) for one pydantic error."""
    loc = tuple(error["loc"])
    shown = prefix + loc
    key = dotted(shown)
    if error["type"] == "extra_forbidden":
        known = _known_keys(model, loc[:-1])
        noun = nouns.get(dotted(loc[:-1]), "keys")
        if shown[:-1]:
            what = f"Unknown {noun} {[str(loc[-1])]} under {dotted(shown[:-1])} in the {label}"
        else:
            what = f"The {label} has unknown {noun} {[str(loc[-1])]}"
        fix = did_you_mean(str(loc[-1]), known)
        fix += f"Known {noun} here: {', '.join(known)}." if known else "Remove the key."
        return key, what, fix
    if error["type"] == "missing":
        return key, f"{key} is missing", f"Add `{loc[-1]}:` to the {label}."
    description = _description(model, loc)
    what = f"{key} is {_shown(error.get('input'))}: {_sentence(error)}"
    fix = f"Give {description}." if description else f"Correct {key} in the {label}."
    return key, what, fix


def validation_failure(
    exc: ValidationError,
    model: type[BaseModel],
    *,
    label: str,
    path: Path | str | None = None,
    key_prefix: Sequence[str | int] = (),
    nouns: Mapping[str, str] | None = None,
) -> LifecircleError:
    """The LifecircleError for a failed ``model.model_validate``.

    Parameters
    ----------
    exc : ValidationError
        What pydantic raised.
    model : type of BaseModel
        The model that was validated (to look up known keys and descriptions).
    label : str
        What the data is: ``run config``, ``standards profile``.
    path : Path or str, optional
        The file the data came from.
    key_prefix : sequence
        Keys above the validated data in the user's file (``("overrides",)``).
    nouns : mapping, optional
        Dotted key (relative to ``model``) → what its keys are called
        (``{"maps": "map options"}``).
    """
    problems = [
        _problem(model, error, tuple(key_prefix), label, nouns or {})
        for error in exc.errors(include_url=False)
    ]
    key, what, fix = problems[0]
    what += "."
    if len(problems) > 1:
        others = "; ".join(
            f"{k} ({w.split(': ', 1)[-1]})" for k, w, _ in problems[1 : 1 + MAX_OTHER_PROBLEMS]
        )
        if len(problems) > 1 + MAX_OTHER_PROBLEMS:
            others += f"; and {len(problems) - 1 - MAX_OTHER_PROBLEMS} more"
        what += f" {len(problems) - 1} more problem(s) in the same {label}: {others}."
    where = f"{label} key {key}" + (f" ({path})" if path else "")
    return LifecircleError(what, where=where, fix=fix)
