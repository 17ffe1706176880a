"""``volubile campaigns create --recipients``: what a person meets with a real-world CSV.

Excel exports in the Windows code page, headers such as "Téléphone", stray quotes, files that
are not CSVs at all: each gives what to fix in one line that names the command's own flags
(``--encoding``, ``--phone-column``, ``--region``), and exit status 2, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_harness import CAMPAIGN_TOML, CLI
from tests.cli_harness import campaign_file as _campaign_file

EXCEL_CSV = (
    "Nom;Prénom;Téléphone;Ville\r\n"
    "Martin;Chloé;+33612345678;Orléans\r\n"
    "Durand;Zoë;+33698765432;Sète\r\n"
)


def _create(cli: CLI, tmp_path: Path, recipients: Path, *options: str) -> tuple[int, str, str]:
    result = cli(
        "campaigns",
        "create",
        _campaign_file(tmp_path),
        "--recipients",
        recipients,
        "--dry-run",
        *options,
    )
    return result.code, result.out, result.err


def _one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("volubile: error: ")
    return lines[0]


def test_an_excel_export_in_the_windows_code_page_is_read(cli: CLI, tmp_path: Path) -> None:
    export = tmp_path / "contacts.csv"
    export.write_bytes(EXCEL_CSV.encode("cp1252"))
    code, out, err = _create(cli, tmp_path, export)
    assert code == 0, err
    assert (
        f"Recipients from {export} (read as Windows-1252 (cp1252)): "
        "2 rows: 2 recipients, 0 rejected, 0 duplicates"
    ) in out
    # The UTF-8 export of the same sheet says nothing about its encoding.
    utf8 = tmp_path / "utf8.csv"
    utf8.write_bytes(EXCEL_CSV.encode("utf-8-sig"))
    code, out, err = _create(cli, tmp_path, utf8)
    assert code == 0, err
    assert f"Recipients from {utf8}: 2 rows: 2 recipients" in out


def test_encoding_can_be_forced_and_its_errors_name_the_flag(cli: CLI, tmp_path: Path) -> None:
    export = tmp_path / "contacts.csv"
    export.write_bytes(EXCEL_CSV.encode("cp1252"))
    code, _, err = _create(cli, tmp_path, export, "--encoding", "utf-8")
    assert code == 2
    line = _one_line_error(err)
    assert "is not UTF-8 text (line 1:" in line
    assert "--encoding cp1252" in line
    assert "encoding=" not in line

    code, out, err = _create(cli, tmp_path, export, "--encoding", "cp1252")
    assert code == 0, err
    assert "2 recipients" in out

    code, _, err = _create(cli, tmp_path, export, "--encoding", "klingon")
    assert code == 2
    assert "--encoding: unknown encoding 'klingon'" in _one_line_error(err)


def test_a_wrong_region_or_phone_column_names_the_flag(cli: CLI, tmp_path: Path) -> None:
    export = tmp_path / "contacts.csv"
    export.write_text(EXCEL_CSV, encoding="utf-8")
    code, _, err = _create(cli, tmp_path, export, "--region", "FRA")
    assert code == 2
    assert "--region must be a two-letter country code" in _one_line_error(err)
    code, _, err = _create(cli, tmp_path, export, "--region", "XX")
    assert code == 2
    assert "--region must be a two-letter country code" in _one_line_error(err)
    assert "not 'XX'" in _one_line_error(err)
    code, _, err = _create(cli, tmp_path, export, "--phone-column", "Mobile")
    assert code == 2
    line = _one_line_error(err)
    assert "has no 'Mobile' column" in line
    assert "pass --phone-column to name the column" in line
    assert "phone_column" not in line


def test_stray_quotes_are_shown_row_by_row(cli: CLI, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.csv"
    damaged.write_text(
        'phone;name\n+33612345678;"Ana\n+33698765432;Bob\n+33611223344;Chloé\n',
        encoding="utf-8",
    )
    code, out, err = _create(cli, tmp_path, damaged)
    assert code == 2  # nobody left to call
    assert "3 rows: 0 recipients, 3 rejected" in out
    assert "rejected row 2 ('+33612345678'): a quote opened in this row is never closed" in out
    assert "rejected row 3 ('+33698765432'): inside the quoted value that row 2 opens" in out
    assert "rejected row 4 ('+33611223344')" in out
    assert "no usable recipient" in _one_line_error(err)


def test_a_csv_field_over_the_limit_is_one_line_naming_it(cli: CLI, tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    big.write_text("phone;note\n+33612345678;" + "x" * (128 * 1024 + 1) + "\n", encoding="utf-8")
    code, _, err = _create(cli, tmp_path, big)
    assert code == 2
    assert f"'{big}', line 2: a value is longer than 131,072 characters" in _one_line_error(err)


def test_a_file_without_line_breaks_is_one_line_after_a_bounded_read(
    cli: CLI, tmp_path: Path
) -> None:
    one_line = tmp_path / "one-line.csv"
    with one_line.open("wb") as stream:
        stream.write(b"phone," + b"x," * 25_000_000)  # 50 MB
    code, _, err = _create(cli, tmp_path, one_line)
    assert code == 2
    assert "line 1: longer than 1,048,576 characters" in _one_line_error(err)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_dev_zero_as_the_csv_is_one_line(cli: CLI, tmp_path: Path) -> None:
    code, _, err = _create(cli, tmp_path, Path("/dev/zero"))
    assert code == 2
    assert "'/dev/zero', line 1: longer than" in _one_line_error(err)


def test_a_directory_as_the_csv_is_one_line(cli: CLI, tmp_path: Path) -> None:
    code, _, err = _create(cli, tmp_path, tmp_path)
    assert code == 2
    assert "cannot read" in _one_line_error(err)


def test_a_campaign_with_many_problems_lists_fifty_and_counts_the_rest(
    cli: CLI, tmp_path: Path
) -> None:
    bad = ", ".join(f'"not a number {i}"' for i in range(60))
    path = _campaign_file(
        tmp_path, CAMPAIGN_TOML.replace("[retry]", f"recipients = [{bad}]\n[retry]")
    )
    result = cli("campaigns", "create", path, "--dry-run")
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert lines[0] == f"Validation failed (60 problem(s)); fix {path}:"
    assert len(lines) == 1 + 50 + 1
    assert lines[-1] == "  … and 10 more"
