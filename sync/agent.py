"""The office's sync agent: pushes the outbox, pulls the centre's changes (docs/ARCHITECTURE.md §5).

A headless process beside the apps (``motcua sync run``). Each round:

0. journal the keys of office devices made since the last round (local_db/ops/signing.py),
   and tell the centre about every op a person settled at the office, keeping the centre's
   version (``POST /resolve``, local_db/ops/sync_settle.py): the row becomes ``settled`` and
   the ops held behind it are pushed in step 1 of the same round;
1. push every waiting op in ``seq`` order, one bounded batch at a time (only one batch is
   ever in memory, so a week offline drains in the same memory as a minute), each batch's
   answers recorded in one local transaction;
2. pull the centre's change log page by page until ``more`` is false, each page applied
   with its cursor in one local transaction (a crash mid-page applies nothing of it);
3. write the link state the apps show (online, last push and pull, clock skew).

Nothing is lost between the two sides whatever fails when: the server records each op id in
the transaction that applies it, so a batch sent again (answer lost, agent killed) comes
back ``duplicate``; a page applied again changes nothing. Rounds run on a timer, soon after
the apps write new ops, and after a failure with exponential backoff and jitter — never only
when a new op arrives, so a backlog drains by itself when the link returns.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pydantic import ValidationError

from core import incidents
from core.errors import MotcuaError
from core.i18n import _
from local_db.attachment_store import AttachmentStore
from local_db.database import Database
from local_db.journal import change_marker
from local_db.ops.attachments import ENTITY as ATTACHMENT_ENTITY
from local_db.ops.attachments import drop_unused, mark_uploaded, prune_local
from local_db.ops.signing import register_missing_keys, unregistered_keys
from local_db.ops.sync_apply import apply_page, pull_cursor
from local_db.ops.sync_outbox import OutboxOp, next_batch, record_results, record_round
from local_db.ops.sync_settle import mark_settled, settling_ops
from local_db.outage import is_database_outage, outage_words
from local_db.training import training_mark
from sync.backoff import Backoff
from sync.client import CentreClient, Refused, SyncError, Unauthorized, Unreachable
from sync.protocol import MAX_PULL_LIMIT, MAX_PUSH_OPS, Op, OpResult

log = logging.getLogger(__name__)

DEFAULT_BATCH = 200
DEFAULT_PAGE = 500
DEFAULT_INTERVAL = 30.0  # seconds between rounds when all is well (the apps call a link older than 5 min stale)
POLL_SECONDS = 2.0  # how often an idle agent looks for new ops to push
PRUNE_EVERY = timedelta(hours=1)  # scans the centre has kept long enough leave this machine


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class RoundReport:
    ok: bool
    online: bool  # the centre answered
    pushed: int = 0  # ops sent (answers recorded)
    acked: int = 0
    rejected: int = 0
    conflict: int = 0
    held: int = 0
    pages: int = 0
    pulled: int = 0  # changes that changed something here
    error: str = ""
    credential_refused: bool = False
    settled: int = 0  # ops settled at the office that the centre now knows of


class _Tally:
    def __init__(self) -> None:
        self.pushed = self.acked = self.rejected = self.conflict = self.held = self.pages = self.pulled = 0
        self.settled = 0
        self.server_time: datetime | None = None


class Agent:
    def __init__(self, db: Database, client: CentreClient, *, office_code: str, batch: int = DEFAULT_BATCH,
                 page: int = DEFAULT_PAGE, clock: Callable[[], datetime] = utcnow,
                 interval: float = DEFAULT_INTERVAL, backoff: Backoff | None = None,
                 poll: float = POLL_SECONDS, store: AttachmentStore | None = None) -> None:
        self.db = db
        self._store = store
        self._last_prune: datetime | None = None
        self.client = client
        self.office_code = office_code
        self.batch = max(1, min(batch, MAX_PUSH_OPS))
        self.page = max(1, min(page, MAX_PULL_LIMIT))
        self.clock = clock
        self.interval = interval
        self.backoff = backoff or Backoff(base=1.0, cap=60.0)
        self.poll = poll

    # --- one round -------------------------------------------------------------------------

    def run_once(self) -> RoundReport:
        """Push everything waiting, then pull everything new. Never raises for the link:
        the report (and the state written for the apps) says what happened."""
        tally = _Tally()
        with self.db.read() as s:
            training = training_mark(s) is not None
        if training:  # a database the apps ran on with --now: nothing of it is real (local_db/training.py)
            return self._failed(tally, "this is a training database (--now): it is never synced", online=False)
        try:
            self._register_keys()
            self._settle_all(tally)
            self._push_all(tally)
            self._pull_all(tally)
        except Unauthorized as exc:
            return self._failed(tally, exc.message, online=False, credential_refused=True)
        except Unreachable as exc:
            return self._failed(tally, exc.message, online=False)
        except Refused as exc:  # the centre answered, but will not take this as it is
            return self._failed(tally, exc.message, online=True)
        with self.db.write() as s:
            record_round(s, now=self.clock(), online=True, server_time=tally.server_time)
        self._prune_now_and_then()
        return self._report(tally, ok=True, online=True)

    def _prune_now_and_then(self) -> None:
        """Scans the centre has had for ``attachment_keep_days`` leave this machine (the
        dossier still lists them; the counter fetches one back when needed), at most once
        every PRUNE_EVERY, after a good round. A failure here never fails the round."""
        now = self.clock()
        if self._store is None or (self._last_prune is not None and now - self._last_prune < PRUNE_EVERY):
            return
        self._last_prune = now
        try:
            with self.db.write() as s:
                report = prune_local(s, self._store, now=now, office_code=self.office_code)
            with self.db.read() as s:
                unused = drop_unused(s, self._store)
            if unused:
                log.info("%d scanned files no dossier names (intakes ended without one) were removed", unused)
            if report.files_removed:
                log.info("%d scanned files the centre has were removed here (%d bytes)", report.files_removed,
                         report.bytes_freed)
        except (OSError, MotcuaError) as exc:
            log.warning("pruning scanned files failed: %s", exc)

    def _report(self, tally: _Tally, *, ok: bool, online: bool, error: str = "",
                credential_refused: bool = False) -> RoundReport:
        return RoundReport(ok=ok, online=online, pushed=tally.pushed, acked=tally.acked, rejected=tally.rejected,
                           conflict=tally.conflict, held=tally.held, pages=tally.pages, pulled=tally.pulled,
                           error=error, credential_refused=credential_refused, settled=tally.settled)

    def _failed(self, tally: _Tally, error: str, *, online: bool, credential_refused: bool = False) -> RoundReport:
        log.warning("sync round stopped: %s", error)
        with self.db.write() as s:
            record_round(s, now=self.clock(), online=online, error=error, credential_refused=credential_refused)
        return self._report(tally, ok=False, online=online, error=error, credential_refused=credential_refused)

    def _register_keys(self) -> None:
        """Keys of office devices made since the last round become "register" ops (pushed below)."""
        with self.db.read() as s:
            missing = unregistered_keys(s, self.office_code)
        if missing:
            with self.db.write() as s:
                register_missing_keys(s, self.office_code, self.clock())

    def _settle_all(self, tally: _Tally) -> None:
        """Tell the centre about the ops settled here (the centre's version kept). The link
        failing leaves them ``settling`` for the next round; a refusal of one is logged and
        leaves it settling, and never stops the push."""
        with self.db.read() as s:
            waiting = settling_ops(s, self.office_code)
        for op_id in waiting:
            try:
                answer = self.client.resolve(op_id)
                status, code = answer.status, answer.code
            except Refused as exc:
                if exc.status != 404 or exc.reason_code != "unknown_op":
                    log.warning("settling op %s refused by the centre: %s", op_id, exc.message)
                    continue
                status, code = "unknown", "unknown_op"  # the centre never kept it: nothing blocks there
            with self.db.write() as s:
                if mark_settled(s, op_id, status=status, code=code, now=self.clock()) is not None:
                    tally.settled += 1

    def _push_all(self, tally: _Tally) -> None:
        after = 0
        while True:
            with self.db.read() as s:
                ops = next_batch(s, self.office_code, self.batch, after_seq=after)
            if not ops:
                return
            self._upload_attachments(ops)
            results = self._push(ops, tally)
            now = self.clock()
            with self.db.write() as s:
                counts = record_results(s, results, now)
                mark_uploaded(s, _acked_attachments(ops, results), now)
                record_round(s, now=now, online=True, pushed=True, server_time=tally.server_time)
            tally.pushed += len(ops)
            tally.acked += counts.acked
            tally.rejected += counts.rejected
            tally.conflict += counts.conflict
            tally.held += counts.held
            after = ops[-1].seq

    def _push(self, ops: Sequence[OutboxOp], tally: _Tally) -> list[OpResult]:
        """The centre's answers for these ops. A request the server refuses as too large or
        malformed is split until the op at fault stands alone; that op is then rejected here
        (with the reason), and every other op goes through."""
        wire: list[Op] = []
        results: list[OpResult] = []
        for op in ops:
            try:
                wire.append(to_wire(op))
            except ValidationError as exc:
                results.append(OpResult(op_id=op.op_id, status="rejected", code="malformed",
                                        reason=_("This operation cannot be sent: {error}").format(
                                            error=str(exc).splitlines()[0])))
        if not wire:
            return results
        try:
            resp = self.client.push(wire)
        except Refused as exc:
            if exc.status not in (413, 422):
                raise
            if len(wire) == 1:
                code = "too_large" if exc.status == 413 else "malformed"
                return results + [OpResult(op_id=wire[0].op_id, status="rejected", code=code,
                                           reason=exc.message)]
            by_id = {op.op_id: op for op in ops}
            half = len(wire) // 2
            return results + self._push([by_id[o.op_id] for o in wire[:half]], tally) + \
                self._push([by_id[o.op_id] for o in wire[half:]], tally)
        tally.server_time = resp.server_time
        return results + list(resp.results)

    @property
    def store(self) -> AttachmentStore:
        """The office's attachment files (``<data_dir>/attachments`` of this machine's
        settings unless the agent was given one)."""
        if self._store is None:
            from core.settings import load_settings

            self._store = AttachmentStore.in_data_dir(load_settings().data_dir)
        return self._store

    def _upload_attachments(self, ops: Sequence[OutboxOp]) -> None:
        """Blobs named by ops (``payload["attachments"]``: [{"sha256": ...}]) go up before the
        ops, read from the attachment store by their hash (an op never carries a path); a cut
        upload resumes where it stopped, with ``Upload-Length`` so the centre checks the hash
        once at the end.

        A file that is not here (pruned before the centre had it, a lost disk) or that is
        damaged is logged and skipped: its op comes back ``held`` ("waiting for an attached
        file") and is sent again every round — it never blocks other ops, nor other
        entities; a file put back in the store (a restored backup) goes up in the next
        round. The link failing mid-upload ends the round like any other link failure."""
        done: set[str] = set()
        for op in ops:
            for item in op.payload.get("attachments") or ():
                sha = item.get("sha256") if isinstance(item, dict) else item
                if not isinstance(sha, str) or not sha or sha in done:
                    continue
                done.add(sha)
                source = self._local_file(sha)
                if source is None:
                    log.warning("attachment %s of op %s (%s) is not on this machine: the op waits at the centre "
                                "until the file is uploaded", sha, op.op_id, op.entity)
                    continue
                try:
                    self.client.upload_blob(sha, source)
                except (Refused, ValueError) as exc:
                    log.warning("attachment %s of op %s not uploaded: %s", sha, op.op_id, exc)

    def _local_file(self, sha: str) -> Path | None:
        try:
            path = self.store.path(sha)
        except ValueError:  # not a hash: nothing of ours
            return None
        return path if path.is_file() else None

    def _pull_all(self, tally: _Tally) -> None:
        with self.db.read() as s:
            cursor = pull_cursor(s)
        restarted = False
        while True:
            try:
                resp = self.client.pull(cursor, self.page)
            except Refused as exc:
                if exc.status != 422 or restarted:
                    raise
                cursor, restarted = "0", True  # a cursor the server no longer reads: start over
                continue
            tally.server_time = resp.server_time
            if resp.refetch:
                if restarted:
                    raise Unreachable(_("The central server keeps asking for a full refetch."))
                log.info("pull cursor %s too old: fetching everything again", cursor)
                cursor, restarted = "0", True
                continue
            with self.db.write() as s:
                done = apply_page(s, resp.changes, resp.cursor, now=self.clock())
                record_round(s, now=self.clock(), online=True, pulled=True, server_time=resp.server_time)
            tally.pages += 1
            tally.pulled += done.applied
            if not resp.more or resp.cursor == cursor:
                return
            cursor = resp.cursor

    # --- for ever --------------------------------------------------------------------------

    def run_forever(self, stop: threading.Event) -> None:
        """Rounds until ``stop`` is set: every ``interval`` when all is well (sooner when the
        apps write new ops), after a failure with backoff and jitter."""
        while not stop.is_set():
            try:
                report = self.run_once()
            except SyncError as exc:  # not expected: run_once reports link problems itself
                report = RoundReport(ok=False, online=False, error=exc.message)
            except Exception as exc:  # a database that is locked or gone for a moment: try again later
                if is_database_outage(exc):
                    log.warning("sync round failed: the office database is unavailable (%s)", outage_words(exc))
                    report = RoundReport(ok=False, online=False, error="office database unavailable")
                else:  # a bug: its number and traceback in the log (the same bug again: the same number)
                    number = incidents.note(exc, "sync round", logger=log)
                    report = RoundReport(ok=False, online=False, error=f"internal error, incident {number}")
            if report.ok:
                self.backoff.reset()
                self._idle(stop, self.interval)
            else:
                delay = self.backoff.next_delay()
                if report.credential_refused:
                    delay = max(delay, self.interval)
                stop.wait(delay)

    def _idle(self, stop: threading.Event, seconds: float) -> None:
        """Wait ``seconds``, or less when the office has written new ops meanwhile."""
        deadline = time.monotonic() + seconds
        marker = self._marker()
        while not stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0 or stop.wait(min(self.poll, left)):
                return
            if self._marker() != marker:
                return

    def _marker(self) -> int:
        try:
            with self.db.read() as s:
                return change_marker(s)
        except Exception:  # the next round will say what is wrong with the database
            return -1


def _acked_attachments(ops: Sequence[OutboxOp], results: Sequence[OpResult]) -> list[uuid.UUID]:
    """The attachments whose op the centre now holds (applied, or had already): their files
    are at the centre, so the office may prune them after its keep period."""
    attachments = {op.op_id: op.entity_id for op in ops if op.entity == ATTACHMENT_ENTITY}
    return [attachments[r.op_id] for r in results
            if r.status in ("applied", "duplicate") and r.op_id in attachments]


def to_wire(op: OutboxOp) -> Op:
    return Op(op_id=op.op_id, seq=op.seq, device_id=op.device_id, office_code=op.office_code, entity=op.entity,
              entity_id=op.entity_id, op_type=op.op_type, from_state=op.from_state, to_state=op.to_state,
              payload=op.payload, schema_version=op.schema_version, device_time=op.device_time)


__all__ = ["Agent", "RoundReport", "to_wire"]
