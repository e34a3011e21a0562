"""Which legal text the one-stop forms follow: their numbers and the basis printed on them.

The forms and their numbering come from a circular or decree that is replaced every few
years (REFERENCE.md, "Legal frame"), so they are configuration, not code: a content record
names its form set by key, and a reprint years later prints the same corner note as the
original. A new legal text is one more row here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.i18n import N_, _


@dataclass(frozen=True)
class FormSet:
    key: str
    valid_from: date  # the first day the set applies (for choosing the default)
    document: str  # the legal text's number, printed as is: "01/2018/TT-VPCP"
    document_kind: str  # msgid of its kind: "Circular" / "Decree"
    numbers: dict[str, str]  # document kind (printing.render) -> form number, "01"
    legal_basis: str  # the one-stop rules the forms implement, printed as is

    def number(self, kind: str) -> str | None:
        return self.numbers.get(kind)

    def corner_note(self, kind: str) -> tuple[str, str] | None:
        """("Mẫu số 01", "(Ban hành kèm theo Thông tư số 01/2018/TT-VPCP)") in the
        current language, or None for a paper this set does not number (the daily report)."""
        number = self.number(kind)
        if number is None:
            return None
        return (
            _("Form No. {number}").format(number=number),
            _("(Issued with {kind} No. {document})").format(kind=_(self.document_kind), document=self.document),
        )


_ONE_STOP_FORMS = {
    "receipt": "01",
    "supplement_request": "02",
    "refusal": "03",
    "apology": "04",
    "control_slip": "05",
}

FORM_SETS: dict[str, FormSet] = {
    s.key: s
    for s in (
        # Circular 01/2018/TT-VPCP, guiding Decree 61/2018/ND-CP: the numbering read in the
        # legal text and in a production template (law).
        FormSet(
            key="tt01-2018",
            valid_from=date(2018, 8, 21),
            document="01/2018/TT-VPCP",
            document_kind=N_("Circular"),
            numbers=dict(_ONE_STOP_FORMS),
            legal_basis="61/2018/NĐ-CP",
        ),
        # Decree 118/2025/ND-CP replaced Decree 61 from 01/07/2025 and its forms are
        # reportedly issued with it, numbered as before (REPORTED, not read in the text):
        # check the numbers against the published appendix before relying on them.
        FormSet(
            key="nd118-2025",
            valid_from=date(2025, 7, 1),
            document="118/2025/NĐ-CP",
            document_kind=N_("Decree"),
            numbers=dict(_ONE_STOP_FORMS),
            legal_basis="118/2025/NĐ-CP",
        ),
    )
}


def form_set(key: str) -> FormSet:
    try:
        return FORM_SETS[key]
    except KeyError:
        raise ValueError(f"unknown form set {key!r}; known: {', '.join(FORM_SETS)}") from None


def form_set_for(day: date) -> FormSet:
    """The set in force on ``day`` (the latest one that had started by then)."""
    started = [s for s in FORM_SETS.values() if s.valid_from <= day]
    if not started:
        return min(FORM_SETS.values(), key=lambda s: s.valid_from)
    return max(started, key=lambda s: s.valid_from)


__all__ = ["FORM_SETS", "FormSet", "form_set", "form_set_for"]
