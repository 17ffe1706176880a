import datetime
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.call_page import CallPage
from ...models.error_response import ErrorResponse
from ...types import UNSET, RequestOptions, Response, Unset, json_body, status_code_of


def _get_kwargs(
    *,
    agent_id: UUID | Unset = UNSET,
    phone: str | Unset = UNSET,
    campaign: str | Unset = UNSET,
    from_: datetime.date | Unset = UNSET,
    to: datetime.date | Unset = UNSET,
    page: int | Unset = 1,
    size: int | Unset = 20,
    sort: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_agent_id: str | Unset = UNSET
    if not isinstance(agent_id, Unset):
        json_agent_id = str(agent_id)
    params["agentId"] = json_agent_id

    params["phone"] = phone

    params["campaign"] = campaign

    json_from_: str | Unset = UNSET
    if not isinstance(from_, Unset):
        json_from_ = from_.isoformat()
    params["from"] = json_from_

    json_to: str | Unset = UNSET
    if not isinstance(to, Unset):
        json_to = to.isoformat()
    params["to"] = json_to

    params["page"] = page

    params["size"] = size

    params["sort"] = sort

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/calls",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CallPage | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = CallPage.from_dict(json_body(response))

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

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(json_body(response))

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[CallPage | ErrorResponse]:
    if client.raise_on_unexpected_status and not (
        response.status_code == 200
        or response.status_code == 400
        or response.status_code == 401
        or response.status_code == 403
        or response.status_code == 429
    ):
        raise errors.UnexpectedStatus(response.status_code, response.content)

    def parse(response: httpx.Response) -> CallPage | ErrorResponse | None:
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
    agent_id: UUID | Unset = UNSET,
    phone: str | Unset = UNSET,
    campaign: str | Unset = UNSET,
    from_: datetime.date | Unset = UNSET,
    to: datetime.date | Unset = UNSET,
    page: int | Unset = 1,
    size: int | Unset = 20,
    sort: str | Unset = UNSET,
    _request_options: RequestOptions | None = None,
) -> Response[CallPage | ErrorResponse]:
    """List calls

    Args:
        agent_id (UUID | Unset):
        phone (str | Unset):
        campaign (str | Unset):
        from_ (datetime.date | Unset):
        to (datetime.date | Unset):
        page (int | Unset):  Default: 1.
        size (int | Unset):  Default: 20.
        sort (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CallPage | ErrorResponse]
    """

    kwargs = _get_kwargs(
        agent_id=agent_id,
        phone=phone,
        campaign=campaign,
        from_=from_,
        to=to,
        page=page,
        size=size,
        sort=sort,
    )

    response = client.get_httpx_client().request(
        **kwargs,
        **(_request_options or {}),
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    agent_id: UUID | Unset = UNSET,
    phone: str | Unset = UNSET,
    campaign: str | Unset = UNSET,
    from_: datetime.date | Unset = UNSET,
    to: datetime.date | Unset = UNSET,
    page: int | Unset = 1,
    size: int | Unset = 20,
    sort: str | Unset = UNSET,
    _request_options: RequestOptions | None = None,
) -> CallPage | ErrorResponse | None:
    """List calls

    Args:
        agent_id (UUID | Unset):
        phone (str | Unset):
        campaign (str | Unset):
        from_ (datetime.date | Unset):
        to (datetime.date | Unset):
        page (int | Unset):  Default: 1.
        size (int | Unset):  Default: 20.
        sort (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CallPage | ErrorResponse
    """

    return sync_detailed(
        client=client,
        agent_id=agent_id,
        phone=phone,
        campaign=campaign,
        from_=from_,
        to=to,
        page=page,
        size=size,
        sort=sort,
        _request_options=_request_options,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    agent_id: UUID | Unset = UNSET,
    phone: str | Unset = UNSET,
    campaign: str | Unset = UNSET,
    from_: datetime.date | Unset = UNSET,
    to: datetime.date | Unset = UNSET,
    page: int | Unset = 1,
    size: int | Unset = 20,
    sort: str | Unset = UNSET,
    _request_options: RequestOptions | None = None,
) -> Response[CallPage | ErrorResponse]:
    """List calls

    Args:
        agent_id (UUID | Unset):
        phone (str | Unset):
        campaign (str | Unset):
        from_ (datetime.date | Unset):
        to (datetime.date | Unset):
        page (int | Unset):  Default: 1.
        size (int | Unset):  Default: 20.
        sort (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CallPage | ErrorResponse]
    """

    kwargs = _get_kwargs(
        agent_id=agent_id,
        phone=phone,
        campaign=campaign,
        from_=from_,
        to=to,
        page=page,
        size=size,
        sort=sort,
    )

    response = await client.get_async_httpx_client().request(
        **kwargs,
        **(_request_options or {}),
    )

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    agent_id: UUID | Unset = UNSET,
    phone: str | Unset = UNSET,
    campaign: str | Unset = UNSET,
    from_: datetime.date | Unset = UNSET,
    to: datetime.date | Unset = UNSET,
    page: int | Unset = 1,
    size: int | Unset = 20,
    sort: str | Unset = UNSET,
    _request_options: RequestOptions | None = None,
) -> CallPage | ErrorResponse | None:
    """List calls

    Args:
        agent_id (UUID | Unset):
        phone (str | Unset):
        campaign (str | Unset):
        from_ (datetime.date | Unset):
        to (datetime.date | Unset):
        page (int | Unset):  Default: 1.
        size (int | Unset):  Default: 20.
        sort (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CallPage | ErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            agent_id=agent_id,
            phone=phone,
            campaign=campaign,
            from_=from_,
            to=to,
            page=page,
            size=size,
            sort=sort,
            _request_options=_request_options,
        )
    ).parsed
