"""A real, non-editable install of the project in a brand-new virtual environment."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests import ROOT


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_wheel_ships_both_packages_typed_and_installs_in_a_fresh_venv(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(wheels), str(ROOT)],
        check=True,
    )  # fmt: skip
    (wheel,) = wheels.glob("volubile-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "volubile_api/py.typed" in names
    assert "volubile_ext/py.typed" in names
    assert "volubile_api/api/campaigns/create.py" in names
    assert not any(name.startswith(("tests/", "scripts/", "generated/")) for name in names)

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
        check=True,
    )
    probe = (
        "import pathlib, volubile_api, volubile_ext;"
        "print(pathlib.Path(volubile_api.__file__).parent);"
        "print(pathlib.Path(volubile_ext.__file__).parent)"
    )
    out = subprocess.run(
        [str(python), "-c", probe], check=True, capture_output=True, text=True, cwd=tmp_path
    ).stdout.split()
    for folder in out:
        assert "site-packages" in folder, "imported from the source tree, not the install"
        assert (Path(folder) / "py.typed").exists()
