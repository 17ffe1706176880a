#!/usr/bin/env python3
"""Regenerate ``generated/volubile_api/`` from ``openapi.yaml``: the only way to produce it.

Usage::

    python scripts/regenerate.py          # validate, generate, replace the tree, summarise
    python scripts/regenerate.py --check  # exit 1 with a diff when the committed tree is stale

The generator and the formatter it runs are pinned in ``pyproject.toml``; any other version is
refused, because a different version writes a different tree. The generator runs with the custom
templates of ``scripts/templates/`` (what its own templates get wrong for us: see each file's
header), each checked against the pinned generator's template it was derived from. Beside the
generated code, the package gets ``_spec.py``: the constraints and enums that openapi.yaml
states, as constants read by the client's checks and by the sandbox. Generation happens in a
temporary folder, so a failure never leaves a half-written package behind, and the committed
folder is replaced wholesale, so no stale module survives. Nothing here touches the network.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import hashlib
import importlib.metadata
import json
import keyword
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

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
openapi-python-client {version} and the custom templates of `scripts/templates/`; `_spec.py`,
the table of the spec's constraints and enums, by `regenerate.py` itself. Do not edit it by hand:
change `openapi.yaml`, `scripts/generator-config.yaml`, `scripts/templates/` or `volubile_ext/`,
then run `python scripts/regenerate.py`.
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


# The spec table (``volubile_api/_spec.py``): the constraints and enums openapi.yaml states, as
# constants, so that the client's checks and the sandbox read them instead of copying them.
SPEC_TABLE = "_spec.py"
# The JSON Schema keywords the table records, in this order, each with the spec's value.
TABLE_KEYWORDS = (
    "type",
    "format",
    "enum",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "nullable",
    "default",
)
# Keywords that state nothing to check (annotations), and those the table follows rather than
# copies (properties, items, additionalProperties, required, $ref, oneOf, anyOf). Any other
# keyword stops regeneration: a constraint the table would silently leave out.
_ANNOTATIONS = frozenset(
    {"description", "example", "examples", "title", "deprecated", "externalDocs", "xml"}
)
_FOLLOWED = frozenset(
    {"properties", "items", "additionalProperties", "required", "$ref", "oneOf", "anyOf"}
)

# What the table writes in a property's, a parameter's and a request body's class beside the
# schema's keywords.
_PROPERTY_NAMES = frozenset({"name", "python_name", "required"})
_PARAMETER_NAMES = frozenset({"name", "location", "required"})
_BODY_NAMES = frozenset({"required"})

SPEC_TABLE_HEADER = '''\
"""The constraints and enums that openapi.yaml states, as constants: generated, do not edit.

Written by scripts/regenerate.py from openapi.yaml with the rest of this package
(``regenerate.py --check`` fails when it is stale). Names are the spec's, not Python's:

- one class per schema of ``components.schemas``, holding one class per property;
- ``operations.<operationId>``: the operation's ``method``, ``path``, ``scope`` (the token
  scope it requires, ``x-volubile-scope``; absent: an API key only), ``requestBody`` (its
  inline schema, or ``ref`` naming the component) and ``parameters``, one class each;
- a property's class holds the JSON Schema keywords the spec states for it (``minimum``,
  ``maxItems``, ``pattern``, ``enum`` in the spec's order...) with the spec's values, plus
  ``name`` (its JSON name), ``python_name`` (the generated model's attribute), ``required``,
  ``ref`` (the component it refers to), ``oneOf`` (the types of the options) and nested
  classes for ``items`` and ``additionalProperties``; a schema's ``properties`` names them
  in the spec's order;
- ``<Schema>Fields``, for each schema an operation takes as its body: a TypedDict of the
  fields the hand-written client does not type itself, keyed by their Python names, so that
  a field the spec adds is a typed keyword argument (``**fields: Unpack[...]``).

A name that is not a Python identifier is spelt as one: ``from`` is ``from_``, ``x-id`` is
``x_id``, and a property named like a keyword its class holds (an agent's ``type``, beside the
schema's own ``type``) is ``type_``.

A keyword the spec does not state is absent, so code that reads one fails type checking, with
its name, when the spec stops stating it: ``CreateCampaignRequest.timeSlots.maxItems``, say.
"""

from typing import Final
'''

# The request fields for which volubile_ext writes a keyword argument of its own, with forgiving
# input and rules (``days="weekdays"``, ``time_slots="09:00-15:00"``, E.164 numbers...), by body
# schema. Every other field of a request body goes into the generated ``<Schema>Fields``
# TypedDict, which the client unpacks as ``**fields``: mypy refuses an unpacked TypedDict whose
# keys repeat a named parameter, hence the list. tests/test_spec_table.py checks it against the
# rules of volubile_ext (a name listed here that the spec drops is simply not excluded).
HAND_TYPED_FIELDS: Mapping[str, tuple[str, ...]] = {
    "AuthTokenRequest": ("scope",),
    "CreateCampaignRequest": (
        "name",
        "agentId",
        "startDate",
        "timeSlots",
        "batchSize",
        "retry",
        "days",
        "recipients",
        "timezone",
    ),
}
# How a JSON Schema type reads as a Python argument: the JSON form, and for the formats the
# generated models convert, their Python value too.
_PYTHON_TYPES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
_PYTHON_FORMATS = {
    "date": ("datetime", "datetime.date | str"),
    "date-time": ("datetime", "datetime.datetime | str"),
    "uuid": ("uuid", "uuid.UUID | str"),
}


def _python_name(name: str) -> str:
    """The attribute name openapi-python-client gives the property ``name`` in its models."""
    from openapi_python_client.strings import PythonIdentifier

    return str(PythonIdentifier(name, prefix="field_"))


def _identifier(name: str) -> str:
    """A Python identifier for a name of the spec (``from`` -> ``from_``, ``x-id`` -> ``x_id``)."""
    text = re.sub(r"\W", "_", name)
    if not text or text[0].isdigit():
        text = "_" + text
    return text + "_" if keyword.iskeyword(text) else text


def _literal(value: object, where: str) -> str:
    if isinstance(value, str):
        return json.dumps(value)  # a valid Python string literal, escapes included
    if value is None or isinstance(value, bool | int | float):
        return repr(value)
    raise RegenerationError(f"openapi.yaml: {where} has a value the spec table cannot hold")


class _TableWriter:
    """Python source for the spec table: nested classes of constants."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def constant(self, depth: int, name: str, value: object, where: str) -> None:
        pad = "    " * depth
        if isinstance(value, list):
            self.lines.append(f"{pad}{name}: Final = (")
            self.lines.extend(f"{pad}    {_literal(item, where)}," for item in value)
            self.lines.append(f"{pad})")
        else:
            self.lines.append(f"{pad}{name}: Final = {_literal(value, where)}")

    def open_class(self, depth: int, name: str, doc: str | None = None) -> None:
        if self.lines[-1].strip() and not self.lines[-1].rstrip().endswith(":"):
            self.lines.append("")
        self.lines.append(f"{'    ' * depth}class {name}:")
        if doc:
            self.lines.append(f'{"    " * (depth + 1)}"""{doc}"""')

    def schema(
        self, depth: int, schema: Mapping[str, Any], where: str, taken: frozenset[str] = frozenset()
    ) -> None:
        """The keywords of ``schema`` at ``depth``, and classes for the schemas it holds.

        ``taken``: the names the caller already wrote in this class (``name``, ``required``).
        """
        unknown = sorted(
            key
            for key in schema
            if key not in TABLE_KEYWORDS
            and key not in _ANNOTATIONS
            and key not in _FOLLOWED
            and not key.startswith("x-")
        )
        if unknown:
            raise RegenerationError(
                f"openapi.yaml: {where} uses {', '.join(unknown)}, which the spec table does not "
                "record: add it to TABLE_KEYWORDS (a constraint) or to the keywords it follows "
                "or ignores, in scripts/regenerate.py"
            )
        written = set(taken)
        if "$ref" in schema:
            self.constant(depth, "ref", schema["$ref"].rsplit("/", 1)[-1], where)
            written.add("ref")
        for name in TABLE_KEYWORDS:
            if name in schema:
                self.constant(depth, name, schema[name], f"{where}.{name}")
                written.add(name)
        for composition in ("oneOf", "anyOf"):
            if composition in schema:
                kinds = []
                for option in schema[composition]:
                    kind = option.get("type") or option.get("$ref", "").rsplit("/", 1)[-1]
                    if not kind:
                        raise RegenerationError(
                            f"openapi.yaml: {where}.{composition} has an option without a type"
                        )
                    kinds.append(kind)
                self.constant(depth, composition, kinds, f"{where}.{composition}")
                written.add(composition)
        extra = schema.get("additionalProperties")
        if isinstance(extra, bool):
            self.constant(depth, "additionalProperties", extra, where)
        written.update(("items", "additionalProperties"))
        if isinstance(schema.get("items"), Mapping):
            self.open_class(depth, "items")
            self.schema(depth + 1, schema["items"], f"{where}.items")
        if isinstance(extra, Mapping):
            self.open_class(depth, "additionalProperties")
            self.schema(depth + 1, extra, f"{where}.additionalProperties")
        required = set(schema.get("required", ()))
        seen: dict[str, str] = {}
        if schema.get("properties"):
            if "properties" in written:
                raise RegenerationError(f"openapi.yaml: {where} uses 'properties' as a name")
            self.constant(depth, "properties", list(schema["properties"]), where)
            written.add("properties")
        for name, prop in schema.get("properties", {}).items():
            identifier = _identifier(name)
            if identifier in written:
                # A property named like a keyword written here (an agent's `type` beside the
                # schema's `type: object`) is spelt as a Python keyword is: with an underscore.
                identifier += "_"
            if identifier in written:
                raise RegenerationError(
                    f"openapi.yaml: {where} has a property {name!r}, a name the spec table "
                    "already uses there for a keyword"
                )
            if identifier in seen:
                raise RegenerationError(
                    f"openapi.yaml: {where} has properties {seen[identifier]!r} and {name!r}, "
                    f"both {identifier!r} in the spec table"
                )
            seen[identifier] = name
            self.open_class(depth, identifier)
            self.constant(depth + 1, "name", name, where)
            self.constant(depth + 1, "python_name", _python_name(name), where)
            self.constant(depth + 1, "required", name in required, where)
            self.schema(depth + 1, prop, f"{where}.properties.{name}", _PROPERTY_NAMES)

    def operation(self, operation: Mapping[str, Any], method: str, path: str) -> None:
        where = f"paths.{path}.{method}"
        self.open_class(1, _identifier(operation["operationId"]), f"{method.upper()} {path}")
        self.constant(2, "method", method.upper(), where)
        self.constant(2, "path", path, where)
        if "x-volubile-scope" in operation:
            self.constant(2, "scope", operation["x-volubile-scope"], f"{where}.x-volubile-scope")
        body = operation.get("requestBody")
        if body:
            content = body.get("content", {})
            media: Mapping[str, Any] = content.get("application/json") or next(
                iter(content.values()), {}
            )
            self.open_class(2, "requestBody")
            self.constant(3, "required", bool(body.get("required", False)), where)
            self.schema(3, media.get("schema", {}), f"{where}.requestBody", _BODY_NAMES)
        parameters = operation.get("parameters", [])
        if parameters:
            self.open_class(2, "parameters")
        for parameter in parameters:
            self.open_class(3, _identifier(parameter["name"]))
            self.constant(4, "name", parameter["name"], where)
            self.constant(4, "location", parameter["in"], where)
            self.constant(4, "required", bool(parameter.get("required", False)), where)
            self.schema(
                4,
                parameter.get("schema", {}),
                f"{where}.parameters.{parameter['name']}",
                _PARAMETER_NAMES,
            )


def _argument_type(schema: Mapping[str, Any], schemas: Mapping[str, Any], imports: set[str]) -> str:
    """The Python type a keyword argument for a value of ``schema`` takes."""
    if "$ref" in schema:
        target = schemas.get(schema["$ref"].rsplit("/", 1)[-1], {})
        if "properties" not in target and target.get("type") != "object":
            return _argument_type(target, schemas, imports)
        imports.add("Mapping")
        kind = "Mapping[str, object]"
    elif "enum" in schema:
        imports.add("Literal")
        kind = "Literal[" + ", ".join(_literal(value, "enum") for value in schema["enum"]) + "]"
    elif schema.get("type") == "array":
        imports.add("Sequence")
        kind = f"Sequence[{_argument_type(schema.get('items', {}), schemas, imports)}]"
    elif schema.get("type") == "object":
        imports.add("Mapping")
        kind = "Mapping[str, object]"
    elif schema.get("format") in _PYTHON_FORMATS and schema.get("type") == "string":
        module, kind = _PYTHON_FORMATS[schema["format"]]
        imports.add(module)
    else:
        kind = _PYTHON_TYPES.get(schema.get("type", ""), "object")
    return f"{kind} | None" if schema.get("nullable") else kind


def _fields_typeddicts(document: Mapping[str, Any]) -> tuple[list[str], set[str]]:
    """The ``<Schema>Fields`` TypedDicts of the request bodies, and the names they import."""
    schemas = document.get("components", {}).get("schemas", {})
    bodies: list[str] = []
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, Mapping):
                continue
            content = operation.get("requestBody", {}).get("content", {})
            for media in content.values():
                ref = media.get("schema", {}).get("$ref", "")
                name = ref.rsplit("/", 1)[-1]
                if name in schemas and "properties" in schemas[name] and name not in bodies:
                    bodies.append(name)
    lines: list[str] = []
    imports: set[str] = {"TypedDict"}
    for name in bodies:
        schema = schemas[name]
        required = set(schema.get("required", ()))
        lines.extend(["", ""])
        lines.append(f"class {_identifier(name)}Fields(TypedDict, total=False):")
        lines.append(
            f'    """The fields of {name} that volubile_ext does not type itself, as keyword '
            'arguments."""'
        )
        hand = HAND_TYPED_FIELDS.get(name, ())
        for field, prop in schema["properties"].items():
            if field in hand:
                continue
            kind = _argument_type(prop, schemas, imports)
            if field in required:
                imports.add("Required")
                kind = f"Required[{kind}]"
            lines.append(f"    {_python_name(field)}: {kind}")
    return lines, imports


def spec_table_source(document: Mapping[str, Any]) -> str:
    """The Python source of the spec table of the OpenAPI ``document``."""
    writer = _TableWriter()
    typeddicts, imports = _fields_typeddicts(document)
    header = SPEC_TABLE_HEADER.splitlines()
    # The imports the TypedDicts need, stdlib style: modules, then collections.abc, then typing.
    block = [f"import {module}" for module in sorted(imports & {"datetime", "uuid"})]
    abc = sorted(imports & {"Mapping", "Sequence"})
    if abc:
        block.append(f"from collections.abc import {', '.join(abc)}")
    typing_names = sorted({"Final", *imports} - {"datetime", "uuid", "Mapping", "Sequence"})
    block.append(f"from typing import {', '.join(typing_names)}")
    header[header.index("from typing import Final")] = "\n".join(block)
    writer.lines.extend(header)
    schemas = document.get("components", {}).get("schemas", {})
    if "operations" in schemas:
        raise RegenerationError("openapi.yaml: a schema named 'operations' would hide operations")
    for name, schema in schemas.items():
        writer.lines.extend(["", ""])
        writer.open_class(0, _identifier(name), f"components.schemas.{name}")
        writer.schema(1, schema, f"components.schemas.{name}")
    writer.lines.extend(["", ""])
    writer.open_class(0, "operations", "The operations, by operationId.")
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if isinstance(operation, Mapping) and "operationId" in operation:
                writer.operation(operation, method, path)
    writer.lines.extend(typeddicts)
    return "\n".join(writer.lines) + "\n"


def write_spec_table(spec: Path, package: Path) -> None:
    """Write the spec table of ``spec`` into the generated ``package``."""
    document = yaml.safe_load(spec.read_text(encoding="utf-8"))
    (package / SPEC_TABLE).write_text(spec_table_source(document), encoding="utf-8")


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
    write_spec_table(spec, output)
    # The table is formatted as the generator's post-hooks format the rest of the package.
    subprocess.run(
        ["ruff", "format", "--isolated", "--no-cache", "--quiet", SPEC_TABLE],
        cwd=output,
        env=env,
        check=True,
    )
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


def _marks(before: Mapping[str, str], after: Mapping[str, str], *, values: bool) -> list[str]:
    """``+name`` (``+name = value`` with ``values``), ``-name``, ``~name: old -> new``."""
    marks = [
        f"+{name} = {after[name]}" if values else f"+{name}"
        for name in sorted(after.keys() - before.keys())
    ]
    marks += [f"-{name}" for name in sorted(before.keys() - after.keys())]
    marks += [
        f"~{name}: {before[name]} -> {after[name]}"
        for name in sorted(before.keys() & after.keys())
        if before[name] != after[name]
    ]
    return marks


def _describe_change(old: bytes, new: bytes) -> str:
    old_fields, new_fields = _model_fields(old), _model_fields(new)
    parts = []
    for name in sorted(old_fields.keys() | new_fields.keys()):
        marks = _marks(old_fields.get(name, {}), new_fields.get(name, {}), values=False)
        if marks:
            parts.append(f"{name} ({', '.join(marks)})")
    return "; ".join(parts)


def _table_entries(source: bytes) -> dict[str, str]:
    """Each constant of a spec table by its dotted path (``Retry.max.maximum``), as source."""
    entries: dict[str, str] = {}

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef):
                visit(node.body, f"{prefix}{node.name}.")
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                value = ast.unparse(node.value) if node.value is not None else ""
                entries[prefix + node.target.id] = value

    visit(ast.parse(source).body, "")
    return entries


def _describe_table_change(old: bytes, new: bytes) -> str:
    return "; ".join(_marks(_table_entries(old), _table_entries(new), values=True))


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
    if old.get(SPEC_TABLE) != new.get(SPEC_TABLE):
        detail = _describe_table_change(old.get(SPEC_TABLE, b""), new.get(SPEC_TABLE, b""))
        lines.append("spec table changed" + (f": {detail}" if detail else ""))
    other = sorted(
        path
        for path in old.keys() | new.keys()
        if not path.startswith(("api/", "models/"))
        and path != SPEC_TABLE
        and old.get(path) != new.get(path)
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
