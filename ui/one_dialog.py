"""One dialog at a time on a page (issue 17).

The queue, appointments and dossiers pages open window-modal dialogs that do not block
(the page's refresh goes on behind them), so each kept the open one, forgot it when it
closed, and closed it when the clerk left the page: the same three methods on each page.
:class:`OneDialog` is those once; the page owns one and asks it.

An *embedded* dialog is a child widget shown over the page, not a window: the tours and
the look tests photograph the page with its dialog in one picture.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtWidgets import QDialog, QWidget

D = TypeVar("D", bound=QDialog)


class OneDialog(Generic[D]):
    """The dialog open on ``page`` (``None`` when none is). ``focus`` gives the widget
    that takes the keyboard back when the dialog closes (the page itself by default)."""

    def __init__(self, page: QWidget, *, focus: Callable[[], QWidget] | None = None) -> None:
        self.page = page
        self.focus = focus
        self.current: D | None = None

    @property
    def is_open(self) -> bool:
        return self.current is not None

    def hold(self, dialog: D) -> D:
        """Make ``dialog`` the page's one dialog; when it finishes it is forgotten and
        deleted (a scan dialog's pages are big) and the page takes the keyboard back."""
        self.current = dialog
        dialog.finished.connect(lambda _result: self._closed(dialog))
        return dialog

    def show(self, dialog: D, *, embedded: bool = False) -> D:
        """:meth:`hold` it and show it: window-modal, or ``embedded`` centred on the page
        (a little smaller than the page when the page is small)."""
        self.hold(dialog)
        if embedded:
            page = self.page
            dialog.resize(min(dialog.width(), page.width() - 40), min(dialog.height(), page.height() - 40))
            dialog.move((page.width() - dialog.width()) // 2, (page.height() - dialog.height()) // 2)
            dialog.show()
            dialog.raise_()
        else:
            dialog.open()
        return dialog

    def close(self) -> None:
        """Close the open dialog as if the clerk pressed Cancel (the page is left)."""
        if self.current is not None:
            self.current.reject()

    def _closed(self, dialog: D) -> None:
        if self.current is dialog:
            self.current = None
        dialog.deleteLater()
        (self.focus() if self.focus is not None else self.page).setFocus()


__all__ = ["OneDialog"]
