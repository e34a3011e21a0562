"""The sync dialog's "Keep the centre's version" button: a clerk sees the refused operations
without it; a supervisor settles one after a confirmation naming the record, the row then
says it is being sent, and it leaves the list once the agent has told the centre."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

from PySide6.QtWidgets import QPushButton
from sqlalchemy import select

from core.i18n import language
from counter.context import CounterContext
from counter.status import desk_status
from counter.sync_dialog import SyncDialog
from local_db.database import Database
from local_db.models import Outbox
from local_db.office_setup import OfficeRefs
from local_db.ops import queue as q
from local_db.ops.sync_outbox import record_results
from local_db.ops.sync_settle import mark_settled
from tests.counter.conftest import COUNTER_NOW, staff_info
from ui.tasks import TaskRunner


def _refused_ticket(db: Database, office: OfficeRefs) -> tuple[uuid.UUID, str]:
    with db.write() as s:
        ticket = q.issue_ticket(s, office.actor(None, "kiosk"), "HT", now=COUNTER_NOW)
        op_id = s.scalar(select(Outbox.op_id).where(Outbox.entity_id == ticket.id))
        record_results(s, [SimpleNamespace(op_id=op_id, status="rejected", reason="Sai dữ liệu", code="malformed",
                                           server_state=None)], COUNTER_NOW)
    return op_id, ticket.code


def _dialog(qtbot, ctx: CounterContext, tasks: TaskRunner) -> SyncDialog:  # type: ignore[no-untyped-def]
    dialog = SyncDialog(desk_status(ctx), ctx.now(), ctx=ctx, tasks=tasks)
    qtbot.addWidget(dialog)
    return dialog


def _state(db: Database, op_id: uuid.UUID) -> str:
    with db.read() as s:
        return s.scalar(select(Outbox.state).where(Outbox.op_id == op_id))  # type: ignore[return-value]


def test_a_clerk_sees_the_refused_operation_without_the_button(qtbot, db: Database, office: OfficeRefs,  # type: ignore[no-untyped-def]
                                                                counter_ctx: CounterContext) -> None:
    _refused_ticket(db, office)
    dialog = _dialog(qtbot, counter_ctx, TaskRunner())
    assert dialog.rejected.topLevelItemCount() == 1
    assert dialog.findChildren(QPushButton, "sync-keep-centre") == []


def test_a_supervisor_keeps_the_centres_version(qtbot, db: Database, office: OfficeRefs,  # type: ignore[no-untyped-def]
                                                counter_ctx: CounterContext) -> None:
    op_id, code = _refused_ticket(db, office)
    counter_ctx.staff = staff_info(db, "giamsat")
    tasks = TaskRunner()
    with language("vi"):
        dialog = _dialog(qtbot, counter_ctx, tasks)
        keep = dialog.findChildren(QPushButton, "sync-keep-centre")
        assert len(keep) == 1 and keep[0].text() == "Giữ bản của trung tâm"
        assert code in dialog.rejected.topLevelItem(0).text(1)  # the record in words: "Số thứ tự A001"
        keep[0].click()
        assert dialog.confirm_box.isVisibleTo(dialog) and code in dialog.confirm_text.text()
        assert _state(db, op_id) == "rejected"  # nothing happens before the confirmation
        dialog.findChild(QPushButton, "sync-confirm-yes").click()
        assert tasks.wait_idle()
        assert _state(db, op_id) == "settling"
        row = dialog.rejected.topLevelItem(0)
        assert "đang gửi" in row.text(2) and dialog.findChildren(QPushButton, "sync-keep-centre") == []
        with db.write() as s:  # the agent told the centre
            mark_settled(s, op_id, status="rejected", code="resolved_discarded", now=COUNTER_NOW)
        dialog.refresh()
        assert tasks.wait_idle()
        assert dialog.rejected.topLevelItemCount() == 0
    dialog.reject()
