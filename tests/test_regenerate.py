"""scripts/regenerate.py: drift check, determinism, change summary, pinned generator."""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scripts import regenerate

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "regenerate.py"
COMMITTED = ROOT / "generated" / "volubile_api"


def run_script(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


@pytest.fixture
def committed_copy(tmp_path: Path) -> Path:
    target = tmp_path / "volubile_api"
    shutil.copytree(COMMITTED, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def spec_with_new_field(tmp_path: Path) -> Path:
    document = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    document["components"]["schemas"]["CampaignResponse"]["properties"]["archivedAt"] = {
        "type": "string",
        "format": "date-time",
        "description": "When the campaign was archived",
    }
    spec = tmp_path / "openapi.yaml"
    spec.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return spec


def test_check_passes_on_committed_tree() -> None:
    result = run_script("--check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "up to date" in result.stdout


def test_check_fails_with_diff_when_a_generated_file_is_edited(committed_copy: Path) -> None:
    model = committed_copy / "models" / "campaign_response.py"
    model.write_text(model.read_text(encoding="utf-8") + "\n# edited by hand\n", encoding="utf-8")
    result = run_script("--check", "--target", committed_copy)
    assert result.returncode == 1
    assert "-# edited by hand" in result.stdout
    assert "models changed: campaign_response" in result.stdout
    assert "python scripts/regenerate.py" in result.stdout


def test_check_fails_when_a_stale_file_is_left_behind(committed_copy: Path) -> None:
    (committed_copy / "models" / "leftover.py").write_text("X = 1\n", encoding="utf-8")
    result = run_script("--check", "--target", committed_copy)
    assert result.returncode == 1
    assert "models removed: leftover" in result.stdout


def test_check_fails_when_spec_changes_without_regeneration(
    tmp_path: Path, committed_copy: Path
) -> None:
    spec = spec_with_new_field(tmp_path)
    result = run_script("--check", "--spec", spec, "--target", committed_copy)
    assert result.returncode == 1
    assert "archived_at" in result.stdout


def test_spec_change_regenerates_and_summary_names_the_field(
    tmp_path: Path, committed_copy: Path
) -> None:
    spec = spec_with_new_field(tmp_path)
    result = run_script("--spec", spec, "--target", committed_copy)
    assert result.returncode == 0, result.stderr
    assert "models changed: campaign_response — CampaignResponse (+archived_at)" in result.stdout
    source = (committed_copy / "models" / "campaign_response.py").read_text(encoding="utf-8")
    assert "archived_at: datetime.datetime | Unset = UNSET" in source
    # The regenerated tree is what --check now expects.
    assert run_script("--check", "--spec", spec, "--target", committed_copy).returncode == 0


def test_regeneration_replaces_the_tree_wholesale(committed_copy: Path) -> None:
    stale = committed_copy / "api" / "campaigns" / "removed_operation.py"
    stale.write_text("X = 1\n", encoding="utf-8")
    result = run_script("--target", committed_copy)
    assert result.returncode == 0, result.stderr
    assert "operations removed: campaigns/removed_operation" in result.stdout
    assert not stale.exists()
    assert regenerate.snapshot(committed_copy) == regenerate.snapshot(COMMITTED)


def test_two_regenerations_are_byte_identical(tmp_path: Path) -> None:
    first = regenerate.generate(regenerate.SPEC, tmp_path / "one")
    second = regenerate.generate(regenerate.SPEC, tmp_path / "two")
    assert regenerate.snapshot(first) == regenerate.snapshot(second)
    assert (first / "py.typed").exists()
    assert not any(first.rglob(".ruff_cache"))


def test_refuses_another_generator_version(monkeypatch: pytest.MonkeyPatch) -> None:
    real_version = importlib.metadata.version

    def fake_version(name: str) -> str:
        return "0.1.0" if name == "openapi-python-client" else real_version(name)

    monkeypatch.setattr(importlib.metadata, "version", fake_version)
    with pytest.raises(regenerate.RegenerationError) as caught:
        regenerate.check_tool_versions()
    message = str(caught.value)
    assert "openapi-python-client==0.29.1 is required" in message
    assert "version 0.1.0 is installed" in message
    assert "pip install 'openapi-python-client==0.29.1'" in message


def test_invalid_spec_is_refused_before_generation(tmp_path: Path, committed_copy: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text("openapi: 3.0.1\ninfo: {title: x}\npaths: {}\n", encoding="utf-8")
    result = run_script("--spec", spec, "--target", committed_copy)
    assert result.returncode == 2
    assert "is not a valid OpenAPI document" in result.stderr
    assert regenerate.snapshot(committed_copy) == regenerate.snapshot(COMMITTED)


def test_spec_is_valid_and_keeps_its_evidence_and_fix_notes() -> None:
    regenerate.validate_spec(regenerate.SPEC)
    text = (ROOT / "openapi.yaml").read_text(encoding="utf-8")
    assert text.count("x-volubile-evidence") >= 4
    assert text.count("x-volubile-fix") >= 8


def test_generated_readme_says_do_not_edit() -> None:
    readme = (COMMITTED / "README.md").read_text(encoding="utf-8")
    assert "do not edit" in readme.lower()
