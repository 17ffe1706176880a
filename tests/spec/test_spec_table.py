"""The spec table (volubile_api/_spec.py) says what openapi.yaml says, and the code reads it.

The table is derived from openapi.yaml by scripts/regenerate.py; these tests read openapi.yaml
on their own and compare, both ways. Then: the client's and the sandbox's limits are the
table's, and the few hand-written copies that code still needs by name (the Day and
CampaignStatus members, the HH:mm reader, the emptiness checks) agree with it.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
import yaml

from scripts import regenerate
from tests import ROOT
from tests.client_harness import campaign_body
from volubile_api import _spec
from volubile_ext import CampaignStatus, Day, _bulk, _campaign_input, _recipients, _timeslots
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
        entries[prefix + "oneOf"] = tuple(option["type"] for option in schema["oneOf"])
    if isinstance(schema.get("items"), dict):
        entries.update(expected_entries(schema["items"], prefix + "items."))
    if isinstance(schema.get("additionalProperties"), dict):
        entries.update(
            expected_entries(schema["additionalProperties"], prefix + "additionalProperties.")
        )
    for name, prop in schema.get("properties", {}).items():
        entries[f"{prefix}{name}.name"] = name
        entries[f"{prefix}{name}.required"] = name in schema.get("required", [])
        entries.update(expected_entries(prop, f"{prefix}{name}."))
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
        name for name, value in vars(_spec).items() if isinstance(value, type) and name != "Final"
    }
    assert tabled == set(SCHEMAS) | {"operations"}


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
            if "requestBody" in operation:
                body = operation["requestBody"]
                expected[prefix + "requestBody.required"] = body.get("required", False)
                schema = body["content"]["application/json"]["schema"]
                expected.update(expected_entries(schema, prefix + "requestBody."))
            for parameter in operation.get("parameters", []):
                at = f"{prefix}parameters.{parameter['name']}."
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


def test_the_client_and_the_sandbox_read_their_limits_from_the_table() -> None:
    request = _spec.CreateCampaignRequest
    assert request.timeSlots.maxItems == _campaign_input.MAX_TIME_SLOTS
    assert request.batchSize.minimum == _campaign_input.MIN_BATCH_SIZE
    assert request.batchSize.maximum == _campaign_input.MAX_BATCH_SIZE
    assert request.recipients.maxItems == _campaign_input.MAX_RECIPIENTS
    assert _spec.Retry.max.maximum == _campaign_input.MAX_RETRIES
    assert request.recipients.maxItems == _bulk.MAX_CHUNK
    assert _recipients._E164.pattern == _spec.CreateCampaignRecipientRequest.phone.pattern
    assert _spec.AuthTokenRequest.scope.items.enum == sandbox_api.SCOPES
    assert _spec.operations.updateStatus.requestBody.enum == sandbox_api.CAMPAIGN_STATUSES


def test_the_client_knows_every_field_of_the_create_request_and_which_are_required() -> None:
    # A field renamed or added in the spec fails here, by name, until the client knows it.
    request = SCHEMAS["CreateCampaignRequest"]
    assert set(_campaign_input.FIELDS) == set(request["properties"])
    assert tuple(request["properties"]) == _campaign_input.FIELDS  # the spec's order, to_json's
    assert set(request["required"]) == _campaign_input._REQUIRED


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


def test_a_property_that_would_hide_a_keyword_stops_regeneration() -> None:
    document = {
        "paths": {},
        "components": {"schemas": {"Thing": {"type": "object", "properties": {"type": {}}}}},
    }
    with pytest.raises(regenerate.RegenerationError, match="property 'type'"):
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
