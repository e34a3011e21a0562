"""Small clients and op makers for the server tests (requests, as an agent would use)."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime, timezone
from typing import Any

import requests

from core.ids import new_id
from core.keys import generate_keypair
from tests.support.centre import Centre

TIMEOUT = 10


class Device:
    """An enrolled office device talking to the centre."""

    def __init__(self, centre: Centre, office_code: str = "00004", name: str = "agent-1", kind: str = "agent") -> None:
        self.centre = centre
        self.session = requests.Session()
        _private, public = generate_keypair()
        self.public_key = public
        r = self.session.post(centre.api_url + "/enroll", timeout=TIMEOUT, json={
            "code": centre.enroll_code(office_code), "device_name": name, "device_kind": kind,
            "public_key": base64.b64encode(public).decode()})
        assert r.status_code == 200, r.text
        body = r.json()
        self.device_id = uuid.UUID(body["device_id"])
        self.office_code = body["office_code"]
        self.credential = body["credential"]
        self.centre_public_keys = body["centre_public_keys"]
        self.session.headers["Authorization"] = f"Bearer {self.credential}"
        self.local_device = new_id()  # the office machine whose ops these are
        self._seq = 0

    def op(self, entity: str, entity_id: uuid.UUID, op_type: str, payload: dict[str, Any] | None = None, *,
           from_state: str | None = None, to_state: str | None = None, **extra: Any) -> dict[str, Any]:
        self._seq += 1
        return {"op_id": str(new_id()), "seq": self._seq, "device_id": str(self.local_device), "entity": entity,
                "entity_id": str(entity_id), "op_type": op_type, "from_state": from_state, "to_state": to_state,
                "payload": payload or {}, "device_time": datetime.now(timezone.utc).isoformat(), **extra}

    def push(self, ops: list[dict[str, Any]], expect: int = 200) -> list[dict[str, Any]]:
        r = self.session.post(self.centre.api_url + "/push", json={"ops": ops}, timeout=TIMEOUT)
        assert r.status_code == expect, r.text
        return r.json()["results"] if expect == 200 else [r.json()]

    def pull(self, after: str = "0", limit: int = 500) -> dict[str, Any]:
        r = self.session.get(self.centre.api_url + "/pull", params={"after": after, "limit": limit}, timeout=TIMEOUT)
        assert r.status_code == 200, r.text
        return r.json()

    def pull_all(self, after: str = "0", limit: int = 500) -> tuple[list[dict[str, Any]], str]:
        changes: list[dict[str, Any]] = []
        while True:
            page = self.pull(after, limit)
            assert not page["refetch"]
            changes += page["changes"]
            after = page["cursor"]
            if not page["more"]:
                return changes, after


def statuses(results: list[dict[str, Any]]) -> list[str]:
    return [r["status"] for r in results]


def ticket_payload(code: str = "A001", status: str = "waiting") -> dict[str, Any]:
    return {"code": code, "status": status, "day": "2026-11-20", "number": int(code[1:]), "source": "walk_in"}
