"""Attachments: uploaded by SHA-256, resumable at the byte the centre has, hash-checked,
size-limited; an op naming a blob waits for it."""

from __future__ import annotations

import hashlib
import os

import pytest

from core.ids import new_id
from sync.server import blobs
from sync.server.settings import ServerSettings
from tests.support.centre import running_centre
from tests.sync.server.helpers import TIMEOUT, Device, statuses, ticket_payload


def _head(dev: Device, name: str):
    return dev.session.head(f"{dev.centre.api_url}/blobs/{name}", timeout=TIMEOUT)


def _patch(dev: Device, name: str, offset: int, data: bytes, length: int | None = None):
    headers = {"Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"}
    if length is not None:
        headers["Upload-Length"] = str(length)
    return dev.session.patch(f"{dev.centre.api_url}/blobs/{name}", data=data, headers=headers, timeout=TIMEOUT)


def test_an_upload_cut_halfway_resumes_and_makes_one_blob(centre) -> None:
    dev = Device(centre)
    content = os.urandom(300_000)
    name = hashlib.sha256(content).hexdigest()
    assert _head(dev, name).status_code == 404
    r = _patch(dev, name, 0, content[:100_000])
    assert r.status_code == 204 and r.headers["Upload-Offset"] == "100000" and "Upload-Complete" not in r.headers
    # The link drops; the client asks where to go on.
    assert _head(dev, name).headers["Upload-Offset"] == "100000"
    assert _patch(dev, name, 0, content[:100_000]).status_code == 409  # a replayed first chunk is not appended again
    r = _patch(dev, name, 100_000, content[100_000:])
    assert r.headers["Upload-Complete"] == "1" and r.headers["Upload-Offset"] == "300000"
    head = _head(dev, name)
    assert head.status_code == 200 and head.headers["Upload-Complete"] == "1"
    assert _patch(dev, name, 300_000, content[-10:]).status_code == 204  # done: a late replay changes nothing
    with centre.read() as s:
        assert blobs.read(s, "00004", name) == content


def test_with_upload_length_bytes_that_do_not_hash_to_the_name_are_thrown_away(centre) -> None:
    dev = Device(centre)
    content = b"the real scan"
    name = hashlib.sha256(b"another file").hexdigest()
    r = _patch(dev, name, 0, content, length=len(content))
    assert r.status_code == 422 and r.json()["code"] == "hash_mismatch"
    assert _head(dev, name).headers["Upload-Offset"] == "0"


def test_without_upload_length_a_wrong_file_never_completes(centre) -> None:
    dev = Device(centre)
    name = hashlib.sha256(b"expected").hexdigest()
    r = _patch(dev, name, 0, b"something else")
    assert r.status_code == 204 and "Upload-Complete" not in r.headers


def test_a_blob_name_must_be_a_sha256(centre) -> None:
    dev = Device(centre)
    assert _patch(dev, "not-a-hash", 0, b"x").status_code == 422


def test_the_size_limit_is_enforced(centre_url, tmp_path) -> None:
    with running_centre(centre_url, tmp_path, settings=ServerSettings(max_blob_bytes=1000)) as centre:
        dev = Device(centre)
        content = os.urandom(1500)
        name = hashlib.sha256(content).hexdigest()
        assert _patch(dev, name, 0, content[:800]).status_code == 204
        r = _patch(dev, name, 800, content[800:])
        assert r.status_code == 413
        assert _patch(dev, name, 0, content, length=len(content)).status_code == 413
        assert _head(dev, name).headers["Upload-Offset"] == "800"


def test_an_op_naming_a_blob_waits_until_it_is_complete(centre) -> None:
    dev = Device(centre)
    content = os.urandom(5000)
    name = hashlib.sha256(content).hexdigest()
    did, tid = new_id(), new_id()
    ops = [dev.op("dossier", did, "receive", {"code": "D-1", "attachments": [{"sha256": name}]}, to_state="received"),
           dev.op("dossier", did, "send_to_processing", {"code": "D-1"}, from_state="received",
                  to_state="in_processing"),
           dev.op("ticket", tid, "issue", ticket_payload(), to_state="waiting")]
    results = dev.push(ops)
    assert statuses(results) == ["held", "held", "applied"]
    assert results[0]["code"] == "waiting_for_blob"
    _patch(dev, name, 0, content[:2000])
    assert statuses(dev.push(ops[:2])) == ["held", "held"]
    _patch(dev, name, 2000, content[2000:])
    assert statuses(dev.push(ops)) == ["applied", "applied", "duplicate"]
    assert centre.entity("dossier", did).status == "in_processing"


def test_an_office_cannot_see_or_complete_another_office_upload(centre) -> None:
    centre.create_office("00007")
    a, b = Device(centre, "00004"), Device(centre, "00007", name="agent-b")
    content = os.urandom(1000)
    name = hashlib.sha256(content).hexdigest()
    assert _patch(b, name, 0, content).headers["Upload-Complete"] == "1"
    assert _head(a, name).status_code == 404
    did = new_id()
    assert statuses(a.push([a.op("dossier", did, "receive", {"code": "D-2", "attachments": [name]},
                                 to_state="received")])) == ["held"]


@pytest.mark.parametrize("chunk", [1, 7])
def test_tiny_chunks_add_up(centre, chunk: int) -> None:
    dev = Device(centre)
    content = b"0123456789abcdef" * 2
    name = hashlib.sha256(content).hexdigest()
    offset = 0
    while offset < len(content):
        r = _patch(dev, name, offset, content[offset:offset + chunk], length=len(content))
        assert r.status_code == 204
        offset = int(r.headers["Upload-Offset"])
    assert r.headers["Upload-Complete"] == "1"


def test_unfinished_uploads_are_dropped_after_the_retention_period_and_complete_ones_kept(centre) -> None:
    from datetime import timedelta

    dev = Device(centre)
    done, cut = os.urandom(5_000), os.urandom(5_000)
    done_name, cut_name = hashlib.sha256(done).hexdigest(), hashlib.sha256(cut).hexdigest()
    assert _patch(dev, done_name, 0, done).headers["Upload-Complete"] == "1"
    assert _patch(dev, cut_name, 0, cut[:2_000]).status_code == 204
    with centre.write() as s:  # a fresh upload is not abandoned
        assert blobs.drop_abandoned(s, timedelta(days=30)) == 0
    with centre.write() as s:  # 31 days later
        from sync.server.models import utcnow
        assert blobs.drop_abandoned(s, timedelta(days=30), now=utcnow() + timedelta(days=31)) == 1
    assert _head(dev, cut_name).status_code == 404  # the office starts that file again from byte 0
    assert _patch(dev, cut_name, 0, cut).headers["Upload-Complete"] == "1"
    with centre.read() as s:
        assert blobs.read(s, "00004", done_name) == done
