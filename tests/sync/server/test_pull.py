"""Pull: the change log in commit order, page by page, scoped to the office; a cursor older
than what the centre keeps answers refetch, and from 0 the log is a full snapshot."""

from __future__ import annotations

import threading
from datetime import timedelta

from core.ids import new_id
from sync.server import catalog, changelog
from tests.sync.server.helpers import TIMEOUT, Device


def _publish(centre, n: int, office: str | None = "00004") -> list[int]:
    with centre.write() as s:
        return [changelog.append(s, office, "staff", new_id(), {"n": i}) for i in range(n)]


def test_pages_come_in_seq_order_with_a_cursor(centre) -> None:
    dev = Device(centre)
    _publish(centre, 25)
    seen, after, pages = [], "0", 0
    while True:
        page = dev.pull(after, limit=10)
        pages += 1
        seen += [c["seq"] for c in page["changes"]]
        after = page["cursor"]
        if not page["more"]:
            break
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 25 + 2  # + the device's and the centre's keys
    assert pages == 3
    assert dev.pull(after)["changes"] == []  # up to date
    assert dev.pull(after)["cursor"] == after
    _publish(centre, 1)
    assert len(dev.pull(after)["changes"]) == 1


def test_a_cursor_older_than_the_retention_answers_refetch(centre) -> None:
    dev = Device(centre)
    with centre.write() as s:
        catalog.publish_catalog(s, "00004")
    _changes, old_cursor = dev.pull_all()
    with centre.write() as s:  # the catalog is published again, changed; then the log is compacted
        rows = catalog.load_catalog()
        rows[0] = {**rows[0], "name_en": "Birth registration (changed)"}
        catalog.publish_catalog(s, "00004", rows)
        deleted = changelog.compact(s, timedelta(0))
    assert deleted == 1
    page = dev.pull("1")
    assert page["refetch"] is True and page["changes"] == []
    assert dev.pull(old_cursor)["refetch"] is False  # this one missed nothing
    snapshot, _cursor = dev.pull_all("0")
    procedures = {c["entity_id"]: c["data"] for c in snapshot if c["entity"] == "procedure"}
    assert len(procedures) == 20
    assert "Birth registration (changed)" in {p["name_en"] for p in procedures.values()}
    assert dev.pull("not-a-cursor")["refetch"] is True


def test_compaction_keeps_recent_changes(centre) -> None:
    ids = _publish(centre, 3)
    with centre.write() as s:
        assert changelog.compact(s, timedelta(days=1)) == 0
        assert changelog.floor(s) == 0
    assert ids == sorted(ids)


def test_a_reader_never_misses_a_change_committed_behind_its_cursor(centre) -> None:
    """Writers append concurrently while a device pulls: every change is seen exactly once."""
    dev = Device(centre)
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        for _ in range(15):
            written.extend(_publish(centre, 3))

    seen: list[int] = []

    def reader() -> None:
        after = "0"
        while True:
            done = stop.is_set()
            r = dev.session.get(centre.api_url + "/pull", params={"after": after, "limit": 7}, timeout=TIMEOUT)
            page = r.json()
            seen.extend(c["seq"] for c in page["changes"] if c["entity"] == "staff")
            after = page["cursor"]
            if done and not page["more"]:
                return

    writers = [threading.Thread(target=writer) for _ in range(4)]
    read = threading.Thread(target=reader)
    read.start()
    for w in writers:
        w.start()
    for w in writers:
        w.join()
    stop.set()
    read.join()
    assert sorted(seen) == sorted(written) and len(seen) == 4 * 15 * 3


def test_city_wide_changes_reach_every_office(centre) -> None:
    centre.create_office("00007")
    a, b = Device(centre, "00004"), Device(centre, "00007", name="agent-b")
    with centre.write() as s:
        catalog.publish_holidays(s, 2026)
    for dev in (a, b):
        changes, _ = dev.pull_all()
        holidays = [c for c in changes if c["entity"] == "holiday"]
        assert len(holidays) >= 10 and all(c["office_code"] is None for c in holidays)
        assert {"id", "office_code", "day", "name", "kind", "source"} == set(holidays[0]["data"])


def test_the_page_size_is_bounded(centre) -> None:
    dev = Device(centre)
    r = dev.session.get(centre.api_url + "/pull", params={"after": "0", "limit": 100_000}, timeout=TIMEOUT)
    assert r.status_code == 422
