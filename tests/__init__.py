"""The test suite: ``ROOT`` is the repository's root, for every test file whatever its folder."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
