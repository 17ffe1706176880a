from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.create_call_request import CreateCallRequest
from ...models.error_response import ErrorResponse
from ...types import (
    RequestOptions,
    Response,
    json_body,
    json_request,
    status_code_of,
)


def _get_kwargs(
    *,
    body: CreateCallRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/calls",
    }

    _kwargs.update(json_request(body, headers))

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ErrorResponse | None:
    if response.status_code == 201:
        response_201 = cast(Any, None)
        return response_201

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(json_body(response))

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(json_body(response))

        return response_401

    if response.status_code == 403:
        response_403 = ErrorResponse.from_dict(json_body(response))

        return response_403

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(json_body(response))

        return response_404

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(json_body(response))

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | ErrorResponse]:
    if client.raise_on_unexpected_status and not (
        response.status_code == 201
        or response.status_code == 400
        or response.status_code == 401
        or response.status_code == 403
        or response.status_code == 404
        or response.status_code == 429
    ):
        raise errors.UnexpectedStatus(response.status_code, response.content)

    def parse(response: httpx.Response) -> Any | ErrorResponse | None:
        return _parse_response(client=client, response=response)

    return Response(
        status_code=status_code_of(response.status_code),
        content=response.content,
        headers=response.headers,
        http_response=response,
        parse=parse,
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateCallRequest,
    _request_options: RequestOptions | None = None,
) -> Response[Any | ErrorResponse]:
    """Create a call

     Starts one outbound call now. It rings a phone: a client must never send it again once it may have
    reached the server.

    Args:
        body (CreateCallRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
        **(_request_options or {}),
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: CreateCallRequest,
    _request_options: RequestOptions | None = None,
) -> Any | ErrorResponse | None:
    """Create a call

     Starts one outbound call now. It rings a phone: a client must never send it again once it may have
    reached the server.

    Args:
        body (CreateCallRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorResponse
    """

    return sync_detailed(
        client=client,
        body=body,
        _request_options=_request_options,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateCallRequest,
    _request_options: RequestOptions | None = None,
) -> Response[Any | ErrorResponse]:
    """Create a call

     Starts one outbound call now. It rings a phone: a client must never send it again once it may have
    reached the server.

    Args:
        body (CreateCallRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(
        **kwargs,
        **(_request_options or {}),
    )

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: CreateCallRequest,
    _request_options: RequestOptions | None = None,
) -> Any | ErrorResponse | None:
    """Create a call

     Starts one outbound call now. It rings a phone: a client must never send it again once it may have
    reached the server.

    Args:
        body (CreateCallRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            _request_options=_request_options,
        )
    ).parsed
