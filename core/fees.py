"""Fee rules: a small schema that covers every procedure of the demo catalogue.

Kinds:

* ``free``: nothing to pay.
* ``fixed``: ``amount_vnd`` per case (copies do not matter).
* ``per_copy``: ``amount_vnd`` for each copy.
* ``per_page``: each copy costs the sum over its pages of the tier rate in force for that
  page (``tiers`` = ``(from_page, amount per page)``), at most ``cap_per_copy_vnd``; then
  times the number of copies. The certified copy rule: 2.000 đ per page for pages 1-2,
  1.000 đ per page from page 3, at most 200.000 đ per copy.

Modifiers:

* ``free_within_days``: free when the event (birth, death) is at most that many days ago,
  the normal amount after (late registration).
* ``variants``: named alternative amounts the clerk ticks (a person under 14, an online
  submission); the variant amount replaces ``amount_vnd``.
* An exemption the clerk ticks, always with a reason: the fee is 0 and the reason is kept.

Amounts are whole đồng. Fees for civil status are set by each province; the catalogue
figures are configuration, not law.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from core.errors import ValidationError
from core.i18n import _, language, lazy_gettext, localized
from core.money import format_money, format_vnd

FeeKind = Literal["free", "fixed", "per_copy", "per_page"]
FEE_KINDS: tuple[str, ...] = ("free", "fixed", "per_copy", "per_page")


def _check_amount(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(lazy_gettext("An amount must be a whole number of VND, not negative ({what})", what=what),
                              field="fee")
    return value


@dataclass(frozen=True)
class FeeVariant:
    """An alternative amount the clerk can tick, e.g. ``under_14`` -> 5.000 đ."""

    key: str
    amount_vnd: int
    label_vi: str
    label_en: str

    def __post_init__(self) -> None:
        if not self.key or not self.key.replace("_", "").isalnum():
            raise ValidationError(lazy_gettext("Invalid fee option key: {key}", key=repr(self.key)), field="fee")
        _check_amount(self.amount_vnd, self.key)
        if not self.label_vi.strip():
            raise ValidationError(lazy_gettext("A fee option needs a Vietnamese name"), field="fee")


@dataclass(frozen=True)
class FeeRule:
    kind: FeeKind
    amount_vnd: int = 0
    tiers: tuple[tuple[int, int], ...] = ()
    cap_per_copy_vnd: int | None = None
    free_within_days: int | None = None
    variants: tuple[FeeVariant, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in FEE_KINDS:
            raise ValidationError(lazy_gettext("Invalid fee kind: {kind}", kind=repr(self.kind)), field="fee")
        _check_amount(self.amount_vnd, "amount_vnd")
        try:
            tiers = tuple((_check_amount(a, "tiers"), _check_amount(b, "tiers")) for a, b in self.tiers)
        except (TypeError, ValueError) as exc:
            raise ValidationError(lazy_gettext("A fee tier is a pair (from page, amount)"), field="fee") from exc
        object.__setattr__(self, "tiers", tiers)
        object.__setattr__(self, "variants", tuple(self.variants))

        if self.kind == "free":
            if self.amount_vnd or tiers or self.cap_per_copy_vnd is not None or self.free_within_days is not None or self.variants:
                raise ValidationError(lazy_gettext("A free procedure has no amount to charge"), field="fee")
            return
        if self.kind == "per_page":
            if not tiers:
                raise ValidationError(lazy_gettext("A per-page fee needs at least one tier"), field="fee")
            if tiers[0][0] != 1:
                raise ValidationError(lazy_gettext("The first tier must start at page 1"), field="fee")
            for (prev_from, _), (next_from, _) in zip(tiers, tiers[1:]):
                if next_from <= prev_from:
                    raise ValidationError(lazy_gettext("Page tiers must go up"), field="fee")
            if self.cap_per_copy_vnd is not None:
                _check_amount(self.cap_per_copy_vnd, "cap_per_copy_vnd")
            if self.amount_vnd:
                raise ValidationError(lazy_gettext("A per-page fee uses tiers, not amount_vnd"), field="fee")
            if self.variants:
                raise ValidationError(lazy_gettext("A per-page fee has no alternative options"), field="fee")
        else:
            if tiers or self.cap_per_copy_vnd is not None:
                raise ValidationError(lazy_gettext("Only a per-page fee has tiers and a cap"), field="fee")
        if self.free_within_days is not None:
            if isinstance(self.free_within_days, bool) or not isinstance(self.free_within_days, int) or self.free_within_days < 0:
                raise ValidationError(lazy_gettext("The number of free days must be a whole number, not negative"), field="fee")
        keys = [v.key for v in self.variants]
        if len(set(keys)) != len(keys):
            raise ValidationError(lazy_gettext("Two fee options have the same key"), field="fee")

    # --- JSON ---------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind}
        if self.kind in ("fixed", "per_copy"):
            data["amount_vnd"] = self.amount_vnd
        if self.tiers:
            data["tiers"] = [[from_page, amount] for from_page, amount in self.tiers]
        if self.cap_per_copy_vnd is not None:
            data["cap_per_copy_vnd"] = self.cap_per_copy_vnd
        if self.free_within_days is not None:
            data["free_within_days"] = self.free_within_days
        if self.variants:
            data["variants"] = {
                v.key: {"amount_vnd": v.amount_vnd, "label_vi": v.label_vi, "label_en": v.label_en}
                for v in self.variants
            }
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeeRule:
        if not isinstance(data, dict) or "kind" not in data:
            raise ValidationError(lazy_gettext("The fee kind is missing"), field="fee")
        try:
            variants = tuple(
                FeeVariant(
                    key=key,
                    amount_vnd=v["amount_vnd"],
                    label_vi=v.get("label_vi", key),
                    label_en=v.get("label_en", v.get("label_vi", key)),
                )
                for key, v in (data.get("variants") or {}).items()
            )
            return cls(
                kind=data["kind"],
                amount_vnd=data.get("amount_vnd", 0),
                tiers=tuple((a, b) for a, b in data.get("tiers", ())),
                cap_per_copy_vnd=data.get("cap_per_copy_vnd"),
                free_within_days=data.get("free_within_days"),
                variants=variants,
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValidationError(lazy_gettext("Invalid fee rule: {error}", error=str(exc)), field="fee") from exc

    # --- text ---------------------------------------------------------------------

    def variant(self, key: str) -> FeeVariant:
        for v in self.variants:
            if v.key == key:
                return v
        raise ValidationError(lazy_gettext("There is no fee option {key}", key=repr(key)), field="variant")

    def _tier_ranges(self) -> list[tuple[int, int | None, int]]:
        out = []
        for i, (from_page, amount) in enumerate(self.tiers):
            to_page = self.tiers[i + 1][0] - 1 if i + 1 < len(self.tiers) else None
            out.append((from_page, to_page, amount))
        return out

    def describe(self) -> str:
        """The rule in plain words, in the current language (core.i18n)."""
        if self.kind == "free":
            return _("Free")
        if self.kind == "per_page":
            parts = []
            for from_page, to_page, amount in self._tier_ranges():
                if to_page is None:
                    where = _("from page {page}").format(page=from_page) if from_page > 1 else _("each page")
                elif to_page == from_page:
                    where = _("page {page}").format(page=from_page)
                else:
                    where = _("pages {first}–{last}").format(first=from_page, last=to_page)
                parts.append(_("{amount}/page ({pages})").format(amount=format_money(amount), pages=where))
            text = ", ".join(parts)
            if self.cap_per_copy_vnd is not None:
                text += _(", at most {amount} per copy").format(amount=format_money(self.cap_per_copy_vnd))
            return text
        if self.kind == "per_copy":
            text = _("{amount} per copy").format(amount=format_money(self.amount_vnd))
        else:
            text = _("{amount} per case").format(amount=format_money(self.amount_vnd))
        if self.free_within_days is not None:
            text = _("Free within {days} days; later: {fee}").format(days=self.free_within_days, fee=text)
        for v in self.variants:
            label = localized(v.label_vi, v.label_en)
            text += f"; {label}: {format_money(v.amount_vnd)}"
        return text

    def describe_vi(self) -> str:
        with language("vi"):
            return self.describe()

    def describe_en(self) -> str:
        with language("en"):
            return self.describe()


@dataclass(frozen=True)
class FeeInput:
    """What the clerk enters at intake.

    An exemption is ticked by giving its reason; ``exempt=True`` without a reason, or a
    blank reason, is refused: an exemption must always say why.
    """

    copies: int = 1
    pages: int = 1
    days_since_event: int | None = None
    variant: str | None = None
    exemption_reason: str | None = None
    exempt: bool = False

    def __post_init__(self) -> None:
        for name in ("copies", "pages"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                message = (lazy_gettext("The number of copies must be a whole number of 1 or more") if name == "copies"
                           else lazy_gettext("The number of pages must be a whole number of 1 or more"))
                raise ValidationError(message, field=name)
        d = self.days_since_event
        if d is not None and (isinstance(d, bool) or not isinstance(d, int) or d < 0):
            raise ValidationError(lazy_gettext("The number of days since the event must be a whole number, not negative"),
                                  field="days_since_event")
        if self.exemption_reason is not None:
            reason = " ".join(self.exemption_reason.split())
            if not reason:
                raise ValidationError(lazy_gettext("A fee exemption needs its reason written down"), field="exemption_reason")
            object.__setattr__(self, "exemption_reason", reason)
            object.__setattr__(self, "exempt", True)
        elif self.exempt:
            raise ValidationError(lazy_gettext("A fee exemption needs its reason written down"), field="exemption_reason")


@dataclass(frozen=True)
class FeeQuote:
    amount_vnd: int
    exemption_reason: str | None
    lines: tuple[str, ...]


def _per_page_copy(rule: FeeRule, pages: int) -> tuple[int, list[str]]:
    total, lines = 0, []
    for from_page, to_page, amount in rule._tier_ranges():
        if pages < from_page:
            break
        last = pages if to_page is None else min(pages, to_page)
        count = last - from_page + 1
        total += count * amount
        lines.append(f"{count} trang x {format_vnd(amount)}")
    if rule.cap_per_copy_vnd is not None and total > rule.cap_per_copy_vnd:
        lines.append(f"Tối đa {format_vnd(rule.cap_per_copy_vnd)}/bản")
        total = rule.cap_per_copy_vnd
    return total, lines


def compute_fee(rule: FeeRule, inp: FeeInput) -> FeeQuote:
    """The fee for one dossier, with short Vietnamese lines explaining it."""
    if inp.variant is not None:
        variant = rule.variant(inp.variant)  # an unknown variant is an error even if exempt
    else:
        variant = None

    if inp.exempt:
        return FeeQuote(0, inp.exemption_reason, (f"Miễn lệ phí: {inp.exemption_reason}",))

    if rule.kind == "free":
        return FeeQuote(0, None, ("Miễn phí",))

    if rule.free_within_days is not None:
        if inp.days_since_event is None:
            raise ValidationError(
                lazy_gettext("The fee needs the number of days since the event (free within {days} days)",
                             days=rule.free_within_days),
                field="days_since_event",
            )
        if inp.days_since_event <= rule.free_within_days:
            return FeeQuote(0, None, (f"Miễn phí (trong hạn {rule.free_within_days} ngày)",))

    lines: list[str] = []
    if rule.free_within_days is not None:
        lines.append(f"Quá hạn {rule.free_within_days} ngày ({inp.days_since_event} ngày)")

    if rule.kind == "per_page":
        per_copy, page_lines = _per_page_copy(rule, inp.pages)
        lines.extend(page_lines)
        total = per_copy * inp.copies
        if inp.copies > 1:
            lines.append(f"{inp.copies} bản x {format_vnd(per_copy)}")
        return FeeQuote(total, None, tuple(lines))

    amount = variant.amount_vnd if variant is not None else rule.amount_vnd
    if variant is not None:
        lines.append(f"{variant.label_vi}: {format_vnd(amount)}")
    if rule.kind == "per_copy":
        lines.append(f"{inp.copies} bản x {format_vnd(amount)}")
        return FeeQuote(amount * inp.copies, None, tuple(lines))
    if variant is None:
        lines.append(f"{format_vnd(amount)}/hồ sơ")
    return FeeQuote(amount, None, tuple(lines))


__all__ = ["FEE_KINDS", "FeeInput", "FeeKind", "FeeQuote", "FeeRule", "FeeVariant", "compute_fee"]
