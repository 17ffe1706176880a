"""Strict JSON for documents others send us: what two parsers could read differently is refused.

Used where the library parses JSON it did not write: the sandbox's request bodies and the
webhooks' posted calls. Python's ``json`` keeps the last of a repeated key (other parsers the
first), reads ``NaN`` and ``Infinity`` (no other parser does), recurses as deep as the
document nests, and hands back lone surrogates (``"\\ud800"``: valid JSON syntax, but no text
that can be encoded, stored or answered). A check that one parser passes and another reads
differently is how checks are bypassed, so each of those is refused here, with a short message
that quotes at most a bounded, printable piece of the document.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

__all__ = ["JSONProblem", "loads_strict", "quoted"]


class JSONProblem(ValueError):
    """Valid JSON syntax holding what strict JSON refuses; the message says what.

    ``too_deep`` tells nesting beyond the limit (which a caller may answer differently) from
    the rest.
    """

    def __init__(self, message: str, *, too_deep: bool = False) -> None:
        super().__init__(message)
        self.too_deep = too_deep


def loads_strict(text: str, *, max_depth: int) -> Any:
    """``json.loads(text)``, refusing repeated keys, ``NaN``/``Infinity``, nesting deeper than
    ``max_depth`` (containers) and lone surrogates.

    Raises ``json.JSONDecodeError`` for text that is not JSON, :class:`JSONProblem` for JSON
    that strict JSON refuses, and ``ValueError`` for an integer too long for Python to read
    (all three are ``ValueError``).
    """
    try:
        document = json.loads(
            text, object_pairs_hook=_object_without_repeated_keys, parse_constant=_refuse_constant
        )
    except RecursionError:
        # The parser recurses: nesting beyond the interpreter's limit is refused as too deep.
        raise _too_deep(max_depth) from None
    _check_document(document, max_depth)
    return document


def quoted(text: str) -> str:
    """A bounded, printable quotation of text someone sent, for an error message."""
    shown = text if len(text) <= 40 else text[:40] + "…"
    return ascii(shown)


def _refuse_constant(name: str) -> Any:
    # Python's json accepts NaN and Infinity; JSON (and the API's parser) does not.
    raise JSONProblem(f"{name} is not valid JSON")


def _object_without_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Python keeps the last of repeated keys, other parsers the first: which one was meant is
    # ambiguous, and a validator and a consumer that disagree on it is how checks are bypassed.
    document = dict(pairs)
    if len(document) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise JSONProblem(f"the key {quoted(key)} appears more than once in an object")
            seen.add(key)
    return document


def _too_deep(max_depth: int) -> JSONProblem:
    return JSONProblem(f"nested deeper than {max_depth} levels", too_deep=True)


def _check_document(document: Any, max_depth: int) -> None:
    """Refuses a parsed document nested deeper than ``max_depth`` (whoever reads it next may
    walk it recursively), or holding a string with a lone surrogate. Walked iteratively."""
    pending: list[tuple[Any, int]] = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if not value.isascii() and _has_lone_surrogate(value):
                raise JSONProblem(
                    f"the string {quoted(value)} holds a lone surrogate (not Unicode text)"
                )
            continue
        if isinstance(value, dict):
            children: Iterable[Any] = [*value.keys(), *value.values()]
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > max_depth:
            raise _too_deep(max_depth)
        pending.extend((child, depth + 1) for child in children)


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
