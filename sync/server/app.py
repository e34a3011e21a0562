"""The HTTP face of the centre (FastAPI): the endpoints of sync/protocol.py.

Every endpoint but enrollment and ``/healthz`` needs ``Authorization: Bearer <credential>``;
the device it names decides the office, and nothing a request reads or writes reaches
beyond that office (plus the city-wide catalog and holidays). Handlers are plain ``def``s —
FastAPI runs them on its thread pool, each with its own database session — except the push
and the blob upload, which check the credential, then read their body asynchronously and do
their database work on that thread pool. Every body is limited while it streams
(body_limit.py), every answer carries the security headers (headers.py), and enrollment
attempts are counted per address (attempts.py). The OpenAPI document is at
``/openapi.json`` (and browsable at ``/docs``).
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError
from starlette.concurrency import run_in_threadpool

from core.errors import DomainError, NotFound, ValidationError
from sync.protocol import (
    API,
    MAX_PULL_LIMIT,
    Change,
    EnrollRequest,
    EnrollResponse,
    PullResponse,
    PushRequest,
    PushResponse,
    ResolveRequest,
    ResolveResponse,
    TimeResponse,
)
from sync.server import attempts, auth, blobs, body_limit, changelog, headers
from sync.server.apply import apply_batch, resolve_for_office
from sync.server.auth import DeviceRef, Unauthorized
from sync.server.database import CentreDatabase
from sync.server.incidents import IncidentMiddleware
from sync.server.settings import ServerSettings

DEFAULT_PULL_LIMIT = 500
TOUCH_EVERY = timedelta(seconds=30)  # a pull records the contact at most this often
COMPACT_EVERY = timedelta(hours=1)  # the change log's retention is applied this often


def _now() -> datetime:
    return datetime.now(timezone.utc)


class _Every:
    """Says yes at most once per ``interval`` (counted from creation), to one caller at a time."""

    def __init__(self, interval: timedelta) -> None:
        self.interval = interval
        self.last = _now()
        self._lock = threading.Lock()

    def due(self) -> bool:
        with self._lock:
            if _now() - self.last < self.interval:
                return False
            self.last = _now()
            return True


def current_device(request: Request, authorization: Annotated[str | None, Header()] = None) -> DeviceRef:
    """The enrolled device a request's ``Bearer`` credential names (401 otherwise)."""
    with request.app.state.db.read() as session:
        return auth.authenticate(session, authorization)


# Module level: with postponed annotations FastAPI resolves these names in the module's globals.
Device = Annotated[DeviceRef, Depends(current_device)]


def create_app(db: CentreDatabase, settings: ServerSettings | None = None) -> FastAPI:
    settings = settings or ServerSettings(database_url=db.url)
    app = FastAPI(title="MotCua central server", version="1",
                  description="Sync API between ward offices and the city's central server (sync/protocol.py).")
    app.state.db = db
    app.state.settings = settings
    app.add_middleware(IncidentMiddleware)  # a bug answers with an incident number (sync/server/incidents.py)

    @app.exception_handler(Unauthorized)
    def _unauthorized(_request: Request, exc: Unauthorized) -> JSONResponse:
        return JSONResponse({"detail": exc.message, "code": exc.code}, status_code=401,
                            headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(ValidationError)
    def _invalid(_request: Request, exc: ValidationError) -> JSONResponse:
        return JSONResponse({"detail": exc.message, "code": exc.code}, status_code=422)

    @app.exception_handler(NotFound)
    def _not_found(_request: Request, exc: NotFound) -> JSONResponse:
        return JSONResponse({"detail": exc.message, "code": exc.code}, status_code=404)

    @app.exception_handler(attempts.TooManyAttempts)
    def _too_many(_request: Request, exc: attempts.TooManyAttempts) -> JSONResponse:
        return JSONResponse({"detail": exc.message, "code": exc.code}, status_code=429,
                            headers={"Retry-After": str(exc.details["retry_after"])})

    body_limit.install(app, settings)  # every body counted while it streams: 413 past the route's limit
    headers.install(app)  # outermost: the security headers on every answer, errors included

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, bool]:
        return {"ok": True}

    @app.post(API + "/enroll", response_model=EnrollResponse)
    def enroll(body: EnrollRequest, request: Request) -> EnrollResponse:
        attempts.count_enrollment(db, request, limit=settings.enroll_per_ip_per_hour, now=_now())
        with db.write() as session:
            return auth.enroll(session, body, credential_days=settings.credential_days)

    @app.post(API + "/push", response_model=PushResponse, openapi_extra=_json_body(PushRequest))
    async def push(request: Request, _caller: Device,
                   authorization: Annotated[str | None, Header()] = None) -> Response:
        # The credential is checked (``_caller``) before a byte of the body is read; it is
        # checked again in the transaction that judges the ops (a revocation in between counts).
        # The body is parsed and the answer written by pydantic's own JSON code: a push is
        # hundreds of ops, and FastAPI's generic path (json.loads, validate, re-validate the
        # answer, json.dumps) cost a sixth of the server's time per op.
        try:
            body = PushRequest.model_validate_json(await request.body())
        except PydanticValidationError as exc:
            return _malformed(exc)

        def judge() -> PushResponse:
            now = _now()
            with db.write() as session:
                caller = auth.authenticate(session, authorization, now)
                auth.touch(session, caller, now)
                results = apply_batch(session, caller, body.ops, now)
            return PushResponse(results=results, server_time=_now())

        answer = await run_in_threadpool(judge)
        return Response(answer.model_dump_json(), media_type="application/json")

    @app.post(API + "/resolve", response_model=ResolveResponse, openapi_extra=_json_body(ResolveRequest))
    async def resolve(request: Request, caller: Device) -> Response:
        """A person at the office keeps the centre's version of a refused or conflicting op.
        (The body is read by hand, as the push's, so the credential is checked before it.)"""
        try:
            body = ResolveRequest.model_validate_json(await request.body())
        except PydanticValidationError as exc:
            return _malformed(exc)

        def judge() -> ResolveResponse:
            with db.write() as session:
                return resolve_for_office(session, caller.office_code, body.op_id, _now())

        return Response((await run_in_threadpool(judge)).model_dump_json(), media_type="application/json")

    @app.get(API + "/pull", response_model=PullResponse)
    def pull(caller: Device, after: str = "0",
             limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = DEFAULT_PULL_LIMIT) -> PullResponse | Response:
        read = changelog.read_cursor(after)
        if read is not None and max(read) > changelog.MAX_SEQ:
            return JSONResponse({"detail": "cursor out of range", "code": "bad_cursor"}, status_code=400)
        with db.read() as session:
            current_floor = changelog.floor(session)
            if read is None or changelog.too_old(read, current_floor):
                return PullResponse(changes=[], cursor="0", more=True, refetch=True, server_time=_now())
            start = read[0]
            rows, more = changelog.page(session, caller.office_code, start, limit)
            changes = [Change(seq=r.seq, office_code=r.office_code, entity=r.entity, entity_id=r.entity_id,
                              op=r.op, data=r.data) for r in rows]
        _touch_now_and_then(caller)
        _compact_now_and_then()
        cursor = changelog.make_cursor(rows[-1].seq if rows else start, current_floor)
        return PullResponse(changes=changes, cursor=cursor, more=more, server_time=_now())

    def _touch_now_and_then(caller: DeviceRef) -> None:
        now = _now()
        last = _last_touch.get(caller.id)
        if last is not None and now - last < TOUCH_EVERY:
            return
        _last_touch[caller.id] = now
        with db.write() as session:
            auth.touch(session, caller, now)

    _last_touch: dict[object, datetime] = {}
    compaction = _Every(COMPACT_EVERY)  # the first one an interval after start

    def _compact_now_and_then() -> None:
        """Apply the retention setting about once an interval, from whichever pull comes then
        (no cron needed; ``motcua server compact`` does the same on demand)."""
        if compaction.due():
            with db.write() as session:
                changelog.compact(session, timedelta(days=settings.retention_days))

    @app.get(API + "/time", response_model=TimeResponse)
    def server_time(caller: Device) -> TimeResponse:
        return TimeResponse(server_time=_now())

    @app.head(API + "/blobs/{sha256}")
    def blob_head(sha256: str, caller: Device) -> Response:
        with db.read() as session:
            found = blobs.state(session, caller.office_code, sha256)
        if found is None:
            return Response(status_code=404, headers={"Upload-Offset": "0"})
        return Response(status_code=200, headers=_blob_headers(found))

    @app.get(API + "/blobs/{sha256}")
    def blob_get(sha256: str, caller: Device) -> Response:
        """A complete blob of the caller's own office (an office fetching back a scan it
        pruned); 404 for an unfinished upload and for anything of another office."""
        blobs.check_name(sha256)
        with db.read() as session:
            data = blobs.read(session, caller.office_code, sha256)
        if data is None:
            return JSONResponse({"detail": "no such file", "code": "not_found"}, status_code=404)
        return Response(data, media_type="application/octet-stream", headers={"ETag": f'"{sha256}"'})

    @app.patch(API + "/blobs/{sha256}")
    async def blob_patch(sha256: str, request: Request, caller: Device,
                         upload_offset: Annotated[int, Header(ge=0)],
                         upload_length: Annotated[int | None, Header(ge=0)] = None) -> Response:
        blobs.check_name(sha256)
        if upload_offset + int(request.headers.get("content-length") or 0) > settings.max_blob_bytes:
            return JSONResponse({"detail": "file too large", "code": "too_large",
                                 "limit": settings.max_blob_bytes}, status_code=413)
        data = await request.body()

        def store() -> blobs.BlobState:
            with db.write() as session:
                return blobs.append(session, caller.office_code, sha256, upload_offset, data,
                                    max_bytes=settings.max_blob_bytes, total_length=upload_length)

        try:
            state = await run_in_threadpool(store)
        except blobs.OffsetMismatch as exc:
            return JSONResponse({"detail": exc.message, "code": exc.code}, status_code=409,
                                headers={"Upload-Offset": str(exc.details["offset"])})
        except blobs.TooLarge as exc:
            return JSONResponse({"detail": exc.message, "code": exc.code, "limit": settings.max_blob_bytes},
                                status_code=413)
        if state.mismatch:
            return JSONResponse({"detail": "the bytes do not match the file's SHA-256; upload it again",
                                 "code": "hash_mismatch"}, status_code=422, headers=_blob_headers(state))
        return Response(status_code=204, headers=_blob_headers(state))

    @app.exception_handler(DomainError)
    def _domain(_request: Request, exc: DomainError) -> JSONResponse:
        return JSONResponse({"detail": exc.message, "code": exc.code}, status_code=409)

    # The citizens' site (booking, tracking): server-rendered pages beside the API.
    from sync.server.web import web_router

    app.include_router(web_router(db, settings))

    default_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        """The generated document plus the schemas of bodies parsed by hand (push, resolve)."""
        doc = app.openapi_schema
        if doc is None:
            doc = default_openapi()  # (kept as app.openapi_schema: completed in place)
            schemas = doc.setdefault("components", {}).setdefault("schemas", {})
            for model in (PushRequest, ResolveRequest):
                body = model.model_json_schema(ref_template=_SCHEMA_REF)
                for name, schema in body.pop("$defs", {}).items():
                    schemas.setdefault(name, schema)
                schemas[model.__name__] = body
        return doc

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend the schema
    return app


_SCHEMA_REF = "#/components/schemas/{model}"


def _json_body(model: type[BaseModel]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {
        "schema": {"$ref": _SCHEMA_REF.format(model=model.__name__)}}}}}


def _malformed(exc: PydanticValidationError) -> JSONResponse:
    return JSONResponse({"detail": exc.errors(include_url=False, include_context=False, include_input=False),
                         "code": "malformed"}, status_code=422)


def _blob_headers(state: blobs.BlobState) -> dict[str, str]:
    headers = {"Upload-Offset": str(state.size)}
    if state.complete:
        headers["Upload-Complete"] = "1"
    return headers


__all__ = ["create_app"]


def app_from_environment() -> FastAPI:
    """The app for ``uvicorn --factory`` (several worker processes): settings from the
    environment (``MOTCUA_SERVER_DATABASE_URL``)."""
    from sync.server.settings import load_server_settings

    settings = load_server_settings()
    return create_app(CentreDatabase(settings.effective_database_url), settings)
