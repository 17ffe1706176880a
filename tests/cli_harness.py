"""The ``volubile`` command line under test: fixtures and helpers shared by the CLI test files.

Loaded as a pytest plugin by ``tests/conftest.py``, so every test file can ask for ``cli``,
``keyed`` and ``no_tty`` by name; a CLI test file marks itself ``pytestmark = CLI_SANDBOX`` so that
the shared ``sandbox`` fixture accepts ``SECRET_KEY``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
import pytest

from tests import ROOT
from volubile_ext._cli import main
from volubile_ext.testing import Sandbox

EXAMPLE_CAMPAIGN = ROOT / "examples" / "campaign.toml"
EXAMPLE_RECIPIENTS = ROOT / "examples" / "recipients.csv"
# The README's main command: the example campaign with the example recipients.
EXAMPLE_CREATE: tuple[str | Path, ...] = (
    "campaigns",
    "create",
    EXAMPLE_CAMPAIGN,
    "--recipients",
    EXAMPLE_RECIPIENTS,
)
CONSOLE_SCRIPT = Path(sys.executable).with_name("volubile")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# A key that is easy to look for in any output: it must never appear there.
SECRET_KEY = "vk_test_THIS-MUST-NEVER-BE-PRINTED-0123456789"
# The shared sandbox fixture as the CLI tests want it: it takes SECRET_KEY, and has no rate limit.
CLI_SANDBOX = pytest.mark.sandbox(api_keys=[SECRET_KEY], rate_limit=None)

# The campaign names the sandbox's seeded OUTBOUND agent: `campaigns create` checks it first.
CAMPAIGN_TOML = f"""
name = "Renouvellements"
agent_id = "{Sandbox.OUTBOUND_AGENT_ID}"
start_date = 2027-06-07
days = "weekdays"
time_slots = ["09:00-15:00"]
batch_size = 200
timezone = "Europe/Paris"

[retry]
max = 2
delay = 4
retry_on = ["NO_ANSWER", "VOICE_BOX"]
"""


@attrs.frozen
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def no_tty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", FakeStdin(tty=False))


CLI = Callable[..., Run]


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, no_tty: None
) -> Iterator[CLI]:
    """Run ``volubile ARGS`` in-process; the environment holds no key or URL unless set."""
    monkeypatch.delenv("VOLUBILE_API_KEY", raising=False)
    monkeypatch.delenv("VOLUBILE_BASE_URL", raising=False)

    def run(*argv: str | Path) -> Run:
        capsys.readouterr()
        code = main([str(arg) for arg in argv])
        captured = capsys.readouterr()
        for stream in (captured.out, captured.err):
            assert SECRET_KEY not in stream
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def keyed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOLUBILE_API_KEY", SECRET_KEY)


class FakeStdin:
    def __init__(self, *, tty: bool) -> None:
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty

    def read(self, *_: object) -> str:
        raise AssertionError("the command must not read stdin")


class AnsweringTerminal:
    """stdin of a terminal where the person types ``answer`` (for a confirmation question)."""

    def __init__(self, answer: str) -> None:
        self.answer = answer

    def isatty(self) -> bool:
        return True

    def readline(self) -> str:
        return self.answer


def clean_environment(**extra: str) -> dict[str, str]:
    """This process's environment without any ``VOLUBILE_*`` variable, and with ``extra``: a
    child ``volubile`` sees only the key and URL a test gives it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VOLUBILE_")}
    env.update(extra)
    return env


def start_console(*argv: str | Path, **env: str) -> subprocess.Popen[str]:
    """``volubile ARGV`` as a child process (text pipes for stdout and stderr, no stdin), in
    ``clean_environment(**env)``."""
    return subprocess.Popen(
        [str(CONSOLE_SCRIPT), *map(str, argv)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_environment(**env),
    )


def people_csv(tmp_path: Path, count: int) -> Path:
    """A CSV of ``count`` distinct E.164 numbers (``people.csv`` in ``tmp_path``)."""
    path = tmp_path / "people.csv"
    path.write_text(
        "phone\n" + "".join(f"+336{10000000 + n}\n" for n in range(count)), encoding="utf-8"
    )
    return path


def campaign_file(tmp_path: Path, text: str = CAMPAIGN_TOML, name: str = "c.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
