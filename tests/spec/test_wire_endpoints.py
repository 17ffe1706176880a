"""Each operation of ``_wire`` binds its arguments to the generated endpoint it calls.

The operations hold a generated endpoint with its arguments bound as data (perf: the
``campaigns.get`` rows of scripts/bench.py), which mypy does not check against the generated
signature: a parameter renamed in openapi.yaml fails here, with its name.
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from volubile_ext import _wire

CLIENT = object()  # the generated client, as the builders pass it on
SOME_ID = uuid.UUID("497f6eca-6276-4993-bfeb-53cbbbba6f08")
BODY = object()

OPERATIONS: dict[str, tuple[Callable[..., Any], tuple[Any, ...]]] = {
    "get_campaign": (_wire.get_campaign, (CLIENT, str(SOME_ID))),
    "create_campaign": (_wire.create_campaign, (CLIENT, BODY)),
    "set_campaign_status": (_wire.set_campaign_status, (CLIENT, str(SOME_ID), BODY)),
    "issue_token": (_wire.issue_token, (CLIENT, [])),
    "list_agents": (_wire.list_agents, (CLIENT, 1, 20)),
    "get_agent": (_wire.get_agent, (CLIENT, SOME_ID)),
    "update_agent": (_wire.update_agent, (CLIENT, SOME_ID, BODY)),
    "get_call": (_wire.get_call, (CLIENT, SOME_ID)),
    "get_transcript": (_wire.get_transcript, (CLIENT, SOME_ID)),
    "create_call": (_wire.create_call, (CLIENT, BODY)),
    "get_recording_streamed": (_wire.get_recording_streamed, (CLIENT, SOME_ID)),
}


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_an_operation_binds_to_its_generated_endpoint(name: str) -> None:
    build, arguments = OPERATIONS[name]
    endpoint, positional, keywords = build(*arguments)
    for function in (endpoint.sync, endpoint.asyncio):
        inspect.signature(function).bind(*positional, _request_options={}, **keywords)


def test_every_operation_of_the_wire_is_checked() -> None:
    built = {
        name
        for name, value in vars(_wire).items()
        if inspect.isfunction(value)
        and value.__module__ == _wire.__name__
        and "Exchange" in str(inspect.signature(value).return_annotation)
    }
    assert built == set(OPERATIONS) | {"list_calls"}  # list_calls: tests/client/test_calls.py
