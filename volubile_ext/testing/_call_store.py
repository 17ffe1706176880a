"""Agents and calls for the sandbox: SQLite tables beside the campaigns, and the seeded agents.

The tables live in the campaign store's database (in memory, or the ``db_path`` file), created
when missing, so a database from an older sandbox gains them without a migration. Documents
are kept as the JSON the API answers (``AgentResponse``, ``CallResponse``); the columns beside
them are what the list filters and sorts read. Recordings a test gives are kept as bytes; the
others are generated when asked for (a short tone, the same for the same call), so ten
thousand calls cost no audio.
"""

from __future__ import annotations

import io
import json
import math
import sqlite3
import struct
import wave
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs

from ._query import CALL_SORT_PROPERTIES, CallFilters, Paging

if TYPE_CHECKING:
    from ._store import CampaignStore

__all__ = [
    "INBOUND_AGENT_ID",
    "OUTBOUND_AGENT_ID",
    "CallStore",
    "StoredAgent",
    "StoredCall",
    "ensure_tables",
    "tone_wav",
]

_TABLES = """
CREATE TABLE IF NOT EXISTS agents (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    id       TEXT NOT NULL UNIQUE,
    document TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS calls (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             TEXT NOT NULL UNIQUE,
    agent_id       TEXT NOT NULL,
    phone          TEXT NOT NULL,
    campaign       TEXT,
    day            TEXT NOT NULL,
    created        TEXT NOT NULL,
    sort_keys      TEXT NOT NULL,
    document       TEXT NOT NULL,
    transcript     TEXT NOT NULL,
    recording      BLOB,
    recording_type TEXT
);
CREATE INDEX IF NOT EXISTS calls_by_agent ON calls (agent_id);
CREATE INDEX IF NOT EXISTS calls_by_phone ON calls (phone);
CREATE INDEX IF NOT EXISTS calls_by_created ON calls (created, seq);
"""

#: The seeded OUTBOUND agent (campaigns and ``POST /v1/calls`` need one).
OUTBOUND_AGENT_ID: Final = "5e1f0c1a-0b0d-4c39-9a52-0a7c1d2e3f01"
#: The seeded INBOUND agent.
INBOUND_AGENT_ID: Final = "5e1f0c1a-0b0d-4c39-9a52-0a7c1d2e3f02"

_CONFIGURATION: Final = {
    "extractors": [
        {
            "name": "customer",
            "description": "Extract all the information about the customer",
            "extractors": [
                {"name": "firstname", "description": "Customer's first name"},
                {"name": "lastname", "description": "Customer's last name"},
            ],
        }
    ],
    "classifiers": [
        {
            "name": "Outcome",
            "description": "What came of the call",
            "values": ["Interested", "Not interested", "Call back"],
        }
    ],
}
SEEDED_AGENTS: Final = (
    {
        "id": OUTBOUND_AGENT_ID,
        "telephonyConfiguration": {
            "sipConnection": {"did": "2566458"},
            "phoneNumbers": ["+33612345678"],
        },
        "name": "Renewals (outbound)",
        "type": "OUTBOUND",
        "active": True,
        "recordable": True,
        "archived": False,
        "configuration": _CONFIGURATION,
    },
    {
        "id": INBOUND_AGENT_ID,
        "telephonyConfiguration": {
            "sipConnection": {"did": "2566459"},
            "phoneNumbers": ["+33612345679"],
        },
        "name": "Support (inbound)",
        "type": "INBOUND",
        "active": True,
        "recordable": False,
        "archived": False,
        "configuration": {"extractors": [], "classifiers": []},
    },
)


def ensure_tables(connection: sqlite3.Connection) -> None:
    """Create the agent and call tables when missing, and the seeded agents when absent (a
    seeded agent a test changed keeps its changes)."""
    connection.executescript(_TABLES)
    connection.executemany(
        "INSERT OR IGNORE INTO agents (id, document) VALUES (?, ?)",
        [(agent["id"], json.dumps(agent)) for agent in SEEDED_AGENTS],
    )


#: A recording's audio: 8 kHz, 16-bit, mono WAV.
_RATE = 8000


def tone_wav(seconds: float = 0.25, frequency: float = 440.0) -> bytes:
    """A short WAV file: a sine tone of ``frequency`` Hz for ``seconds``."""
    frames = int(_RATE * seconds)
    samples = (
        int(12000 * math.sin(2 * math.pi * frequency * index / _RATE)) for index in range(frames)
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(_RATE)
        audio.writeframes(struct.pack(f"<{frames}h", *samples))
    return buffer.getvalue()


@attrs.frozen(repr=False)
class StoredAgent:
    """An agent as the sandbox keeps it: ``document`` is the ``AgentResponse`` it answers."""

    document: Mapping[str, Any]

    @property
    def id(self) -> str:
        return str(self.document["id"])

    @property
    def name(self) -> Any:
        return self.document.get("name")

    @property
    def type(self) -> Any:
        return self.document.get("type")

    def __repr__(self) -> str:
        return f"StoredAgent(id={self.id!r}, name={self.name!r}, type={self.type!r})"


@attrs.frozen(repr=False)
class StoredCall:
    """A call as the sandbox keeps it.

    ``document`` is the ``CallResponse`` the API answers; ``campaign`` the campaign name the
    list filter matches (``None``: a call made alone); ``transcript`` the entries answered by
    ``GET /v1/calls/{id}/transcript`` (a list, or one entry answered as a bare object);
    ``recording`` the audio bytes a test gave (``None``: generated when asked for, if the call
    is ``recorded``).
    """

    document: Mapping[str, Any]
    campaign: str | None
    transcript: Sequence[Mapping[str, Any]] | Mapping[str, Any]
    recording: bytes | None = None
    recording_type: str = "audio/wav"

    @property
    def id(self) -> str:
        return str(self.document["id"])

    @property
    def status(self) -> Any:
        return self.document.get("status")

    @property
    def phone(self) -> Any:
        return self.document.get("phone")

    def __repr__(self) -> str:
        return (
            f"StoredCall(id={self.id!r}, status={self.status!r}, phone={self.phone!r}, "
            f"campaign={self.campaign!r})"
        )


_CALL_COLUMNS = "document, campaign, transcript, recording, recording_type"


def _call(row: tuple[Any, ...]) -> StoredCall:
    document, campaign, transcript, recording, recording_type = row
    return StoredCall(
        json.loads(document),
        campaign,
        json.loads(transcript),
        bytes(recording) if recording is not None else None,
        recording_type or "audio/wav",
    )


def _sort_keys(document: Mapping[str, Any]) -> str:
    # What a sort reads, apart from the document: a sort by json_extract over whole documents
    # costs 30 ms per thousand calls, over this 3.
    return json.dumps({key: document.get(key) for key in CALL_SORT_PROPERTIES})


class CallStore:
    """Agents and calls, in the database (and under the lock) of a :class:`CampaignStore`."""

    def __init__(self, store: CampaignStore) -> None:
        self._store = store

    # --- agents ----------------------------------------------------------------------------

    def add_agent(self, document: Mapping[str, Any]) -> StoredAgent:
        """Store a new agent; ``ValueError`` when its id is taken."""
        with self._store.connection() as connection:
            try:
                connection.execute(
                    "INSERT INTO agents (id, document) VALUES (?, ?)",
                    (document["id"], json.dumps(document)),
                )
            except sqlite3.IntegrityError:
                raise ValueError(f"an agent with id {document['id']} exists already") from None
        return StoredAgent(json.loads(json.dumps(document)))

    def agent(self, agent_id: str) -> StoredAgent | None:
        with self._store.connection() as connection:
            row = connection.execute(
                "SELECT document FROM agents WHERE id = ?", (agent_id,)
            ).fetchone()
        return StoredAgent(json.loads(row[0])) if row is not None else None

    def agents(self, paging: Paging | None = None) -> tuple[list[StoredAgent], int]:
        """One page of agents in the order they were added (every agent without ``paging``),
        and how many there are in all."""
        window = "" if paging is None else f" LIMIT {paging.size:d} OFFSET {paging.offset:d}"
        with self._store.connection() as connection:
            total = connection.execute("SELECT count(*) FROM agents").fetchone()[0]
            rows = connection.execute(
                "SELECT document FROM agents ORDER BY seq" + window
            ).fetchall()
        return [StoredAgent(json.loads(row[0])) for row in rows], int(total)

    def update_agent(self, agent_id: str, changes: Mapping[str, Any]) -> StoredAgent | None:
        """Apply ``changes`` to an agent (the fields given only); ``None`` when there is none."""
        with self._store.locked(), self._store.connection() as connection:
            row = connection.execute(
                "SELECT document FROM agents WHERE id = ?", (agent_id,)
            ).fetchone()
            if row is None:
                return None
            document = {**json.loads(row[0]), **changes}
            connection.execute(
                "UPDATE agents SET document = ? WHERE id = ?", (json.dumps(document), agent_id)
            )
        return StoredAgent(document)

    # --- calls -----------------------------------------------------------------------------

    def add_call(self, call: StoredCall, *, day: str) -> StoredCall:
        """Store a call; ``day`` (YYYY-MM-DD) is the date the from/to filters compare."""
        document = call.document
        with self._store.connection() as connection:
            try:
                connection.execute(
                    "INSERT INTO calls (id, agent_id, phone, campaign, day, created, sort_keys,"
                    " document, transcript, recording, recording_type)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        call.id,
                        document["agentId"],
                        document["phone"],
                        call.campaign,
                        day,
                        document["created"],
                        _sort_keys(document),
                        json.dumps(document),
                        json.dumps(call.transcript),
                        call.recording,
                        call.recording_type,
                    ),
                )
            except sqlite3.IntegrityError:
                raise ValueError(f"a call with id {call.id} exists already") from None
        return call

    def replace_call(self, call: StoredCall) -> StoredCall:
        """Store ``call`` in place of the stored call with its id (a call in progress that has
        ended: its status, times, data and transcript change; its phone, agent, campaign and
        start do not). ``KeyError`` when there is none."""
        document = call.document
        with self._store.connection() as connection:
            cursor = connection.execute(
                "UPDATE calls SET sort_keys = ?, document = ?, transcript = ?, recording = ?,"
                " recording_type = ? WHERE id = ?",
                (
                    _sort_keys(document),
                    json.dumps(document),
                    json.dumps(call.transcript),
                    call.recording,
                    call.recording_type,
                    call.id,
                ),
            )
        if cursor.rowcount != 1:
            raise KeyError(f"no call {call.id}")
        return call

    def call(self, call_id: str) -> StoredCall | None:
        with self._store.connection() as connection:
            row = connection.execute(
                f"SELECT {_CALL_COLUMNS} FROM calls WHERE id = ?", (call_id,)
            ).fetchone()
        return _call(row) if row is not None else None

    def calls(self, filters: CallFilters | None = None) -> tuple[list[StoredCall], int]:
        """The page of calls ``filters`` selects (every call, oldest first, without), and how
        many calls match in all."""
        if filters is None:
            with self._store.connection() as connection:
                rows = connection.execute(
                    f"SELECT {_CALL_COLUMNS} FROM calls ORDER BY seq"
                ).fetchall()
            return [_call(row) for row in rows], len(rows)
        clauses: list[str] = []
        arguments: list[Any] = []
        for column, value in (
            ("agent_id", filters.agent_id),
            ("phone", filters.phone),
            ("campaign", filters.campaign),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                arguments.append(value)
        if filters.date_from is not None and filters.date_to is not None:
            clauses.append("day BETWEEN ? AND ?")
            arguments += [filters.date_from.isoformat(), filters.date_to.isoformat()]
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        prop, direction = filters.sort
        # prop is one of CALL_SORT_PROPERTIES (checked by the query parser), never client text
        # pasted in; ties keep the order of insertion, in the same direction. The default
        # sort (created) reads an index; the page's rows are chosen by their seq alone, so the
        # sort moves no documents.
        if prop not in CALL_SORT_PROPERTIES:
            raise ValueError(f"not a sortable property: {prop!r}")
        key = "created" if prop == "created" else f"json_extract(sort_keys, '$.{prop}')"
        order = "DESC" if direction == "DESC" else "ASC"
        ordering = f" ORDER BY {key} {order}, seq {order}"
        window = f" LIMIT {filters.paging.size:d} OFFSET {filters.paging.offset:d}"
        page = f"SELECT seq FROM calls{where}{ordering}{window}"
        with self._store.connection() as connection:
            total = connection.execute(f"SELECT count(*) FROM calls{where}", arguments).fetchone()
            rows = connection.execute(
                f"SELECT {_CALL_COLUMNS} FROM calls WHERE seq IN ({page}){ordering}", arguments
            ).fetchall()
        return [_call(row) for row in rows], int(total[0])
