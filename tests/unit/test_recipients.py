"""Recipients, phone normalisation and CSV import: every dialect, encoding and rejection.

Tests that need national formats run twice: with the ``phone`` extra (phonenumbers) and with
its import blocked, as on an installation without the extra.
"""

from __future__ import annotations

import codecs
import copy
import doctest
import enum
import gc
import io
import itertools
import json
import pickle
import sys
import threading
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from volubile_ext import (
    ClientValidationError,
    DuplicateRow,
    Recipient,
    RecipientImport,
    RecipientSourceError,
    RejectedRow,
    load_recipients,
    normalize_phone,
)
from volubile_ext.campaigns import _recipients

PHONE = "+33612345678"
EXTRA_HINT = "pip install 'volubile[phone]'"


@pytest.fixture
def without_phone_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``import phonenumbers`` fail, as when the extra is not installed."""
    monkeypatch.setitem(sys.modules, "phonenumbers", None)


@pytest.fixture(params=["with extra", "without extra"])
def phone_extra(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Run the test both ways; the value says whether the extra is available."""
    if request.param == "without extra":
        monkeypatch.setitem(sys.modules, "phonenumbers", None)
        return False
    return True


def write(tmp_path: Path, text: str, *, encoding: str = "utf-8", name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# --- Recipient ----------------------------------------------------------------------------------


def test_recipient_holds_a_phone_and_a_read_only_context() -> None:
    recipient = Recipient(PHONE, {"firstName": "Ana", "order": {"id": 7, "items": ["a", "b"]}})
    assert recipient.phone == PHONE
    assert recipient.context["firstName"] == "Ana"
    with pytest.raises(TypeError):
        recipient.context["firstName"] = "Bob"  # type: ignore[index]
    with pytest.raises(TypeError):
        recipient.context["order"]["id"] = 8
    assert recipient.context["order"]["items"] == ("a", "b")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        recipient.phone = "+33698765432"  # type: ignore[misc]


def test_recipient_copies_its_context() -> None:
    context: dict[str, Any] = {"firstName": "Ana", "tags": ["x"]}
    recipient = Recipient(PHONE, context)
    context["firstName"] = "Bob"
    context["tags"].append("y")
    assert recipient.to_api() == {"phone": PHONE, "context": {"firstName": "Ana", "tags": ["x"]}}


def test_recipient_to_api_gives_new_plain_values() -> None:
    recipient = Recipient(PHONE, {"n": 1, "ok": True, "score": 2.5, "address": {"city": "Lyon"}})
    body = recipient.to_api()
    assert body == {
        "phone": PHONE,
        "context": {"n": 1, "ok": True, "score": 2.5, "address": {"city": "Lyon"}},
    }
    assert type(body["context"]["address"]) is dict
    body["context"]["address"]["city"] = "Paris"
    assert recipient.to_api()["context"]["address"]["city"] == "Lyon"
    assert Recipient(PHONE).to_api() == {"phone": PHONE}
    assert Recipient(PHONE, {}).to_api() == {"phone": PHONE}


def test_recipients_compare_hash_repr_pickle_and_copy_by_value() -> None:
    a = Recipient(PHONE, {"firstName": "Ana", "tags": ["x"]})
    b = Recipient(PHONE, {"tags": ["x"], "firstName": "Ana"})
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b, Recipient(PHONE)}) == 2
    assert a != Recipient(PHONE, {"firstName": "Bob", "tags": ["x"]})
    assert repr(Recipient(PHONE)) == "Recipient('+33612345678')"
    assert repr(a) == "Recipient('+33612345678', {'firstName': 'Ana', 'tags': ['x']})"
    assert pickle.loads(pickle.dumps(a)) == a
    assert copy.deepcopy(a) == a


def test_recipient_refuses_a_number_not_in_e164_and_bad_context_listing_all() -> None:
    with pytest.raises(ClientValidationError) as caught:
        Recipient("06 12 34 56 78", {"ok": "yes", "n": float("nan"), 3: "x", "deep": [{"a": {1}}]})
    fields = [(error.field, error.message) for error in caught.value.errors]
    assert fields[0][0] == "phone"
    assert "E.164" in fields[0][1]
    assert "normalize_phone()" in fields[0][1]
    assert [field for field, _ in fields[1:]] == ["context.n", "context", "context.deep[0].a"]
    assert str(caught.value).startswith("invalid recipient: 4 problems")


@pytest.mark.parametrize("phone", [33612345678, None, "", " +33612345678", "+0612345678"])
def test_recipient_refuses_other_phone_values(phone: Any) -> None:
    with pytest.raises(ClientValidationError, match="phone"):
        Recipient(phone)


# --- normalize_phone ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "+33612345678",
        "+33 6 12 34 56 78",
        "+33.6.12.34.56.78",
        "+33-6-12-34-56-78",
        "+33 (0)6 12 34 56 78",
        "+33 (0) 6 12 34 56 78",
        "0033612345678",
        "0033 6 12 34 56 78",
        "\u00a0+33\u00a06\u00a012\u00a034\u00a056\u00a078 ",  # no-break spaces from a spreadsheet
    ],
)
def test_international_forms_are_read_with_or_without_the_extra(
    text: str, phone_extra: bool
) -> None:
    assert normalize_phone(text) == PHONE


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("06 12 34 56 78", "FR", PHONE),
        ("06.12.34.56.78", "FR", PHONE),
        ("(06) 12-34-56-78", "FR", PHONE),
        ("0612345678", "fr", PHONE),
        ("01 23 45 67 89", "FR", "+33123456789"),
        ("0470 12 34 56", "BE", "+32470123456"),
        ("+44 20 7946 0958", "FR", "+442079460958"),
    ],
)
def test_national_formats_need_the_extra(text: str, region: str, expected: str) -> None:
    assert normalize_phone(text, region) == expected


@pytest.mark.parametrize("text", ["06 12 34 56 78", "0612345678"])
def test_without_the_extra_national_formats_say_what_to_install(
    text: str, without_phone_extra: None
) -> None:
    with pytest.raises(ValueError, match="national format") as caught:
        normalize_phone(text)
    assert EXTRA_HINT in str(caught.value)
    assert repr(text) in str(caught.value)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("+33 1", "too short"),
        ("+33 6 12 34 56 78 90 12", "too long"),
        ("+33 0 00 00 00 00", "not a valid FR number"),
        ("+33 6 12 34 56 78 ext. 12", "has an extension"),
        ("+999 123456", "unknown country code"),
        ("call me", "not a phone number"),
        ("", "empty"),
        ("   ", "empty"),
    ],
)
def test_the_extra_refuses_numbers_that_cannot_exist(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match="cannot read phone number") as caught:
        normalize_phone(text)
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("+33 6", "too short for an international number"),
        ("+33 6 12 34 56 78 90 12 34", "too long: E.164 numbers have at most 15 digits"),
        ("+0 6 12 34 56 78", "no country code after the '+'"),
        ("+33 6 CALL ME", "only digits may follow the '+'"),
        ("call me", "not a phone number"),
        ("", "empty"),
    ],
)
def test_without_the_extra_international_numbers_are_still_checked(
    text: str, reason: str, without_phone_extra: None
) -> None:
    with pytest.raises(ValueError, match="cannot read phone number") as caught:
        normalize_phone(text)
    assert reason in str(caught.value)


def test_canonical_e164_is_returned_as_is_without_consulting_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The fast path of imports: a canonical number is never parsed again.
    monkeypatch.setitem(sys.modules, "phonenumbers", None)
    assert normalize_phone("+33000000000") == "+33000000000"


def test_a_national_number_needs_a_region() -> None:
    with pytest.raises(ValueError, match="no region was given"):
        normalize_phone("06 12 34 56 78", None)
    assert normalize_phone("+33 6 12 34 56 78", None) == PHONE


@pytest.mark.parametrize("region", ["FRA", "F", "1A", 33])
def test_a_malformed_region_is_refused(region: Any) -> None:
    with pytest.raises(ValueError, match="two-letter country code"):
        normalize_phone("06 12 34 56 78", region)


def test_a_region_that_is_no_country_is_refused_before_any_row_is_read() -> None:
    pytest.importorskip("phonenumbers")  # which knows the countries
    # Every row would be rejected as "unknown country code", the real mistake left unsaid.
    with pytest.raises(ValueError, match="'XX' is not a country code that phone numbers use"):
        load_recipients(io.StringIO("phone\n06 12 34 56 78\n"), region="XX")
    with pytest.raises(ValueError, match="'XX' is not a country code"):
        normalize_phone("06 12 34 56 78", "xx")
    assert normalize_phone("+33 6 12 34 56 78", "be") == PHONE  # a real country, lower case


def test_normalize_phone_refuses_non_text() -> None:
    with pytest.raises(TypeError, match="must be text, not int"):
        normalize_phone(33612345678)  # type: ignore[arg-type]


# --- load_recipients: sources, dialects, encodings ---------------------------------------------

PEOPLE = [
    ("+33612345678", "Ana", "Martin"),
    ("+33698765432", "Bob", "Durand"),
    ("+33611223344", "Chloé", "Petit"),
]


def people_csv(delimiter: str) -> str:
    lines = [delimiter.join(("phone", "firstName", "lastName"))]
    lines += [delimiter.join(row) for row in PEOPLE]
    return "\r\n".join(lines) + "\r\n"


def assert_people(result: RecipientImport) -> None:
    assert result.ok
    assert result.rows == 3
    assert [r.to_api() for r in result.recipients] == [
        {"phone": phone, "context": {"firstName": first, "lastName": last}}
        for phone, first, last in PEOPLE
    ]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"], ids=["no BOM", "BOM"])
def test_csv_files_in_every_dialect_and_encoding(
    tmp_path: Path, delimiter: str, encoding: str
) -> None:
    path = write(tmp_path, people_csv(delimiter), encoding=encoding)
    assert_people(load_recipients(path))
    assert_people(load_recipients(str(path)))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"], ids=["no BOM", "BOM"])
def test_binary_file_objects_are_decoded_and_left_open(encoding: str) -> None:
    stream = io.BytesIO(people_csv(";").encode(encoding))
    assert_people(load_recipients(stream))
    assert not stream.closed


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"], ids=["no BOM", "BOM"])
def test_text_file_objects_are_read_and_a_stray_bom_is_dropped(
    tmp_path: Path, encoding: str
) -> None:
    path = write(tmp_path, people_csv(","), encoding=encoding)
    # Opened as plain UTF-8, a BOM reaches us as U+FEFF before the first column name.
    with path.open(encoding="utf-8", newline="") as stream:
        assert_people(load_recipients(stream))
        assert not stream.closed
    assert_people(load_recipients(io.StringIO(people_csv("\t"))))


def test_an_iterable_of_mappings_is_read_as_is() -> None:
    rows = [
        {"phone": "+33612345678", "firstName": "Ana", "age": 41, "vip": True, "note": None},
        {"phone": "+33 6 98 76 54 32", "firstName": "Bob", "address": {"city": "Lyon"}},
    ]
    result = load_recipients(iter(rows))
    assert result.ok
    assert [r.to_api() for r in result.recipients] == [
        {"phone": PHONE, "context": {"firstName": "Ana", "age": 41, "vip": True}},
        {"phone": "+33698765432", "context": {"firstName": "Bob", "address": {"city": "Lyon"}}},
    ]


def test_the_delimiter_can_be_forced(tmp_path: Path) -> None:
    # The header has more commas than semicolons, but the data is semicolon-separated.
    text = "phone;note\n+33612345678;a, b, c\n"
    result = load_recipients(write(tmp_path, text), delimiter=";")
    assert result.recipients[0].context == {"note": "a, b, c"}


def test_quoted_values_may_hold_the_delimiter_and_line_breaks(tmp_path: Path) -> None:
    text = 'phone;note\n+33612345678;"a; b"\n+33698765432;"two\nlines"\nbad;x\n'
    result = load_recipients(write(tmp_path, text))
    assert [dict(r.context) for r in result.recipients] == [
        {"note": "a; b"},
        {"note": "two\nlines"},
    ]
    # Row numbers are file lines: the quoted line break makes the next record start on line 5.
    assert [row.row for row in result.rejected] == [5]


def test_context_columns_keep_text_and_empty_cells(tmp_path: Path) -> None:
    text = " phone , zip , firstName,\n+33612345678,01000,,\n+33698765432,75001\n"
    result = load_recipients(write(tmp_path, text))
    assert [dict(r.context) for r in result.recipients] == [
        # Leading zeros stay: values are text. Short rows are padded, unnamed columns ignored.
        {"zip": "01000", "firstName": ""},
        {"zip": "75001", "firstName": ""},
    ]


def test_the_phone_column_can_be_named_and_is_matched_ignoring_case(tmp_path: Path) -> None:
    path = write(tmp_path, "Name;Mobile\nAna;+33612345678\n")
    assert load_recipients(path, phone_column="Mobile").recipients == (
        Recipient(PHONE, {"Name": "Ana"}),
    )
    assert load_recipients(path, phone_column="mobile").recipients == (
        Recipient(PHONE, {"Name": "Ana"}),
    )


# --- load_recipients: problems with the source itself -------------------------------------------


def test_a_missing_phone_column_names_the_columns_found(tmp_path: Path) -> None:
    with pytest.raises(RecipientSourceError, match="has no phone column") as caught:
        load_recipients(write(tmp_path, "contact;name\n+33612345678;Ana\n"))
    assert "'contact', 'name'" in str(caught.value)
    assert "phone_column=" in str(caught.value)
    assert caught.value.line == 1
    with pytest.raises(RecipientSourceError, match="has no 'tel' column"):
        load_recipients(write(tmp_path, "contact;name\n+33612345678;Ana\n"), phone_column="tel")


def test_a_column_named_twice_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="column 'name' appears twice"):
        load_recipients(write(tmp_path, "phone;name;name\n+33612345678;A;B\n"))


@pytest.mark.parametrize("text", ["", "\n\n  \n"])
def test_an_empty_file_is_refused(tmp_path: Path, text: str) -> None:
    with pytest.raises(ValueError, match="is empty: expected a header line"):
        load_recipients(write(tmp_path, text))


def test_an_excel_windows_export_is_detected_as_cp1252(tmp_path: Path) -> None:
    """Excel's plain "CSV" on a French Windows is cp1252: read as such, and said so."""
    text = "Téléphone;Prénom;Ville\r\n06 12 34 56 78;Chloé;Orléans\r\n+33698765432;Zoë;Sète\r\n"
    path = write(tmp_path, text, encoding="cp1252")
    for source in (path, io.BytesIO(path.read_bytes())):
        result = load_recipients(source)
        assert result.encoding == "cp1252"
        assert [dict(r.context) for r in result.recipients][-1] == {
            "Prénom": "Zoë",
            "Ville": "Sète",
        }
        assert result.rows == 2
    utf8 = load_recipients(write(tmp_path, text, encoding="utf-8-sig", name="utf8.csv"))
    assert utf8.encoding == "utf-8"
    assert utf8.recipients[-1].context == {"Prénom": "Zoë", "Ville": "Sète"}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_a_unicode_text_export_with_its_byte_order_mark_is_read(
    tmp_path: Path, encoding: str
) -> None:
    """Excel's "Unicode Text" is UTF-16 (tab separated) opening with a byte-order mark, which
    no Windows-1252 file starts with: it is read as such, not as cp1252 letters and NULs."""
    text = "Téléphone\tPrénom\r\n06 12 34 56 78\tChloé\r\n+33698765432\tZoë\r\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    path = tmp_path / "unicode.txt"
    path.write_bytes(data)
    for source in (path, io.BytesIO(data)):
        result = load_recipients(source)
        assert result.encoding == ("utf-32" if encoding == "utf-32" else "utf-16")
        assert [str(r.phone) for r in result.recipients] == ["+33612345678", "+33698765432"]
        assert result.recipients[1].context == {"Prénom": "Zoë"}
        assert result.rows == 2


def test_damaged_utf8_is_not_guessed_and_says_where_and_how_to_read_it(tmp_path: Path) -> None:
    # UTF-8 letters first, then a byte that is not UTF-8: a damaged file, not a Windows one.
    data = "phone;firstName\n+33612345678;Chloé\n+33698765432;".encode() + b"Zo\xeb\n"
    path = tmp_path / "damaged.csv"
    path.write_bytes(data)
    for source in (path, io.BytesIO(data)):
        with pytest.raises(
            RecipientSourceError, match="is not UTF-8 text \\(line 3: invalid continuation byte\\)"
        ) as caught:
            load_recipients(source)
        assert caught.value.line == 3
        assert "encoding=" in str(caught.value)
    # Forcing an encoding reads the file in it, or says it is not.
    cp1252 = write(tmp_path, "phone;firstName\n+33612345678;Chloé\n", encoding="cp1252")
    with pytest.raises(RecipientSourceError, match="is not UTF-8 text \\(line 2"):
        load_recipients(cp1252, encoding="utf-8")
    assert load_recipients(cp1252, encoding="cp1252").recipients[0].context == {
        "firstName": "Chloé"
    }
    assert load_recipients(path, encoding="latin-1").recipients[1].context == {"firstName": "Zoë"}


def test_bytes_neither_utf8_nor_cp1252_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "binary.csv"
    path.write_bytes(b"phone;name\n+33612345678;\x81\x8d\n")
    with pytest.raises(RecipientSourceError, match="neither UTF-8 nor Windows-1252") as caught:
        load_recipients(path)
    assert caught.value.line == 2


@pytest.mark.parametrize("source", [42, b"phone\n+33612345678\n", {"phone": PHONE}])
def test_other_sources_are_refused(source: Any) -> None:
    with pytest.raises(TypeError, match="source must be a CSV path, a file object"):
        load_recipients(source)


# --- load_recipients: every row accounted for ---------------------------------------------------


def test_every_rejection_reason_with_row_number_and_raw_value(
    tmp_path: Path, without_phone_extra: None
) -> None:
    text = (
        "phone;firstName\n"  # line 1
        "+33612345678;Ana\n"  # 2: kept
        ";Bob\n"  # 3: no phone
        ";\n"  # 4: nothing at all
        "06 12 34 56 78;Chloé\n"  # 5: national, the extra is missing
        "call me;Dan\n"  # 6: not a number
        "+33 6;Eve\n"  # 7: too short
        "+33698765432;Fay;extra\n"  # 8: misaligned
        "\n"  # 9: a blank line is no row
        "+33611223344;Gus\n"  # 10: kept
    )
    result = load_recipients(write(tmp_path, text))
    assert [r.phone for r in result.recipients] == [PHONE, "+33611223344"]
    assert [(row.row, row.value) for row in result.rejected] == [
        (3, ""),
        (4, None),
        (5, "06 12 34 56 78"),
        (6, "call me"),
        (7, "+33 6"),
        (8, "+33698765432"),
    ]
    reasons = [row.reason for row in result.rejected]
    assert reasons[0] == "phone is empty"
    assert reasons[1] == "empty row"
    assert "national format" in reasons[2]
    assert EXTRA_HINT in reasons[2]
    assert reasons[3] == "not a phone number"
    assert reasons[4].startswith("too short")
    assert reasons[5] == (
        "3 fields but the header has 2: a value that contains the delimiter ';' must be quoted"
    )
    assert result.rows == 8
    assert not result.ok
    assert str(result.rejected[2]).startswith("row 5 ('06 12 34 56 78'): national format")


def test_with_the_extra_national_rows_are_normalised_and_impossible_ones_rejected(
    tmp_path: Path,
) -> None:
    text = "phone;firstName\n06 12 34 56 78;Ana\n+33 0 00 00 00 00;Bob\n"
    result = load_recipients(write(tmp_path, text))
    assert result.recipients == (Recipient(PHONE, {"firstName": "Ana"}),)
    assert [(r.row, r.reason) for r in result.rejected] == [
        (3, "not a valid FR number: no such number range")
    ]


def test_rejections_of_mapping_rows(phone_extra: bool) -> None:
    rows: list[Any] = [
        {"phone": PHONE},
        {"firstName": "no phone"},
        {"phone": 33612345678},
        {"phone": "  "},
        ["not", "a", "mapping"],
        {"phone": "+33698765432", "score": float("inf")},
        {"phone": "+33611223344", "when": object()},
    ]
    result = load_recipients(rows)
    assert result.recipients == (Recipient(PHONE),)
    assert [(r.row, r.value) for r in result.rejected] == [
        (2, None),
        (3, "33612345678"),
        (4, "  "),
        (5, None),
        (6, "+33698765432"),
        (7, "+33611223344"),
    ]
    reasons = [r.reason for r in result.rejected]
    assert reasons[0] == "no 'phone' field"
    assert reasons[1].startswith("phone must be text, not int (a number loses its leading")
    assert reasons[2] == "phone is empty"
    assert reasons[3] == "not a mapping but list"
    assert reasons[4] == "context.score: must be a finite number: JSON has no NaN or infinity"
    assert reasons[5].startswith("context.when: must be text, a number, a boolean")


def test_duplicates_are_folded_into_the_first_row(tmp_path: Path, phone_extra: bool) -> None:
    text = (
        "phone,firstName\n"
        "+33612345678,Ana\n"
        "+33698765432,Bob\n"
        "0033 6 12 34 56 78,Ana again\n"
        "+33612345678,Ana thrice\n"
        "+33 6 98 76 54 32,Bob again\n"
    )
    result = load_recipients(write(tmp_path, text))
    assert [(r.phone, r.context["firstName"]) for r in result.recipients] == [
        (PHONE, "Ana"),
        ("+33698765432", "Bob"),
    ]
    assert result.duplicates == (
        DuplicateRow(row=4, value="0033 6 12 34 56 78", phone=PHONE, kept_row=2),
        DuplicateRow(row=5, value="+33612345678", phone=PHONE, kept_row=2),
        DuplicateRow(row=6, value="+33 6 98 76 54 32", phone="+33698765432", kept_row=3),
    )
    assert result.rows == 5
    assert (
        str(result.duplicates[0])
        == "row 4 ('0033 6 12 34 56 78'): same number +33612345678 as row 2"
    )


def test_a_duplicate_names_its_kept_row_wherever_the_two_lie(tmp_path: Path) -> None:
    # The kept row of a duplicate is looked up in a map built at the first duplicate and
    # extended later: numbers kept before it, after it, and rows shifted by a blank line and a
    # value over two lines all name their own row.
    text = (
        "phone,note\n"
        "+33600000001,a\n"  # row 2
        "+33600000002,b\n"  # 3
        "+33600000001,dup of 2\n"  # 4: the first duplicate, the map is built
        "\n"  # line 5: blank, not a row
        '+33600000003,"two\nlines"\n'  # rows 6-7
        "+33600000002,dup of 3\n"  # 8: kept before the map was built
        "+33600000003,dup of 6\n"  # 9: kept after it: the map is extended
        "+33600000004,d\n"  # 10
        "+33600000004,dup of 10\n"  # 11
        "+33600000003,dup of 6 again\n"  # 12
    )
    result = load_recipients(write(tmp_path, text))
    assert [r.phone for r in result.recipients] == [f"+3360000000{i}" for i in (1, 2, 3, 4)]
    assert [(d.row, d.kept_row) for d in result.duplicates] == [
        (4, 2),
        (8, 3),
        (9, 6),
        (11, 10),
        (12, 6),
    ]
    mappings = [{"phone": "+33600000001"}, {"phone": "+33600000002"}, {"phone": "+33600000002"}]
    assert [(d.row, d.kept_row) for d in load_recipients(mappings).duplicates] == [(3, 2)]


def test_the_summary_lists_every_row_that_is_not_a_recipient() -> None:
    result = load_recipients([{"phone": PHONE}, {"phone": PHONE}, {"phone": "x"}])
    assert str(result) == "\n".join(
        [
            "3 rows: 1 recipient, 1 rejected, 1 duplicate",
            "  rejected row 3 ('x'): not a phone number",
            "  duplicate row 2 ('+33612345678'): same number +33612345678 as row 1",
        ]
    )
    assert result.rejected == (RejectedRow(3, "x", "not a phone number"),)


def test_imports_stream_the_source() -> None:
    """A one-shot source is read once, row by row, and only the result stays in memory."""
    count = 20_000

    def lines() -> Iterator[str]:
        yield "phone;firstName;lastName\n"
        for i in range(count):
            yield f"+336{i:08d};First{i};Last{i}\n"

    class OneShot(io.TextIOBase):
        """A text stream that can be read once, like a socket or a pipe."""

        def __init__(self) -> None:
            self._lines = lines()
            self.largest_read = 0

        def readable(self) -> bool:
            return True

        def read(self, size: int | None = -1) -> str:
            assert size is not None
            assert size >= 0, "the whole stream was asked for at once"
            self.largest_read = max(self.largest_read, size)
            return "".join(itertools.islice(self._lines, size // 40))

    stream = OneShot()
    tracemalloc.start()
    try:
        result = load_recipients(stream)
        retained, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(result.recipients) == count
    assert stream.largest_read <= 1 << 16  # read in bounded blocks
    # Holding every row twice (a list of rows, then the recipients) would double the peak.
    assert peak < 1.5 * retained


def test_evolve_makes_a_checked_recipient() -> None:
    recipient = Recipient(PHONE, {"order": {"items": ["a"]}})
    moved = attrs.evolve(recipient, phone="+33698765432")
    assert moved == Recipient("+33698765432", {"order": {"items": ["a"]}})
    with pytest.raises(ClientValidationError, match="phone"):
        attrs.evolve(recipient, phone="0698765432")


def test_enum_values_in_a_context_are_sent_as_their_values() -> None:
    class Tier(str, enum.Enum):  # noqa: UP042 (the case at hand: str() of a member is not its value)
        GOLD = "gold"

    class Level(enum.IntEnum):
        HIGH = 3

    recipient = Recipient(PHONE, {"tier": Tier.GOLD, "level": Level.HIGH, "tags": [Tier.GOLD]})
    body = recipient.to_api()
    assert body["context"] == {"tier": "gold", "level": 3, "tags": ["gold"]}
    assert json.dumps(body["context"]) == '{"tier": "gold", "level": 3, "tags": ["gold"]}'


def test_docstring_examples_hold() -> None:
    assert doctest.testmod(_recipients).failed == 0


# --- issue 9: the caller's file object, arguments, encodings, quotes, bounds -------------------


def test_an_error_leaves_the_callers_file_open_and_keeps_the_real_message() -> None:
    stream = io.BytesIO(b"phone;name\n+33612345678;Ana\n")
    with pytest.raises(RecipientSourceError, match="has no 'tel' column") as caught:
        load_recipients(stream, phone_column="tel")
    assert "closed file" not in str(caught.value)
    assert not stream.closed
    stream.seek(0)
    assert load_recipients(stream).recipients == (Recipient(PHONE, {"name": "Ana"}),)
    text = io.StringIO("contact\nx\n")
    with pytest.raises(RecipientSourceError):
        load_recipients(text)
    assert not text.closed


@pytest.mark.parametrize(
    ("arguments", "error", "fragment"),
    [
        ({"phone_column": 3}, TypeError, "phone_column must be the name of a column"),
        ({"phone_column": "  "}, ValueError, "phone_column must name a column"),
        ({"encoding": "no-such-codec"}, ValueError, "unknown encoding 'no-such-codec'"),
        ({"encoding": "base64"}, ValueError, "'base64' is not a text encoding"),
        ({"encoding": 8}, TypeError, "encoding must be the name of a text encoding"),
        ({"delimiter": ";;"}, ValueError, "delimiter must be one character"),
        ({"delimiter": 0}, TypeError, "delimiter must be one character"),
    ],
    ids=[
        "int column",
        "blank column",
        "unknown encoding",
        "bytes codec",
        "int encoding",
        "long delimiter",
        "int delimiter",
    ],
)
def test_wrong_arguments_are_typed_errors_that_say_what_to_pass(
    arguments: dict[str, Any], error: type[Exception], fragment: str
) -> None:
    stream = io.BytesIO(b"phone\n+33612345678\n")
    with pytest.raises(error, match=fragment):
        load_recipients(stream, **arguments)
    assert not stream.closed


@pytest.mark.parametrize(
    "header",
    [
        "Téléphone",
        "TELEPHONE",
        "telephone",
        "tel",
        "Tél.",
        "phone_number",
        "Phone Number",
        "Mobile",
        "portable",
        "Numéro",
        "N° de téléphone",
        "numero_de_telephone",
        "GSM",
    ],
)
def test_the_phone_column_is_found_among_the_usual_names(tmp_path: Path, header: str) -> None:
    path = write(tmp_path, f"Nom;{header};Ville\nAna;+33612345678;Lyon\n")
    result = load_recipients(path)
    assert result.recipients == (Recipient(PHONE, {"Nom": "Ana", "Ville": "Lyon"}),)


def test_a_named_column_is_matched_ignoring_case_accents_and_punctuation(tmp_path: Path) -> None:
    path = write(tmp_path, "Nom;Téléphone portable\nAna;+33612345678\n")
    result = load_recipients(path, phone_column="telephone-portable")
    assert result.recipients == (Recipient(PHONE, {"Nom": "Ana"}),)


def test_a_phone_column_is_preferred_and_several_candidates_are_refused(tmp_path: Path) -> None:
    both = write(tmp_path, "Mobile;phone\n+33698765432;+33612345678\n", name="both.csv")
    assert load_recipients(both).recipients == (Recipient(PHONE, {"Mobile": "+33698765432"}),)
    two = write(tmp_path, "Téléphone;Mobile\n+33612345678;+33698765432\n", name="two.csv")
    with pytest.raises(
        RecipientSourceError, match="several columns may hold the numbers"
    ) as caught:
        load_recipients(two)
    assert "'Téléphone', 'Mobile'" in str(caught.value)
    assert "phone_column=" in str(caught.value)
    assert load_recipients(two, phone_column="Mobile").recipients[0].phone == "+33698765432"


def test_blank_lines_before_the_header_keep_the_files_line_numbers(tmp_path: Path) -> None:
    result = load_recipients(write(tmp_path, "\n\nphone\n+33612345678\nbad\n"))
    assert [row.row for row in result.rejected] == [5]


STRAY_QUOTE = (
    "phone;name\n"  # 1
    '+33612345678;"Ana\n'  # 2: a quote opened by mistake
    "+33698765432;Bob\n"  # 3
    "\n"  # 4: a blank line is no row
    "+33611223344;Chloé\n"  # 5
)


@pytest.mark.parametrize("closing", ["", '+33655555555;"Dan"\n', '+33655555555;Dan";x\n'])
def test_a_stray_quote_rejects_the_rows_it_takes_in_with_their_lines(
    tmp_path: Path, closing: str
) -> None:
    """Never again "1 row: 1 recipient" for a file of three numbers."""
    text = STRAY_QUOTE + closing + "+33644444444;Eve\n"
    result = load_recipients(write(tmp_path, text))
    if not closing:
        # Unclosed to the end: every line after the quote was taken in.
        assert [r.phone for r in result.recipients] == []
        expected = [2, 3, 5, 6]
    else:
        # Closed by chance by a later quote: the rows after it are read again.
        assert [r.phone for r in result.recipients] == ["+33644444444"]
        expected = [2, 3, 5, 6]
    assert [row.row for row in result.rejected] == expected
    assert result.rejected[0].value == PHONE
    assert "quote opened in this row" in result.rejected[0].reason
    assert "fix the quotes" in result.rejected[0].reason
    assert [row.value for row in result.rejected[1:3]] == ["+33698765432", "+33611223344"]
    assert all("row 2 opens" in row.reason for row in result.rejected[1:])
    # Every line is accounted for (the blank line aside).
    assert result.rows == (5 if closing else 4)


def test_a_quote_inside_one_line_is_still_read_as_before(tmp_path: Path) -> None:
    text = 'phone;name\n+33612345678;"Ana" Martin\n+33698765432;"two\nlines"\n'
    result = load_recipients(write(tmp_path, text))
    assert [dict(r.context) for r in result.recipients] == [
        {"name": "Ana Martin"},
        {"name": "two\nlines"},
    ]
    assert result.ok


def test_a_value_over_the_csv_field_limit_is_a_typed_error_naming_the_line(
    tmp_path: Path,
) -> None:
    text = "phone;note\n+33612345678;ok\n+33698765432;" + "x" * 200_000 + "\n"
    with pytest.raises(RecipientSourceError, match="line 3: a value is longer than") as caught:
        load_recipients(write(tmp_path, text))
    assert caught.value.line == 3
    quoted = 'phone;note\n+33612345678;"' + "x\n" * 70_000
    with pytest.raises(RecipientSourceError, match=r"in the row of line 2.*quote left open"):
        load_recipients(io.StringIO(quoted))


def test_a_file_without_line_breaks_is_read_bounded(tmp_path: Path) -> None:
    one_line = tmp_path / "one-line.csv"
    with one_line.open("wb") as stream:
        stream.write(b"phone," + b"a," * 25_000_000)  # 50 MB on one line
    tracemalloc.start()
    try:
        with pytest.raises(RecipientSourceError, match="line 1: longer than 1,048,576") as caught:
            load_recipients(one_line)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.line == 1
    assert peak < 10_000_000


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_dev_zero_is_refused_after_a_bounded_read() -> None:
    with pytest.raises(RecipientSourceError, match="'/dev/zero', line 1: longer than"):
        load_recipients("/dev/zero")
    with open("/dev/zero", "rb") as stream, pytest.raises(RecipientSourceError):
        load_recipients(stream)
    with open("/dev/zero", encoding="utf-8") as text, pytest.raises(RecipientSourceError):
        load_recipients(text)


def test_a_text_stream_with_surrogates_or_in_the_wrong_encoding_says_to_open_it_binary(
    tmp_path: Path,
) -> None:
    with pytest.raises(RecipientSourceError, match="line 3: holds undecodable bytes"):
        load_recipients(io.StringIO("phone\n+33612345678\n\udce9\n"))
    path = write(tmp_path, "phone;name\n+33612345678;Chloé\n", encoding="cp1252")
    with (
        path.open(encoding="utf-8") as wrong,
        pytest.raises(RecipientSourceError, match="open it in binary mode"),
    ):
        load_recipients(wrong)
    with path.open("rb") as right:
        assert load_recipients(right).recipients[0].context == {"name": "Chloé"}


def test_crlf_split_across_blocks_and_other_breaks_are_read_as_csv_does(tmp_path: Path) -> None:
    # A line break that csv does not know (form feed, U+2028) stays inside its value.
    rows = [f"+336{i:08d};a\x0cb\u2028c" for i in range(20_000)]
    text = "phone;note\r\n" + "\r\n".join(rows) + "\r\n"
    result = load_recipients(write(tmp_path, text))
    assert result.ok
    assert len(result.recipients) == 20_000
    assert result.recipients[-1].context == {"note": "a\x0cb\u2028c"}


def test_a_source_error_pickles_and_names_the_cli_flags() -> None:
    with pytest.raises(RecipientSourceError) as caught:
        load_recipients(io.StringIO("contact\nx\n"))
    error = caught.value
    assert "--phone-column" in error.describe(_recipients.cli_option)
    assert "phone_column=" not in error.describe(_recipients.cli_option)
    copy_ = pickle.loads(pickle.dumps(error))
    assert (str(copy_), copy_.line, copy_.source) == (str(error), error.line, error.source)


# --- issue 14: a CSV row's recipient, the collector paused while importing ----------------------


def test_a_csv_rows_recipient_is_a_recipient_like_any_other(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        "firstName,phone,,city\nAna,+33612345678,x,Sète\nLuc,+33698765432,,\n", encoding="utf-8"
    )
    ana, luc = load_recipients(path).recipients
    built = Recipient(PHONE, {"firstName": "Ana", "city": "Sète"})

    assert ana == built
    assert hash(ana) == hash(built)
    assert {ana, built} == {built}
    assert (
        repr(ana)
        == repr(built)
        == "Recipient('+33612345678', {'firstName': 'Ana', 'city': 'Sète'})"
    )
    assert ana.to_api() == built.to_api()
    assert ana.context == {"firstName": "Ana", "city": "Sète"}
    assert luc.to_api() == {"phone": "+33698765432", "context": {"firstName": "Luc", "city": ""}}
    with pytest.raises(TypeError):
        ana.context["city"] = "Paris"  # type: ignore[index]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        ana.phone = "+33698765432"  # type: ignore[misc]
    for copied in (pickle.loads(pickle.dumps(ana)), copy.copy(ana), copy.deepcopy(ana)):
        assert copied == built
    assert attrs.asdict(ana)["_context"] == {"firstName": "Ana", "city": "Sète"}
    moved = attrs.evolve(ana, phone="+33698765432")
    assert moved == Recipient("+33698765432", {"firstName": "Ana", "city": "Sète"})
    with pytest.raises(AttributeError, match="no attribute 'nickname'"):
        ana.nickname  # type: ignore[attr-defined]  # noqa: B018


def test_a_csv_with_only_a_phone_column_gives_recipients_without_context(tmp_path: Path) -> None:
    path = tmp_path / "phones.csv"
    path.write_text("phone\n+33612345678\n", encoding="utf-8")
    (recipient,) = load_recipients(path).recipients
    assert recipient == Recipient(PHONE)
    assert recipient.to_api() == {"phone": PHONE}
    assert repr(recipient) == "Recipient('+33612345678')"


def test_the_rows_of_a_csv_share_their_column_names(tmp_path: Path) -> None:
    # What keeps an import of 100,000 rows small: no dict per row, one tuple of names per file.
    path = tmp_path / "people.csv"
    path.write_text(
        "phone,firstName\n" + "".join(f"+336123456{i:02d},Ana{i}\n" for i in range(50)),
        encoding="utf-8",
    )
    recipients = load_recipients(path).recipients
    assert len({id(r._layout) for r in recipients}) == 1
    assert all(r._layout == ("firstName",) for r in recipients)
    assert [r.context["firstName"] for r in recipients] == [f"Ana{i}" for i in range(50)]


class _WatchedStream(io.BytesIO):
    """A binary file object that notes whether the cyclic collector runs while it is read."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.collector_enabled: list[bool] = []

    def read(self, size: int | None = -1) -> bytes:
        if size != 0:  # read(0) tells text from bytes, before the import starts
            self.collector_enabled.append(gc.isenabled())
        return super().read(size)


def test_the_cyclic_collector_is_paused_while_a_csv_is_read_and_restored_after() -> None:
    assert gc.isenabled()
    stream = _WatchedStream(b"phone\n+33612345678\n")
    assert len(load_recipients(stream).recipients) == 1
    assert stream.collector_enabled
    assert not any(stream.collector_enabled)
    assert gc.isenabled()


def test_a_collector_disabled_by_the_caller_stays_disabled() -> None:
    gc.disable()
    try:
        load_recipients(io.BytesIO(b"phone\n+33612345678\n"))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_is_restored_when_the_import_fails(tmp_path: Path) -> None:
    path = tmp_path / "no-phone.csv"
    path.write_text("name\nAna\n", encoding="utf-8")
    with pytest.raises(RecipientSourceError):
        load_recipients(path)
    assert gc.isenabled()


def test_imports_in_several_threads_restore_the_collector_once_all_have_ended() -> None:
    started, release = threading.Barrier(2), threading.Event()
    seen: list[bool] = []

    class Held(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            if size != 0 and self.tell() == 0:  # its first block: the import has begun
                started.wait(timeout=10)
                release.wait(timeout=10)
            return super().read(size)

    thread = threading.Thread(target=load_recipients, args=(Held(b"phone\n+33612345678\n"),))
    thread.start()
    started.wait(timeout=10)  # the other import is paused, in the middle of its read
    load_recipients(io.BytesIO(b"phone\n+33698765432\n"))
    seen.append(gc.isenabled())  # this one ended first: the other still runs
    release.set()
    thread.join()
    assert seen == [False]
    assert gc.isenabled()


# --- issue 14: a CSV read a block of lines at a time ---------------------------------------------


def _row_by_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read every block row by row, as a block holding a value over several lines is read."""
    monkeypatch.setattr(_recipients._CsvRows, "_one_row_a_line", lambda self, block: None)


def _one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Take the whole-rows steps for blocks of any size, down to a single row."""
    monkeypatch.setattr(_recipients, "_WHOLE_ROWS_MIN", 1)


# Unusual rows of _mixed_csv, by the row's index modulo 997 (the usual row is the default).
_UNUSUAL_ROWS = {
    3: "{earlier};dup of an earlier block;;x",
    5: "{before};dup of the row before;;x",
    11: "{national};national;;x",
    13: "",
    17: "{phone};too;many;cells;here",
    19: "{phone};short",
    23: ';"a value{end}over two lines";;x',
    29: '{phone};"{first}, with a delimiter; inside";;{city}',
    31: ";;;",
    37: "{phone};trailing;;x;;;",
    41: "call me;{first};;{city}",
}


def _mixed_csv(rows: int, *, quoted: bool = False, crlf: bool = False) -> str:
    """A CSV over several blocks of the reader, with every kind of unusual row among the usual
    ones, some where a block of the source ends (every 1,000 rows or so)."""
    end = "\r\n" if crlf else "\n"
    lines = ["phone;firstName;;city"]
    for i in range(rows):
        template = _UNUSUAL_ROWS.get(i % 997, "{phone};{first};ignored;{city}")
        lines.append(
            template.format(
                phone=f"+336{i:08d}",
                earlier=f"+336{i - 2500:08d}",
                before=f"+336{i - 1:08d}",
                national=f"06 {i % 100:02d} 34 56 78",
                first=f'"Ana{i}"' if quoted else f"Ana{i}",
                city="Sète" if i % 7 else "",
                end=end,
            )
        )
    return end.join(lines) + end


def _import_of(result: RecipientImport) -> tuple[Any, ...]:
    people = [(r.phone, dict(r.context), r.to_api()) for r in result.recipients]
    return people, result.rejected, result.duplicates, result.encoding, str(result)


@pytest.mark.parametrize(
    "text",
    [
        _mixed_csv(6_000),
        _mixed_csv(6_000, quoted=True, crlf=True),
        "phone\n" + "".join(f"+336{i % 9_000:08d}\n" for i in range(18_000)),
        "phone,firstName\n" + "".join(f"+336{i:08d},Ana{i}\n" for i in range(12_000)),
        STRAY_QUOTE * 3_000,
    ],
    ids=["mixed", "quoted-crlf", "phone-only-with-duplicates", "one-context-column", "quotes"],
)
def test_whole_blocks_and_rows_one_by_one_give_the_same_import(
    text: str, phone_extra: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = text.encode("utf-8")
    assert len(data) > 3 * (1 << 16)  # several blocks of the reader
    blocks = _import_of(load_recipients(io.BytesIO(data)))
    with monkeypatch.context() as patched:
        _one_by_one(patched)
        assert _import_of(load_recipients(io.BytesIO(data))) == blocks
    with monkeypatch.context() as patched:
        _row_by_row(patched)
        assert _import_of(load_recipients(io.BytesIO(data))) == blocks
    with monkeypatch.context() as patched:
        # The numbers of a block added to the duplicate check one by one, as in large imports.
        patched.setattr(_recipients, "_SET_GROWS_TWOFOLD", 0)
        assert _import_of(load_recipients(io.BytesIO(data))) == blocks
    if text.startswith("phone;firstName;;city"):
        result = load_recipients(io.BytesIO(data))
        assert result.duplicates
        assert result.rejected
        # The usual rows' recipients share the one tuple of names (see Recipient._layout).
        names = {id(r._layout) for r in result.recipients if type(r._layout) is tuple}
        assert len(names) == 1
        assert sum(r._layout == ("firstName", "city") for r in result.recipients) > 5_000


@pytest.mark.parametrize(
    "tail",
    ["+33698765432;" + "x" * 200_000 + "\n", '+33698765432;"' + "x\n" * 70_000],
    ids=["field over the limit", "quote left open"],
)
def test_whole_blocks_and_rows_one_by_one_give_the_same_error(
    tail: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "phone;note\n" + "".join(f"+336{i:08d};ok\n" for i in range(8_000)) + tail
    with pytest.raises(RecipientSourceError) as blocks:
        load_recipients(io.StringIO(text))
    assert "line 8002" in str(blocks.value)
    with monkeypatch.context() as patched:
        _row_by_row(patched)
        with pytest.raises(RecipientSourceError) as rows:
            load_recipients(io.StringIO(text))
    assert (str(rows.value), rows.value.line) == (str(blocks.value), blocks.value.line)


@pytest.mark.parametrize("reading", ["whole blocks", "numbers added one by one", "row by row"])
def test_duplicates_far_apart_name_their_kept_row(
    tmp_path: Path, reading: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rows shifted by blank lines and by values over two lines, blocks apart: each duplicate
    # names the line its number was first kept on.
    if reading == "row by row":
        _row_by_row(monkeypatch)
    elif reading == "numbers added one by one":
        monkeypatch.setattr(_recipients, "_SET_GROWS_TWOFOLD", 0)
    lines, line = ["phone,note\n"], 1
    kept_on: dict[str, int] = {}
    duplicates: list[tuple[int, int]] = []
    for i in range(20_000):
        if i % 1_500 == 7:
            lines.append("\n")
            line += 1
        phone = f"+336{i // 3 if i % 1_000 == 999 else i:08d}"
        note = '"two\nlines"' if i % 2_100 == 9 else f"n{i}"
        lines.append(f"{phone},{note}\n")
        row, line = line + 1, line + 1 + note.count("\n")
        if phone in kept_on:
            duplicates.append((row, kept_on[phone]))
        else:
            kept_on[phone] = row
    result = load_recipients(write(tmp_path, "".join(lines)))
    assert [r.phone for r in result.recipients] == list(kept_on)
    assert [(d.row, d.kept_row) for d in result.duplicates] == duplicates
    assert len(duplicates) > 10
    assert result.rows == 20_000
    assert not result.rejected


def test_a_csv_is_read_by_whole_blocks_not_a_call_per_row() -> None:
    # The work of a usual row is done by steps over whole blocks of rows, in C: the calls the
    # import makes grow with its blocks, not its rows (today's import makes several per row).
    count = 20_000
    data = "phone,firstName,lastName\n" + "".join(
        f"+336{i:08d},Ana{i},Martin\n" for i in range(count)
    )
    calls = 0

    def profile(frame: Any, event: str, arg: Any) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(profile)
    try:
        result = load_recipients(io.StringIO(data))
    finally:
        sys.setprofile(None)
    assert len(result.recipients) == count
    assert calls < count // 20
