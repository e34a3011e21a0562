"""Personal data out of text that leaves the office (the support bundle for the helpdesk).

Logs are written for people who fix things, and now and then a message carries what a
citizen typed: a CCCD number, a phone number, a name, the text of an ID-card QR. Before a
log goes to the city's helpdesk, :func:`mask_personal` replaces those with a placeholder.
It errs on the side of masking: a 12-digit number is taken for a CCCD, a run of
capitalised words that starts with a Vietnamese family name for a person's name.
"""

from __future__ import annotations

import re

from core.text import fold

CCCD = "[cccd]"
PHONE = "[phone]"
NAME = "[name]"
QR = "[id-card-qr]"

# Family names that start ~99 % of Vietnamese names (folded: no marks, lower case).
SURNAMES = frozenset("""
nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly dinh doan trinh truong lam mai luong
luu cao ta chu chau ha hua kieu lai quach thai tang thach tong van vuong phung khuat khong ong au la mac lu
nghiem ninh quan tieu dam diep giang kim lieu lo luc thieu than to trieu quang ung
""".split())

_NOT_WORD_BEFORE = r"(?<![\w.\-/])"
_NOT_WORD_AFTER = r"(?![\w\-/])"
# number|old id|name|ddmmyyyy|gender|address|issue date
_ID_QR = re.compile(r"\d{9,12}\|[^|\n]*\|[^|\n]*\|\d{8}\|[^|\n]*\|[^|\n]*\|\d{8}")
_CCCD = re.compile(_NOT_WORD_BEFORE + r"(?:\d{12}|\d{9})" + _NOT_WORD_AFTER)
_PHONE = re.compile(_NOT_WORD_BEFORE + r"(?:\+84|0084|84|0)[ .\-]?[35789](?:[ .\-]?\d){8}" + _NOT_WORD_AFTER)
# key=value, key: value, "key": "value" for keys that name personal data.
_KEYS = r"(?:full_?name|applicant(?:_name)?|citizen(?:_name)?|name|phone|cccd|id_number|address|birth_?date|dob)"
_QUOTED = re.compile(r"""(?P<key>["']""" + _KEYS + r"""["']\s*:\s*)(?P<q>["'])(?P<value>.*?)(?P=q)""", re.IGNORECASE)
_PLAIN = re.compile(r"(?P<key>\b" + _KEYS + r"\s*[=:]\s*)(?P<value>[^,;\n)}\]]+)", re.IGNORECASE)
_CAPITALISED = re.compile(r"[^\W\d_][^\W\d_]*")


def mask_personal(text: str) -> str:
    """``text`` with ID-card QR payloads, CCCD / CMND numbers, phone numbers and names
    replaced by placeholders; everything else (codes, times, ids) left as it was."""
    text = _ID_QR.sub(QR, text)
    text = _QUOTED.sub(lambda m: f"{m['key']}{m['q']}{NAME if _is_name_key(m['key']) else '[masked]'}{m['q']}", text)
    text = _PLAIN.sub(lambda m: m["key"] + (NAME if _is_name_key(m["key"]) else "[masked]"), text)
    text = _PHONE.sub(PHONE, text)
    text = _CCCD.sub(CCCD, text)
    return _mask_names(text)


def _is_name_key(key: str) -> bool:
    return "name" in key.lower() or "applicant" in key.lower() or "citizen" in key.lower()


def _mask_names(text: str) -> str:
    """Runs of two to five capitalised words whose first is a Vietnamese family name."""
    out: list[str] = []
    words = list(_CAPITALISED.finditer(text))
    i, pos = 0, 0
    while i < len(words):
        first = words[i]
        if first.group()[0].isupper() and fold(first.group()) in SURNAMES:
            j = i
            while (j + 1 < len(words) and j - i < 4 and words[j + 1].group()[0].isupper()
                   and text[words[j].end():words[j + 1].start()] == " "):
                j += 1
            if j > i:
                out.append(text[pos:first.start()])
                out.append(NAME)
                pos = words[j].end()
                i = j + 1
                continue
        i += 1
    out.append(text[pos:])
    return "".join(out)


__all__ = ["CCCD", "NAME", "PHONE", "QR", "SURNAMES", "mask_personal"]
