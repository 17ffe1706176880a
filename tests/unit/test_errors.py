"""One function maps any response to the right typed exception, with a readable message."""

from __future__ import annotations

import email.utils
import time

import httpx
import pytest

from volubile_ext._errors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ClientValidationError,
    ConflictError,
    FieldError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
    VolubileError,
    error_from_response,
    parse_retry_after,
)

ERROR_BODY = {
    "timestamp": "2024-07-30T14:35:00.123Z",
    "status": 400,
    "message": "Validation failed",
    "errors": [
        {
            "field": "batchSize",
            "rejectedValue": 5000,
            "message": "must be less than or equal to 1000",
        }
    ],
}


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (418, APIStatusError),
        (499, APIStatusError),
        (500, InternalServerError),
        (502, InternalServerError),
        (520, InternalServerError),
        (599, InternalServerError),
    ],
)
def test_every_status_maps_to_its_class(status: int, cls: type[APIStatusError]) -> None:
    error = error_from_response(httpx.Response(status, json={"message": "nope"}))
    assert type(error) is cls
    assert isinstance(error, VolubileError)
    assert error.status_code == status
    assert error.message == "nope"


def test_message_of_an_error_response_names_field_value_and_rule() -> None:
    error = error_from_response(httpx.Response(400, json=ERROR_BODY))
    assert str(error) == (
        "400 Bad Request: batchSize: must be less than or equal to 1000 (rejected: 5000)"
    )
    assert error.errors == (FieldError("batchSize", "must be less than or equal to 1000", 5000),)
    assert error.body == ERROR_BODY


@pytest.mark.parametrize(
    "content_type", ["application/json", "*/*", "text/plain", "application/octet-stream", ""]
)
def test_error_response_json_is_read_under_any_content_type(content_type: str) -> None:
    response = httpx.Response(
        400,
        content=httpx.Response(200, json=ERROR_BODY).content,
        headers={"Content-Type": content_type} if content_type else {},
    )
    assert error_from_response(response).errors[0].field == "batchSize"


def test_null_and_object_rejected_values_are_kept() -> None:
    body = {
        "message": "Validation failed",
        "errors": [
            {"field": "name", "rejectedValue": None, "message": "must not be blank"},
            {"field": "retry", "rejectedValue": {"max": 9}, "message": "invalid"},
            {"field": "days", "message": "must not be empty"},
        ],
    }
    error = error_from_response(httpx.Response(400, json=body))
    assert [e.rejected_value for e in error.errors[:2]] == [None, {"max": 9}]
    assert not error.errors[2].has_rejected_value
    assert str(error) == (
        "400 Bad Request: name: must not be blank (rejected: null); "
        'retry: invalid (rejected: {"max": 9}); days: must not be empty'
    )


def test_plain_text_body_is_the_message() -> None:
    error = error_from_response(httpx.Response(503, text="upstream   overloaded\n"))
    assert str(error) == "503 Service Unavailable: upstream overloaded"
    assert error.body is None


def test_html_body_is_not_dumped_into_the_message() -> None:
    page = "<html><body><h1>520</h1>" + "x" * 5000 + "</body></html>"
    error = error_from_response(
        httpx.Response(520, text=page, headers={"Content-Type": "text/html"})
    )
    assert str(error) == "520 Unknown Error"
    assert error.response.text == page


def test_empty_body_and_unknown_status() -> None:
    error = error_from_response(httpx.Response(499))
    assert str(error) == "499 Client Closed Request"
    assert type(error) is APIStatusError


def test_json_that_is_not_an_error_response() -> None:
    assert str(error_from_response(httpx.Response(400, json=["a", "b"]))) == "400 Bad Request"
    assert str(error_from_response(httpx.Response(404, json={"error": "no such campaign"}))) == (
        "404 Not Found: no such campaign"
    )


def test_broken_json_falls_back_to_text() -> None:
    error = error_from_response(httpx.Response(400, content=b'{"message": "trunc'))
    assert str(error) == '400 Bad Request: {"message": "trunc'


def test_long_rejected_values_are_shortened() -> None:
    body = {
        "errors": [
            {"field": "recipients", "rejectedValue": ["+33612345678"] * 100, "message": "too many"}
        ]
    }
    text = str(error_from_response(httpx.Response(400, json=body)))
    assert len(text) < 200
    assert text.endswith("…)")


def test_rate_limit_error_reads_retry_after_in_seconds() -> None:
    error = error_from_response(httpx.Response(429, headers={"retry-after": "7"}))
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 7.0
    assert error_from_response(httpx.Response(429)).retry_after is None


def test_retry_after_as_http_date() -> None:
    now = time.time()
    header = email.utils.formatdate(now + 30, usegmt=True)
    assert parse_retry_after(header, now=now) == pytest.approx(30, abs=1)
    assert parse_retry_after("0.5") == 0.5
    assert parse_retry_after("-3") is None  # no usable wait: the caller backs off instead
    assert parse_retry_after("soon") is None
    assert parse_retry_after("nan") is None


def test_note_is_appended() -> None:
    error = error_from_response(httpx.Response(502), note="The campaign may have been created")
    assert str(error) == "502 Bad Gateway. The campaign may have been created"


def test_client_validation_error_lists_every_problem_and_is_a_value_error() -> None:
    error = ClientValidationError(
        [
            FieldError("batchSize", "must be at most 1000", 5000),
            FieldError("days", "must not be empty"),
        ]
    )
    assert isinstance(error, ValueError)
    assert isinstance(error, VolubileError)
    assert str(error) == (
        "invalid campaign: 2 problems\n"
        "  - batchSize: must be at most 1000 (rejected: 5000)\n"
        "  - days: must not be empty"
    )
