"""The office's HTTP client of the central server (the wire contract is sync/protocol.py).

One ``requests.Session`` (kept-alive connections), a timeout on every call, TLS
verification always on — with the city's own CA bundle when the setting names one. Errors
come out as three exceptions, each meaning one thing to the agent:

* :class:`Unauthorized` (401): the credential is unknown, expired or revoked. Keep every
  op, mark nothing rejected, wait (a person must enrol the device again).
* :class:`Refused` (403, 413, 422): the server will never accept this request as it is.
  Retrying it blindly is pointless; the agent splits or records it.
* :class:`Unreachable` (network errors, timeouts, 5xx, an answer that is not the
  contract's): try again later, with backoff.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import requests
from pydantic import BaseModel, ValidationError

from core.errors import MotcuaError
from core.i18n import _
from sync.protocol import (
    API,
    EnrollRequest,
    EnrollResponse,
    Op,
    PullResponse,
    PushRequest,
    PushResponse,
    ResolveRequest,
    ResolveResponse,
    TimeResponse,
)

DEFAULT_TIMEOUT = (5.0, 30.0)  # connect, read (seconds)
BLOB_CHUNK = 1024 * 1024
USER_AGENT = "motcua-sync-agent/1"

M = TypeVar("M", bound=BaseModel)


class SyncError(MotcuaError):
    code = "sync_error"


class Unauthorized(SyncError):
    code = "unauthorized"


class Refused(SyncError):
    code = "refused"

    @property
    def status(self) -> int:
        status = self.details.get("status", 0)  # the HTTP status _send raised it with
        return status if isinstance(status, int) else 0

    @property
    def reason_code(self) -> str:
        """The centre's stable code for the refusal (e.g. "unknown_op"), "" when none."""
        return str(self.details.get("reason_code") or "")


class Unreachable(SyncError):
    code = "unreachable"


class CentreClient:
    def __init__(self, base_url: str, credential: str = "", *, ca_bundle: str | Path | None = None,
                 timeout: tuple[float, float] = DEFAULT_TIMEOUT) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        # Never False: a path verifies against the city's own CA, True against the system's.
        self.session.verify = str(ca_bundle) if ca_bundle else True
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.trust_env = False  # no proxy from the environment between the office and its centre
        if credential:
            self.session.headers["Authorization"] = f"Bearer {credential}"

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> CentreClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the endpoints ---------------------------------------------------------------------

    def enroll(self, code: str, *, device_name: str, device_kind: str, public_key: str) -> EnrollResponse:
        body = EnrollRequest(code=code, device_name=device_name, device_kind=device_kind, public_key=public_key)
        return self._json("POST", "/enroll", EnrollResponse, body=body, auth=False)

    def push(self, ops: Sequence[Op]) -> PushResponse:
        return self._json("POST", "/push", PushResponse, body=PushRequest(ops=list(ops)))

    def pull(self, after: str, limit: int) -> PullResponse:
        return self._json("GET", "/pull", PullResponse, params={"after": after, "limit": limit})

    def resolve(self, op_id: uuid.UUID) -> ResolveResponse:
        """Tell the centre the office keeps its version of a refused op (404: Refused)."""
        return self._json("POST", "/resolve", ResolveResponse, body=ResolveRequest(op_id=op_id))

    def time(self) -> TimeResponse:
        return self._json("GET", "/time", TimeResponse)

    def blob_offset(self, sha256: str) -> int:
        """Bytes of the blob the server has (0: none yet)."""
        resp = self._send("HEAD", f"/blobs/{sha256}", ok=(200, 204, 404))
        if resp.status_code == 404:
            return 0
        return int(resp.headers.get("Upload-Offset", "0"))

    def download_blob(self, sha256: str) -> bytes:
        """A complete blob of this office from the centre, its bytes checked against its name
        (Refused 404: the centre has no complete file of that name for this office)."""
        resp = self._send("GET", f"/blobs/{sha256}")
        data = resp.content
        if hashlib.sha256(data).hexdigest() != sha256:
            raise Unreachable(_("The file received from the central server is damaged; try again."), sha256=sha256)
        return data

    def upload_blob(self, sha256: str, data: bytes | Path, *, chunk: int = BLOB_CHUNK) -> bool:
        """Send what the server lacks of a blob, from where it stopped (a cut upload resumes,
        it never starts over); True once the server has all of it."""
        content = data.read_bytes() if isinstance(data, Path) else data
        if hashlib.sha256(content).hexdigest() != sha256:
            raise ValueError(f"the blob's bytes do not hash to {sha256}")
        offset = self.blob_offset(sha256)
        complete = offset >= len(content)
        mismatches = 0
        while offset < len(content):
            piece = content[offset:offset + chunk]
            try:
                resp = self._send("PATCH", f"/blobs/{sha256}", data=piece, ok=(200, 201, 204), headers={
                    "Upload-Offset": str(offset), "Upload-Length": str(len(content)),
                    "Content-Type": "application/offset+octet-stream"})
            except Refused as exc:
                mismatches += 1
                if exc.status != 409 or mismatches > 3:
                    raise
                offset = self.blob_offset(sha256)  # the server has more (or less) than we thought
                continue
            offset = int(resp.headers.get("Upload-Offset", offset + len(piece)))
            complete = resp.headers.get("Upload-Complete") == "1" or offset >= len(content)
        return complete

    # --- plumbing --------------------------------------------------------------------------

    def _json(self, method: str, path: str, model: type[M], *, body: BaseModel | None = None,
              params: dict[str, Any] | None = None, auth: bool = True) -> M:
        data = body.model_dump_json().encode("utf-8") if body is not None else None
        headers = {"Content-Type": "application/json"} if data is not None else {}
        resp = self._send(method, path, data=data, params=params, headers=headers, auth=auth)
        try:
            return model.model_validate_json(resp.content)
        except ValidationError as exc:
            raise Unreachable(_("The central server gave an answer this program does not understand."),
                              path=path, error=str(exc)[:300]) from exc

    def _send(self, method: str, path: str, *, data: bytes | None = None, params: dict[str, Any] | None = None,
              headers: dict[str, str] | None = None, ok: tuple[int, ...] = (200,), auth: bool = True
              ) -> requests.Response:
        url = f"{self.base_url}{API}{path}"
        sent: dict[str, str | None] = dict(headers or {})
        if not auth:
            sent["Authorization"] = None  # requests drops a header set to None
        try:
            resp = self.session.request(method, url, data=data, params=params,
                                        headers=sent,  # type: ignore[arg-type]  # requests' types lack its None
                                        timeout=self.timeout)
        except requests.exceptions.SSLError as exc:
            raise Unreachable(_("The central server's certificate could not be verified."), url=url,
                              error=str(exc)[:300]) from exc
        except requests.RequestException as exc:
            raise Unreachable(_("The central server cannot be reached."), url=url,
                              error=f"{type(exc).__name__}: {exc}"[:300]) from exc
        status = resp.status_code
        if status in ok:
            return resp
        detail = _detail(resp)
        if status == 401:
            raise Unauthorized(_("The central server does not accept this device's credential (expired or "
                                 "revoked). Enrol the device again."), status=status, detail=detail)
        if 400 <= status < 500 and status not in (408, 429):
            raise Refused(_("The central server refused the request ({status}): {detail}").format(
                status=status, detail=detail or resp.reason), status=status, detail=detail, reason_code=_code(resp))
        raise Unreachable(_("The central server answered with an error ({status}).").format(status=status),
                          status=status, detail=detail)


def _code(resp: requests.Response) -> str:
    """The stable ``code`` of an error answer of the centre ("" when it has none)."""
    try:
        body = resp.json()
    except ValueError:
        return ""
    return str(body.get("code") or "") if isinstance(body, dict) else ""


def _detail(resp: requests.Response) -> str:
    try:
        body = resp.json()
    except ValueError:
        return resp.text[:300]
    if isinstance(body, dict) and "detail" in body:
        return str(body["detail"])[:300]
    return str(body)[:300]


__all__ = ["CentreClient", "Refused", "SyncError", "Unauthorized", "Unreachable"]
