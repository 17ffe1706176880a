"""Campaign storage for the sandbox: SQLite, in memory by default, or in a file that survives
restarts. The same database holds the agents and calls (``_call_store``).

One code path serves both cases (``:memory:`` is just another SQLite database), so the
persistent sandbox a CLI user runs behaves exactly like the in-memory one the tests use.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import attrs

from .._wire import spec
from ..campaigns._fields import field_table
from ._call_store import ensure_tables

__all__ = ["DEFAULT_TIMEZONE", "CampaignStore", "SandboxDatabaseError", "StoredCampaign"]

#: The time zone a campaign gets when its create request names none.
DEFAULT_TIMEZONE = "Europe/Paris"

# PRAGMA application_id marks a file as ours ("Volu" in ASCII), so that pointing db_path at
# some other SQLite database fails loudly instead of adding a table to it.
_APPLICATION_ID = 0x566F6C75
_SCHEMA_VERSION = 2
_CAMPAIGNS_TABLE = """
CREATE TABLE campaigns (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    status     TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    request    TEXT NOT NULL
)
"""
# Version 2: the sandbox's own settings, so far the API key it generated, which a persistent
# sandbox keeps across restarts (a shell set up with it goes on working).
_SETTINGS_TABLE = """
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
)
"""
_GENERATED_KEY = "generated_api_key"
_COLUMNS = "id, status, created_at, updated_at, request"

_RESPONSE_FIELDS = field_table(spec.CampaignResponse)


@attrs.frozen(repr=False)
class StoredCampaign:
    """A campaign as the sandbox stored it, recipients included (the API never returns them).

    ``request`` is the create request's JSON exactly as received. Each call to
    :meth:`Sandbox.campaigns <volubile_ext.testing.Sandbox.campaigns>` returns fresh copies, so
    changing one changes nothing in the sandbox. Times are the sandbox clock's, in seconds
    since the epoch.
    """

    id: str
    status: str
    created_at: float
    updated_at: float
    request: Mapping[str, Any]

    @property
    def name(self) -> Any:
        return self.request.get("name")

    def __repr__(self) -> str:
        # A summary: the full request can hold a thousand recipients, too much for a test report.
        return (
            f"StoredCampaign(id={self.id!r}, status={self.status!r}, name={self.name!r}, "
            f"recipients={len(self.recipients)})"
        )

    @property
    def recipients(self) -> list[Any]:
        """The recipients sent with the create request (an empty list when none were)."""
        recipients = self.request.get("recipients")
        return list(recipients) if isinstance(recipients, list) else []

    def to_response(self) -> dict[str, Any]:
        """The ``CampaignResponse`` the API answers for this campaign.

        The request's fields are echoed as sent (the sandbox does not clip time slots, which
        the API describes as happening when calls are placed); absent optional fields stay
        absent, because the schema declares no field nullable; ``timezone`` defaults to
        Europe/Paris.
        """
        request = self.request
        response: dict[str, Any] = {}
        # The response's fields as the spec lists them: each echoes the request's field of the
        # same name (the parts of it the response's schema declares), so a field the spec
        # adds to both comes back with no edit here.
        for key, entry in _RESPONSE_FIELDS.items():
            if key == "id":
                response[key] = self.id
            elif key == "status":
                response[key] = self.status
            elif key == "timezone":
                timezone = request.get("timezone")
                response[key] = timezone if timezone is not None else DEFAULT_TIMEZONE
            elif request.get(key) is not None:
                response[key] = _echo(request[key], entry)
        return response


def _echo(value: Any, entry: Any) -> Any:
    """``value`` as the response's schema ``entry`` declares it: unknown object keys dropped."""
    schema = getattr(spec, entry.ref, None) if hasattr(entry, "ref") else None
    if schema is not None and hasattr(schema, "properties"):
        return _pick(value, schema.properties)
    items = getattr(entry, "items", None)
    if items is not None and isinstance(value, list):
        return [_echo(item, items) for item in value]
    return value


def _pick(item: Any, keys: tuple[str, ...]) -> Any:
    # Unknown request fields are ignored by the API, not echoed back.
    if not isinstance(item, dict):
        return item
    return {key: item[key] for key in keys if item.get(key) is not None}


class CampaignStore:
    """Thread-safe campaign storage.

    In memory (``path=None``) the database lives as long as the store. With a file, the
    connection is opened by :meth:`open` and closed by :meth:`close` (the sandbox does so when
    it starts and stops); in between, each access opens the file briefly, so a stopped
    sandbox can still be inspected without keeping a file handle.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self._path = os.fspath(path) if path is not None else None
        # Reentrant: a read-check-write sequence (status transitions) holds it across calls.
        self._lock = threading.RLock()
        self._connection: sqlite3.Connection | None = None
        #: Counts the campaigns created and the statuses changed through this store, so that
        #: the simulated clock reads the statuses again only when they may have changed.
        self.changes = 0
        if self._path is None:
            self._connection = _connect(":memory:")
        else:
            # Fail at construction, not at the first request, when the file is not ours.
            _connect(self._path).close()

    @property
    def path(self) -> str | None:
        return self._path

    def open(self) -> None:
        with self._lock:
            if self._connection is None and self._path is not None:
                self._connection = _connect(self._path)

    def close(self) -> None:
        with self._lock:
            if self._connection is not None and self._path is not None:
                self._connection.close()
                self._connection = None

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's lock, so that a read and the write that depends on it are atomic."""
        with self._lock:
            yield

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """The database, under the store's lock (for the agent and call tables beside)."""
        with self._use() as connection:
            yield connection

    @contextmanager
    def _use(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._connection is not None:
                yield self._connection
                return
            assert self._path is not None  # in memory, the connection is never closed
            connection = _connect(self._path)
            try:
                yield connection
            finally:
                connection.close()

    def create(self, request: Mapping[str, Any], *, now: float) -> StoredCampaign:
        """Store a new ACTIVE campaign for this create request; returns it with its new id."""
        campaign = StoredCampaign(str(uuid.uuid4()), "ACTIVE", now, now, dict(request))
        with self._use() as connection:
            connection.execute(
                f"INSERT INTO campaigns ({_COLUMNS}) VALUES (?, ?, ?, ?, ?)",
                (campaign.id, campaign.status, now, now, json.dumps(campaign.request)),
            )
            self.changes += 1
        return campaign

    def get(self, campaign_id: str) -> StoredCampaign | None:
        with self._use() as connection:
            row = connection.execute(
                f"SELECT {_COLUMNS} FROM campaigns WHERE id = ?", (campaign_id,)
            ).fetchone()
        return _campaign(row) if row is not None else None

    def set_status(self, campaign_id: str, status: str, *, now: float) -> StoredCampaign:
        """Change a campaign's status; the caller has checked that it exists and may change."""
        with self._use() as connection:
            connection.execute(
                "UPDATE campaigns SET status = ?, updated_at = ? WHERE id = ?",
                (status, now, campaign_id),
            )
            self.changes += 1
            row = connection.execute(
                f"SELECT {_COLUMNS} FROM campaigns WHERE id = ?", (campaign_id,)
            ).fetchone()
        if row is None:
            raise KeyError(f"no campaign {campaign_id}")
        return _campaign(row)

    def statuses(self) -> list[tuple[str, str]]:
        """Every campaign's id and status, oldest first: what the simulated clock reads at each
        step (without decoding a thousand recipients per campaign)."""
        with self._use() as connection:
            rows = connection.execute("SELECT id, status FROM campaigns ORDER BY seq").fetchall()
        return [(str(campaign_id), str(status)) for campaign_id, status in rows]

    def generated_api_key(self, generate: Callable[[], str]) -> str:
        """The API key this store's sandbox generated: the one kept in the database file when
        there is one, else a new one from ``generate``, kept for the next start.

        Only a generated key is kept (a sandbox-only ``vsb_`` key); keys a caller passes are
        theirs and are never written anywhere. Two sandboxes starting together on one file
        get the same key: the first one written wins.
        """
        select = "SELECT value FROM settings WHERE name = ?"
        with self._use() as connection:
            row = connection.execute(select, (_GENERATED_KEY,)).fetchone()
            if row is None:
                try:
                    connection.execute(
                        "INSERT OR IGNORE INTO settings (name, value) VALUES (?, ?)",
                        (_GENERATED_KEY, generate()),
                    )
                except sqlite3.OperationalError as exc:  # a read-only file, a full disk
                    raise SandboxDatabaseError(self._path or ":memory:", exc) from None
                row = connection.execute(select, (_GENERATED_KEY,)).fetchone()
        return str(row[0])

    def all(self) -> list[StoredCampaign]:
        """Every stored campaign, oldest first."""
        with self._use() as connection:
            rows = connection.execute(f"SELECT {_COLUMNS} FROM campaigns ORDER BY seq").fetchall()
        return [_campaign(row) for row in rows]


def _campaign(row: tuple[Any, ...]) -> StoredCampaign:
    campaign_id, status, created_at, updated_at, request = row
    return StoredCampaign(campaign_id, status, created_at, updated_at, json.loads(request))


def _connect(path: str) -> sqlite3.Connection:
    # check_same_thread=False: handler threads share the connection, serialised by the store's
    # lock. isolation_level=None (autocommit): each write is durable as soon as it returns, so a
    # campaign the client was told about survives a crash of the process.
    try:
        connection = sqlite3.connect(
            path, check_same_thread=False, isolation_level=None, timeout=10
        )
    except sqlite3.Error as exc:
        raise SandboxDatabaseError(path, exc) from None
    try:
        _prepare(connection, path)
        ensure_tables(connection)
    except sqlite3.OperationalError as exc:
        # Opened, but it cannot be read or written (read-only, locked, disk full, folder
        # without write permission): the file may well be ours.
        connection.close()
        raise SandboxDatabaseError(path, exc) from None
    except sqlite3.DatabaseError as exc:
        connection.close()
        raise ValueError(f"{path}: not a Volubile sandbox database ({exc})") from None
    except BaseException:
        connection.close()
        raise
    return connection


class SandboxDatabaseError(ValueError):
    """The sandbox's database file cannot be used: ``path`` as given, ``reason`` what to fix."""

    def __init__(self, path: str, error: sqlite3.Error) -> None:
        self.path = path
        self.reason = _unusable(path, error)
        super().__init__(f"{path}: cannot use this file as the sandbox database ({self.reason})")


def _unusable(path: str, error: sqlite3.Error) -> str:
    """Why the database file cannot be used, in terms of the path the caller gave."""
    if path == ":memory:":
        return f"an in-memory database: {error}"
    folder = os.path.dirname(os.path.abspath(path))
    shown = os.path.dirname(path) or folder
    if os.path.isdir(path):
        return "it is a folder: give the path of a database file inside it"
    if not os.path.exists(folder):
        return f"the folder {shown} does not exist: create it first"
    if not os.path.isdir(folder):
        return f"{shown} is not a folder"
    return f"{error}: check the permissions of the file and of its folder"


def _prepare(connection: sqlite3.Connection, path: str) -> None:
    application_id = connection.execute("PRAGMA application_id").fetchone()[0]
    if application_id == _APPLICATION_ID:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version == 1:
            # A database from before the settings table: upgraded in place, campaigns kept.
            with connection:
                connection.execute("BEGIN IMMEDIATE")
                if connection.execute("PRAGMA user_version").fetchone()[0] == 1:
                    connection.execute(_SETTINGS_TABLE)
                    connection.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")
            return
        if version != _SCHEMA_VERSION:
            raise ValueError(
                f"{path}: sandbox database schema version {version}, this version of volubile "
                f"reads version {_SCHEMA_VERSION}"
            )
        return
    tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if application_id != 0 or tables:
        raise ValueError(f"{path}: an SQLite database, but not a Volubile sandbox database")
    with connection:
        # IMMEDIATE, then look again: two sandboxes started together on a new file create the
        # schema once, and the second one reads it.
        connection.execute("BEGIN IMMEDIATE")
        if connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
            connection.execute(_CAMPAIGNS_TABLE)
            connection.execute(_SETTINGS_TABLE)
            connection.execute(f"PRAGMA application_id = {_APPLICATION_ID}")
            connection.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")
