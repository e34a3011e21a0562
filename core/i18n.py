"""The one translation system (docs/ARCHITECTURE.md §3.7): gettext, with Babel catalogues.

Source strings (msgids) are English; Vietnamese is the default language, so every string a
user can see must have a Vietnamese translation (a test keeps the catalogue 100 %
translated). Screens, printouts and the server all call :func:`_`.

Catalogues live in ``core/locale/<lang>/*.po`` — one file per area (``core.po``,
``printing.po``, ...), merged at load, so that people working on different areas never edit
the same file. They are compiled in memory on first use; no ``.mo`` file is built or kept.

The current language is a context variable: a printout made in English for one citizen
does not switch the language of the screen beside it, and threads do not leak languages
into each other. ``python -m core.i18n missing`` prints the msgids that still lack a
Vietnamese translation, in .po form, ready to translate.
"""

from __future__ import annotations

import contextvars
import gettext as _gettext
import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("motcua_language", default=DEFAULT_LANGUAGE)


def check_language(lang: str) -> str:
    """The language code itself, or a ValueError naming the languages we have."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return lang


def load_catalog(lang: str) -> Catalog:
    """Every ``.po`` file of one language merged into one Babel catalogue."""
    merged = Catalog(locale=lang, domain="motcua")
    for po in sorted((LOCALE_DIR / lang).glob("*.po")):
        with po.open("rb") as fh:
            part = read_po(fh, locale=lang)
        for message in part:
            if message.id:
                merged[message.id] = message
    return merged


def conflicting_translations(lang: str) -> list[tuple[str, str | None, str, str]]:
    """Messages two ``.po`` files translate differently: (msgid, context, file, other file).
    The catalogues merge into one, so the later file would silently win on every screen
    that uses the message (give one of them a context instead)."""
    seen: dict[tuple[str, str | None], tuple[str, Any]] = {}
    found = []
    for po in sorted((LOCALE_DIR / lang).glob("*.po")):
        with po.open("rb") as fh:
            part = read_po(fh, locale=lang)
        for message in part:
            if not message.id:
                continue
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            text = message.string if isinstance(message.string, str) else tuple(message.string or ())
            key = (msgid, message.context)
            if key in seen and seen[key][1] != text:
                found.append((msgid, message.context, seen[key][0], po.name))
            seen.setdefault(key, (po.name, text))
    return found


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    """Compiled translations of one language (English is the source: no catalogue needed)."""
    check_language(lang)
    if lang == "en":
        return _gettext.NullTranslations()
    buffer = io.BytesIO()
    # Fuzzy entries are not translations: a half-checked string must not reach a citizen.
    write_mo(buffer, load_catalog(lang), use_fuzzy=False)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def current_language() -> str:
    return _current.get()


def set_language(lang: str) -> None:
    """Switch the language of the current context (an app's thread, for its lifetime)."""
    _current.set(check_language(lang))


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Translate in ``lang`` inside the block only (a printout in English, say)."""
    token = _current.set(check_language(lang))
    try:
        yield
    finally:
        _current.reset(token)


def _(message: str) -> str:
    """``message`` in the current language."""
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """A message whose translation depends on a context (a short word used in two senses)."""
    return translations(_current.get()).pgettext(context, message)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now (module-level tables)."""
    return message


def localized(vi: str | None, en: str | None, lang: str | None = None) -> str:
    """The Vietnamese or English text of data named in both (an office, a service, a
    procedure, a fee variant), in ``lang`` or the current language.

    Catalogue rows often have no English name yet: an English screen or printout then shows
    the Vietnamese one rather than an empty line. Vietnamese falls back to English the same
    way (a row known only by its English name still shows something)."""
    if (lang or current_language()) == "vi":
        return vi or en or ""
    return en or vi or ""


def translate_to(lang: str, message: str) -> str:
    """``message`` in ``lang`` whatever the current language is."""
    return translations(check_language(lang)).gettext(message)


class LazyText:
    """A message kept as its English msgid and its values, translated each time it is read.

    An error raised in a pool thread, in the sync agent or at the centre does not know which
    screen will show it, nor in which language; text translated when it is made reads in the
    wrong language on an English counter. So the msgid travels, and ``str()`` renders it in
    the language current where it is read. Values are formatted after translation (named
    placeholders, ``{code}``); a value that is itself lazy is rendered in the same language.
    Made with :func:`lazy_gettext`, which ``python -m core.i18n missing`` finds like ``_``.
    """

    __slots__ = ("context", "msgid", "values")

    def __init__(self, msgid: str, values: dict[str, object] | None = None, context: str | None = None) -> None:
        self.msgid = msgid
        self.values = dict(values or {})
        self.context = context

    def render(self, lang: str | None = None) -> str:
        """The text in ``lang`` (the current language if none)."""
        lang = check_language(lang) if lang is not None else _current.get()
        found = translations(lang)
        text = found.pgettext(self.context, self.msgid) if self.context is not None else found.gettext(self.msgid)
        if not self.values:
            return text
        return text.format(**{k: v.render(lang) if isinstance(v, LazyText) else v for k, v in self.values.items()})

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"LazyText({self.msgid!r}, {self.values!r}, context={self.context!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LazyText):
            return NotImplemented
        return (self.msgid, self.values, self.context) == (other.msgid, other.values, other.context)

    def __hash__(self) -> int:
        return hash(self.msgid)


def lazy_gettext(message: str, /, **values: object) -> LazyText:
    """``message`` (an English msgid with ``{name}`` placeholders) and its values, to be
    translated when read: for errors and anything else made in one place and shown in another."""
    return LazyText(message, values)


def lazy_pgettext(context: str, message: str, /, **values: object) -> LazyText:
    """:func:`lazy_gettext` of a message with a context (a role's name inside an error, say)."""
    return LazyText(message, values, context)


# --- checking the catalogue ----------------------------------------------------------------

SOURCE_PACKAGES = ("core", "local_db", "printing", "scanning", "sync", "ui", "kiosk", "counter", "display", "cli")
# Jinja templates (the centre's web site, sync/server/web/templates) call ``_("...")`` too.
METHOD_MAP = [("**.py", "python"), ("**/templates/**.html", "jinja2.ext:babel_extract")]
OPTIONS_MAP = {"**/templates/**.html": {"trim_blocks": "true", "lstrip_blocks": "true"}}
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "translate_to": (2,),
            "lazy_gettext": None, "lazy_pgettext": ((1, "c"), 2)}


def extract_messages(root: Path | None = None) -> dict[tuple[str, str | None], list[str]]:
    """Every translatable message of the source tree: (msgid, context) -> where it is used.

    Plural messages are keyed by their singular form.
    """
    from babel.messages.extract import extract_from_dir

    root = root or LOCALE_DIR.parent.parent
    found: dict[tuple[str, str | None], list[str]] = {}
    for package in SOURCE_PACKAGES:
        folder = root / package
        if not folder.is_dir():
            continue
        for filename, lineno, message, _comments, context in extract_from_dir(
            folder, keywords=KEYWORDS, method_map=METHOD_MAP, options_map=OPTIONS_MAP
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            if msgid:
                found.setdefault((msgid, context), []).append(f"{package}/{filename}:{lineno}")
    return found


def untranslated(lang: str = DEFAULT_LANGUAGE, root: Path | None = None) -> dict[tuple[str, str | None], list[str]]:
    """Messages used in the code that ``lang``'s catalogue does not translate (or marks fuzzy)."""
    catalog = load_catalog(lang)
    missing = {}
    for (msgid, context), places in extract_messages(root).items():
        entry = catalog.get(msgid, context=context)
        strings = entry.string if entry is not None else None
        if isinstance(strings, tuple):
            done = all(strings)
        else:
            done = bool(strings)
        if entry is None or not done or entry.fuzzy:
            missing[(msgid, context)] = places
    return missing


def _po_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] != ["missing"]:
        print("usage: python -m core.i18n missing [LANG]", file=sys.stderr)
        return 2
    lang = args[1] if len(args) > 1 else DEFAULT_LANGUAGE
    missing = untranslated(lang)
    for (msgid, context), places in sorted(missing.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        print(f"#: {' '.join(places[:3])}")
        if context:
            print(f"msgctxt {_po_quote(context)}")
        print(f"msgid {_po_quote(msgid)}")
        print('msgstr ""\n')
    print(f"# {len(missing)} message(s) without a {lang} translation", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
