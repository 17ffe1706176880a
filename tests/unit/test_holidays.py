"""French public holidays, Easter-based ones included, for any year."""

from __future__ import annotations

import datetime as dt
import doctest

import pytest
from dateutil.easter import easter

from volubile_ext import french_public_holidays
from volubile_ext.campaigns import _holidays


def test_2024_has_the_eleven_national_holidays_in_date_order() -> None:
    assert french_public_holidays(2024) == {
        dt.date(2024, 1, 1): "Jour de l'an",
        dt.date(2024, 4, 1): "Lundi de Pâques",
        dt.date(2024, 5, 1): "Fête du Travail",
        dt.date(2024, 5, 8): "Victoire 1945",
        dt.date(2024, 5, 9): "Ascension",
        dt.date(2024, 5, 20): "Lundi de Pentecôte",
        dt.date(2024, 7, 14): "Fête nationale",
        dt.date(2024, 8, 15): "Assomption",
        dt.date(2024, 11, 1): "Toussaint",
        dt.date(2024, 11, 11): "Armistice 1918",
        dt.date(2024, 12, 25): "Noël",
    }
    assert list(french_public_holidays(2024)) == sorted(french_public_holidays(2024))


@pytest.mark.parametrize(
    ("year", "easter_monday", "ascension", "whit_monday"),
    [
        (2016, dt.date(2016, 3, 28), dt.date(2016, 5, 5), dt.date(2016, 5, 16)),  # Easter in March
        (2024, dt.date(2024, 4, 1), dt.date(2024, 5, 9), dt.date(2024, 5, 20)),  # 31 March
        (2025, dt.date(2025, 4, 21), dt.date(2025, 5, 29), dt.date(2025, 6, 9)),
        (2038, dt.date(2038, 4, 26), dt.date(2038, 6, 3), dt.date(2038, 6, 14)),  # latest
    ],
)
def test_easter_based_holidays(
    year: int, easter_monday: dt.date, ascension: dt.date, whit_monday: dt.date
) -> None:
    holidays = french_public_holidays(year)
    assert holidays[easter_monday] == "Lundi de Pâques"
    assert holidays[ascension] == "Ascension"
    assert holidays[whit_monday] == "Lundi de Pentecôte"
    assert easter_monday.weekday() == 0
    assert ascension.weekday() == 3
    assert whit_monday.weekday() == 0


@pytest.mark.parametrize("year", [1583, 1900, 2000, 2024, 2100, 3000, 4099])
def test_every_year_has_eleven_distinct_days_or_a_shared_one(year: int) -> None:
    holidays = french_public_holidays(year)
    assert all(day.year == year for day in holidays)
    assert dt.date(year, 7, 14) in holidays
    assert easter(year) + dt.timedelta(days=1) in holidays
    assert len(holidays) in (10, 11)


def test_two_holidays_on_one_day_keep_both_names() -> None:
    # 2008: Ascension fell on 1 May.
    holidays = french_public_holidays(2008)
    assert holidays[dt.date(2008, 5, 1)] == "Ascension / Fête du Travail"
    assert len(holidays) == 10


def test_alsace_moselle_adds_good_friday_and_saint_stephen() -> None:
    extra = set(french_public_holidays(2024, alsace_moselle=True)) - set(
        french_public_holidays(2024)
    )
    assert extra == {dt.date(2024, 3, 29), dt.date(2024, 12, 26)}
    assert french_public_holidays(2024, alsace_moselle=True)[dt.date(2024, 3, 29)] == (
        "Vendredi saint"
    )


def test_the_result_is_a_fresh_dict_each_time() -> None:
    first = french_public_holidays(2024)
    first.clear()
    assert len(french_public_holidays(2024)) == 11


@pytest.mark.parametrize("year", [1582, 4100, -1])
def test_years_outside_the_gregorian_easter_range_are_refused(year: int) -> None:
    with pytest.raises(ValueError, match="year must be between 1583 and 4099"):
        french_public_holidays(year)


@pytest.mark.parametrize("year", ["2024", 2024.0, True])
def test_a_year_must_be_an_int(year: object) -> None:
    with pytest.raises(TypeError, match="year must be an int"):
        french_public_holidays(year)  # type: ignore[arg-type]


def test_docstring_examples_hold() -> None:
    assert doctest.testmod(_holidays).failed == 0
