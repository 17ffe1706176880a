from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.campaign_response import CampaignResponse
from ...models.create_campaign_request import CreateCampaignRequest
from ...models.error_response import ErrorResponse
from ...types import RequestOptions, Response, json_body, json_request, status_code_of


def _get_kwargs(
    *,
    body: CreateCampaignRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/campaigns",
    }

    _kwargs.update(json_request(body, headers))

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CampaignResponse | ErrorResponse | None:
    if response.status_code == 201:
        response_201 = CampaignResponse.from_dict(json_body(response))

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

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(json_body(response))

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[CampaignResponse | ErrorResponse]:
    if client.raise_on_unexpected_status and not (
        response.status_code == 201
        or response.status_code == 400
        or response.status_code == 401
        or response.status_code == 403
        or response.status_code == 429
    ):
        raise errors.UnexpectedStatus(response.status_code, response.content)

    def parse(response: httpx.Response) -> CampaignResponse | ErrorResponse | None:
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
    body: CreateCampaignRequest,
    _request_options: RequestOptions | None = None,
) -> Response[CampaignResponse | ErrorResponse]:
    """Create a campaign

    Args:
        body (CreateCampaignRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CampaignResponse | ErrorResponse]
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
    body: CreateCampaignRequest,
    _request_options: RequestOptions | None = None,
) -> CampaignResponse | ErrorResponse | None:
    """Create a campaign

    Args:
        body (CreateCampaignRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CampaignResponse | ErrorResponse
    """

    return sync_detailed(
        client=client,
        body=body,
        _request_options=_request_options,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateCampaignRequest,
    _request_options: RequestOptions | None = None,
) -> Response[CampaignResponse | ErrorResponse]:
    """Create a campaign

    Args:
        body (CreateCampaignRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CampaignResponse | ErrorResponse]
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
    body: CreateCampaignRequest,
    _request_options: RequestOptions | None = None,
) -> CampaignResponse | ErrorResponse | None:
    """Create a campaign

    Args:
        body (CreateCampaignRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CampaignResponse | ErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            _request_options=_request_options,
        )
    ).parsed
