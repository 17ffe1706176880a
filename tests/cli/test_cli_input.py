"""Bad input on the command line: exit 2 and one line that says what to fix, never a traceback.

Each case is a file or an argument a person (or an attacker) can hand the command; each must be
refused before anything is sent, in one ``volubile: error:`` line.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.cli_harness import CAMPAIGN_TOML, CLI, CLI_SANDBOX, Run
from tests.client_harness import CAMPAIGN_ID, EXISTING_ARGS
from volubile_ext._cli import MAX_CAMPAIGN_FILE_BYTES
from volubile_ext.testing import Sandbox

pytestmark = CLI_SANDBOX

VALID_JSON_FIELDS = {**EXISTING_ARGS, "name": "JSON", "batch_size": 3}


def _json_text(**overrides: object) -> str:
    return json.dumps({**VALID_JSON_FIELDS, **overrides})


def _assert_one_line_refusal(result: Run, *needles: str) -> None:
    assert result.code == 2, result.err
    assert "Traceback" not in result.err
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("volubile: error: "), result.err
    for needle in needles:
        assert needle in lines[0], (needle, result.err)
    assert len(lines[0]) < 600  # bounded: the offending value is never dumped whole


BAD_CAMPAIGN_FILES: dict[str, tuple[str, str | bytes, str]] = {
    "deep JSON": (
        "c.json",
        '{"name": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "nested too deeply",
    ),
    "deep JSON within the parser's reach": (
        "c.json",
        _json_text()[:-1] + ', "recipients": ' + "[" * 500 + "]" * 500 + "}",
        "nested too deeply at recipients",
    ),
    "deep TOML": ("c.toml", "name = " + "[" * 100_000 + "]" * 100_000 + "\n", "nested too deeply"),
    "deep TOML tables": (
        "c.toml",
        "name = " + "{a=" * 5000 + "1" + "}" * 5000,
        "nested too deeply",
    ),
    "a long key deep down": (
        "c.json",
        '{"recipients": [{"context": {"' + "k" * 100_000 + '": ' + "[" * 40 + "]" * 40 + "}}]}",
        "nested too deeply at ...",
    ),
    "many unknown keys": (
        "c.json",
        json.dumps({f"x{n}" + "y" * 1000: 1 for n in range(10_000)}),
        "and 9995 more",
    ),
    "5,000-digit integer in JSON": (
        "c.json",
        _json_text()[:-1] + ', "batch_size": ' + "9" * 5000 + "}",
        "an integer of 5000 digits",
    ),
    "5,000-digit integer in TOML": (
        "c.toml",
        CAMPAIGN_TOML.replace("batch_size = 200", "batch_size = " + "9" * 5000),
        "an integer is too long",
    ),
    "200-digit integer in TOML context": (
        "c.toml",
        CAMPAIGN_TOML
        + '\n[[recipients]]\nphone = "+33612345678"\ncontext = {n = '
        + "9" * 200
        + "}\n",
        "an integer at recipients[0].context.n longer than 100 digits",
    ),
    "lone surrogate in JSON": (
        "c.json",
        _json_text(name="x\ud800"),
        "a lone surrogate at name (\\ud800)",
    ),
    "lone surrogate in a JSON key": (
        "c.json",
        '{"recipients": [{"phone": "+33612345678", "context": {"\\udc00": 1}}]}',
        "a key at recipients[0].context holds a lone surrogate",
    ),
    "NaN in JSON": ("c.json", _json_text()[:-1] + ', "batch_size": NaN}', "NaN is not a JSON"),
    "infinity in TOML": (
        "c.toml",
        CAMPAIGN_TOML.replace("batch_size = 200", "batch_size = inf"),
        "inf at batch_size is not a number",
    ),
    "a key given twice in JSON": (
        "c.json",
        _json_text()[:-1] + ', "name": "again"}',
        "the key 'name' is given twice",
    ),
    "not UTF-8": ("c.toml", 'name = "caf\xe9"'.encode("latin-1"), "is not UTF-8 text (byte 11)"),
}


@pytest.mark.parametrize("case", BAD_CAMPAIGN_FILES, ids=list(BAD_CAMPAIGN_FILES))
def test_a_bad_campaign_file_is_one_line_and_nothing_is_sent(
    cli: CLI, sandbox: Sandbox, keyed: None, tmp_path: Path, case: str
) -> None:
    name, text, message = BAD_CAMPAIGN_FILES[case]
    path = tmp_path / name
    # surrogatepass: the JSON cases write their surrogates as \u escapes, as an editor would.
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))

    result = cli("campaigns", "create", path, "--base-url", sandbox.url, "--yes")

    _assert_one_line_refusal(result, str(path), message)
    assert result.out == ""
    assert sandbox.requests == []


def test_the_campaign_file_is_read_bounded(cli: CLI, tmp_path: Path) -> None:
    # /dev/zero never ends: the read stops at the bound instead of exhausting memory.
    endless = tmp_path / "c.json"
    endless.symlink_to("/dev/zero")
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(MAX_CAMPAIGN_FILE_BYTES + 1)

    for path in (endless, big):
        result = cli("campaigns", "create", path, "--dry-run")

        _assert_one_line_refusal(result, "larger than 16 MiB", "--recipients")


def test_a_campaign_file_that_is_a_directory(cli: CLI, tmp_path: Path) -> None:
    folder = tmp_path / "c.toml"
    folder.mkdir()

    result = cli("campaigns", "create", folder, "--dry-run")

    _assert_one_line_refusal(result, "it is a directory")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_an_unreadable_campaign_file(cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(CAMPAIGN_TOML, encoding="utf-8")
    path.chmod(0)

    result = cli("campaigns", "create", path, "--dry-run")

    _assert_one_line_refusal(result, "permission denied")


def test_a_permission_refusal_is_one_line_whoever_runs_the_tests(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same refusal as above, for a root user too (who can read any file): the OS is made
    # to refuse the open.
    path = tmp_path / "c.toml"
    path.write_text(CAMPAIGN_TOML, encoding="utf-8")

    def refuse(self: Path, *_: object, **__: object) -> object:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)

    result = cli("campaigns", "create", path, "--dry-run")

    _assert_one_line_refusal(result, f"cannot read {path}: permission denied")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com", "--base-url 'ftp://example.com': not an http(s) URL"),
        ("http://[::1", "--base-url 'http://[::1': not an http(s) URL"),
        ("http://example.com", "clear text; use https://"),
    ],
)
def test_an_unusable_base_url_names_the_flag(cli: CLI, keyed: None, url: str, message: str) -> None:
    result = cli("campaigns", "get", "497f6eca-6276-4993-bfeb-53cbbbba6f08", "--base-url", url)

    _assert_one_line_refusal(result, message)
    assert "base_url" not in result.err
    assert "allow_insecure_http" not in result.err


def test_an_unusable_base_url_from_the_environment_names_the_variable(
    cli: CLI, keyed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOLUBILE_BASE_URL", "api.eu.volubile.ai")

    result = cli("campaigns", "get", "497f6eca-6276-4993-bfeb-53cbbbba6f08")

    _assert_one_line_refusal(result, "$VOLUBILE_BASE_URL 'api.eu.volubile.ai'")


def test_undecodable_bytes_in_arguments_are_shown_not_crashed_on(
    cli: CLI, keyed: None, sandbox: Sandbox, tmp_path: Path
) -> None:
    # A file name or id with bytes that are not UTF-8 reaches Python as lone surrogates; the
    # messages that quote them must still print.
    odd = os.fsdecode(b"\xff")

    results = [
        cli("campaigns", "create", tmp_path / f"{odd}.toml", "--dry-run"),
        cli("campaigns", "get", odd, "--base-url", sandbox.url),
        cli("--json", "campaigns", "get", odd, "--base-url", sandbox.url),
        cli("slots", "clip", odd),
    ]

    for result in results:
        assert result.code == 2, result.err
        assert "\\udcff" in result.err
    assert json.loads(results[2].out)["error"]["errors"][0]["rejected_value"] == odd
    assert sandbox.requests == []


def test_sandbox_db_that_is_a_directory(cli: CLI, tmp_path: Path) -> None:
    result = cli("sandbox", "--db", tmp_path)

    _assert_one_line_refusal(result, "cannot start the sandbox")


@pytest.mark.parametrize(
    "argv",
    [
        ["sandbox", "--port", "abc"],
        ["sandbox", "--port", "99999999999999999999999"],
        ["campaigns", "create"],
        ["token", "--scope"],
        ["slots", "clip"],
    ],
)
def test_argument_values_argparse_refuses_exit_2_without_a_traceback(
    cli: CLI, argv: list[str]
) -> None:
    result = cli(*argv)

    assert result.code == 2
    assert "Traceback" not in result.err
    assert result.err.splitlines()[-1].startswith("volubile")


@pytest.mark.parametrize("bad", ["\n", "\r\n", "\x07", "é"], ids=["LF", "CRLF", "BEL", "non-ASCII"])
def test_an_unusable_key_in_the_environment_names_the_variable_never_the_key(
    cli: CLI, monkeypatch: pytest.MonkeyPatch, bad: str, sandbox: Sandbox
) -> None:
    key = "vk_test_SPLIT-KEY" + bad + "SECOND-HALF-OF-THE-KEY"
    monkeypatch.setenv("VOLUBILE_API_KEY", key)
    result = cli("campaigns", "get", CAMPAIGN_ID, "--base-url", sandbox.url)
    _assert_one_line_refusal(result, "$VOLUBILE_API_KEY contains", "the value is not shown")
    assert sandbox.count() == 0
    for part in ("SPLIT-KEY", "SECOND-HALF-OF-THE-KEY"):
        assert part not in result.err + result.out
