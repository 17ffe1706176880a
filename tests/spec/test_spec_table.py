"""The spec table (volubile_api/_spec.py) says what openapi.yaml says, and the code reads it.

The table is derived from openapi.yaml by scripts/regenerate.py; these tests read openapi.yaml
on their own and compare, both ways. Then: the client's and the sandbox's limits are the
table's, and the few hand-written copies that code still needs by name (the Day and
CampaignStatus members, the HH:mm reader, the emptiness checks) agree with it.
"""

from __future__ import annotations

import itertools
import re
import typing
from typing import Any

import attrs
import pytest
import yaml

from scripts import regenerate
from tests import ROOT
from tests.client_harness import campaign_body
from volubile_api import _spec, models
from volubile_ext import CampaignStatus, Day
from volubile_ext.campaigns import _bulk, _campaign_input, _recipients, _timeslots
from volubile_ext.campaigns._fields import field_table
from volubile_ext.testing import _api as sandbox_api

DOCUMENT = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
SCHEMAS = DOCUMENT["components"]["schemas"]
# The JSON Schema keywords that state a constraint: any other stops regeneration.
CONSTRAINTS = regenerate.TABLE_KEYWORDS


def expected_entries(schema: dict[str, Any], prefix: str) -> dict[str, Any]:
    """What the table must hold for ``schema``, by dotted path, read from openapi.yaml."""
    entries: dict[str, Any] = {}
    if "$ref" in schema:
        entries[prefix + "ref"] = schema["$ref"].rsplit("/", 1)[-1]
    for keyword in CONSTRAINTS:
        if keyword in schema:
            value = schema[keyword]
            entries[prefix + keyword] = tuple(value) if isinstance(value, list) else value
    if "oneOf" in schema:
        entries[prefix + "oneOf"] = tuple(
            option.get("type") or option["$ref"].rsplit("/", 1)[-1] for option in schema["oneOf"]
        )
    if isinstance(schema.get("items"), dict):
        entries.update(expected_entries(schema["items"], prefix + "items."))
    if isinstance(schema.get("additionalProperties"), bool):
        entries[prefix + "additionalProperties"] = schema["additionalProperties"]
    if isinstance(schema.get("additionalProperties"), dict):
        entries.update(
            expected_entries(schema["additionalProperties"], prefix + "additionalProperties.")
        )
    if schema.get("properties"):
        entries[prefix + "properties"] = tuple(schema["properties"])
    for name, prop in schema.get("properties", {}).items():
        # A property named like a keyword the schema states (an agent's `type`) is `type_`.
        spelt = f"{name}_" if name in schema or name in ("items", "additionalProperties") else name
        entries[f"{prefix}{spelt}.name"] = name
        entries[f"{prefix}{spelt}.python_name"] = regenerate._python_name(name)
        entries[f"{prefix}{spelt}.required"] = name in schema.get("required", [])
        entries.update(expected_entries(prop, f"{prefix}{spelt}."))
    return entries


def table_entries(namespace: type, prefix: str) -> dict[str, Any]:
    """Every constant of the table below ``namespace``, by dotted path."""
    entries: dict[str, Any] = {}
    for name, value in vars(namespace).items():
        if name.startswith("__"):
            continue
        if isinstance(value, type):
            entries.update(table_entries(value, f"{prefix}{name}."))
        else:
            entries[prefix + name] = value
    return entries


def test_every_schema_of_the_spec_is_in_the_table_and_nothing_else() -> None:
    tabled = {
        name
        for name, value in vars(_spec).items()
        if isinstance(value, type)
        and value.__module__ == _spec.__name__  # not what the table imports (Final, Mapping)
        and not typing.is_typeddict(value)
    }
    assert tabled == set(SCHEMAS) | {"operations"}


def test_python_names_are_the_generated_models_attributes() -> None:
    # What a keyword argument is called is what the generated model calls the field.
    for name, schema in SCHEMAS.items():
        model = getattr(models, name, None)
        if model is None or "properties" not in schema:
            continue
        attributes = {field.name for field in attrs.fields(model)} - {"additional_properties"}
        table = field_table(getattr(_spec, name))
        assert {prop.python_name for prop in table.values()} == attributes


def test_the_request_fields_typeddict_holds_every_field_the_client_does_not_type() -> None:
    # scripts/regenerate.py leaves out the fields with keyword arguments of their own (a
    # TypedDict unpacked into **fields may not repeat a named parameter); the others, every
    # one, are typed keyword arguments of campaigns.create through it.
    request = SCHEMAS["CreateCampaignRequest"]
    hand = set(regenerate.HAND_TYPED_FIELDS["CreateCampaignRequest"])
    assert hand == set(_campaign_input.NAMED_FIELDS)
    fields = _spec.CreateCampaignRequestFields
    assert set(fields.__annotations__) == {
        regenerate._python_name(name) for name in request["properties"] if name not in hand
    }


@pytest.mark.parametrize("schema_name", list(SCHEMAS))
def test_the_table_states_what_openapi_yaml_states(schema_name: str) -> None:
    assert table_entries(getattr(_spec, schema_name), "") == expected_entries(
        SCHEMAS[schema_name], ""
    )


def test_operations_have_their_method_path_body_and_parameters() -> None:
    expected: dict[str, Any] = {}
    for path, item in DOCUMENT["paths"].items():
        for method, operation in item.items():
            prefix = operation["operationId"] + "."
            expected[prefix + "method"] = method.upper()
            expected[prefix + "path"] = path
            if "x-volubile-scope" in operation:
                expected[prefix + "scope"] = operation["x-volubile-scope"]
            if "requestBody" in operation:
                body = operation["requestBody"]
                expected[prefix + "requestBody.required"] = body.get("required", False)
                schema = body["content"]["application/json"]["schema"]
                expected.update(expected_entries(schema, prefix + "requestBody."))
            for parameter in operation.get("parameters", []):
                at = f"{prefix}parameters.{regenerate._identifier(parameter['name'])}."
                expected[at + "name"] = parameter["name"]
                expected[at + "location"] = parameter["in"]
                expected[at + "required"] = parameter.get("required", False)
                expected.update(expected_entries(parameter["schema"], at))
    assert table_entries(_spec.operations, "") == expected


def test_the_limits_the_issue_names_are_there() -> None:
    request = _spec.CreateCampaignRequest
    assert (request.batchSize.minimum, request.batchSize.maximum) == (1, 1000)
    assert (request.timeSlots.minItems, request.timeSlots.maxItems) == (1, 2)
    assert (request.recipients.minItems, request.recipients.maxItems) == (1, 1000)
    assert request.name.minLength == 1
    assert (_spec.Retry.max.minimum, _spec.Retry.max.maximum) == (0, 3)
    assert _spec.Retry.delay.minimum == 0
    assert _spec.TimeSlot.startTime.pattern == _spec.TimeSlot.endTime.pattern
    assert _spec.CreateCampaignRecipientRequest.phone.pattern == r"^\+[1-9][0-9]{6,14}$"
    assert _spec.operations.updateStatus.requestBody.enum == ("ACTIVE", "PAUSED", "CANCELLED")


# The scopes table of the Authentication page (docs.volubile.ai), verbatim but for POST
# /v1/bulk/calls, which openapi.yaml leaves out (known only by its name).
SCOPES_TABLE = {
    ("GET", "/v1/agents"): "agents:read",
    ("GET", "/v1/agents/{id}"): "agents:read",
    ("PATCH", "/v1/agents/{id}"): "agents:write",
    ("GET", "/v1/calls"): "calls:read",
    ("GET", "/v1/calls/{id}"): "calls:read",
    ("POST", "/v1/calls"): "calls:write",
    ("GET", "/v1/calls/{id}/recording"): "calls:read",
    ("GET", "/v1/calls/{id}/transcript"): "calls:read",
    ("GET", "/v1/campaigns/{id}"): "campaigns:read",
    ("POST", "/v1/campaigns"): "campaigns:write",
    ("POST", "/v1/campaigns/{id}/status"): "campaigns:write",
}


def test_every_operation_requires_the_scope_of_the_reference_table() -> None:
    operations = [
        value for name, value in vars(_spec.operations).items() if isinstance(value, type)
    ]
    scopes = {
        (operation.method, operation.path): getattr(operation, "scope", None)
        for operation in operations
    }
    assert scopes == {**SCOPES_TABLE, ("POST", "/v1/auth/token"): None}
    assert set(SCOPES_TABLE.values()) <= set(_spec.AuthTokenRequest.scope.items.enum)


def test_the_paging_limits_and_call_enums_are_there() -> None:
    calls = _spec.operations.listCalls.parameters
    agents = _spec.operations.listAgents.parameters
    for parameters in (calls, agents):
        assert (parameters.page.minimum, parameters.page.default) == (1, 1)
        assert (parameters.size.minimum, parameters.size.maximum) == (1, 100)
    assert calls.phone.pattern == _spec.CreateCampaignRecipientRequest.phone.pattern
    assert (calls.from_.name, calls.from_.format, calls.to.format) == ("from", "date", "date")
    assert re.fullmatch(calls.sort.pattern, "created,DESC")
    assert not re.fullmatch(calls.sort.pattern, "created")
    assert _spec.CallResponse.status.enum == (
        "IN_PROGRESS",
        "CANCELED",
        "COMPLETED",
        "NO_ANSWER",
        "VOICE_BOX",
        "UNREACHABLE",
        "FAILED",
        "TRANSFERRED",
        "REJECTED",
        "FAILOVER",
    )
    directions = ("INBOUND", "OUTBOUND")
    assert _spec.CallResponse.type_.enum == _spec.AgentResponse.type_.enum == directions
    assert _spec.CreateCallRequest.recipient.ref == "CreateCampaignRecipientRequest"


def test_the_client_and_the_sandbox_read_their_limits_from_the_table() -> None:
    request = _spec.CreateCampaignRequest
    assert request.timeSlots.maxItems == _campaign_input.MAX_TIME_SLOTS
    assert request.batchSize.minimum == _campaign_input.MIN_BATCH_SIZE
    assert request.batchSize.maximum == _campaign_input.MAX_BATCH_SIZE
    assert request.recipients.maxItems == _campaign_input.MAX_RECIPIENTS
    assert _spec.Retry.max.maximum == _campaign_input.MAX_RETRIES
    assert _spec.Retry.max.minimum == _campaign_input.MIN_RETRIES
    assert request.recipients.maxItems == _bulk.MAX_CHUNK
    assert _recipients._E164.pattern == _spec.CreateCampaignRecipientRequest.phone.pattern
    assert _spec.AuthTokenRequest.scope.items.enum == sandbox_api.SCOPES
    assert _spec.operations.updateStatus.requestBody.enum == sandbox_api.CAMPAIGN_STATUSES


def test_the_client_knows_every_field_of_the_create_request_and_which_are_required() -> None:
    request = SCHEMAS["CreateCampaignRequest"]
    assert tuple(request["properties"]) == _campaign_input.FIELDS  # the spec's order, to_json's
    assert set(request["required"]) == _campaign_input._REQUIRED


@pytest.mark.parametrize("field", _campaign_input.NAMED_FIELDS)
def test_every_field_the_client_has_a_rule_for_is_in_the_spec(field: str) -> None:
    # Scenario (e): a field renamed in the spec fails here by its name (and mypy, where the
    # client reads its limits), before any user meets a 400 for it.
    assert field in SCHEMAS["CreateCampaignRequest"]["properties"], (
        f"openapi.yaml no longer declares the request field {field!r}, which volubile_ext "
        "has a rule and a keyword argument for"
    )


@pytest.mark.parametrize(
    ("phone", "valid"),
    [
        ("+33612345678", True),
        ("+6834002", True),  # Niue: 7 digits, the shortest numbers in service
        ("+123456", False),  # 6 digits: no such number
        ("+12", False),  # accepted by the earlier {1,14} pattern
        ("+123456789012345", True),  # 15 digits, E.164's maximum
        ("+1234567890123456", False),
        ("+0612345678", False),  # no country code starts with 0
        ("+٣٣٦١٢٣٤٥٦٧٨", False),  # Arabic-Indic digits: \d would take them
        ("+33612345678\n", False),
    ],
)
def test_the_client_checks_phones_with_the_spec_pattern(phone: str, valid: bool) -> None:
    pattern = _spec.CreateCampaignRecipientRequest.phone.pattern
    assert (re.fullmatch(pattern, phone) is not None) == valid
    assert (_recipients.is_e164(phone) is not None) == valid


def test_the_client_reads_exactly_the_times_the_spec_pattern_allows() -> None:
    # read_wire_clock parses HH:MM itself (it needs the numbers); it must agree with the spec.
    pattern = re.compile(_spec.TimeSlot.startTime.pattern)
    for hours, minutes in itertools.product(range(100), range(100)):
        text = f"{hours:02d}:{minutes:02d}"
        try:
            _timeslots.read_wire_clock(text)
        except _timeslots.SlotProblem:
            read = False
        else:
            read = True
        assert read == (pattern.fullmatch(text) is not None), text
    for text in ("9:30", "09:3", "0930", "09:30:00", " 09:30"):
        assert pattern.fullmatch(text) is None
        with pytest.raises(_timeslots.SlotProblem):
            _timeslots.read_wire_clock(text)


def test_the_hand_written_enums_agree_with_the_spec() -> None:
    # Code names these members (Day.MONDAY, CampaignStatus.PAUSED), so they stay written out.
    assert tuple(Day) == _spec.CreateCampaignRequest.days.items.enum
    assert _spec.CampaignResponse.days.items.enum == _spec.CreateCampaignRequest.days.items.enum
    # What the client can set is the status update's enum; a campaign may be in a status the
    # client does not know yet (a plain string), so the response's enum may hold more.
    assert tuple(CampaignStatus) == _spec.operations.updateStatus.requestBody.enum
    assert set(CampaignStatus) <= set(_spec.CampaignResponse.status.enum)


@pytest.mark.parametrize(
    ("field", "minimum"),
    [
        (_spec.CreateCampaignRequest.timeSlots.minItems, 1),
        (_spec.CreateCampaignRequest.days.minItems, 1),
        (_spec.CreateCampaignRequest.recipients.minItems, 1),
        (_spec.CreateCampaignRequest.name.minLength, 1),
    ],
    ids=["timeSlots", "days", "recipients", "name"],
)
def test_the_emptiness_checks_are_the_spec_minimums(field: int, minimum: int) -> None:
    # The client refuses an empty list or name (one rule: "must not be empty"), which is the
    # spec's minimum as long as that minimum is 1.
    assert field == minimum


def test_an_empty_name_or_list_is_refused() -> None:
    problems = _campaign_input.check_campaign_payload(
        campaign_body(name="", timeSlots=[], batchSize=1, days=[], recipients=[])
    )
    assert {"name", "timeSlots", "days", "recipients"} <= {problem.field for problem in problems}


def test_a_keyword_the_table_does_not_know_stops_regeneration() -> None:
    document = {
        "paths": {},
        "components": {
            "schemas": {"Thing": {"type": "object", "properties": {"x": {"allOf": [{}]}}}}
        },
    }
    with pytest.raises(regenerate.RegenerationError, match=r"Thing\.properties\.x uses allOf"):
        regenerate.spec_table_source(document)


def test_a_property_named_like_a_keyword_is_spelt_with_an_underscore() -> None:
    document = {
        "paths": {},
        "components": {
            "schemas": {"Thing": {"type": "object", "properties": {"type": {"enum": ["A"]}}}}
        },
    }
    namespace: dict[str, Any] = {}
    exec(compile(regenerate.spec_table_source(document), "_spec.py", "exec"), namespace)
    thing = namespace["Thing"]
    assert thing.type == "object"
    assert (thing.type_.name, thing.type_.enum) == ("type", ("A",))


def test_a_property_that_would_hide_a_keyword_even_so_stops_regeneration() -> None:
    document = {
        "paths": {},
        "components": {
            "schemas": {
                "Thing": {"type": "object", "properties": {"type": {}, "type_": {}}},
            }
        },
    }
    with pytest.raises(regenerate.RegenerationError, match=r"'type'.*'type_'"):
        regenerate.spec_table_source(document)


def test_names_that_are_not_python_identifiers_are_spelt_safely() -> None:
    document = {
        "paths": {},
        "components": {
            "schemas": {"Thing": {"properties": {"from": {"type": "string"}, "x-id": {}}}}
        },
    }
    source = regenerate.spec_table_source(document)
    namespace: dict[str, Any] = {}
    exec(compile(source, "_spec.py", "exec"), namespace)
    thing = namespace["Thing"]
    assert thing.from_.name == "from"
    assert thing.x_id.name == "x-id"
