"""Intake drafts: saved at every step, offered back after a crash, gone once used."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from local_db.database import Database
from local_db.models import Outbox
from local_db.office_setup import OfficeRefs
from local_db.ops.drafts import discard_draft, get_draft, open_drafts, save_draft

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)


def test_a_draft_is_overwritten_step_by_step_and_found_again_by_its_desk(db: Database, office: OfficeRefs) -> None:
    clerk = office.actor("canbo1")
    with db.write() as s:
        first = save_draft(s, clerk, None, step="procedure", data={"procedure": "1.001193"}, now=NOW)
    with db.write() as s:
        save_draft(s, clerk, first.id, step="applicant",
                   data={"procedure": "1.001193", "applicant": {"full_name": "Nguyễn Thị Mai", "born": "1990-05-02"}},
                   now=NOW + timedelta(minutes=2))
    with db.read() as s:
        [draft] = open_drafts(s, clerk.device_id, clerk.staff_id)
        assert draft.step == "applicant" and draft.data["applicant"]["full_name"] == "Nguyễn Thị Mai"
        assert draft.updated_at == NOW + timedelta(minutes=2) and draft.created_at == NOW
        assert open_drafts(s, uuid.uuid4()) == []  # another desk sees none
        assert s.scalar(select(func.count()).select_from(Outbox)) == 0  # work in progress is not synced


def test_a_draft_saved_in_a_transaction_that_failed_is_not_half_there_and_discard_removes_it(  # type: ignore[no-untyped-def]
        db: Database, office: OfficeRefs) -> None:
    clerk = office.actor("canbo1")
    with db.write() as s:
        d = save_draft(s, clerk, None, step="documents", data={"documents": [{"name": "Giấy chứng sinh", "n": 1}]},
                       now=NOW)
    try:
        with db.write() as s:
            save_draft(s, clerk, d.id, step="fee", data={"broken": True}, now=NOW + timedelta(minutes=1))
            raise RuntimeError("the process dies here")
    except RuntimeError:
        pass
    with db.read() as s:
        assert get_draft(s, d.id).step == "documents"  # the last committed step survives
    with db.write() as s:
        assert discard_draft(s, d.id) is True
    with db.read() as s:
        assert open_drafts(s, clerk.device_id) == []
