"""Every route of the centre x every kind of caller that must be refused (issue 18).

The rows are checked against the app's own route table (``create_app``, the citizens' site
included): a route with no row fails :func:`test_every_route_has_a_row`, naming it, so a new
endpoint cannot ship without saying who may call it. A row is either public — with why —
or lists a probe per caller kind; each probe is a test that makes the request a stranger
would and asserts the refusal *and* that office A's data did not move.

One centre for the module (SQLite, on 127.0.0.1 like the other server tests): office A
(00004) with the demo catalog, slots, an online booking made through the site, a dossier,
a file and a refused op; office B (00005) with its own catalog and slots, an enrolled
agent and a counter key. Nothing here differs on PostgreSQL: the refusals are in Python.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path

import pytest
import requests
from fastapi import APIRouter, FastAPI
from sqlalchemy import select

from core.ids import new_id
from core.keys import generate_keypair
from core.tokens import Signer
from sync.protocol import API
from sync.server import blobs, bookings, catalog
from sync.server.app import create_app
from sync.server.models import CentreEntity, CentreOp, CentreSlot
from sync.server.web import data
from tests.support.centre import Centre, CentreTemplates
from tests.support.routes import route_table
from tests.sync.server.helpers import TIMEOUT, Device, statuses
from tests.sync.web.site import BIRTH, Browser, running_site, tomorrow
from tests.sync.web.test_tracking import APPLICANT, CODE, _receipt_path, _receive

A, B = "00004", "00005"
CSRF = "boundary-test-csrf-token-0123"

# --- caller kinds ------------------------------------------------------------------------------

NO_CREDENTIAL = "no credential"
OTHER_DEVICE = "another office's device"
NO_LINK = "a citizen without the private link"
OTHER_OFFICE_URL = "another office's slot in the URL or form"
OTHER_KEY = "a receipt signed by another office"
FORGED = "a forged receipt"
WRONG_PHONE = "the dossier code without its phone number"
# There are no staff or admin routes at the centre (the city's IT works through the
# `motcua server` command on the server itself). A route that looks like one must come with
# these two rows: see test_rows_say_enough.
OTHER_STAFF = "a staff member of another office"
ROLE_BELOW = "a role below the one required"
STAFF_WORDS = ("admin", "staff", "console", "officer", "can-bo", "quan-tri")


@dataclass
class World:
    centre: Centre
    dev_a: Device
    dev_b: Device
    slot_a: uuid.UUID
    slot_b: uuid.UUID
    secret: str  # office A's online booking's private link
    appointment: uuid.UUID
    dossier: uuid.UUID
    blob: str
    blob_bytes: bytes
    refused_op: uuid.UUID
    signer_b: Signer  # a genuine counter key of office B
    ids_of_a: set[str] = field(default_factory=set)

    def url(self, path: str) -> str:
        return self.centre.base_url + path

    def slot_counts(self, slot_id: uuid.UUID) -> tuple[int, int, int, int]:
        with self.centre.read() as s:
            row = s.get(CentreSlot, slot_id)
            assert row is not None
            return row.office_quota, row.online_quota, row.office_booked, row.online_booked

    def state_of_a(self) -> tuple[object, ...]:
        """Everything of office A a stranger might try to move."""
        with self.centre.read() as s:
            booking = s.get(CentreEntity, (self.appointment, "appointment"))
            dossier = s.get(CentreEntity, (self.dossier, "dossier"))
            op = s.get(CentreOp, self.refused_op)
            assert booking is not None and dossier is not None and op is not None
            blob = blobs.read(s, A, self.blob)
            return (self.slot_counts(self.slot_a), booking.status, booking.data.get("slot_id"), dossier.status,
                    dossier.ops, op.status, op.code, blob)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, centre_templates: CentreTemplates) -> Iterator[World]:
    root: Path = tmp_path_factory.mktemp("boundaries")
    with running_site(centre_templates.sqlite_copy(root / "centre.db"), root / "centre") as centre:
        centre.create_office(B, "UBND Phường Kim Mã", "Kim Ma Ward")
        with centre.write() as s:
            catalog.publish_catalog(s, B)
            made_b = bookings.create_slots(s, B, "HT", tomorrow(), start=time(8), end=time(9), minutes=30,
                                           office_quota=2, online_quota=3)
        dev_a, dev_b = Device(centre, A), Device(centre, B, name="agent-b")
        page = Browser(centre.base_url).book()
        assert page.status == 200, page.text
        secret = page.url.rsplit("/lich-hen/", 1)[1]
        with centre.read() as s:
            booking = data.booking_by_secret(s, secret)
            assert booking is not None
        dossier = _receive(centre)
        content = b"office A's scan of a birth certificate"
        name = hashlib.sha256(content).hexdigest()
        r = dev_a.session.patch(f"{centre.api_url}/blobs/{name}", data=content, timeout=TIMEOUT, headers={
            "Upload-Offset": "0", "Upload-Length": str(len(content)),
            "Content-Type": "application/offset+octet-stream"})
        assert r.status_code == 204 and r.headers.get("Upload-Complete") == "1", r.text
        refused = dev_a.op("no_such_kind", new_id(), "create", {})
        assert statuses(dev_a.push([refused])) == ["rejected"]
        private, public = generate_keypair()
        counter_b = dev_b.op("device", new_id(), "register", {
            "office_code": B, "name": "Quầy 1", "kind": "counter", "public_key": base64.b64encode(public).decode()})
        assert statuses(dev_b.push([counter_b])) == ["applied"]
        world = World(centre=centre, dev_a=dev_a, dev_b=dev_b, slot_a=booking.slot_id,
                      slot_b=uuid.UUID(made_b[0]["id"]), secret=secret, appointment=booking.id, dossier=dossier,
                      blob=name, blob_bytes=content, refused_op=uuid.UUID(refused["op_id"]),
                      signer_b=Signer(private))
        world.ids_of_a = {str(booking.id), str(booking.slot_id), str(dossier)}
        yield world


# --- probes: (world) -> None, asserting the refusal and that nothing of A moved ---------------

Probe = Callable[[World], None]


def _unchanged(probe: Callable[[World], None]) -> Probe:
    def checked(world: World) -> None:
        before = world.state_of_a()
        probe(world)
        assert world.state_of_a() == before, "office A's data moved"
    checked.__name__ = probe.__name__
    return checked


def _no_credential(method: str, path: str, headers: dict[str, str] | None = None, **kwargs: object) -> Probe:
    def probe(world: World) -> None:
        for credential in ({}, {"Authorization": "Bearer made-up-credential"}):
            r = requests.request(method, world.url(path), headers={**(headers or {}), **credential},
                                 timeout=TIMEOUT, **kwargs)  # type: ignore[arg-type]
            assert r.status_code == 401, (credential, r.status_code, r.text)
    return _unchanged(probe)


def _blob_path(world: World) -> str:
    return f"{API}/blobs/{world.blob}"


@_unchanged
def _blob_head_other(world: World) -> None:
    assert world.dev_b.session.head(world.url(_blob_path(world)), timeout=TIMEOUT).status_code == 404


@_unchanged
def _blob_get_other(world: World) -> None:
    r = world.dev_b.session.get(world.url(_blob_path(world)), timeout=TIMEOUT)
    assert r.status_code == 404 and world.blob_bytes not in r.content


@_unchanged
def _blob_patch_other(world: World) -> None:
    """B may upload a file of the same name — into its own office, never onto A's."""
    r = world.dev_b.session.patch(world.url(_blob_path(world)), data=b"not the scan", timeout=TIMEOUT, headers={
        "Upload-Offset": "0", "Upload-Length": "12", "Content-Type": "application/offset+octet-stream"})
    assert r.status_code in (204, 409, 422), r.text
    assert world.dev_b.session.get(world.url(_blob_path(world)), timeout=TIMEOUT).status_code == 404


@_unchanged
def _push_other(world: World) -> None:
    dev = world.dev_b
    slot = str(world.slot_a)
    ops = [
        dev.op("dossier", world.dossier, "move", {"status": "in_processing"}, from_state="received",
               to_state="in_processing"),
        dev.op("appointment", world.appointment, "cancel", {}, from_state="booked", to_state="cancelled"),
        dev.op("appointment", new_id(), "book", {"slot_id": slot, "side": "office", "source": "kiosk",
                                                 "code": "LH0B0B0B"}, to_state="booked"),
        dev.op("appointment", new_id(), "cancel", {"slot_id": slot, "side": "online", "source": "online"}),
        dev.op("appointment", new_id(), "reschedule", {"to_slot_id": slot, "side": "online", "source": "online"}),
        dev.op("slot", world.slot_a, "set_capacity", {"office_quota": 0, "online_quota": 9}),
        {**dev.op("ticket", new_id(), "create", {"code": "A001"}), "device_id": str(world.dev_a.device_id)},
        dev.op("device", world.dev_a.device_id, "register", {
            "office_code": B, "name": "x", "kind": "counter",
            "public_key": base64.b64encode(generate_keypair()[1]).decode()}),
    ]
    results = dev.push(ops)
    assert [(r["status"], r["code"]) for r in results] == [("rejected", "wrong_office")] * len(ops), results
    assert all(r["reason"] for r in results)


@_unchanged
def _resolve_other(world: World) -> None:
    r = world.dev_b.session.post(world.url(API + "/resolve"), json={"op_id": str(world.refused_op)},
                                 timeout=TIMEOUT)
    assert r.status_code == 404, r.text


@_unchanged
def _pull_other(world: World) -> None:
    changes, _cursor = world.dev_b.pull_all()
    assert changes, "B pulls its own changes"
    assert {c["office_code"] for c in changes} <= {B, None}
    leaked = {c["entity_id"] for c in changes} & world.ids_of_a
    assert not leaked and str(world.dossier) not in str(changes)


def _enroll_no_code(world: World) -> None:
    r = requests.post(world.url(API + "/enroll"), timeout=TIMEOUT, json={
        "code": "AAAA-BBBB-CCCC", "device_name": "x", "device_kind": "counter",
        "public_key": base64.b64encode(generate_keypair()[1]).decode()})
    assert r.status_code == 401, r.text


# The citizens' site.

def _page(world: World, method: str, path: str, data: dict[str, str] | None = None) -> requests.Response:
    """A stranger's browser: no cookies but a valid double-submit CSRF pair, so a refusal
    is the scope's, not the CSRF check's."""
    if method == "GET":
        return requests.get(world.url(path), timeout=TIMEOUT, allow_redirects=False)
    return requests.post(world.url(path), data={**(data or {}), "csrf": CSRF}, cookies={"csrf": CSRF},
                         timeout=TIMEOUT, allow_redirects=False)


def _not_found(r: requests.Response, world: World, *, typed: str = "") -> None:
    """404, with nothing of A's on the page but what the caller typed in."""
    assert r.status_code == 404, (r.status_code, r.text[:300])
    for private in (APPLICANT["full_name"], APPLICANT["phone"], CODE, world.secret):
        assert private == typed or private not in r.text, private


def _slot_under_other_office(method: str, suffix: str = "") -> Probe:
    """A's slot under B's office URL, and B's slot under A's: not found either way."""
    @_unchanged
    def probe(world: World) -> None:
        details = {"full_name": "Trần Thị Bình", "phone": "0987654321", "secret": "x" * 32}
        for office, slot in ((B, world.slot_a), (A, world.slot_b)):
            _not_found(_page(world, method, f"/dat-lich/{office}/{BIRTH}/{slot}{suffix}", details), world)
        assert world.slot_counts(world.slot_b)[3] == 0
    return probe


@_unchanged
def _listing_other(world: World) -> None:
    """An office's free times never list another office's slots."""
    r = _page(world, "GET", f"/dat-lich/{B}/{BIRTH}")
    assert r.status_code == 200 and str(world.slot_b) in r.text and str(world.slot_a) not in r.text


def _no_link(method: str, suffix: str, data: dict[str, str] | None = None) -> Probe:
    @_unchanged
    def probe(world: World) -> None:
        for secret in ("x" * 32, world.secret[:-1] + ("A" if world.secret[-1] != "A" else "B")):
            _not_found(_page(world, method, f"/lich-hen/{secret}{suffix}", data), world)
    return probe


@_unchanged
def _move_to_other_office(world: World) -> None:
    """The booking's own link, moving it to another office's slot: no such time."""
    r = _page(world, "POST", f"/lich-hen/{world.secret}/doi", {"slot_id": str(world.slot_b)})
    assert r.status_code == 409, (r.status_code, r.text[:300])
    assert world.slot_counts(world.slot_b)[3] == 0


@_unchanged
def _wrong_phone(world: World) -> None:
    page = _page(world, "POST", "/tra-cuu", {"code": CODE, "phone": "0987654321"})
    _not_found(page, world, typed=CODE)
    assert "Hoàng" not in page.text and "H. T. Lan" not in page.text


def _receipt(lower: bool, kind: str) -> Probe:
    @_unchanged
    def probe(world: World) -> None:
        if kind == OTHER_KEY:  # B's genuine key, signing for B, naming A's dossier
            path = _receipt_path(world.signer_b, world.dossier, office=B, code="000.00.05.H26-261120-0009")
        else:  # a key the centre never heard of, signing for A
            path = _receipt_path(Signer(generate_keypair()[0]), world.dossier)
        _not_found(_page(world, "GET", path.lower() if lower else path), world)
    return probe


# --- the matrix ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    public: str = ""  # why anyone may call it ("" = guarded)
    probes: dict[str, Probe] = field(default_factory=dict)


def _device_api(path: str, method: str, other: Probe | None, headers: dict[str, str] | None = None,
                **kwargs: object) -> Row:
    probes = {NO_CREDENTIAL: _no_credential(method, path, headers, **kwargs)}
    if other is not None:
        probes[OTHER_DEVICE] = other
    return Row(probes=probes)


DOCS = "the API's documentation: no data, and every endpoint it describes is in this matrix"
BLOB = API + "/blobs/{sha256}"
A_BLOB = API + "/blobs/" + "0" * 64

ROUTES: dict[tuple[str, str], Row] = {
    # the device API
    ("POST", API + "/enroll"): Row(probes={NO_CREDENTIAL: _enroll_no_code}),  # the one-time code is the credential
    ("POST", API + "/push"): _device_api(API + "/push", "POST", _push_other, json={"ops": []}),
    ("POST", API + "/resolve"): _device_api(API + "/resolve", "POST", _resolve_other,
                                            json={"op_id": str(uuid.uuid4())}),
    ("GET", API + "/pull"): _device_api(API + "/pull", "GET", _pull_other),
    ("GET", API + "/time"): _device_api(API + "/time", "GET", None),  # the time is no office's
    ("HEAD", BLOB): _device_api(A_BLOB, "HEAD", _blob_head_other),
    ("GET", BLOB): _device_api(A_BLOB, "GET", _blob_get_other),
    ("PATCH", BLOB): _device_api(A_BLOB, "PATCH", _blob_patch_other, data=b"x", headers={"Upload-Offset": "0"}),
    # operations
    ("GET", "/healthz"): Row(public="liveness for the load balancer: answers ok and nothing else"),
    ("GET", "/openapi.json"): Row(public=DOCS),
    ("GET", "/docs"): Row(public=DOCS),
    ("GET", "/docs/oauth2-redirect"): Row(public=DOCS),
    ("GET", "/redoc"): Row(public=DOCS),
    # the citizens' site: what anyone may read
    ("GET", "/web/site.css"): Row(public="the site's stylesheet"),
    ("GET", "/"): Row(public="the site's home page: links only"),
    ("GET", "/dat-lich"): Row(public="the offices citizens can book at"),
    ("GET", "/dat-lich/{office_code}"): Row(public="an office's procedures: the published catalog"),
    ("GET", "/dat-lich/{office_code}/{proc_code}"): Row(
        public="free times of a procedure; slot ids are no secret, which is why every write checks the office",
        probes={OTHER_OFFICE_URL: _listing_other}),
    ("GET", "/tra-cuu"): Row(public="the empty tracking form"),
    # the citizens' site: booking
    ("GET", "/dat-lich/{office_code}/{proc_code}/{slot_id}"): Row(
        public="the details form of a free time", probes={OTHER_OFFICE_URL: _slot_under_other_office("GET")}),
    ("POST", "/dat-lich/{office_code}/{proc_code}/{slot_id}"): Row(
        public="checks the details typed in (books nothing)",
        probes={OTHER_OFFICE_URL: _slot_under_other_office("POST")}),
    ("POST", "/dat-lich/{office_code}/{proc_code}/{slot_id}/xac-nhan"): Row(
        public="anyone may book a free time (within the per-phone and per-address limits)",
        probes={OTHER_OFFICE_URL: _slot_under_other_office("POST", "/xac-nhan")}),
    # a booking's private pages
    ("GET", "/lich-hen/{secret}"): Row(probes={NO_LINK: _no_link("GET", "")}),
    ("GET", "/lich-hen/{secret}/in"): Row(probes={NO_LINK: _no_link("GET", "/in")}),
    ("GET", "/lich-hen/{secret}/lich-hen.ics"): Row(probes={NO_LINK: _no_link("GET", "/lich-hen.ics")}),
    ("GET", "/lich-hen/{secret}/huy"): Row(probes={NO_LINK: _no_link("GET", "/huy")}),
    ("POST", "/lich-hen/{secret}/huy"): Row(probes={NO_LINK: _no_link("POST", "/huy")}),
    ("GET", "/lich-hen/{secret}/doi"): Row(probes={NO_LINK: _no_link("GET", "/doi")}),
    ("POST", "/lich-hen/{secret}/doi"): Row(probes={
        NO_LINK: _no_link("POST", "/doi", {"slot_id": str(uuid.uuid4())}),
        OTHER_OFFICE_URL: _move_to_other_office}),
    # following a dossier
    ("POST", "/tra-cuu"): Row(probes={WRONG_PHONE: _wrong_phone}),
    ("GET", "/T/{token}"): Row(probes={OTHER_KEY: _receipt(False, OTHER_KEY), FORGED: _receipt(False, FORGED)}),
    ("GET", "/t/{token}"): Row(probes={OTHER_KEY: _receipt(True, OTHER_KEY), FORGED: _receipt(True, FORGED)}),
}


def _unlisted(app: FastAPI) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(routes with no row, rows with no route), in path order."""
    table = route_table(app)
    return (sorted(table - ROUTES.keys(), key=lambda r: (r[1], r[0])),
            sorted(ROUTES.keys() - table, key=lambda r: (r[1], r[0])))


def test_every_route_has_a_row(world: World) -> None:
    """A new route without a row here fails, named; so does a row whose route is gone."""
    missing, stale = _unlisted(world.centre.app)
    assert not missing, f"routes with no row in the boundary matrix (tests/sync/server/test_boundaries.py): {missing}"
    assert not stale, f"rows for routes the centre no longer has: {stale}"


def test_a_new_route_is_caught_wherever_it_is_added(world: World) -> None:
    """On the app or on the site's router: the table sees both (a fresh app, not the served one)."""
    app = create_app(world.centre.db, world.centre.settings)
    router = APIRouter()
    router.add_api_route("/can-bo/ho-so", lambda: {}, methods=["GET"])
    app.include_router(router)
    app.add_api_route(API + "/offices", lambda: {}, methods=["GET"])
    missing, _stale = _unlisted(app)
    assert missing == [("GET", API + "/offices"), ("GET", "/can-bo/ho-so")]


def test_rows_say_enough() -> None:
    """Every guarded row probes someone; every device API route refuses a caller with no
    credential; a staff or admin route probes another office's staff and a lower role."""
    for (method, path), row in ROUTES.items():
        assert row.public or row.probes, f"{method} {path}: neither public nor probed"
        if path.startswith(API + "/"):
            assert not row.public and NO_CREDENTIAL in row.probes, f"{method} {path}: the device API is not public"
        if any(word in path.lower() for word in STAFF_WORDS):
            assert {OTHER_STAFF, ROLE_BELOW} <= row.probes.keys(), f"{method} {path}: a staff route needs both rows"


CASES = [pytest.param(method, path, kind, id=f"{method} {path} | {kind}")
         for (method, path), row in ROUTES.items() for kind in row.probes]


@pytest.mark.parametrize(("method", "path", "kind"), CASES)
def test_the_caller_is_refused(world: World, method: str, path: str, kind: str) -> None:
    ROUTES[(method, path)].probes[kind](world)


def test_the_owners_still_get_through(world: World) -> None:
    """The same requests from office A and from the link's holder succeed: the refusals
    above are the scope's, not a route that refuses everyone."""
    dev_a = world.dev_a
    assert dev_a.session.get(world.url(_blob_path(world)), timeout=TIMEOUT).content == world.blob_bytes
    assert dev_a.session.head(world.url(_blob_path(world)), timeout=TIMEOUT).status_code == 200
    changes, _ = dev_a.pull_all()
    assert str(world.slot_a) in {c["entity_id"] for c in changes}
    for suffix in ("", "/in", "/lich-hen.ics", "/huy", "/doi"):
        assert _page(world, "GET", f"/lich-hen/{world.secret}{suffix}").status_code == 200, suffix
    assert _page(world, "GET", f"/dat-lich/{A}/{BIRTH}/{_free_slot_of_a(world)}").status_code == 200
    assert _page(world, "POST", "/tra-cuu", {"code": CODE, "phone": APPLICANT["phone"]}).status_code == 200


def _free_slot_of_a(world: World) -> uuid.UUID:
    with world.centre.read() as s:
        found = s.scalars(select(CentreSlot.id).where(CentreSlot.office_code == A, CentreSlot.id != world.slot_a)
                          .order_by(CentreSlot.start_time)).first()
    assert found is not None
    return found
