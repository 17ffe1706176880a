"""CSV cells a spreadsheet will not run: the one rule for every CSV this library writes."""

from __future__ import annotations

import re
from typing import Final

__all__ = ["spreadsheet_safe"]

# OWASP's list of the characters a spreadsheet reads as the start of a formula.
_FORMULA_STARTS: Final = "=+-@\t\r"
# A number (an E.164 phone, a duration) cannot be a formula, though it starts with + or -.
_NUMBER: Final = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def spreadsheet_safe(cell: str) -> str:
    """``cell`` as a spreadsheet will not run it: a leading ``'`` before ``= + - @``, tab or CR.

    A spreadsheet opening a CSV runs a cell that starts with one of those as a formula
    (``=HYPERLINK(...)``, ``=cmd|...``); extracted data is what a caller said, so it may be
    one. Excel and LibreOffice take the ``'`` as "text follows". Numbers, E.164 phones
    included, are left as they are, so that the file still joins back to a contact list.
    """
    if cell and cell[0] in _FORMULA_STARTS and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell
