"""The agent's HTTP client: what each kind of failure means, blobs that resume, and the
whole exchange over TLS with the city's own CA (verification never off)."""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import uvicorn

from local_db import journal
from local_db.attachment_store import AttachmentStore
from local_db.database import Database
from local_db.office_setup import OfficeRefs
from sync.agent import Agent
from sync.client import CentreClient, Refused, Unauthorized, Unreachable
from sync.enroll import enroll_office
from sync.server import blobs
from tests.support.centre import Centre
from tests.support.tls_ca import make_test_ca
from tests.sync.agent.helpers import (
    FAST,
    NOW,
    agent_for,
    applied_at_centre,
    enrol,
    more_tickets,
    office_ops,
)


def test_each_failure_has_one_meaning(db: Database, office: OfficeRefs, centre: Centre) -> None:
    enrollment = enrol(db, centre)
    client = CentreClient(centre.base_url, enrollment.credential, timeout=FAST)
    assert client.session.verify is True and client.session.trust_env is False
    assert abs((client.time().server_time - NOW).total_seconds()) < 86400 * 400
    for status, kind in ((503, Unreachable), (500, Unreachable), (429, Unreachable), (422, Refused),
                         (413, Refused), (403, Refused), (401, Unauthorized)):
        centre.faults.fail(status, times=1)
        with pytest.raises(kind) as err:
            client.pull("0", 10)
        assert err.value.details.get("status") == status
    centre.faults.fail(200, times=1)  # an answer that is not the contract's
    with pytest.raises(Unreachable):
        client.pull("0", 10)
    with pytest.raises(Unauthorized):
        CentreClient(centre.base_url, "not-a-credential", timeout=FAST).pull("0", 10)
    # a server that never answers: the read timeout, not a hung agent
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    started = time.monotonic()
    with pytest.raises(Unreachable):
        CentreClient(f"http://127.0.0.1:{silent.getsockname()[1]}", "x", timeout=(0.5, 0.5)).time()
    assert time.monotonic() - started < 5
    silent.close()


def test_a_cut_upload_resumes_and_the_op_goes_with_its_file(db: Database, office: OfficeRefs, centre: Centre,
                                                           tmp_path: Path) -> None:
    enrollment = enrol(db, centre)
    store = AttachmentStore(tmp_path / "attachments")
    sha = store.put(bytes(range(256)) * 1000)
    scan = store.path(sha)
    assert sha == hashlib.sha256(scan.read_bytes()).hexdigest()
    half = scan.read_bytes()[:100_000]
    r = requests.patch(f"{centre.api_url}/blobs/{sha}", data=half, timeout=5, headers={
        "Authorization": f"Bearer {enrollment.credential}", "Upload-Offset": "0"})
    assert r.status_code == 204 and r.headers["Upload-Offset"] == "100000"  # the link dropped here
    with db.write() as s:
        journal.record(s, office.actor("canbo1"), entity="feedback", entity_id=office.device_id, op_type="give",
                       payload={"rating": "satisfied", "attachments": [{"sha256": sha}]},
                       now=NOW, to_state="given")
    client = CentreClient(centre.base_url, enrollment.credential, timeout=FAST)
    assert client.blob_offset(sha) == 100_000
    report = agent_for(db, centre.base_url, enrollment, store=store).run_once()
    assert report.ok and report.acked == 2  # (+1: the counter's key, registered at enrollment)
    with centre.read() as s:
        state = blobs.state(s, "00004", sha)
    assert state is not None and state.complete and state.size == len(scan.read_bytes())
    assert client.upload_blob(sha, scan)  # again: nothing to send, already complete


@pytest.fixture
def tls_centre(centre: Centre, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The same centre app served over TLS by a certificate of a test CA."""
    ca = make_test_ca(tmp_path / "ca")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(centre.app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1,
                                           ssl_certfile=str(ca.server_cert), ssl_keyfile=str(ca.server_key)))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield f"https://127.0.0.1:{port}", ca.ca_cert
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def test_the_whole_exchange_over_tls_with_the_citys_ca(db: Database, office: OfficeRefs, centre: Centre,
                                                      tls_centre: tuple[str, Path]) -> None:
    url, ca_bundle = tls_centre
    with pytest.raises(Unreachable) as unverified:  # the system's CAs do not know the city's
        CentreClient(url, timeout=FAST).enroll("ABCDEF", device_name="x", device_kind="agent", public_key="")
    assert "CERTIFICATE_VERIFY_FAILED" in str(unverified.value.details["error"])
    enrollment = enroll_office(db, url, centre.enroll_code(), device_name="office-agent", ca_bundle=ca_bundle,
                               timeout=FAST, now=NOW)
    more_tickets(db, office, 3)
    client = CentreClient(url, enrollment.credential, ca_bundle=ca_bundle, timeout=FAST)
    with client:
        report = Agent(db, client, office_code="00004").run_once()
    assert report.ok and report.acked == 4  # (+1: the counter's key, registered at enrollment)
    assert sorted(applied_at_centre(centre)) == sorted(office_ops(db))
    assert client.session.verify == str(ca_bundle)
