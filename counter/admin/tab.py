"""What every tab of the administration page shares: it draws on the page's background,
asks the page to run a change (``act``) and remembers the page's data it last drew."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QWidget

from counter.admin.rows import AdminView

Act = Callable[..., None]


class AdminTab(QWidget):
    def __init__(self, act: Act, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.act = act
        self.view: AdminView | None = None

    def _selected(self) -> None:
        """A tab with a list (``self.tree``) beside a form: the row chosen fills the form."""
        items = self.tree.selectedItems()  # type: ignore[attr-defined]
        self.chosen = items[0].data(0, Qt.ItemDataRole.UserRole) if items else None
        self._form()  # type: ignore[attr-defined]


def form_grid() -> QGridLayout:
    """A label | field grid with the page's spacing."""
    grid = QGridLayout()
    grid.setHorizontalSpacing(12)
    grid.setVerticalSpacing(8)
    return grid


__all__ = ["Act", "AdminTab", "form_grid"]
