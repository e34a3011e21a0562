"""The wire format between an office's sync agent and the central server (docs/ARCHITECTURE.md §5).

One module both sides import, so the agent and the server cannot drift apart. JSON over
HTTPS; every request but enrollment carries ``Authorization: Bearer <credential>``. The
version is in the path (``/api/v1/...``); a breaking change makes ``/api/v2``.

Endpoints (all under :data:`API`):

* ``POST /enroll`` — :class:`EnrollRequest` -> :class:`EnrollResponse`. A one-time code
  (made by the city's IT with ``motcua server enroll-code``) becomes a revocable credential
  for one device of one office; the device registers its Ed25519 public key.
* ``POST /push`` — :class:`PushRequest` -> :class:`PushResponse`. Ops in the office's
  ``seq`` order, at most :data:`MAX_PUSH_OPS`. Idempotent by ``(device, op_id)``: the
  server stores the op id in the same transaction that applies it, so a batch sent again
  answers ``duplicate`` for what was applied and changes nothing. One result per op, in
  order: ``applied`` / ``duplicate`` / ``rejected`` (with ``reason``: the op can never
  apply) / ``conflict`` (with the server's ``server_state``: a person must look, e.g. a
  dossier moved centrally meanwhile) / ``held`` (a previous op on the same entity was
  rejected or is in conflict: this one waits, it is not judged).
* ``GET /pull?after=CURSOR&limit=N`` -> :class:`PullResponse`: the server's change log,
  in commit order, for this device's office and the whole city (catalog, holidays). The
  agent applies each page and its ``cursor`` in one local transaction. A cursor older than
  the server keeps answers ``refetch``: the agent asks again from ``after=0`` (a full
  snapshot, page by page) and never drops its outbox.
* ``HEAD /blobs/{sha256}`` -> header ``Upload-Offset`` (bytes the server has; 404 none);
  ``PATCH /blobs/{sha256}`` with ``Upload-Offset`` and a body chunk appends (resumable);
  the blob is complete when its bytes hash to its name (then ``Upload-Complete: 1``).
  Optional ``Upload-Length`` (the whole size): the hash is checked once, when that many
  bytes are in (a mismatch answers 422 and the bytes are dropped); without it, after every
  chunk. A chunk at another offset answers 409 with the server's ``Upload-Offset``.
  Ops that name a blob (``payload["attachments"]``) are held until it is complete.
* ``GET /blobs/{sha256}`` -> the bytes of one of this office's complete blobs (404 for an
  unfinished upload or another office's file): the counter fetches back a scan pruned here.
* ``GET /time`` -> :class:`TimeResponse`: the server's clock, for the agent's clock warning.
* ``POST /resolve`` — :class:`ResolveRequest` -> :class:`ResolveResponse`. A person at the
  office accepted the centre's version of an op the centre refused or found in conflict: the
  centre discards that op (its own state stands) and unblocks the entity, so the office's
  held ops on it are judged when pushed again. Only an op of the caller's office (404
  otherwise, as for an op the centre never kept); idempotent (an op already resolved answers
  how it was resolved). Forcing the office's version stays with the city's IT
  (``motcua server resolve --apply``).

Errors: 401 credential unknown, expired or revoked (the agent keeps every op and waits);
403 the request touches another office's data; 413 too large; 422 malformed (a bug: the
batch is not retried blindly, the agent records it); 5xx / network: retried with backoff.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from core.limits import MAX_ATTACHMENT_BYTES

API = "/api/v1"
PROTOCOL_VERSION = 1
MAX_SEQ = 2**63 - 1  # the centre keeps a seq in a 64-bit column: a larger one is refused (422), not a 500
MAX_PUSH_OPS = 500  # per request; the agent sends batches of at most this many
MAX_PULL_LIMIT = 1000
MAX_BLOB_BYTES = MAX_ATTACHMENT_BYTES  # one attachment (the office refuses to save a bigger one)

OpStatus = Literal["applied", "duplicate", "rejected", "conflict", "held"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EnrollRequest(_Model):
    code: str = Field(min_length=6, max_length=64)
    device_name: str = Field(min_length=1, max_length=120)
    device_kind: str = Field(max_length=16)  # counter / kiosk / display / agent
    public_key: str = Field(max_length=64)  # Ed25519 raw public key, base64


class EnrollResponse(_Model):
    device_id: uuid.UUID
    office_code: str
    credential: str  # shown once; the server keeps only its hash
    centre_public_keys: dict[str, str]  # key id -> base64 Ed25519 key (online booking tokens)


class Op(_Model):
    """One row of the office outbox (local_db/models/journal.py ``Outbox``)."""

    op_id: uuid.UUID
    seq: int = Field(ge=0, le=MAX_SEQ)  # commit order in the office; orders nothing across offices
    device_id: uuid.UUID  # the office device whose operation it was
    office_code: str | None = Field(default=None, max_length=16)  # the outbox row's office; must be the pusher's
    entity: str = Field(max_length=32)  # ticket / appointment / dossier / feedback / citizen / staff / slot ...
    entity_id: uuid.UUID
    op_type: str = Field(max_length=32)
    from_state: str | None = Field(default=None, max_length=20)
    to_state: str | None = Field(default=None, max_length=20)
    payload: dict[str, Any]
    schema_version: int = Field(default=1, ge=0, le=2**31 - 1)  # (a 32-bit column at the centre)
    device_time: datetime  # for the record only: device clocks order nothing


class PushRequest(_Model):
    ops: list[Op] = Field(max_length=MAX_PUSH_OPS)


class OpResult(_Model):
    op_id: uuid.UUID
    status: OpStatus
    reason: str = ""  # rejected / conflict / held: why, in words staff can read
    code: str = ""  # a stable code for the reason (e.g. "illegal_transition", "wrong_office")
    server_state: dict[str, Any] | None = None  # conflict: the entity as the server has it


class PushResponse(_Model):
    results: list[OpResult]
    server_time: datetime


class Change(_Model):
    """One committed change of the server's change log."""

    seq: int
    office_code: str | None  # None: for every office (catalog, holidays)
    entity: str
    entity_id: uuid.UUID
    op: Literal["upsert", "delete"]
    data: dict[str, Any]  # the entity as it is after the change (upsert); {} for delete


class PullResponse(_Model):
    changes: list[Change]
    cursor: str  # pass back as ``after``; opaque to the agent
    more: bool  # another page is waiting
    refetch: bool = False  # the cursor is too old: start again from "0"
    server_time: datetime


class TimeResponse(_Model):
    server_time: datetime


class ResolveRequest(_Model):
    op_id: uuid.UUID


class ResolveResponse(_Model):
    op_id: uuid.UUID
    status: str  # the op's status now: "rejected" (discarded) or "applied" (the city's IT forced it)
    code: str  # "resolved_discarded" / "resolved_applied" / the op's own code when it blocked nothing
    entity: str
    entity_id: uuid.UUID
    server_state: dict[str, Any] | None = None  # the entity as the centre holds it now


__all__ = [
    "API", "MAX_BLOB_BYTES", "MAX_PULL_LIMIT", "MAX_PUSH_OPS", "PROTOCOL_VERSION", "Change", "EnrollRequest",
    "EnrollResponse", "Op", "OpResult", "OpStatus", "PullResponse", "PushRequest", "PushResponse", "ResolveRequest",
    "ResolveResponse", "TimeResponse",
]
