"""What the paged lists of ``client.agents`` and ``client.calls`` share: the page size check and
the reading of a page's JSON document.

The values they return are lazy (:class:`~volubile_ext._models.LazyValue`): made holding their
JSON object, read by the generated model when a field is first read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from .._errors import APIResponseValidationError, ClientValidationError, FieldError
from .._models import LazyValue
from ..campaigns._fields import check_value

if TYPE_CHECKING:
    from .._base_client import _BaseClient, _Operation
    from .._models import ResponseInfo
    from .._wire import Response

__all__ = ["check_page_size", "lazy_items", "page_document", "read_one"]

V = TypeVar("V", bound=LazyValue)


def check_page_size(value: object, entry: type, operation: str) -> int:
    """``page_size`` checked against the spec table's ``size`` parameter (its bounds)."""
    errors: list[FieldError] = []
    checked = check_value(entry, value, "page_size", False, errors)
    if errors:
        raise ClientValidationError(errors, subject=f"{operation} arguments")
    size: int = checked
    return size


def page_document(
    client: _BaseClient, op: _Operation[Any], reply: Response[Any]
) -> tuple[Mapping[str, Any], list[Any]]:
    """The page's JSON object and its ``content`` list; a page that is neither is an error
    (read as an empty page, it would end the iteration and silently drop the rest)."""
    response = reply.http_response
    document = client._json(op, response)
    content = document.get("content") if isinstance(document, Mapping) else None
    if not isinstance(document, Mapping) or not isinstance(content, list):
        raise APIResponseValidationError(
            f"{op.name}: the server answered {response.status_code} with a body that is not a "
            "page (a JSON object with a 'content' list)",
            response=response,
        )
    return document, content


def lazy_items(items: list[Any], value_cls: type[V], parse: Callable[[Any], V]) -> list[V]:
    """A page's values: each JSON object kept, to be read when first used; anything else (not
    an object) read at once, leniently, by ``parse``."""
    # perf: "sync `calls.list`, one page of 100 calls vs raw httpx `.json()`" (scripts/bench.py):
    # a page costs its decoding and a hundred small objects, not a hundred model parses.
    return value_cls._lazy_many(items, parse)


def read_one(
    client: _BaseClient,
    op: _Operation[Any],
    reply: Response[Any],
    *,
    value_cls: type[V],
    parse: Callable[[Any, ResponseInfo], V],
) -> V:
    """The value of a one-object answer: its JSON object kept, to be read when first used (a
    body that is not JSON is an error; JSON that is not an object is read at once)."""
    info = client._info(op, reply.http_response)
    document = client._json(op, reply.http_response)
    if type(document) is dict:
        return value_cls._lazy(document, info)
    return parse(document, info)
