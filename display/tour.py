"""Made-up boards for ``motcua tour`` (no database read or write): an office that has just
opened, a busy morning with six counters, and the moment a number is called."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta

from local_db.ops.board import BoardState, Call, CounterOnBoard, WaitingLine

NOTICES = (
    "Bộ phận Một cửa làm việc từ thứ Hai đến thứ Sáu: sáng 7 giờ 30 – 11 giờ 30, chiều 13 giờ 30 – 17 giờ.",
    "Công dân mang theo Căn cước công dân khi làm thủ tục.",
    "Tra cứu tình trạng hồ sơ bằng mã QR trên giấy biên nhận, tại máy kiosk.",
)
_SERVICES = (("HT", "A", "Hộ tịch", "Civil status"), ("CT", "B", "Chứng thực", "Attestation"),
             ("KD", "C", "Đăng ký kinh doanh", "Business registration"),
             ("XH", "D", "Bảo trợ xã hội", "Social protection"), ("TK", "E", "Trả kết quả", "Result return"))


def _id(n: int) -> uuid.UUID:
    return uuid.UUID(int=n)


def _waiting(counts: tuple[int, ...], open_: tuple[int, ...]) -> tuple[WaitingLine, ...]:
    return tuple(WaitingLine(service_code=code, prefix=prefix, name_vi=vi, name_en=en, waiting=n, counters_open=open_)
                 for (code, prefix, vi, en), n in zip(_SERVICES, counts, strict=True))


def _base(now: datetime, **changes) -> BoardState:  # type: ignore[no-untyped-def]
    values = dict(office_code="00004", office_name_vi="UBND Phường Ba Đình",
                  office_name_en="Ba Dinh Ward People's Committee", day=now.date(), now=now, counters=(),
                  last_calls=(), waiting=(), notices=NOTICES, change_marker=1)
    values.update(changes)
    return BoardState(**values)  # type: ignore[arg-type]


def idle_state(now: datetime) -> BoardState:
    """Just opened: four counters, nobody called yet, the first citizens waiting."""
    counters = tuple(CounterOnBoard(number=n, name=f"Quầy {n}", ticket_code=None, status=None, called_at=None,
                                    fresh=False) for n in (1, 2, 3, 4))
    return _base(now, counters=counters, waiting=_waiting((3, 1, 0, 1, 0), (1, 2, 3, 4)))


_BUSY = ((1, "A041", 95), (2, "B017", 240), (3, "C008", 40), (4, "D012", 400), (5, "A039", 610), (6, "E023", 170))


def busy_state(now: datetime) -> BoardState:
    """Mid-morning: six counters each serving someone, the last calls, queues filling."""
    counters = tuple(CounterOnBoard(number=n, name=f"Quầy {n}", ticket_code=code, status="serving",
                                    called_at=now - timedelta(seconds=ago), fresh=False) for n, code, ago in _BUSY)
    calls = tuple(Call(id=_id(i + 1), ticket_id=_id(100 + i), code=code, counter_number=n,
                       at=now - timedelta(seconds=ago), action="call")
                  for i, (n, code, ago) in enumerate(sorted(_BUSY, key=lambda b: b[2])))
    return _base(now, counters=counters, last_calls=calls, waiting=_waiting((14, 6, 3, 2, 5), (1, 2, 3, 4, 5, 6)))


def fresh_state(now: datetime) -> BoardState:
    """The moment counter 3 calls A015: its card lit, the number first in the last calls."""
    busy = busy_state(now)
    counters = tuple(replace(c, ticket_code="A015", status="called", called_at=now - timedelta(seconds=2), fresh=True)
                     if c.number == 3 else c for c in busy.counters)
    call = Call(id=_id(99), ticket_id=_id(199), code="A015", counter_number=3, at=now - timedelta(seconds=2),
                action="call")
    return replace(busy, counters=counters, last_calls=(call, *busy.last_calls))


__all__ = ["NOTICES", "busy_state", "fresh_state", "idle_state"]
