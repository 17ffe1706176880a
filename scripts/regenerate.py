#!/usr/bin/env python3
"""Regenerate ``generated/volubile_api/`` from ``openapi.yaml``: the only way to produce it.

Usage::

    python scripts/regenerate.py          # validate, generate, replace the tree, summarise
    python scripts/regenerate.py --check  # exit 1 with a diff when the committed tree is stale

The generator and the formatter it runs are pinned in ``pyproject.toml``; any other version is
refused, because a different version writes a different tree. Generation happens in a temporary
folder, so a failure never leaves a half-written package behind, and the committed folder is
replaced wholesale, so no stale module survives. Nothing here touches the network.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import hashlib
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
CONFIG = ROOT / "scripts" / "generator-config.yaml"
TEMPLATES = ROOT / "scripts" / "templates"
TARGET = ROOT / "generated" / "volubile_api"
PYPROJECT = ROOT / "pyproject.toml"
PINNED_TOOLS = ("openapi-python-client", "ruff")

README = """\
# volubile_api — generated code, do not edit

Everything in this folder is written by `scripts/regenerate.py` from `openapi.yaml` with
openapi-python-client {version}. Do not edit it by hand: change `openapi.yaml`,
`scripts/generator-config.yaml` or `volubile_ext/`, then run `python scripts/regenerate.py`.
`python scripts/regenerate.py --check` (run in CI) fails when this folder is not what the
spec generates.
"""


class RegenerationError(Exception):
    """A problem the person running the script must fix; printed without a traceback."""


def pinned_version(distribution: str, pyproject: Path = PYPROJECT) -> str:
    """Return the exact version pinned for ``distribution`` in the ``dev`` extra."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    pattern = re.compile(rf"^{re.escape(distribution)}\s*==\s*([^\s;,]+)", re.IGNORECASE)
    for requirement in project["optional-dependencies"]["dev"]:
        if match := pattern.match(requirement):
            return match.group(1)
    raise RegenerationError(
        f"pyproject.toml pins no exact version of {distribution} in the dev extra"
    )


def check_tool_versions() -> None:
    """Refuse to run with a generator or formatter other than the pinned ones."""
    for distribution in PINNED_TOOLS:
        wanted = pinned_version(distribution)
        try:
            installed = importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            installed = None
        if installed != wanted:
            found = f"version {installed} is installed" if installed else "it is not installed"
            raise RegenerationError(
                f"{distribution}=={wanted} is required (pinned in pyproject.toml), but {found}. "
                f"Install it with: python -m pip install '{distribution}=={wanted}' "
                "(or: python -m pip install -e '.[dev]')"
            )


_OVERRIDE_HEADER = re.compile(
    r"\A\{#- Override of openapi-python-client (?P<version>\S+) templates/(?P<path>\S+)\s+"
    r"upstream sha256 (?P<sha256>[0-9a-f]{64})\s"
)
_NEW_TEMPLATE_HEADER = re.compile(r"\A\{#- volubile template, no upstream counterpart")


def upstream_templates() -> Path:
    """The template folder of the installed openapi-python-client."""
    import openapi_python_client

    return Path(openapi_python_client.__file__).resolve().parent / "templates"


def check_templates(templates: Path = TEMPLATES, upstream: Path | None = None) -> None:
    """Refuse a custom template that no longer matches the pinned generator's template set.

    An override replaces the generator's template of the same path, so it is a copy of that
    template with our changes: its first line names the upstream template, the generator
    version and the SHA-256 of the upstream text it was derived from. A different upstream text
    (another generator version) or a file that overrides nothing (a misspelt name, which the
    generator would silently ignore) stops generation here, before it writes code that quietly
    lost a fix. A helper template of ours says so in its first line and must be imported.
    """
    upstream = upstream or upstream_templates()
    version = pinned_version("openapi-python-client")
    files = sorted(path for path in templates.rglob("*") if path.is_file())
    texts = {path: path.read_text(encoding="utf-8") for path in files}
    problems: list[str] = []
    for path, text in texts.items():
        name = path.relative_to(templates).as_posix()
        shown = _shown(path)
        original = upstream / name
        if _NEW_TEMPLATE_HEADER.match(text):
            if original.exists():
                problems.append(f"{shown} is marked as new, yet it overrides templates/{name}")
            elif not any(name in texts[other] for other in texts if other != path):
                problems.append(f"{shown} is a helper template that no override imports")
            continue
        header = _OVERRIDE_HEADER.match(text)
        if header is None:
            problems.append(
                f"{shown} must start with '{{#- Override of openapi-python-client {version} "
                f"templates/{name}' and the upstream template's sha256 (or, for a helper, "
                "'{#- volubile template, no upstream counterpart')"
            )
            continue
        if header["path"] != name:
            problems.append(f"{shown} says it overrides templates/{header['path']}, not {name}")
        elif not original.exists():
            problems.append(
                f"{shown} overrides templates/{name}, which openapi-python-client {version} "
                "does not have: the generator would ignore it"
            )
        elif header["version"] != version:
            problems.append(
                f"{shown} was derived from openapi-python-client {header['version']}, "
                f"but {version} is pinned: derive it again from the pinned template"
            )
        else:
            actual = hashlib.sha256(original.read_bytes()).hexdigest()
            if actual != header["sha256"]:
                problems.append(
                    f"{shown} was derived from a templates/{name} with sha256 "
                    f"{header['sha256']}, but the installed openapi-python-client {version} "
                    f"has sha256 {actual}: compare the two, carry our change over and update "
                    "the header"
                )
    if problems:
        raise RegenerationError("custom templates out of date:\n  " + "\n  ".join(problems))


def validate_spec(spec: Path) -> None:
    """Fail with the validator's message when ``spec`` is not a valid OpenAPI document."""
    from openapi_spec_validator import validate
    from openapi_spec_validator.readers import read_from_filename

    try:
        document, _ = read_from_filename(str(spec))
        validate(document)
    except Exception as error:  # the validator raises several unrelated types
        raise RegenerationError(f"{spec} is not a valid OpenAPI document: {error}") from error


def generate(spec: Path, workdir: Path, templates: Path = TEMPLATES) -> Path:
    """Generate the package from ``spec`` into a fresh folder under ``workdir``; return it."""
    output = workdir / "volubile_api"
    # The post-hooks call `ruff`: make the one installed beside this interpreter the one found.
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    command = [
        sys.executable,
        "-m",
        "openapi_python_client",
        "generate",
        "--path",
        str(spec),
        "--config",
        str(CONFIG),
        "--custom-template-path",
        str(templates),
        "--meta",
        "none",
        "--output-path",
        str(output),
        "--fail-on-warning",
    ]
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0 or not (output / "__init__.py").exists():
        raise RegenerationError(
            "openapi-python-client failed:\n" + (result.stdout + result.stderr).strip()
        )
    if "Skipping" in result.stdout:  # the generator skips a missing post-hook tool silently
        raise RegenerationError("a generator post-hook was skipped:\n" + result.stdout.strip())
    for cache in output.rglob(".ruff_cache"):
        shutil.rmtree(cache)
    (output / "py.typed").write_text("# Marker file for PEP 561\n", encoding="utf-8")
    version = pinned_version("openapi-python-client")
    (output / "README.md").write_text(README.format(version=version), encoding="utf-8")
    return output


def snapshot(tree: Path) -> dict[str, bytes]:
    """Map every file below ``tree`` (relative POSIX path) to its bytes."""
    if not tree.exists():
        return {}
    return {
        path.relative_to(tree).as_posix(): path.read_bytes()
        for path in sorted(tree.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def _model_fields(source: bytes) -> dict[str, dict[str, str]]:
    """Each class of a generated module: its attribute names and their annotations."""
    fields: dict[str, dict[str, str]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef):
            found: dict[str, str] = {}
            for item in node.body:
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    found[item.target.id] = ast.unparse(item.annotation)
                elif isinstance(item, ast.Assign):  # enum members
                    for target in item.targets:
                        if isinstance(target, ast.Name):
                            found[target.id] = ast.unparse(item.value)
            fields[node.name] = found
    return fields


def _describe_change(old: bytes, new: bytes) -> str:
    old_fields, new_fields = _model_fields(old), _model_fields(new)
    parts = []
    for name in sorted(old_fields.keys() | new_fields.keys()):
        before, after = old_fields.get(name, {}), new_fields.get(name, {})
        marks = [f"+{field}" for field in sorted(after.keys() - before.keys())]
        marks += [f"-{field}" for field in sorted(before.keys() - after.keys())]
        marks += [
            f"~{field}: {before[field]} -> {after[field]}"
            for field in sorted(before.keys() & after.keys())
            if before[field] != after[field]
        ]
        if marks:
            parts.append(f"{name} ({', '.join(marks)})")
    return "; ".join(parts)


def summarize(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> list[str]:
    """Readable lines naming the operations and models added, removed and changed."""
    lines: list[str] = []
    for kind, prefix in (("operations", "api/"), ("models", "models/")):

        def names(tree: Mapping[str, bytes], prefix: str = prefix) -> set[str]:
            return {
                path
                for path in tree
                if path.startswith(prefix) and path.endswith(".py") and "__init__" not in path
            }

        def label(path: str, prefix: str = prefix) -> str:
            return path.removeprefix(prefix).removesuffix(".py")

        before, after = names(old), names(new)
        added = sorted(after - before)
        removed = sorted(before - after)
        changed = sorted(path for path in before & after if old[path] != new[path])
        if added:
            lines.append(f"{kind} added: " + ", ".join(label(path) for path in added))
        if removed:
            lines.append(f"{kind} removed: " + ", ".join(label(path) for path in removed))
        for path in changed:
            detail = _describe_change(old[path], new[path]) if kind == "models" else ""
            lines.append(f"{kind} changed: {label(path)}" + (f" — {detail}" if detail else ""))
    other = sorted(
        path
        for path in old.keys() | new.keys()
        if not path.startswith(("api/", "models/")) and old.get(path) != new.get(path)
    )
    if other:
        lines.append("other files changed: " + ", ".join(other))
    return lines


def unified_diff(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> str:
    """A unified diff of two snapshots, committed tree first."""
    chunks: list[str] = []
    for path in sorted(old.keys() | new.keys()):
        if old.get(path) == new.get(path):
            continue
        before = old.get(path, b"").decode("utf-8", "replace").splitlines(keepends=True)
        after = new.get(path, b"").decode("utf-8", "replace").splitlines(keepends=True)
        chunks.extend(
            difflib.unified_diff(
                before,
                after,
                fromfile=f"committed/{path}" if path in old else "/dev/null",
                tofile=f"generated/{path}" if path in new else "/dev/null",
            )
        )
    return "".join(chunk if chunk.endswith("\n") else chunk + "\n" for chunk in chunks)


def replace_tree(source: Path, target: Path) -> None:
    """Replace ``target`` with ``source`` wholesale, so no stale file survives."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(target.name + ".new")
    if staging.exists():
        shutil.rmtree(staging)
    shutil.copytree(source, staging)
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--check", action="store_true", help="compare with the committed tree; exit 1 if stale"
    )
    parser.add_argument(
        "--spec", type=Path, default=SPEC, help="the OpenAPI document (default: openapi.yaml)"
    )
    parser.add_argument(
        "--target", type=Path, default=TARGET, help="the package folder to write or check"
    )
    args = parser.parse_args(argv)
    spec: Path = args.spec.resolve()
    target: Path = args.target.resolve()

    try:
        check_tool_versions()
        check_templates()
        validate_spec(spec)
        with tempfile.TemporaryDirectory(prefix="volubile-regen-") as workdir:
            fresh = generate(spec, Path(workdir))
            old, new = snapshot(target), snapshot(fresh)
            if args.check:
                if old == new:
                    print(f"{_shown(target)} is up to date with {spec.name}.")
                    return 0
                sys.stdout.write(unified_diff(old, new))
                print("\nThe committed generated code differs from what the spec generates:")
                for line in summarize(old, new):
                    print(f"  {line}")
                print("Run: python scripts/regenerate.py  (then commit the result)")
                return 1
            replace_tree(fresh, target)
    except RegenerationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    lines = summarize(old, new)
    print(f"Regenerated {_shown(target)} from {spec.name}.")
    for line in lines or ["no changes"]:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
