"""Reading ``Retry-After``: only a usable wait counts; anything else means "back off as usual".

The client's behaviour with these values, over loopback sockets, is in tests/client/test_faults.py.
"""

from __future__ import annotations

import email.utils
import math
import time
from typing import Any

import pytest

from volubile_ext._errors import parse_retry_after
from volubile_ext._retry import RetryPolicy


@pytest.mark.parametrize("ceiling", [-1, math.nan, "60", True])
def test_a_ceiling_that_is_no_number_of_seconds_is_refused(ceiling: Any) -> None:
    with pytest.raises(ValueError, match="retry_after_ceiling"):
        RetryPolicy(retry_after_ceiling=ceiling)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", 7.0),
        (" 7 ", 7.0),
        ("0.5", 0.5),
        ("100000", 100_000.0),
        ("0", None),
        ("1_000", None),
        ("+5", None),
        ("1e3", None),
        ("\u0661\u0662", None),  # Arabic-Indic digits: float() would take them
        ("Infinity", None),
        ("x" * 100_000, None),
        ("Wed, 21 Oct 99999 07:28:00 GMT", None),
        ("Wed, 21 Oct 2015 07:28:00 -0000", None),
    ],
)
def test_parse_retry_after(value: str, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


def test_an_http_date_is_read_as_gmt_even_without_a_zone() -> None:
    now = time.time()
    header = email.utils.formatdate(now + 30, usegmt=True).replace("GMT", "-0000")
    assert parse_retry_after(header, now=now) == pytest.approx(30, abs=1)
