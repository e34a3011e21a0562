"""Errors speak the reader's language: English on an English counter, Vietnamese by default.

Every message an error carries is an English msgid made with ``lazy_gettext`` and
translated when a screen reads it (core/errors.py says why). The first tests cover every
raise site at once, read from the source with ``ast``; the others raise real errors.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from core.citizen import normalize_phone, parse_id_card_qr, validate_cccd
from core.dossier_states import next_state
from core.due_date import ProcessingTime
from core.errors import MotcuaError, ValidationError
from core.fees import FeeInput, FeeRule
from core.i18n import LazyText, language, lazy_gettext, untranslated
from core.tokens import receipt_url
from core.working_calendar import WorkingCalendar, WorkingHours

ROOT = Path(__file__).resolve().parents[2]
# Where domain errors are raised (no Qt): their messages reach every screen.
PACKAGES = ("core", "local_db", "scanning", "printing", "sync")
# Every letter of Vietnamese that English does not have (lower and upper case).
VIETNAMESE = re.compile("[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.IGNORECASE)
TODAY = date(2026, 11, 23)


@dataclass(frozen=True)
class Use:
    msgid: str
    context: str | None
    names: tuple[str, ...]  # the values it is formatted with
    place: str


def _sources() -> Iterator[tuple[str, ast.Module, str]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            source = path.read_text(encoding="utf-8")
            yield str(path.relative_to(ROOT)), ast.parse(source), source


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def lazy_uses() -> list[Use]:
    uses = []
    for place, tree, _source in _sources():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _name(node.func) not in ("lazy_gettext", "lazy_pgettext"):
                continue
            strings = node.args[:2] if _name(node.func) == "lazy_pgettext" else node.args[:1]
            where = f"{place}:{node.lineno}"
            assert all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in strings), (
                f"{where}: a msgid must be a string literal, or `python -m core.i18n missing` cannot find it")
            values = [a.value for a in strings if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            context, msgid = (values[0], values[1]) if len(values) == 2 else (None, values[0])
            uses.append(Use(msgid, context, tuple(k.arg for k in node.keywords if k.arg), where))
    return uses


def _render(use: Use, lang: str) -> str:
    return LazyText(use.msgid, {name: "X" for name in use.names}, use.context).render(lang)


def test_every_error_message_is_english_with_a_vietnamese_translation() -> None:
    uses = lazy_uses()
    assert len({u.msgid for u in uses}) > 150  # every converted raise site is seen
    for use in uses:
        english, vietnamese = _render(use, "en"), _render(use, "vi")
        assert not VIETNAMESE.search(english), f"{use.place}: the msgid is not English: {use.msgid!r}"
        assert vietnamese != english and VIETNAMESE.search(vietnamese), (
            f"{use.place}: no Vietnamese translation of {use.msgid!r}")


def _vietnamese_literals(node: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(node)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and VIETNAMESE.search(n.value)]


def _translated_now(node: ast.AST) -> bool:
    """``_("...")`` (or its ``.format``): text frozen in the language of the raising thread."""
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "_" for n in ast.walk(node))


ERROR_CALL = re.compile(r"(Error|NotFound|Exceeded|Forbidden|Refused|Full)$|^_(refuse|bad|qr_error|required_text)")


def test_no_error_is_raised_with_vietnamese_or_already_translated_text() -> None:
    wrong = []
    for place, tree, source in _sources():
        for node in ast.walk(tree):
            calls = [node.exc] if isinstance(node, ast.Raise) and node.exc is not None else []
            if isinstance(node, ast.Call) and ERROR_CALL.search(_name(node.func)):
                calls.append(node)
            for call in calls:
                segment = ast.get_source_segment(source, call) or ""
                if _vietnamese_literals(call):
                    wrong.append(f"{place}:{call.lineno}: Vietnamese text: {segment[:100]}")
                # The printers' and the sync client's errors are stored as data where they are
                # caught (a print job's last error, a sync notice): translated there on purpose.
                elif place.startswith(("core/", "local_db/", "scanning/")) and _translated_now(call):
                    wrong.append(f"{place}:{call.lineno}: translated when raised: {segment[:100]}")
    assert not wrong, "\n".join(wrong)


def test_the_catalogue_check_finds_lazy_messages_like_any_other(tmp_path: Path) -> None:
    (tmp_path / "local_db").mkdir()
    (tmp_path / "local_db" / "x.py").write_text(
        "from core.i18n import lazy_gettext, lazy_pgettext\n"
        'raise ValueError(lazy_gettext("A brand new error about {thing}", thing=1))\n'
        'lazy_pgettext("some context", "A brand new word")\n')
    assert untranslated("vi", root=tmp_path) == {
        ("A brand new error about {thing}", None): ["local_db/x.py:2"],
        ("A brand new word", "some context"): ["local_db/x.py:3"],
    }


# --- real errors -------------------------------------------------------------------------------

CARD = "001090012345|123456789|Nguyễn Văn Hoà|{birth}|Nam|12 Phố Đội Cấn, Ba Đình|01012021"

REFUSALS: dict[str, tuple[Callable[[], object], str]] = {
    # name: (what raises, a piece of the Vietnamese text the screens showed before)
    "short CCCD": (lambda: validate_cccd("12345", today=TODAY), "Số CCCD phải gồm đúng 12 chữ số"),
    "unknown province": (lambda: validate_cccd("999090012345", today=TODAY), "mã tỉnh nơi đăng ký khai sinh 999"),
    "CCCD born in the future": (lambda: validate_cccd("001299012345", today=TODAY), "năm sinh 2099 chưa tới"),
    "not a mobile number": (lambda: normalize_phone("0212345678"), "Số điện thoại di động không hợp lệ"),
    "ID card QR with a bad date": (lambda: parse_id_card_qr(CARD.format(birth="31021990"), today=TODAY),
                                   "Mã QR căn cước không hợp lệ: ngày sinh không phải ngày có thật"),
    "unknown fee kind": (lambda: FeeRule(kind="lottery"), "Loại lệ phí không hợp lệ: 'lottery'"),  # type: ignore[arg-type]
    "per-page fee without tiers": (lambda: FeeRule(kind="per_page"), "Lệ phí theo trang cần ít nhất một bậc"),
    "no copies": (lambda: FeeInput(copies=0), "Số bản phải là số nguyên từ 1 trở lên"),
    "exempt without a reason": (lambda: FeeInput(exempt=True), "Miễn lệ phí phải ghi rõ lý do"),
    "same-day procedure with days": (lambda: ProcessingTime(kind="same_day", days=2),
                                     "Thủ tục trả trong ngày không có số ngày"),
    "no working hours": (lambda: WorkingHours(periods=()), "Cần ít nhất một khoảng giờ làm việc"),
    "bad working hours text": (lambda: WorkingHours.from_dict({"periods": [["7h", "11:30"]]}),
                               "Giờ không hợp lệ (bắt đầu): '7h'"),
    "day off and make-up day": (lambda: WorkingCalendar(days_off=[TODAY], working_days=[TODAY]),
                                "Ngày 23/11/2026 vừa là ngày nghỉ vừa là ngày làm bù"),
    "illegal dossier move": (lambda: next_state("received", "return_result"),
                             "Hồ sơ đang ở trạng thái received không thể thực hiện bước return_result"),
    "bad receipt host": (lambda: receipt_url("bad host!", "ABC"), "Tên máy chủ không hợp lệ"),
}


def _refusal(make: Callable[[], object]) -> MotcuaError:
    with pytest.raises(MotcuaError) as caught:
        make()
    return caught.value


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_an_error_reads_english_on_an_english_screen(name: str) -> None:
    make, _vietnamese = REFUSALS[name]
    with language("en"):
        error = _refusal(make)
        assert not VIETNAMESE.search(error.message), error.message
        assert str(error) == error.message == error.english


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_an_error_reads_as_before_in_vietnamese_the_default(name: str) -> None:
    make, vietnamese = REFUSALS[name]
    error = _refusal(make)
    assert vietnamese in error.message
    assert not VIETNAMESE.search(error.english), error.english


def test_an_error_raised_in_a_pool_thread_reads_in_the_language_of_its_reader() -> None:
    """The operation runs in a worker (Vietnamese, the default there); the English counter
    that shows the error reads English, the Vietnamese one beside it Vietnamese."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        error = pool.submit(lambda: _refusal(lambda: validate_cccd("12345", today=TODAY))).result()
    assert isinstance(error, ValidationError) and error.field == "cccd" and error.code == "invalid"
    with language("en"):
        assert error.message == "A CCCD number has exactly 12 digits"
    assert error.message == "Số CCCD phải gồm đúng 12 chữ số"


def test_a_value_that_is_itself_a_message_follows_the_reader_too() -> None:
    error = _refusal(lambda: parse_id_card_qr(CARD.format(birth="01012099"), today=TODAY))
    with language("en"):
        assert error.message == "Invalid ID card QR code: the date of birth is after today"
    assert error.message == "Mã QR căn cước không hợp lệ: ngày sinh sau ngày hôm nay"


def test_a_lazy_message_is_formatted_after_translation() -> None:
    message = lazy_gettext("Invalid CCCD number: the birth year {year} has not come yet", year=2099)
    with language("en"):
        assert str(message) == "Invalid CCCD number: the birth year 2099 has not come yet"
    assert str(message) == "Số CCCD không hợp lệ: năm sinh 2099 chưa tới"
    assert message.render("en") == "Invalid CCCD number: the birth year 2099 has not come yet"
