"""Money formatting. Amounts are whole Vietnamese đồng (VND has no minor unit in use)."""

from __future__ import annotations


def _group(amount: int, sep: str) -> str:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"amount must be an int number of dong (VND), got {type(amount).__name__}")
    sign = "-" if amount < 0 else ""
    return sign + f"{abs(amount):,}".replace(",", sep)


def format_vnd(amount: int) -> str:
    """Vietnamese style: ``1.000.000 đ``, ``0 đ``."""
    return f"{_group(amount, '.')} đ"


def format_vnd_en(amount: int) -> str:
    """English style: ``1,000,000 VND``."""
    return f"{_group(amount, ',')} VND"


def format_money(amount: int) -> str:
    """In the current language's style (core.i18n)."""
    from core.i18n import current_language

    return format_vnd(amount) if current_language() == "vi" else format_vnd_en(amount)


__all__ = ["format_money", "format_vnd", "format_vnd_en"]
