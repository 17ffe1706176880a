"""Everything the tests read is inside the repository: a fresh clone, with nothing beside it, runs
the whole suite. The vendor's published spec is kept verbatim under vendor/."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import yaml

from tests import ROOT
from tests.conformance.conftest import VENDOR_SPEC

# The digest of the file as the vendor published it (vendor/README.md quotes it too).
VENDOR_SPEC_SHA256 = "3a9421f079237c2d66178cb76a03cc0aa5c343b908142dad926c6344abddfbb6"


def test_the_vendor_spec_is_inside_the_repository_and_verbatim() -> None:
    assert VENDOR_SPEC.is_relative_to(ROOT)
    assert hashlib.sha256(VENDOR_SPEC.read_bytes()).hexdigest() == VENDOR_SPEC_SHA256
    readme = (VENDOR_SPEC.parent / "README.md").read_text(encoding="utf-8")
    assert VENDOR_SPEC_SHA256 in readme
    assert "verbatim" in readme
    document = yaml.safe_load(VENDOR_SPEC.read_text(encoding="utf-8"))
    assert "post" in document["paths"]["/v1/campaigns"]


def test_no_test_or_script_reads_a_folder_beside_the_clone() -> None:
    # The conformance suite once read the vendor's spec from a folder beside the clone.
    outside = re.compile(r"""["'/]shared["'/]""")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("tests", "scripts")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path != Path(__file__)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if outside.search(line)
    ]
    assert offenders == []
