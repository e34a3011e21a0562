"""Every key of the counter app, in one place: one key, one meaning, across the whole app.

A clerk's fingers learn keys, not pages. When F2 called the next citizen on the queue page
but sent the selected dossier to processing on the dossiers page, the habit of one page did
something irreversible on another. So each key here has exactly one meaning wherever it
works, and the pages build their shortcuts, the key written on their buttons and their
tooltips from this map (a test walks it and the built window, and fails when one key means
two things).

The families, so a clerk can guess a key before reading it:

* **F2–F8: the queue** (call next, call again, start, finish, absent, transfer, take in a
  dossier): the keys pressed all day, unchanged since the first version.
* **Ctrl+1–Ctrl+9: the chosen dossier's moves** on the dossiers page, in the order of its
  life (send to processing … withdrawn); Ctrl+P / Ctrl+R print its control slip / receipt.
* **Alt+1–Alt+7: the chosen appointment's moves** on the appointments page;
  Alt+Left / Alt+Right / Alt+Home move between days.
* **Alt+letter: the intake's steps** (Alt+N on, Alt+B back, Alt+A all brought, Alt+R resume
  a draft, Alt+T refuse — "từ chối").
* **Scanning** (the scan dialog and the dossier's scans tab): Ctrl+Shift+S scan,
  Ctrl+Shift+C capture with the camera ("chụp"), Ctrl+Shift+O view the PDF, Ctrl+O add files,
  Alt+F from the folder, Ctrl+Left / Ctrl+Right move a page, Ctrl+T turn it, Del remove it.
* **Everywhere it applies**: Ctrl+S saves what the screen is making, Ctrl+F finds,
  Ctrl+Enter confirms a form, Esc cancels, Ctrl+L locks the desk.

The map is plain data (portable key text, English msgids); the Qt helpers below turn an
entry into a shortcut, the text on a button and a tooltip.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from core.i18n import N_, _


@dataclass(frozen=True)
class Key:
    keys: str  # QKeySequence portable text, e.g. "Ctrl+1"
    words: str  # what it does (English msgid; shown translated in tooltips)
    where: tuple[str, ...]  # the pages and dialogs it works on


WINDOW, QUEUE, INTAKE, DOSSIERS, APPOINTMENTS = "window", "queue", "intake", "dossiers", "appointments"
SCAN_DIALOG, FORM_DIALOGS = "scan dialog", "form dialogs"

KEYS: dict[str, Key] = {
    # the whole window
    "lock": Key("Ctrl+L", N_("Lock the desk"), (WINDOW,)),
    # the queue: function keys
    "queue.call": Key("F2", N_("Call the next number"), (QUEUE,)),
    "queue.recall": Key("F3", N_("Call the number at the desk again"), (QUEUE,)),
    "queue.start": Key("F4", N_("Start serving the citizen called"), (QUEUE,)),
    "queue.finish": Key("F5", N_("Finish the ticket"), (QUEUE,)),
    "queue.no_show": Key("F6", N_("Mark the citizen called absent"), (QUEUE,)),
    "queue.transfer": Key("F7", N_("Transfer the ticket to another counter or queue"), (QUEUE,)),
    "queue.intake": Key("F8", N_("Take in a dossier for the citizen at the desk"), (QUEUE,)),
    # the dossiers page: Ctrl+digit, the moves in the order of a dossier's life
    "dossier.send_to_processing": Key("Ctrl+1", N_("Send the dossier to processing"), (DOSSIERS,)),
    "dossier.request_supplement": Key("Ctrl+2", N_("Ask for a supplement (form 02)"), (DOSSIERS,)),
    "dossier.supplement_received": Key("Ctrl+3", N_("Supplement received"), (DOSSIERS,)),
    "dossier.result_back": Key("Ctrl+4", N_("The result is back"), (DOSSIERS,)),
    "dossier.handle_at_desk": Key("Ctrl+5", N_("Settle the dossier at the desk"), (DOSSIERS,)),
    "dossier.return_result": Key("Ctrl+6", N_("Hand the result back"), (DOSSIERS,)),
    "dossier.reschedule": Key("Ctrl+7", N_("Give a new due date (form 04)"), (DOSSIERS,)),
    "dossier.reject": Key("Ctrl+8", N_("Refuse the dossier (form 03)"), (DOSSIERS,)),
    "dossier.withdraw": Key("Ctrl+9", N_("The citizen withdraws the dossier"), (DOSSIERS,)),
    "dossier.control_slip": Key("Ctrl+P", N_("Print the control slip (form 05)"), (DOSSIERS,)),
    "dossier.receipt": Key("Ctrl+R", N_("Print the receipt again (form 01)"), (DOSSIERS,)),
    # the appointments page: Alt+digit
    "appointment.check_in": Key("Alt+1", N_("Check the appointment in (prints its ticket)"), (APPOINTMENTS,)),
    "appointment.book": Key("Alt+2", N_("Book an appointment"), (APPOINTMENTS,)),
    "appointment.reschedule": Key("Alt+3", N_("Move the appointment"), (APPOINTMENTS,)),
    "appointment.absent": Key("Alt+4", N_("Mark the late appointments absent"), (APPOINTMENTS,)),
    "appointment.cancel": Key("Alt+5", N_("Cancel the appointment"), (APPOINTMENTS,)),
    "appointment.capacity": Key("Alt+6", N_("Places of a slot (supervisor)"), (APPOINTMENTS,)),
    "appointment.slots": Key("Alt+7", N_("The day's slots (supervisor)"), (APPOINTMENTS,)),
    "day.previous": Key("Alt+Left", N_("The previous working day"), (APPOINTMENTS,)),
    "day.next": Key("Alt+Right", N_("The next working day"), (APPOINTMENTS,)),
    "day.today": Key("Alt+Home", N_("Today"), (APPOINTMENTS,)),
    # the intake: Alt+letter
    "intake.next": Key("Alt+N", N_("Go on: the next step, or the next dossier"), (INTAKE,)),
    "intake.back": Key("Alt+B", N_("Go back a step"), (INTAKE,)),
    "intake.all_brought": Key("Alt+A", N_("Every document brought, one original each"), (INTAKE,)),
    "intake.resume": Key("Alt+R", N_("Resume the first draft"), (INTAKE,)),
    "intake.refuse": Key("Alt+T", N_("Refuse to take the dossier in"), (INTAKE,)),
    # scanning
    "scan": Key("Ctrl+Shift+S", N_("Scan"), (SCAN_DIALOG, DOSSIERS)),
    "scan.capture": Key("Ctrl+Shift+C", N_("Capture a page with the document camera"), (SCAN_DIALOG,)),
    "scan.view_pdf": Key("Ctrl+Shift+O", N_("View the scanned PDF"), (DOSSIERS,)),
    "scan.files": Key("Ctrl+O", N_("Add files"), (SCAN_DIALOG,)),
    "scan.folder": Key("Alt+F", N_("Add from the scanner's folder"), (SCAN_DIALOG,)),
    "scan.page_left": Key("Ctrl+Left", N_("Move the page left"), (SCAN_DIALOG,)),
    "scan.page_right": Key("Ctrl+Right", N_("Move the page right"), (SCAN_DIALOG,)),
    "scan.turn": Key("Ctrl+T", N_("Turn the page right"), (SCAN_DIALOG,)),
    "scan.remove": Key("Del", N_("Remove the page"), (SCAN_DIALOG,)),
    # everywhere it applies
    "save": Key("Ctrl+S", N_("Save what this screen is making"), (INTAKE, SCAN_DIALOG)),
    "find": Key("Ctrl+F", N_("Find"), (DOSSIERS, APPOINTMENTS)),
    "enter": Key("Enter", N_("Go on: the next step, or the form's main button"), (INTAKE, FORM_DIALOGS)),
    "confirm": Key("Ctrl+Enter", N_("Confirm the form"), (FORM_DIALOGS,)),
    "cancel": Key("Esc", N_("Cancel"), (SCAN_DIALOG, FORM_DIALOGS)),
}


def sequence(name: str) -> QKeySequence:
    return QKeySequence(KEYS[name].keys)


def key_text(name: str) -> str:
    """The key as the clerk's keyboard writes it ("Ctrl+1")."""
    return sequence(name).toString(QKeySequence.SequenceFormat.NativeText)


def with_key(words: str, name: str) -> str:
    """A button's text: what it does and its key, e.g. "Gọi số tiếp (F2)"."""
    return f"{words} ({key_text(name)})"


def tooltip(name: str) -> str:
    """What the key does, in the language of the moment, and the key."""
    return with_key(_(KEYS[name].words), name)


def shortcut(name: str, parent: QWidget, handler: Callable[[], object], *,
             context: Qt.ShortcutContext = Qt.ShortcutContext.WidgetWithChildrenShortcut) -> QShortcut:
    """The entry's shortcut on ``parent``, named after the entry (the key map test finds it
    by that name in the built window)."""
    sc = QShortcut(sequence(name), parent)
    sc.setObjectName(f"key:{name}")
    sc.setContext(context)
    sc.activated.connect(handler)
    return sc


__all__ = ["KEYS", "Key", "key_text", "sequence", "shortcut", "tooltip", "with_key"]
