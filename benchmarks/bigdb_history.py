"""The office's history as rows: each simulated ticket and dossier, written as the operations write it.

For every change the generator writes what ``local_db/ops`` would: the entity row, its
event row, and one outbox row (already acked by the centre) with its audit row, with the
op types, states, payloads and details of the operations. Changes get their change
sequence in time order when their day is closed, as commits would give it.

Dossiers live on after their intake day (processing, supplements, reschedules, results
given back), following the transition table, until the history ends.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from typing import Any

from benchmarks.bigdb_office import Axis, OfficeData, Proc
from benchmarks.bigdb_people import People, Person
from benchmarks.bigdb_queue import SimTicket
from benchmarks.bigdb_writer import US, Ids, Writer, dashed, db_time, from_us, iso_time, json_text, to_us
from core.text import fold, search_tokens
from core.working_calendar import WorkingCalendar

# Who sits at which counter in the history.
COUNTER_STAFF = {1: "canbo1", 2: "canbo2", 3: "giamsat", 4: "admin"}

TICKET_PAYLOAD = (
    '{"id": "%s", "office_code": "%s", "day": "%s", "number": %d, "code": "%s", "service_id": "%s", '
    '"service_code": "%s", "queue_service_id": "%s", "queue_service_code": "%s", "priority_reason": %s, '
    '"source": "%s", "status": "%s", "counter_id": %s, "counter_number": %s, "target_counter_id": null, '
    '"target_counter_number": null, "staff_id": %s, "appointment_id": null, "issued_at": "%s", '
    '"queued_at": "%s", "called_at": %s, "serving_at": %s, "finished_at": %s, "call_count": %d, "note": ""}'
)

DOSSIER_SERVICES = ("HT", "CT", "KD", "XH")  # TK returns results: no intake there
# Procedures the desk sees most, and how much more often than the others.
POPULAR_PROCEDURES = {"1.001193": 4.0, "2.000815": 5.0, "2.000908": 3.0, "1.004873": 2.0, "2.001035": 1.5}
RETURN_COUNTERS = (1, 3)  # counters serving TK
CLERKS = ("canbo1", "canbo2", "giamsat")
REJECT_REASONS = ["Hồ sơ không thuộc thẩm quyền giải quyết của UBND phường",
                  "Giấy tờ trong hồ sơ không hợp lệ, có dấu hiệu tẩy xóa",
                  "Người yêu cầu không đủ điều kiện theo quy định"]
WITHDRAW_REASONS = ["Công dân xin rút hồ sơ", "Công dân đã nộp hồ sơ ở nơi khác", ""]
RESCHEDULE_REASONS = ["Cơ quan chuyên môn cần thêm thời gian xác minh",
                      "Hệ thống cơ sở dữ liệu hộ tịch gián đoạn"]
SUPPLEMENT_EXTRA = "Bản sao giấy tờ tùy thân có chứng thực"


class _Stop(Exception):
    """A planned move falls after the last history day: the dossier stays where it is."""


@dataclass(slots=True)
class _DossierState:
    id: str
    code: str
    status: str
    clock_started: int
    due: int | None
    original_due: int
    ready: int | None = None
    returned: int | None = None
    closed: int | None = None
    reschedule_count: int = 0
    fee_paid: int = 0
    returned_to: str = ""
    result_note: str = ""
    steps: int = 1
    last: int = 0


def _q(value: str | None) -> str:
    return "null" if value is None else f'"{value}"'


def _iso_or_none(us: int | None) -> str | None:
    return None if us is None else iso_time(us)


def _db_or_none(us: int | None) -> str | None:
    return None if us is None else db_time(us)


class Generator:
    """Writes the history of one office, day by day, in time order."""

    def __init__(self, conn: sqlite3.Connection, office: OfficeData, calendar: WorkingCalendar, axis: Axis,
                 history_days: int, rng: random.Random, people: People) -> None:
        self.w = Writer(conn)
        self.office = office
        self.calendar = calendar
        self.axis = axis
        self.history_days = history_days
        self.end_w = history_days * axis.day_s
        self.rng = rng
        self.ids = Ids(rng)
        self.random = rng.random
        self.people = people
        self.seq = 0
        self.serials: dict[str, int] = {}
        self.pending: dict[int, list[tuple[Any, ...]]] = {}
        self._k = 0
        self.citizens: list[tuple[str, Person]] = []
        self.returning_share = 0.25
        self._fold: dict[str, tuple[str, list[str]]] = {}
        self._fees: dict[tuple[str, Any], tuple[int, dict[str, Any]]] = {}
        procs = office.procedures
        self.procs_by_service = {s: [p for p in procs if p.service == s] for s in DOSSIER_SERVICES}
        self.proc_weights = {s: list(accumulate(POPULAR_PROCEDURES.get(p.code, 1.0) for p in ps))
                             for s, ps in self.procs_by_service.items()}
        self.counters_of_service = {s: [n for n, (_, svcs) in office.counters.items() if s in svcs]
                                    for s in office.services}
        self.stats = {"tickets": 0, "dossiers": 0, "citizens": 0}

    # -- journal rows ----------------------------------------------------------------------

    def actor(self, username: str | None) -> tuple[str | None, str]:
        if username is None:
            return None, "kiosk"
        return self.office.staff[username], username

    def change(self, t_us: int, entity: str, entity_id: str, op_type: str, from_state: str | None,
               to_state: str | None, payload: str, username: str | None, audit_detail: str,
               t_db: str | None = None) -> None:
        """One journal.record: an outbox row (already acked by the centre) and its audit row."""
        staff, label = self.actor(username)
        op_id = self.ids.at(t_us)
        t_db = t_db or db_time(t_us)
        sent = t_us + 1 * US + int(self.random() * 29 * US)
        office, device = self.office.code, self.office.device
        ob = (op_id, device, entity, entity_id, op_type, from_state, to_state, payload, 1, t_db, "acked",
              1, "", db_time(sent), db_time(sent + 50_000 + int(self.random() * 850_000)), office)
        au = (self.ids.at(t_us), office, t_db, device, staff, label, op_type, entity, entity_id, op_id,
              audit_detail)
        self._k += 1
        day = self.axis.day_at(t_us)
        bucket = self.pending.get(day)
        if bucket is None:
            bucket = self.pending[day] = []
        bucket.append((t_us, self._k, ob, au))

    def close_day(self, day: int) -> None:
        """Give the day's changes their seq in commit (time) order and write them."""
        rows = self.pending.pop(day, [])
        rows.sort()
        outbox = self.w.buffers["outbox"].append
        audit = self.w.buffers["audit_log"].append
        seq = self.seq
        for _, _, ob, au in rows:
            seq += 1
            outbox((ob[0], seq, *ob[1:]))
            audit(au)
        self.seq = seq
        self.w.flush_all()

    # -- tickets ---------------------------------------------------------------------------

    def tickets(self, d: date, sims: list[SimTicket]) -> None:
        office = self.office
        oc = office.code
        day = d.isoformat()
        event = self.w.buffers["ticket_event"].append
        ticket = self.w.buffers["ticket"].append
        at = self.ids.at
        change = self.change
        staff_of = {n: office.staff[COUNTER_STAFF.get(n, "canbo1")] for n in office.counters}
        svc_text = {code: (h, dashed(h), prefix) for code, (h, prefix) in office.services.items()}
        ctr_text = {n: (h, f'"{dashed(h)}"') for n, (h, _) in office.counters.items()}
        staff_text = {h: f'"{dashed(h)}"' for h in staff_of.values()}
        for t in sims:
            svc_hex, svc_d, prefix = svc_text[t.service]
            code = f"{prefix}{t.number:03d}"
            tid = t.id = at(t.issue_us)
            tid_d = dashed(tid)
            n = t.counter
            ctr_hex, ctr_d = ctr_text[n]
            clerk = COUNTER_STAFF.get(n, "canbo1")
            staff_hex = staff_of[n]
            staff_d = staff_text[staff_hex]
            issued_db = db_time(t.issue_us)
            issued = iso_time(t.issue_us)
            pr = _q(t.priority)
            head = (tid_d, oc, day, t.number, code, svc_d, t.service, svc_d, t.service, pr, t.source)
            tail = (issued, issued)
            counter_part = (ctr_d, n, staff_d)
            audit_head = f'{{"code": "{code}", '

            issuer = clerk if t.source == "counter" else None
            detail = (f'"service": "{t.service}", "priority_reason": {pr}, "source": "{t.source}", '
                      '"appointment_id": null')
            event((at(t.issue_us), oc, tid, issued_db, "issue", None, staff_hex if issuer else None,
                   "{" + detail + "}"))
            change(t.issue_us, "ticket", tid, "issue", None, "waiting",
                   TICKET_PAYLOAD % (*head, "waiting", "null", "null", "null", *tail, "null", "null", "null", 0),
                   issuer, audit_head + detail + "}", issued_db)

            first = t.calls[0]
            first_db, first_q = db_time(first), f'"{iso_time(first)}"'
            detail = f'"counter": {n}, "lane": "{"priority" if t.priority else "normal"}"'
            event((at(first), oc, tid, first_db, "call", ctr_hex, staff_hex, "{" + detail + "}"))
            change(first, "ticket", tid, "call", "waiting", "called",
                   TICKET_PAYLOAD % (*head, "called", *counter_part, *tail, first_q, "null", "null", 1),
                   clerk, audit_head + detail + "}", first_db)
            calls = 1
            for again in t.calls[1:]:
                calls += 1
                again_db = db_time(again)
                detail = f'"counter": {n}, "call_count": {calls}'
                event((at(again), oc, tid, again_db, "recall", ctr_hex, staff_hex, "{" + detail + "}"))
                change(again, "ticket", tid, "recall", "called", "called",
                       TICKET_PAYLOAD % (*head, "called", *counter_part, *tail, first_q, "null", "null", calls),
                       clerk, audit_head + detail + "}", again_db)
            end = t.finish_us
            end_db, end_q = db_time(end), f'"{iso_time(end)}"'
            serving = t.serve_us
            if serving is None:  # no-show
                serving_db = None
                detail = f'"counter": {n}, "call_count": {calls}'
                event((at(end), oc, tid, end_db, "no_show", ctr_hex, staff_hex, "{" + detail + "}"))
                change(end, "ticket", tid, "no_show", "called", "no_show",
                       TICKET_PAYLOAD % (*head, "no_show", *counter_part, *tail, first_q, "null", end_q, calls),
                       clerk, audit_head + detail + "}", end_db)
            else:
                serving_db, serving_q = db_time(serving), f'"{iso_time(serving)}"'
                detail = f'"counter": {n}'
                event((at(serving), oc, tid, serving_db, "serve", ctr_hex, staff_hex, "{" + detail + "}"))
                change(serving, "ticket", tid, "serve", "called", "serving",
                       TICKET_PAYLOAD % (*head, "serving", *counter_part, *tail, first_q, serving_q, "null", calls),
                       clerk, audit_head + detail + "}", serving_db)
                event((at(end), oc, tid, end_db, "finish", ctr_hex, staff_hex, "{" + detail + "}"))
                change(end, "ticket", tid, "finish", "serving", "done",
                       TICKET_PAYLOAD % (*head, "done", *counter_part, *tail, first_q, serving_q, end_q, calls),
                       clerk, audit_head + detail + "}", end_db)
            ticket((tid, oc, svc_hex, svc_hex, day, t.number, code, t.priority, t.source, t.outcome, ctr_hex, None,
                    staff_hex, None, issued_db, issued_db, first_db, serving_db, end_db, calls, "", issued_db,
                    end_db))
        numbers: dict[str, int] = {}
        for t in sims:
            numbers[t.service] = max(numbers.get(t.service, 0), t.number)
        for svc, top in numbers.items():
            self.serials[f"ticket:{office.code}:{svc}:{day}"] = top
        self.stats["tickets"] += len(sims)

    # -- citizens and dossiers ---------------------------------------------------------------

    def _folded(self, name: str) -> tuple[str, list[str]]:
        got = self._fold.get(name)
        if got is None:
            got = self._fold[name] = (fold(name), [t[:60] for t in search_tokens(name)])
        return got

    def citizen(self, t_us: int) -> tuple[str, Person]:
        """A new citizen (upsert_citizen's row and name tokens), or a returning one."""
        if self.citizens and self.rng.random() < self.returning_share:
            return self.rng.choice(self.citizens)
        p = self.people.person()
        cid = self.ids.at(t_us)
        folded, tokens = self._folded(p.full_name)
        when = db_time(t_us)
        self.w.add("citizen", (cid, self.office.code, p.full_name, folded, p.cccd, p.phone, p.address, "",
                               p.birth.isoformat(), p.gender, when, when))
        for token in tokens:
            self.w.add("citizen_name_token", (token, cid))
        if p.cccd or p.phone:  # without either, upsert_citizen can never find them again
            self.citizens.append((cid, p))
        self.stats["citizens"] += 1
        return cid, p

    def fee(self, proc: Proc) -> tuple[int, dict[str, Any]]:
        from dataclasses import asdict

        from core.fees import FeeInput, FeeRule, compute_fee

        rng, rule = self.rng, proc.fee_rule
        kw: dict[str, Any] = {}
        if rule.get("free_within_days") is not None:
            kw["days_since_event"] = rng.choice((rng.randint(0, rule["free_within_days"]), rng.randint(0, 400)))
        if rule["kind"] == "per_copy":
            kw["copies"] = rng.randint(1, 5)
        elif rule["kind"] == "per_page":
            kw["pages"], kw["copies"] = rng.randint(1, 30), rng.randint(1, 3)
        if rule.get("variants") and rng.random() < 0.15:
            kw["variant"] = rng.choice(sorted(rule["variants"]))
        if rule["kind"] != "free" and rng.random() < 0.02:
            kw["exemption_reason"] = "Hộ nghèo"
        inp = FeeInput(**kw)
        key = (proc.code, inp)
        got = self._fees.get(key)
        if got is None:
            quote = compute_fee(FeeRule.from_dict(rule), inp)
            got = self._fees[key] = (quote.amount_vnd, {
                "amount_vnd": quote.amount_vnd, "rule": rule, "input": asdict(inp), "lines": list(quote.lines),
                "exemption_reason": quote.exemption_reason})
        return got

    def due(self, start_us: int, proc: Proc, with_verification: bool) -> int:
        from core.due_date import due_moment

        return to_us(due_moment(from_us(start_us), proc.processing, self.calendar,
                                with_verification=with_verification))

    def dossiers(self, d: date, count: int, sims: list[SimTicket]) -> None:
        """The day's intakes: most at a counter while a ticket is served, numbered by receipt time."""
        rng = self.rng
        di = self.axis.index(d)
        served = [t for t in sims if t.outcome == "done" and t.service in DOSSIER_SERVICES]
        picks = rng.sample(served, min(count, len(served)))
        intakes: list[tuple[int, SimTicket | None]] = []
        for t in picks:
            assert t.serve_us is not None
            intakes.append((t.serve_us + int((t.finish_us - t.serve_us) * rng.uniform(0.5, 0.9)), t))
        for _ in range(count - len(picks)):
            intakes.append((self.axis.to_real(di * self.axis.day_s + rng.uniform(60, self.axis.day_s - 60)), None))
        intakes.sort(key=lambda x: x[0])
        for seq, (recv, t) in enumerate(intakes, start=1):
            self.dossier(d, seq, recv, t)
        if intakes:
            self.serials[f"dossier:{self.office.code}:{d.isoformat()}"] = len(intakes)

    def dossier(self, d: date, seq: int, recv: int, ticket: SimTicket | None) -> None:
        rng, office, oc, add = self.rng, self.office, self.office.code, self.w.add
        if ticket is not None:
            service = ticket.service
            counter: int | None = ticket.counter
            clerk = COUNTER_STAFF.get(ticket.counter, "canbo1")
        else:
            service = rng.choice(DOSSIER_SERVICES)
            counter = rng.choice(self.counters_of_service[service])
            clerk = COUNTER_STAFF.get(counter, "canbo1")
        proc = rng.choices(self.procs_by_service[service], cum_weights=self.proc_weights[service])[0]
        with_verification = proc.processing.has_verification and rng.random() < 0.2
        due = self.due(recv, proc, with_verification)
        fee_vnd, fee_detail = self.fee(proc)
        cid, person = self.citizen(recv)
        code = f"{office.unit_id}-{d:%y%m%d}-{seq:04d}"
        did = self.ids.at(recv)
        ctr_hex = office.counters[counter][0] if counter is not None else None
        staff_hex = office.staff[clerk]
        sets = 1 if rng.random() < 0.9 else 2
        content = proc.name_vi if rng.random() < 0.5 else ""

        lines = []
        for doc in proc.documents:
            required = bool(doc.get("required", True))
            brought = required or rng.random() < 0.5
            originals = 1 if brought and rng.random() < 0.6 else 0
            copies = 0 if not brought or originals else rng.randint(1, 2)
            lines.append({"name": doc["name"], "required": required, "originals": originals,
                          "certified": 0, "copies": copies, "missing": False})
            if brought and not originals and rng.random() < 0.5:
                lines[-1]["certified"], lines[-1]["copies"] = 1, 0
        for position, line in enumerate(lines, start=1):
            add("dossier_document", (self.ids.at(recv), oc, did, position, line["name"], int(line["required"]),
                                     line["originals"], line["certified"], line["copies"], 0))

        st = _DossierState(id=did, code=code, status="received", clock_started=recv, due=due, original_due=due,
                           last=recv)
        add("dossier_event", (self.ids.at(recv), oc, did, db_time(recv), "receive", None, "received", staff_hex,
                              ctr_hex, "", json_text({"step": 1, "due_at": iso_time(due)})))
        payload = {
            "code": code, "office_code": oc, "procedure_code": proc.code,
            "applicant": {"id": dashed(cid), "full_name": person.full_name, "cccd": person.cccd,
                          "phone": person.phone, "address": person.address, "email": "",
                          "birth_date": person.birth.isoformat(), "gender": person.gender},
            "documents": lines, "sets": sets, "request_content": content, "with_verification": with_verification,
            "fee_vnd": fee_vnd, "fee_detail": fee_detail, "received_at": iso_time(recv),
            "clock_started_at": iso_time(recv), "due_at": iso_time(due), "original_due_at": iso_time(due),
            "status": "received", "counter_number": counter, "received_by": dashed(staff_hex),
            "ticket_id": dashed(ticket.id) if ticket is not None else None,
        }
        self.change(recv, "dossier", did, "receive", None, "received", json_text(payload), clerk,
                    json_text({"code": code, "procedure_code": proc.code}))
        try:
            self.life(st, proc, with_verification, counter, clerk, person, fee_vnd)
        except _Stop:
            pass
        add("dossier", (did, oc, code, proc.id, cid, content, sets, st.status, int(with_verification),
                        db_time(recv), db_time(st.clock_started), _db_or_none(st.due), db_time(st.original_due),
                        _db_or_none(st.ready), _db_or_none(st.returned), _db_or_none(st.closed),
                        st.reschedule_count, fee_vnd, json_text(fee_detail), st.fee_paid, ctr_hex, staff_hex,
                        ticket.id if ticket is not None else None, st.returned_to, st.result_note,
                        db_time(recv), db_time(st.last)))
        self.stats["dossiers"] += 1

    def move(self, st: _DossierState, action: str, to_state: str, w: float, clerk: str, counter: int | None,
             note: str = "", change: Callable[[int], dict[str, Any]] | None = None) -> int:
        """One dossier move as dossier_moves._move writes it; raises _Stop past the history."""
        if w >= self.end_w:
            raise _Stop
        t = max(self.axis.to_real(w), st.last + self.rng.randrange(30 * US, 120 * US))
        if self.axis.day_at(t) >= self.history_days:
            raise _Stop
        detail = change(t) if change is not None else {}
        from_state = st.status
        st.status = to_state
        if to_state in ("returned", "rejected", "withdrawn"):
            st.closed = t
        st.steps += 1
        st.last = t
        oc = self.office.code
        staff_hex = self.office.staff[clerk]
        ctr_hex = self.office.counters[counter][0] if counter is not None else None
        self.w.add("dossier_event", (self.ids.at(t), oc, st.id, db_time(t), action, from_state, to_state, staff_hex,
                                     ctr_hex, note, json_text({"step": st.steps, **detail})))
        payload = {
            "code": st.code, "status": to_state, "note": note, "detail": detail, "counter_number": counter,
            "staff_id": dashed(staff_hex), "clock_started_at": iso_time(st.clock_started),
            "due_at": _iso_or_none(st.due), "original_due_at": iso_time(st.original_due),
            "ready_at": _iso_or_none(st.ready), "returned_at": _iso_or_none(st.returned),
            "closed_at": _iso_or_none(st.closed), "reschedule_count": st.reschedule_count,
            "fee_paid_vnd": st.fee_paid, "returned_to": st.returned_to,
        }
        self.change(t, "dossier", st.id, action, from_state, to_state, json_text(payload), clerk,
                    json_text({"code": st.code, "note": note}))
        return t

    def life(self, st: _DossierState, proc: Proc, with_verification: bool, counter: int | None, clerk: str,
             person: Person, fee_vnd: int) -> None:
        """What happens to a dossier after receipt, following the transition table."""
        rng, axis = self.rng, self.axis
        day = axis.day_s
        w = axis.to_axis(st.last)
        r = rng.random()
        other = lambda: rng.choice(CLERKS)  # noqa: E731

        def ready(t: int) -> dict[str, Any]:
            st.ready = t
            return {"on_time": st.due is not None and t <= st.due}

        def returned(t: int) -> dict[str, Any]:
            receiver = person.full_name if rng.random() < 0.85 else self.people.person().full_name
            st.returned, st.returned_to, st.fee_paid = t, receiver, fee_vnd
            return {"returned_to": receiver, "fee_paid_vnd": st.fee_paid}

        def reason(text: str) -> Callable[[int], dict[str, Any]]:
            def change(_t: int) -> dict[str, Any]:
                if text:
                    st.result_note = text
                return {"reason": text}
            return change

        def give_back(w: float) -> None:
            w += rng.uniform(60, 1800) if rng.random() < 0.5 else rng.uniform(0.3, 8) * day
            ret_counter = rng.choice(RETURN_COUNTERS)
            self.move(st, "return_result", "returned", w, COUNTER_STAFF[ret_counter], ret_counter, change=returned)

        if proc.processing.kind == "same_day" and not with_verification:
            if r < 0.012:
                text = rng.choice(REJECT_REASONS)
                self.move(st, "reject", "rejected", w + rng.uniform(120, 1800), clerk, counter, note=text,
                          change=reason(text))
                return
            if r < 0.018:
                text = rng.choice(WITHDRAW_REASONS)
                self.move(st, "withdraw", "withdrawn", w + rng.uniform(300, 3600), clerk, counter, note=text,
                          change=reason(text))
                return
            w += rng.uniform(300, 7200)
            t = self.move(st, "handle_at_desk", "ready", w, clerk, counter, change=ready)
            give_back(axis.to_axis(t))
            return

        w += rng.uniform(600, 6 * 3600)
        t = self.move(st, "send_to_processing", "in_processing", w, other(), None)
        w = axis.to_axis(t)
        if r < 0.06:
            items = [d["name"] for d in rng.sample(proc.documents, 1)] + [SUPPLEMENT_EXTRA]

            def stop_clock(_t: int) -> dict[str, Any]:
                stopped, st.due = st.due, None
                return {"items": items, "stopped_due_at": _iso_or_none(stopped)}

            t = self.move(st, "request_supplement", "needs_supplement", w + rng.uniform(0.3, 2.5) * day, other(),
                          None, change=stop_clock)
            w = axis.to_axis(t)
            if rng.random() < 0.8:
                def restart(t: int) -> dict[str, Any]:
                    due = self.due(t, proc, with_verification)
                    st.clock_started, st.due, st.original_due = t, due, due
                    return {"due_at": iso_time(due)}

                back = rng.choice(self.counters_of_service[proc.service])
                t = self.move(st, "supplement_received", "received", w + rng.uniform(1, 7) * day,
                              COUNTER_STAFF[back], back, change=restart)
                t = self.move(st, "send_to_processing", "in_processing", axis.to_axis(t) + rng.uniform(600, 4 * 3600),
                              other(), None)
                w = axis.to_axis(t)
            else:
                text = rng.choice(WITHDRAW_REASONS)
                back = rng.choice(self.counters_of_service[proc.service])
                self.move(st, "withdraw", "withdrawn", w + rng.uniform(3, 20) * day, COUNTER_STAFF[back], back,
                          note=text, change=reason(text))
                return
        elif r < 0.075:
            text = rng.choice(REJECT_REASONS)
            self.move(st, "reject", "rejected", w + rng.uniform(0.3, 3) * day, other(), None, note=text,
                      change=reason(text))
            return
        elif r < 0.085:
            text = rng.choice(WITHDRAW_REASONS)
            self.move(st, "withdraw", "withdrawn", w + rng.uniform(0.2, 2) * day, clerk, counter, note=text,
                      change=reason(text))
            return

        assert st.due is not None
        due_w = axis.to_axis(st.due)
        if rng.random() < 0.03 and due_w - day > w:
            due_day = axis.day_of(due_w - 1)
            new_day = due_day + rng.randint(2, 5)
            new_due = axis.midnight[new_day] + axis.periods[-1][1] * US
            text = rng.choice(RESCHEDULE_REASONS)

            def push(_t: int) -> dict[str, Any]:
                old, st.due = st.due, new_due
                st.reschedule_count += 1
                return {"old_due_at": _iso_or_none(old), "new_due_at": iso_time(new_due), "reason": text}

            t = self.move(st, "reschedule", "in_processing", due_w - rng.uniform(0.3, 1) * day, other(), None,
                          note=text, change=push)
            w = axis.to_axis(t)
            due_w = axis.to_axis(new_due)
        if rng.random() < 0.92 and due_w > w + 120:
            w_ready = rng.uniform(w + 0.3 * (due_w - w), due_w - 60)
        else:
            w_ready = max(w, due_w) + rng.uniform(0.1, 3) * day
        t = self.move(st, "result_back", "ready", w_ready, other(), None, change=ready)
        give_back(axis.to_axis(t))

    # -- serials ---------------------------------------------------------------------------

    def write_serials(self, conn: sqlite3.Connection) -> None:
        from local_db.journal import CHANGE_SERIAL

        rows = list(self.serials.items()) + [(CHANGE_SERIAL, self.seq)]
        with conn:
            conn.executemany("INSERT INTO serial (key, value) VALUES (?, ?) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value", rows)

