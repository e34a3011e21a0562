"""One function writes every audit row: labels cut to the column, details stored as JSON."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import select

from core.dossier_states import DossierStatus
from local_db import journal
from local_db.database import Database
from local_db.models import AuditLog
from local_db.office_setup import OfficeRefs
from local_db.ops.counters import set_counter_open

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
LONG_LABEL = "Nguyễn Văn Hoà " * 30  # 450 characters: more than the column holds


def test_a_long_label_is_cut_and_the_detail_stored_as_json(db: Database, office: OfficeRefs) -> None:
    job = uuid.uuid4()
    with db.write() as s:
        journal.audit(s, office.actor("canbo1", label=LONG_LABEL), action="dossier_print", entity="dossier",
                      now=NOW, detail={"print_job": job, "since": date(2026, 11, 1), "at": NOW,
                                       "status": DossierStatus.READY, "copies": (1, 2)})
    with db.read() as s:
        row = s.scalars(select(AuditLog).where(AuditLog.action == "dossier_print")).one()
        assert row.actor == LONG_LABEL[:200]
        assert row.detail == {"print_job": str(job), "since": "2026-11-01", "at": NOW.isoformat(),
                              "status": "ready", "copies": [1, 2]}
        assert (row.staff_id, row.device_id) == (office.staff["canbo1"], office.device_id)


def test_an_operation_that_audits_alone_gets_the_same_treatment(db: Database, office: OfficeRefs) -> None:
    # Signing out of a counter wrote its row by hand and never cut the label: on PostgreSQL a
    # clerk with a long display name could not close their counter at all.
    with db.write() as s:
        set_counter_open(s, office.actor("canbo1", label=LONG_LABEL), 1, False, now=NOW)
    with db.read() as s:
        row = s.scalars(select(AuditLog).where(AuditLog.action == "counter_close")).one()
        assert row.actor == LONG_LABEL[:200]
        assert row.detail == {"number": 1}
        assert row.entity_id == office.counters[1]


def test_the_sync_agent_audits_as_itself(db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        journal.audit(s, None, office_code=office.office_code, label="sync", action="sync_settled",
                      entity="dossier", now=NOW)
    with db.read() as s:
        row = s.scalars(select(AuditLog).where(AuditLog.action == "sync_settled")).one()
        assert (row.office_code, row.actor, row.device_id, row.staff_id, row.detail) == (
            office.office_code, "sync", None, None, {})
