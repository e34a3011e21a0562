"""Online booking figures (issue 8): the citizens' site under a rush, on the real server.

The centre runs on a throwaway PostgreSQL cluster and is served by ``motcua server run``
(uvicorn, one worker) on 127.0.0.1 in its own process, as in production; the clients are
threads of this process, each with its own cookie jar (requests.Session), like phones.

* ``booking_race_successes``: a slot with ``RACE_QUOTA`` online places of which all but
  ``RACE_LEFT`` (20) are already booked; ``RACE_CLIENTS`` (200) citizens with 200 different
  phone numbers each open the form, fill it in, and — all released at once by a barrier —
  confirm. Those who get their booking's page count; the figure must be exactly 20, and the
  centre's own count of the slot's online bookings must agree (checked). The per-address
  limit is raised for this test (every client is 127.0.0.1); the per-phone limit stays.
* ``booking_page_p95_ms``: the slot page (the procedure's days and free times, what every
  booking citizen loads) fetched by 50 phones at once — each its own keep-alive connection,
  loading it 20 times one after the other, all started together — after the race, its
  bookings in the database; p50 and p95 of the 1,000 request times.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from datetime import datetime, timedelta
from datetime import time as dtime
from html import unescape
from typing import Any

from benchmarks import harness
from benchmarks.harness import Context, Target, percentile

TARGETS = {
    "booking_race_successes": Target(20, "=="),
    "booking_page_p95_ms": Target(300, "<"),
}
RACE_LEFT = 20
SIZES = {"full": (200, 50, 20), "small": (60, 20, 10), "tiny": (30, 5, 4)}  # race clients, page clients, rounds
OFFICE = ("00004", "UBND Phường Ba Đình", "Ba Dinh Ward")
PROCEDURE = "1.001193"  # Đăng ký khai sinh (service HT)
TIMEOUT = (5, 120)


def _phone(k: int) -> str:
    return f"09{k:08d}"


def _form(html: str, action_pattern: str) -> tuple[str, dict[str, str]]:
    for match in re.finditer(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', html, flags=re.S):
        action = unescape(match.group(1))
        if re.search(action_pattern, action):
            fields = {}
            for tag in re.findall(r"<input[^>]*>", match.group(2)):
                name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
                if name:
                    fields[name.group(1)] = unescape(value.group(1)) if value else ""
            return action, fields
    raise RuntimeError(f"no form {action_pattern!r} on the page")


def prepare(db: Any, race_quota: int) -> tuple[uuid.UUID, str]:
    """The office, its catalog, tomorrow's slots; one slot with all but RACE_LEFT online places
    booked. Returns (that slot's id, the slot page's path)."""
    from core.working_calendar import OFFICE_TZ
    from sync.server import admin, bookings, catalog

    day = (datetime.now(OFFICE_TZ) + timedelta(days=1)).date()
    with db.write() as s:
        admin.create_office(s, OFFICE[0], name_vi=OFFICE[1], name_en=OFFICE[2])
        catalog.publish_catalog(s, OFFICE[0])
        slots = bookings.create_slots(s, OFFICE[0], "HT", day, start=dtime(8), end=dtime(11), minutes=30,
                                      office_quota=5, online_quota=race_quota)
    slot_id = uuid.UUID(slots[0]["id"])
    with db.write() as s:
        for k in range(race_quota - RACE_LEFT):
            bookings.book_online(s, OFFICE[0], slot_id, full_name="Nguyễn Văn Sớm", phone=_phone(50_000_000 + k),
                                 procedure_code=PROCEDURE)
    return slot_id, f"/dat-lich/{OFFICE[0]}/{PROCEDURE}"


def race(base: str, slot_path: str, slot_id: uuid.UUID, clients: int) -> dict[str, Any]:
    """``clients`` citizens fill in the form for the slot, then all confirm at once."""
    import requests

    barrier = threading.Barrier(clients + 1)
    outcome: dict[str, int] = {}
    errors: list[str] = []
    lock = threading.Lock()

    def citizen(k: int) -> None:
        session = requests.Session()
        session.trust_env = False
        got = "error"
        try:
            form = session.get(f"{base}{slot_path}/{slot_id}", timeout=TIMEOUT)
            action, fields = _form(form.text, re.escape(str(slot_id)) + "$")
            confirm = session.post(base + action, data={**fields, "full_name": f"Công Dân Số {k}",
                                                        "phone": _phone(k), "cccd": ""}, timeout=TIMEOUT)
            action, fields = _form(confirm.text, "/xac-nhan$")
            barrier.wait(timeout=300)
            answer = session.post(base + action, data=fields, timeout=TIMEOUT, allow_redirects=False)
            location = answer.headers.get("location", "")
            got = "booked" if answer.status_code == 303 and "/lich-hen/" in location else f"http_{answer.status_code}"
        except Exception as exc:  # counted, reported; the others go on
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}")
            barrier.abort()
        finally:
            session.close()
            with lock:
                outcome[got] = outcome.get(got, 0) + 1

    threads = [threading.Thread(target=citizen, args=(k,), daemon=True) for k in range(clients)]
    for t in threads:
        t.start()
    barrier.wait(timeout=300)
    start = time.perf_counter()
    for t in threads:
        t.join(300)
    return {"outcome": outcome, "errors": errors, "seconds": time.perf_counter() - start}


async def _phone_client(host: str, port: int, path: str, rounds: int, go: Any, out: list[float]) -> None:
    """One phone's keep-alive connection: ``rounds`` loads of the page, one after the other.

    Plain HTTP/1.1 on an asyncio stream: the fifty phones cost this process a few per cent
    of a core, so the server gets the machine (with requests in threads, the clients took as
    much CPU as the server and the figure measured the load generator)."""
    import asyncio

    reader, writer = await asyncio.open_connection(host, port)
    request = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/html\r\n"
               f"User-Agent: motcua-bench-phone\r\n\r\n").encode("ascii")
    try:
        await go.wait()
        for _ in range(rounds):
            t = time.perf_counter()
            writer.write(request)
            await writer.drain()
            status = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _sep, value = line.decode("latin-1").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            await reader.readexactly(length)
            out.append((time.perf_counter() - t) * 1000)
            if not status.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(f"the slot page answered {status!r}")
    finally:
        writer.close()


def page_load(base: str, slot_path: str, clients: int, rounds: int) -> list[float]:
    """``clients`` phones load the slot page ``rounds`` times each, all starting together;
    every request's time in ms."""
    import asyncio
    from urllib.parse import urlsplit

    where = urlsplit(base)

    async def main() -> list[float]:
        go = asyncio.Event()
        out: list[float] = []
        phones = [asyncio.create_task(_phone_client(where.hostname or "127.0.0.1", where.port or 80, slot_path, rounds,
                                             go, out)) for _ in range(clients)]
        await asyncio.sleep(0.5)  # every phone connected
        go.set()
        await asyncio.wait_for(asyncio.gather(*phones), timeout=300)
        return out

    return asyncio.run(main())


@harness.group("booking", targets=TARGETS)
def booking(ctx: Context) -> dict[str, float]:
    """200 citizens racing for the last 20 online places; the slot page under load."""
    from sqlalchemy import func, select

    from benchmarks.sync import Centres, pg_cluster, server_process
    from sync.server.database import CentreDatabase
    from sync.server.models import CentreEntity, CentreSlot

    race_clients, page_clients, rounds = SIZES.get(ctx.scale, SIZES["small"])
    race_quota = RACE_LEFT + 180
    work = ctx.work_dir / "booking-bench"
    ctx.log("booking: starting a throwaway PostgreSQL cluster...")
    with pg_cluster() as cluster:
        centres = Centres(cluster)
        url = centres.fresh("centre_booking")
        db = CentreDatabase(url)
        try:
            slot_id, slot_path = prepare(db, race_quota)
            env = {"MOTCUA_SERVER_WEB_BOOKINGS_PER_IP_PER_HOUR": "1000000",
                   "MOTCUA_SERVER_WEB_LOOKUPS_PER_IP_PER_HOUR": "1000000"}
            with server_process(url, work / "server.log", workers=1, env=env) as (base, _pid):
                ctx.log(f"booking: {race_clients} citizens confirm at once for the last {RACE_LEFT} places...")
                raced = race(base, slot_path, slot_id, race_clients)
                ctx.log(f"booking: {page_clients} phones load the slot page {rounds} times each...")
                latencies = page_load(base, slot_path, page_clients, rounds)
            with db.read() as s:
                slot = s.get(CentreSlot, slot_id)
                held = s.scalar(select(func.count()).select_from(CentreEntity).where(
                    CentreEntity.entity == "appointment", CentreEntity.status == "booked",
                    CentreEntity.data["slot_id"].as_string() == str(slot_id)))
        finally:
            db.dispose()
    booked = raced["outcome"].get("booked", 0)
    if raced["errors"] or slot is None or slot.online_booked != race_quota or held != slot.online_booked:
        raise RuntimeError(f"booking race: {raced['errors'][:3]} outcome {raced['outcome']}, slot "
                           f"{slot and slot.online_booked}/{race_quota}, bookings held {held}")
    ctx.log(f"booking: race outcome {raced['outcome']} in {raced['seconds']:.1f} s")
    return {
        "booking_race_clients": float(race_clients),
        "booking_race_successes": float(booked),
        "booking_race_s": round(raced["seconds"], 2),
        "booking_page_requests": float(len(latencies)),
        "booking_page_p50_ms": round(percentile(latencies, 50), 1),
        "booking_page_p95_ms": round(percentile(latencies, 95), 1),
    }


__all__ = ["booking"]
