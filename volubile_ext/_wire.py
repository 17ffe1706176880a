"""The wire: what ``volubile_ext`` uses of the generated client (``volubile_api``).

Operations and models are imported with the first client (or scope check), not with
``volubile_ext``: a program that only reads CSV files, plans campaigns or prints the CLI's help
never needs them.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from ._errors import ClientValidationError, FieldError
from ._models import CampaignStatus

if TYPE_CHECKING:
    from volubile_api import Client as GeneratedClient
    from volubile_api.models import AuthTokenRequest, Scope
    from volubile_api.models import CampaignStatusUpdate as WireCampaignStatus

# The three private classes below are plain slotted classes, not attrs ones: attrs compiles the
# methods of each class it makes when the module is imported (about 0.5 ms apiece), and sets
# frozen fields one object.__setattr__ at a time on every request.


class _GeneratedLayer:
    """What this module uses of the generated client (``volubile_api``)."""

    __slots__ = (
        "client",
        "create_kwargs",
        "get_kwargs",
        "known_scopes",
        "status_kwargs",
        "token_kwargs",
        "token_request",
        "wire_status",
    )

    def __init__(
        self,
        *,
        client: type[GeneratedClient],
        create_kwargs: Callable[..., dict[str, Any]],
        get_kwargs: Callable[..., dict[str, Any]],
        status_kwargs: Callable[..., dict[str, Any]],
        token_kwargs: Callable[..., dict[str, Any]],
        token_request: type[AuthTokenRequest],
        wire_status: type[WireCampaignStatus],
        known_scopes: dict[str, Scope],
    ) -> None:
        self.client = client
        self.create_kwargs = create_kwargs
        self.get_kwargs = get_kwargs
        self.status_kwargs = status_kwargs
        self.token_kwargs = token_kwargs
        self.token_request = token_request
        self.wire_status = wire_status
        self.known_scopes = known_scopes


@functools.cache
def _generated() -> _GeneratedLayer:
    # Imported with the first client (or scope check), not with volubile_ext: a program that
    # only reads CSV files, plans campaigns or prints the CLI's help never needs it, and it is
    # about a third of what `import volubile_ext` would cost on top of httpx (scripts/bench.py).
    from volubile_api import Client
    from volubile_api.api.authentication import issue_token
    from volubile_api.api.campaigns import create, get, update_status
    from volubile_api.models import AuthTokenRequest, CampaignStatusUpdate, Scope

    return _GeneratedLayer(
        client=Client,
        create_kwargs=create._get_kwargs,
        get_kwargs=get._get_kwargs,
        status_kwargs=update_status._get_kwargs,
        token_kwargs=issue_token._get_kwargs,
        token_request=AuthTokenRequest,
        wire_status=CampaignStatusUpdate,
        known_scopes={scope.value: scope for scope in Scope},
    )


class _PreparedBody:
    """A request body already validated and serialised by volubile_ext.

    The generated request builders take a generated model and call its ``to_dict()``; handing
    them this instead lets the generated code decide method, path and body placement while the
    body is built once, by the validated fast path (building thousands of generated recipient
    objects only to flatten them again costs milliseconds per campaign).
    """

    __slots__ = ("_document",)

    def __init__(self, document: dict[str, Any]) -> None:
        self._document = document

    def to_dict(self) -> dict[str, Any]:
        return self._document


def _operation_kwargs(kwargs: dict[str, Any]) -> tuple[str, str, Any]:
    # httpx sets Content-Type: application/json itself for a JSON body; the generated per-call
    # headers dict would only cost a header merge on every request.
    return kwargs["method"].upper(), kwargs["url"], kwargs.get("json")


def _campaign_id(value: uuid.UUID | str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value).strip())
    except ValueError:
        raise ClientValidationError(
            [FieldError("id", "must be a campaign id (a UUID)", value)], subject="campaign id"
        ) from None


def _status_value(status: CampaignStatus | str) -> WireCampaignStatus:
    text = status.value if isinstance(status, CampaignStatus) else str(status).strip().upper()
    try:
        return _generated().wire_status(text)
    except ValueError:
        allowed = ", ".join(member.value for member in CampaignStatus)
        raise ClientValidationError(
            [FieldError("status", f"must be one of {allowed}", status)], subject="status"
        ) from None


def _scopes(scopes: Iterable[str] | str) -> tuple[Scope, ...]:
    items = [scopes] if isinstance(scopes, str) else list(scopes)
    known_scopes = _generated().known_scopes
    problems = []
    found: list[Scope] = []
    for index, scope in enumerate(items):
        known = known_scopes.get(scope) if isinstance(scope, str) else None
        if known is None:
            allowed = ", ".join(known_scopes)
            problems.append(FieldError(f"scope[{index}]", f"must be one of {allowed}", scope))
        elif known not in found:
            found.append(known)
    if not items:
        problems.append(FieldError("scope", "must name at least one scope", []))
    if problems:
        raise ClientValidationError(problems, subject="token request")
    return tuple(found)
