"""French public holidays (jours fériés), on which unsolicited calls are forbidden."""

from __future__ import annotations

import datetime as _dt
import functools

__all__ = ["french_public_holidays"]

# Easter dates come from dateutil's Gregorian computus, valid for these years.
_FIRST_YEAR = 1583
_LAST_YEAR = 4099

_FIXED = (
    (1, 1, "Jour de l'an"),
    (5, 1, "Fête du Travail"),
    (5, 8, "Victoire 1945"),
    (7, 14, "Fête nationale"),
    (8, 15, "Assomption"),
    (11, 1, "Toussaint"),
    (11, 11, "Armistice 1918"),
    (12, 25, "Noël"),
)
# Days after Easter Sunday.
_MOVABLE = (
    (1, "Lundi de Pâques"),
    (39, "Ascension"),
    (50, "Lundi de Pentecôte"),
)
_ALSACE_MOSELLE_MOVABLE = ((-2, "Vendredi saint"),)
_ALSACE_MOSELLE_FIXED = ((12, 26, "Saint-Étienne"),)


@functools.lru_cache(maxsize=64)
def _holidays(year: int, alsace_moselle: bool) -> tuple[tuple[_dt.date, str], ...]:
    # Imported here: only planning needs it, and `import volubile_ext` stays light.
    from dateutil.easter import easter

    sunday = easter(year)
    found = [(_dt.date(year, month, day), name) for month, day, name in _FIXED]
    found += [(sunday + _dt.timedelta(days=offset), name) for offset, name in _MOVABLE]
    if alsace_moselle:
        found += [(_dt.date(year, month, day), name) for month, day, name in _ALSACE_MOSELLE_FIXED]
        found += [
            (sunday + _dt.timedelta(days=offset), name) for offset, name in _ALSACE_MOSELLE_MOVABLE
        ]
    # Ascension and 1 or 8 May can fall on the same day (2008: Ascension on 1 May): keep both
    # names rather than lose one.
    merged: dict[_dt.date, str] = {}
    for day, name in sorted(found):
        merged[day] = f"{merged[day]} / {name}" if day in merged else name
    return tuple(merged.items())


def french_public_holidays(year: int, *, alsace_moselle: bool = False) -> dict[_dt.date, str]:
    """The French public holidays of ``year``, by date, with their French names, in date order.

    The eleven national holidays: 1 January, Easter Monday, 1 May, 8 May, Ascension Thursday,
    Whit Monday, 14 July, 15 August, 1 November, 11 November and 25 December. With
    ``alsace_moselle``, also Good Friday and 26 December, holidays in the Bas-Rhin, Haut-Rhin
    and Moselle. Today's list is applied to every year (``year`` from 1583 to 4099).

    >>> import datetime
    >>> french_public_holidays(2024)[datetime.date(2024, 4, 1)]
    'Lundi de Pâques'
    """
    if isinstance(year, bool) or not isinstance(year, int):
        raise TypeError(f"year must be an int, not {type(year).__name__}")
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        raise ValueError(
            f"year must be between {_FIRST_YEAR} and {_LAST_YEAR} (Gregorian Easter), not {year}"
        )
    return dict(_holidays(year, alsace_moselle))
