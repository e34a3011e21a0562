"""Qt's own words and dates in the app's language: the file dialog, the date picker, the
right-click menu of a text field, a message box's buttons.

Qt ships no Vietnamese translation of its own widgets (there is no ``qtbase_vi.qm``, in
PySide6 nor in Debian's qt6-translations-l10n), so a Vietnamese counter showed "Look in /
File name / Save / Cancel". Rather than a second translation system, :class:`QtWords` is a
QTranslator that answers Qt from our gettext catalogue: Qt's context (``QFileDialog``,
``QPlatformTheme``...) is the message context, Qt's English text the msgid
(``core/locale/vi/qt_widgets.po``). Month and day names come from the locale, not from a
translator: :func:`use_qt_language` also sets the default QLocale and gives it to every open
window, so a date picker reads "tháng 12", "T2…CN" in Vietnamese and "December, Mon…Sun"
in English. Qt sends every widget a LanguageChange when a translator comes or goes, and
its own dialogs redo their texts then: a language switch reaches an open dialog too.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from core.i18n import check_language, set_language, translations

#: The locale of each app language. English is British English: day/month/year dates, as
#: in Vietnam, where the American month-first order would misread.
LOCALES = {"vi": (QLocale.Language.Vietnamese, QLocale.Country.Vietnam),
           "en": (QLocale.Language.English, QLocale.Country.UnitedKingdom)}


class QtWords(QTranslator):
    """Qt's own texts in the app's language, looked up in the gettext catalogue by (Qt
    context, text).

    Installed once and never removed: a language switch changes :attr:`lang` and sends the
    LanguageChange Qt would have sent. Qt asks a translator from any thread (a QImage saved
    off the GUI thread asks for its error text) while holding its translator lock, and this
    one, being Python, then needs the interpreter lock. Removing or installing a translator
    takes Qt's lock for writing with the interpreter lock held: the two threads waited for
    each other for good (seen: the kiosk tour, saving pictures while switching languages)."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = check_language(lang)

    def translate(self, context: str, source_text: str, disambiguation: str | None = None,  # noqa: D102
                  n: int = -1) -> str | None:
        lang = self.lang  # one read: a switch meanwhile gives one language or the other
        if lang == "en":
            return None  # English is Qt's own
        found = translations(lang).pgettext(context, source_text)
        return found if found != source_text else None  # None: Qt keeps its own English

    def isEmpty(self) -> bool:  # noqa: N802 (Qt's name)
        return False

    def language(self) -> str:
        return self.lang


_installed: QtWords | None = None


def qt_locale(lang: str) -> QLocale:
    language, country = LOCALES[check_language(lang)]
    return QLocale(language, country)


def use_qt_language(lang: str) -> None:
    """Qt's widgets in ``lang`` from now on: its translator swapped, the default locale set
    and given to the windows already open (their date pickers redraw their names)."""
    global _installed
    app = QCoreApplication.instance()
    if app is None:
        return
    if _installed is None:
        _installed = QtWords(lang)
        app.installTranslator(_installed)  # sends the LanguageChange itself
    elif _installed.lang != check_language(lang):
        _installed.lang = lang
        QCoreApplication.sendEvent(app, QEvent(QEvent.Type.LanguageChange))  # what a new translator would send
    locale = qt_locale(lang)
    QLocale.setDefault(locale)
    if isinstance(app, QApplication):
        for window in app.topLevelWidgets():
            window.setLocale(locale)


def set_app_language(lang: str) -> None:
    """The app's language: our texts (gettext) and Qt's own (its widgets, dates) together.
    The apps' language buttons call this, never :func:`core.i18n.set_language` alone."""
    set_language(lang)
    use_qt_language(lang)


__all__ = ["LOCALES", "QtWords", "qt_locale", "set_app_language", "use_qt_language"]
