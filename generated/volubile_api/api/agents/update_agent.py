from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.agent_response import AgentResponse
from ...models.error_response import ErrorResponse
from ...models.update_agent_request import UpdateAgentRequest
from ...types import RequestOptions, Response, json_body, json_request, status_code_of


def _get_kwargs(
    id: UUID,
    *,
    body: UpdateAgentRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": f"/v1/agents/{id!s}",
    }

    _kwargs.update(json_request(body, headers))

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AgentResponse | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = AgentResponse.from_dict(json_body(response))

        return response_200

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
) -> Response[AgentResponse | ErrorResponse]:
    if client.raise_on_unexpected_status and not (
        response.status_code == 200
        or response.status_code == 400
        or response.status_code == 401
        or response.status_code == 403
        or response.status_code == 404
        or response.status_code == 429
    ):
        raise errors.UnexpectedStatus(response.status_code, response.content)

    def parse(response: httpx.Response) -> AgentResponse | ErrorResponse | None:
        return _parse_response(client=client, response=response)

    return Response(
        status_code=status_code_of(response.status_code),
        content=response.content,
        headers=response.headers,
        http_response=response,
        parse=parse,
    )


def sync_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: UpdateAgentRequest,
    _request_options: RequestOptions | None = None,
) -> Response[AgentResponse | ErrorResponse]:
    """Update an agent

     Changes the fields sent; the fields left out keep their value (x-volubile-evidence: inferred, the
    page does not say whether the update is partial; PATCH means it is).

    Args:
        id (UUID):
        body (UpdateAgentRequest): The fields to change; the others keep their value

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AgentResponse | ErrorResponse]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
        **(_request_options or {}),
    )

    return _build_response(client=client, response=response)


def sync(
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: UpdateAgentRequest,
    _request_options: RequestOptions | None = None,
) -> AgentResponse | ErrorResponse | None:
    """Update an agent

     Changes the fields sent; the fields left out keep their value (x-volubile-evidence: inferred, the
    page does not say whether the update is partial; PATCH means it is).

    Args:
        id (UUID):
        body (UpdateAgentRequest): The fields to change; the others keep their value

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AgentResponse | ErrorResponse
    """

    return sync_detailed(
        id=id,
        client=client,
        body=body,
        _request_options=_request_options,
    ).parsed


async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: UpdateAgentRequest,
    _request_options: RequestOptions | None = None,
) -> Response[AgentResponse | ErrorResponse]:
    """Update an agent

     Changes the fields sent; the fields left out keep their value (x-volubile-evidence: inferred, the
    page does not say whether the update is partial; PATCH means it is).

    Args:
        id (UUID):
        body (UpdateAgentRequest): The fields to change; the others keep their value

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AgentResponse | ErrorResponse]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(
        **kwargs,
        **(_request_options or {}),
    )

    return _build_response(client=client, response=response)


async def asyncio(
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: UpdateAgentRequest,
    _request_options: RequestOptions | None = None,
) -> AgentResponse | ErrorResponse | None:
    """Update an agent

     Changes the fields sent; the fields left out keep their value (x-volubile-evidence: inferred, the
    page does not say whether the update is partial; PATCH means it is).

    Args:
        id (UUID):
        body (UpdateAgentRequest): The fields to change; the others keep their value

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AgentResponse | ErrorResponse
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
            _request_options=_request_options,
        )
    ).parsed
