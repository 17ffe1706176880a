"""What the paged lists of ``client.agents`` and ``client.calls`` share: the page size check and
the reading of a page's JSON document."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from .._errors import APIResponseValidationError, ClientValidationError, FieldError
from ..campaigns._fields import check_value

if TYPE_CHECKING:
    from .._base_client import _BaseClient, _Call, _Operation
    from .._models import ResponseInfo
    from .._wire import Response

__all__ = ["check_page_size", "page_document", "read_one"]

V = TypeVar("V")


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


def read_one(
    client: _BaseClient,
    op: _Operation[Any],
    call: _Call,
    reply: Response[Any],
    *,
    model_cls: type,
    from_model: Callable[[Any, Mapping[str, Any], ResponseInfo], V],
    parse: Callable[[Any, ResponseInfo], V],
) -> V:
    """The value of a one-object answer: from the generated model when it read the body, else
    from the JSON document field by field (a body that is not JSON is an error)."""
    info = client._info(call, reply.http_response)
    document = client._json(op, reply.http_response)
    if isinstance(reply.parsed, model_cls) and isinstance(document, Mapping):
        return from_model(reply.parsed, document, info)
    return parse(document, info)
