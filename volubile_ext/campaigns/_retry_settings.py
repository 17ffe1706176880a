"""``RetrySettings``: how to call back the people who could not be reached.

A module of its own, light, because every campaign read from the API may carry its retry
settings: perf: "`from volubile_ext import Volubile`" (scripts/bench.py). The client loads this
class, not the campaign input rules; building or parsing settings by hand loads those rules
(``_campaign_input``) with the first call, which checks every field before the value exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from .._errors import ClientValidationError, FieldError, ProblemList

__all__ = ["RetrySettings"]


@attrs.frozen(init=False)
class RetrySettings:
    """How to call back the people who could not be reached.

    ``max`` retries (0 to 3) per recipient, at least ``delay`` hours apart, when the call ended
    with one of the ``retry_on`` statuses or qualifiers (``"NO_ANSWER"``, ``"VOICE_BOX"``, or a
    qualifier of your account). With ``max`` above 0, ``delay`` (1 or more) and ``retry_on``
    (not empty) are required.

    >>> RetrySettings(max=2, delay=4, retry_on=["NO_ANSWER", "VOICE_BOX"]).to_api()
    {'max': 2, 'delay': 4, 'retryOn': ['NO_ANSWER', 'VOICE_BOX']}

    Raises :class:`ClientValidationError` listing every problem.
    """

    max: int
    delay: int | None
    retry_on: tuple[str, ...]

    def __init__(
        self, max: int, delay: int | None = None, retry_on: Iterable[str] | str = ()
    ) -> None:
        from ._campaign_input import _check_retry

        errors: list[FieldError] = ProblemList()
        settings = _check_retry(max, delay, retry_on, False, errors)
        if settings is None:
            raise ClientValidationError(errors, subject="retry settings")
        self.__attrs_init__(settings.max, settings.delay, settings.retry_on)

    @classmethod
    def parse(cls, value: RetrySettings | Mapping[str, Any]) -> RetrySettings:
        """Read retry settings from a mapping with snake_case or camelCase keys.

        ``{"max": 2, "delay": 4, "retry_on": ["NO_ANSWER"]}`` and the API's
        ``{"max": 2, "delay": 4, "retryOn": ["NO_ANSWER"]}`` both work; a RetrySettings is
        returned as is. Raises :class:`ClientValidationError` listing every problem.
        """
        from ._campaign_input import _rule_retry

        errors: list[FieldError] = ProblemList()
        settings = _rule_retry(value, False, errors)
        if settings is None:
            if not errors:
                errors.append(FieldError("retry", "is required"))
            raise ClientValidationError(errors, subject="retry settings")
        return settings

    from_api = parse

    def to_api(self) -> dict[str, Any]:
        """The API's JSON form: ``{"max", "delay", "retryOn"}``, leaving out what is not set."""
        body: dict[str, Any] = {"max": self.max}
        if self.delay is not None:
            body["delay"] = self.delay
        if self.retry_on:
            body["retryOn"] = list(self.retry_on)
        return body


def _trusted_retry(max_: int, delay: int | None, retry_on: tuple[str, ...]) -> RetrySettings:
    settings = object.__new__(RetrySettings)
    settings.__attrs_init__(max_, delay, retry_on)
    return settings
