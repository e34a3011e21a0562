"""Start a MotCua Qt application: one QApplication with the shipped font, the theme and
the language, the same for the kiosk, the counter and the display board."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ui.fonts import use_app_font
from ui.qt_language import set_app_language
from ui.theme import Theme, apply_theme

# Qt Multimedia probes for libraries a kiosk does not need (pipewire, VA-API) and says so
# on every start; those lines are noise in an office's logs.
_QUIET = "qt.multimedia.symbolsresolver=false;qt.multimedia.ffmpeg=false;qt.multimedia.plugin=false"


def make_app(argv: Sequence[str] | None = None, *, theme: Theme | None = None, language: str = "vi",
             name: str = "MotCua") -> QApplication:
    """The application (created once per process), themed, in ``language``."""
    os.environ.setdefault("QT_LOGGING_RULES", _QUIET)
    existing = QApplication.instance()
    if existing is None:
        QApplication.setAttribute(Qt.ApplicationAttribute.AA_SynthesizeMouseForUnhandledTouchEvents, True)
        app = QApplication(list(argv if argv is not None else sys.argv[:1]))
    elif isinstance(existing, QApplication):
        app = existing
    else:
        raise TypeError(f"this process already runs a {type(existing).__name__}; windows need a QApplication")
    app.setApplicationName(name)
    app.setOrganizationName("MotCua")
    app.setStyle("Fusion")  # the same look on every OS, so the stylesheet draws the same
    use_app_font(app)
    apply_theme(app, theme or Theme())
    set_app_language(language)
    return app
