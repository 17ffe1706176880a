"""The README shows what the code does: its examples are run and their output compared.

- A ``console`` block's ``$ `` lines are run in a shell at the repository's root, with the
  installed ``volubile`` first on PATH; what follows each one, up to the next ``$ `` line, is
  exactly what it prints (stdout and stderr, as a terminal shows them).
- A ``python`` block followed by a ``text`` block (directly, or after a sentence ending in
  "prints:") is run against a fresh sandbox
  (``VOLUBILE_API_KEY`` and ``VOLUBILE_BASE_URL`` point at it, as ``volubile sandbox`` tells you
  to set them), in a folder holding the README's ``csv NAME`` blocks as files; the text block is
  exactly what it prints.

Ids and sandbox ports differ on every run: both sides have them replaced before comparing.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

from tests.cli_harness import CONSOLE_SCRIPT, ROOT, UUID, clean_environment
from volubile_ext._cli import _parser
from volubile_ext.testing import Sandbox

README = ROOT / "README.md"
FENCE = re.compile(r"^```(?P<info>[^\n]*)\n(?P<body>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
LOOPBACK_URL = re.compile(r"http://127\.0\.0\.1:\d+")


@attrs.frozen
class Block:
    info: str
    body: str
    line: int
    start: int
    end: int

    @property
    def language(self) -> str:
        return self.info.split(" ", 1)[0]


def _blocks() -> list[Block]:
    text = README.read_text(encoding="utf-8")
    return [
        Block(
            found["info"].strip(),
            found["body"],
            text.count("\n", 0, found.start()) + 1,
            found.start(),
            found.end(),
        )
        for found in FENCE.finditer(text)
    ]


def _normalised(text: str) -> str:
    return LOOPBACK_URL.sub("http://127.0.0.1:PORT", UUID.sub("<id>", text))


def _console_examples() -> list[tuple[str, str, int]]:
    examples = []
    for block in _blocks():
        if block.language != "console":
            continue
        command: str | None = None
        shown: list[str] = []
        for line in [*block.body.splitlines(), "$ "]:
            if line.startswith("$ "):
                if command:
                    examples.append((command, "".join(shown), block.line))
                command, shown = line[2:].strip(), []
            elif command is not None:
                shown.append(line + "\n")
    return examples


def _python_examples() -> list[tuple[Block, Block]]:
    text = README.read_text(encoding="utf-8")
    blocks = _blocks()
    pairs = []
    for code, output in itertools.pairwise(blocks):
        between = text[code.end : output.start].strip()
        if (
            code.language == "python"
            and output.language == "text"
            and (not between or between.endswith("prints:"))
        ):
            pairs.append((code, output))
    return pairs


CONSOLE = _console_examples()
PYTHON = _python_examples()


def test_the_readme_has_examples_to_run() -> None:
    # The collection itself must not silently find nothing.
    assert len(CONSOLE) >= 3
    assert len(PYTHON) >= 2


def _environment(**extra: str) -> dict[str, str]:
    path = f"{CONSOLE_SCRIPT.parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return clean_environment(PATH=path, COLUMNS="100", **extra)


@pytest.mark.parametrize(
    ("command", "shown"),
    [(command, shown) for command, shown, _ in CONSOLE],
    ids=[f"README line {line}: {command[:40]}" for command, _, line in CONSOLE],
)
def test_console_example_prints_what_the_readme_shows(command: str, shown: str) -> None:
    completed = subprocess.run(
        ["bash", "-c", command],
        cwd=ROOT,
        env=_environment(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
        check=False,
    )

    assert _normalised(completed.stdout) == _normalised(shown)


@pytest.mark.parametrize(
    ("code", "shown"),
    PYTHON,
    ids=[f"README line {code.line}" for code, _ in PYTHON],
)
def test_python_example_prints_what_the_readme_shows(
    code: Block, shown: Block, tmp_path: Path
) -> None:
    for block in _blocks():
        if block.language == "csv" and " " in block.info:
            (tmp_path / block.info.split(" ", 1)[1].strip()).write_text(
                block.body, encoding="utf-8"
            )
    script = tmp_path / "example.py"
    script.write_text(code.body, encoding="utf-8")

    with Sandbox() as sandbox:
        completed = subprocess.run(
            [sys.executable, str(script)],
            cwd=tmp_path,
            env=_environment(VOLUBILE_API_KEY=sandbox.api_key, VOLUBILE_BASE_URL=sandbox.url),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    assert completed.returncode == 0, completed.stderr
    assert _normalised(completed.stdout) == _normalised(shown.body)


def _options(parser: argparse.ArgumentParser) -> set[str]:
    found: set[str] = set()
    for action in parser._actions:
        found.update(option for option in action.option_strings if option.startswith("--"))
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found |= _options(sub)
    return found


def test_every_command_line_option_is_documented() -> None:
    text = README.read_text(encoding="utf-8")
    undocumented = sorted(
        option
        for option in _options(_parser())
        if not re.search(rf"`{re.escape(option)}[` ]", text)
    )

    assert undocumented == []


def test_every_exit_code_is_documented() -> None:
    text = README.read_text(encoding="utf-8")

    for code in (0, 1, 2, 130):
        assert re.search(rf"^\| {code} \| ", text, re.MULTILINE), code
