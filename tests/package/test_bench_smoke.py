"""``scripts/bench.py --quick`` runs and writes its report.

This checks that the benchmark works, not its figures: performance targets are judged by the
benchmark itself (BENCHMARKS.md), never by timed assertions in the test suite.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import pytest

from tests import ROOT

SECTIONS = (
    "Per-request overhead",
    "Import time",
    "A 1,000-recipient campaign body",
    "Importing recipients from CSV",
    "Creating a campaign with many recipients",
    "Bulk creation without a rate limit",
    "Concurrent async requests",
    "Bulk creation under the rate limit",
    "A burst of concurrent requests under the rate limit",
    "Token single flight",
    "Four processes sharing one rate limit through Redis",
    "Campaign results",
)


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_quick_benchmark_runs_and_writes_the_table(tmp_path: Path) -> None:
    report = tmp_path / "BENCHMARKS.md"
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench.py"), "--quick", "--output", str(report)],
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]

    header = "| measurement | ours | baseline | ratio (spread) | target | met? |"
    assert header in result.stdout  # the table is printed...
    text = report.read_text(encoding="utf-8")
    assert header in text  # ...and written, with the machine it ran on
    for fact in ("- CPU:", "- Python:", "- httpx", "- Date:"):
        assert fact in text
    for section in SECTIONS:
        assert f"## {section}" in text
    lines = text.splitlines()
    start = lines.index(header) + 2  # past the header and its |---| line
    summary = list(itertools.takewhile(lambda line: line.startswith("| "), lines[start:]))
    assert len(summary) >= 18
    for row in summary:
        cells = [cell.strip() for cell in row.strip().strip("|").split(" | ")]
        assert len(cells) == 6, row
        assert cells[5] in {"yes", "**no**", "–"}, row
