"""Keep what is valid in an answer: repair or drop the parts that fail validation, one by one.

Works for any pydantic answer model. For each validation error, from the failing value upwards:
- a key the model does not define is removed (`removed`);
- an optional field is reset: to null when its default is null (`nulled`), else to its default
  (`defaulted`);
- an item of a list (or a dict of items) is dropped (`dropped`), so one bad claim costs only
  itself;
- a required field passes the problem up to what contains it.
An error that reaches the top of the answer cannot be repaired: the answer is rejected. Every
repair becomes a `RecordWarning` with the path of the value in the answer as the model sent it.
"""

from __future__ import annotations

import copy
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal, Union

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from .schemas import RecordWarning

MAX_ROUNDS = 8
_DROPPED = object()  # a list item taken out; kept in place so paths keep their original indexes
_VALUE_CHARS = 80


@dataclass
class Salvaged:
    """The outcome of `salvage`: the answer (None when nothing could be kept) and the repairs."""

    answer: BaseModel | None
    warnings: list[RecordWarning] = field(default_factory=list)
    items: int = 0  # items in the answer's top-level lists, as sent
    dropped: int = 0  # of those, how many were dropped
    problems: list[str] = field(default_factory=list)  # why the answer as a whole was rejected
    errors: list[str] = field(default_factory=list)  # every validation error met, for a re-ask

    @property
    def dropped_share(self) -> float:
        return self.dropped / self.items if self.items else 0.0


def salvage(data: Any, model: type[BaseModel]) -> Salvaged:
    """Validate `data` (parsed JSON) as `model`, repairing what can be repaired."""
    items = _top_level_items(data)
    result = Salvaged(answer=None, items=items)
    working = data
    for _ in range(MAX_ROUNDS):
        clean = _without_dropped(working)
        try:
            result.answer = model.model_validate(clean)
            result.dropped = _count_dropped(working)
            return result
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
        if working is data:
            working = copy.deepcopy(data)  # repairs edit the copy, never the caller's data
        # shallowest first, so a value inside something already dropped is not reported twice
        repairs = sorted(
            ((_original_path(working, error["loc"]), error) for error in errors),
            key=lambda r: len(r[0]),
        )
        changed = False
        done: set[tuple[Any, ...]] = set()
        result.errors += [_describe(error, at=path) for path, error in repairs]
        for path, error in repairs:
            if any(path[: len(d)] == d for d in done):
                continue  # inside something already dropped or reset
            try:
                repair = _repair(working, path, model)
            except (KeyError, IndexError, TypeError):  # a location salvage cannot follow
                repair = None
            if repair is None:
                result.problems.append(_describe(error, at=path))
                continue
            where, action = repair
            done.add(where)
            changed = True
            result.warnings.append(
                RecordWarning(
                    path=_dotted(where),
                    problem=_describe(error, at=path),
                    action=action,
                    value=_shown(error.get("input")),
                )
            )
        if not changed:
            result.dropped = _count_dropped(working)
            return result
    result.problems.append("too many problems to repair")
    return result


def _describe(error: Any, at: tuple[Any, ...] | None = None) -> str:
    where = at if at is not None else tuple(error["loc"])
    return (f"{_dotted(where)}: " if where else "") + str(error["msg"])


def _shown(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= _VALUE_CHARS else text[: _VALUE_CHARS - 1] + "…"


def _dotted(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in path)


def _top_level_items(data: Any) -> int:
    if not isinstance(data, dict):
        return 0
    return sum(len(v) for v in data.values() if isinstance(v, list))


def _count_dropped(data: Any) -> int:
    if not isinstance(data, dict):
        return 0
    return sum(sum(1 for x in v if x is _DROPPED) for v in data.values() if isinstance(v, list))


def _without_dropped(node: Any) -> Any:
    if isinstance(node, list):
        return [_without_dropped(x) for x in node if x is not _DROPPED]
    if isinstance(node, dict):
        return {k: _without_dropped(v) for k, v in node.items() if v is not _DROPPED}
    return node


def _original_path(data: Any, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """The error's location in `data` as sent: list indexes count dropped items too.

    Parts of pydantic's location that are not keys of the data (union member tags such as
    `function-after[...]`) are skipped.
    """
    path: list[Any] = []
    node = data
    for part in loc:
        if isinstance(node, list) and isinstance(part, int):
            kept = [i for i, x in enumerate(node) if x is not _DROPPED]
            if part >= len(kept):
                break
            path.append(kept[part])
            node = node[kept[part]]
        elif isinstance(node, dict) and part in node:
            path.append(part)
            node = node[part]
        elif (
            isinstance(node, dict)
            and isinstance(part, str)
            and not part.startswith(("function-", "list[", "dict[", "union["))
        ):
            path.append(part)  # a required key the model left out
            break
        elif isinstance(node, dict | list):
            continue  # a tag, not a key
        else:
            break
    return tuple(path)


#: what `_repair` did to the value (a subset of `RecordWarning.action`)
_Action = Literal["nulled", "defaulted", "removed", "dropped"]


def _repair(
    data: Any, path: tuple[Any, ...], model: type[BaseModel]
) -> tuple[tuple[Any, ...], _Action] | None:
    """Apply the smallest repair that removes the value at `path`; (where, action) or None."""
    chain = _annotations(model, data, path)  # for each prefix: (container, key, field or None)
    for depth in range(len(chain), 0, -1):
        container, key, info = chain[depth - 1]
        where = path[:depth]
        if isinstance(container, list):
            container[key] = _DROPPED
            return where, "dropped"
        if info == "extra" and key in container:
            if depth == 1:
                return None  # unknown top-level keys: the model ignored the schema, re-ask
            del container[key]
            return where, "removed"
        if info == "item":  # a value of a dict[str, X]
            del container[key]
            return where, "dropped"
        if isinstance(info, FieldInfo) and not info.is_required():
            if info.default is None:
                container[key] = None
                return where, "nulled"
            del container[key]
            return where, "defaulted"
    return None


def _annotations(
    model: type[BaseModel], data: Any, path: tuple[Any, ...]
) -> list[tuple[Any, Any, Any]]:
    """Walk `path` through `data` beside the model's types: what each step's key is."""
    chain: list[tuple[Any, Any, Any]] = []
    node, kind = data, model
    for key in path:
        info: Any = None
        inner: Any = None
        models = _models(kind)
        if isinstance(node, dict) and models:
            fields = next((m.model_fields for m in models if key in m.model_fields), None)
            if fields is None:
                extra_allowed = any(m.model_config.get("extra") == "allow" for m in models)
                info = None if extra_allowed else "extra"
            else:
                info = fields[key]
                inner = info.annotation
        elif isinstance(node, dict):
            info, inner = "item", _item_type(kind)
        elif isinstance(node, list):
            inner = _item_type(kind)
        chain.append((node, key, info))
        if not isinstance(node, list | dict) or (isinstance(node, dict) and key not in node):
            break
        node, kind = node[key], inner
    return chain


def _unwrap(kind: Any) -> list[Any]:
    """The alternatives of a type, without None and Annotated wrappers."""
    origin = typing.get_origin(kind)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(kind)[0])
    if origin in (Union, types.UnionType):
        return [a for arg in typing.get_args(kind) for a in _unwrap(arg) if a is not type(None)]
    return [kind]


def _models(kind: Any) -> list[type[BaseModel]]:
    return [k for k in _unwrap(kind) if isinstance(k, type) and issubclass(k, BaseModel)]


def _item_type(kind: Any) -> Any:
    for alternative in _unwrap(kind):
        args = typing.get_args(alternative)
        origin = typing.get_origin(alternative)
        if origin in (list, tuple, set, frozenset) and args:
            return args[0]
        if origin is dict and len(args) == 2:
            return args[1]
    return None
