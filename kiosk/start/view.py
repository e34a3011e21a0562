"""The start screen: six big choices, the language, and the reading aids."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QSizePolicy, QWidget

from core.i18n import N_, _, current_language
from ui.flow import Columns
from ui.parts import button, hbox, label, vbox
from ui.screen import Screen
from ui.theme import current_theme

# screen name -> (title, one line saying what it is for)
CHOICES = (
    ("ticket_service", N_("Take a queue number"), N_("For every procedure at the counters")),
    ("checkin", N_("I have an appointment"), N_("Scan the QR code on your appointment slip")),
    ("booking", N_("Book an appointment"), N_("Choose a day and time to come back")),
    ("dossier", N_("Check my dossier"), N_("Scan your receipt or type the dossier code")),
    ("guide", N_("Procedures guide"), N_("Papers to bring, fees and processing times")),
    ("rating", N_("Rate our service"), N_("Tell us how we served you")),
)


class StartScreen(Screen):
    name = "start"
    language_toggled = Signal()
    large_text_toggled = Signal()
    high_contrast_toggled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = label(role="title", center=True)
        self.choices = {}
        layout = vbox(self, [self.title], margin=40, spacing=22)
        # One column on a portrait panel, two (three rows) on a landscape one.
        grid = Columns(portrait=1, landscape=2, spacing=22)
        for target, _title, _hint in CHOICES:
            b = button(role="choice", name=f"choice-{target}", on_click=lambda t=target: self.go(t))
            self.choices[target] = b
            # The six choices share the height of the panel: big targets for unsure fingers.
            policy = b.sizePolicy()
            policy.setVerticalPolicy(QSizePolicy.Policy.Expanding)
            b.setSizePolicy(policy)
            grid.add(b)
        layout.addWidget(grid, 1)
        layout.addSpacing(12)
        self.language = button(name="language", on_click=self.language_toggled.emit)
        self.large_text = button(name="large-text", on_click=self.large_text_toggled.emit)
        self.high_contrast = button(name="high-contrast", on_click=self.high_contrast_toggled.emit)
        for aid in (self.large_text, self.high_contrast):
            aid.setCheckable(True)
            # A tap asks the window to change the theme; the button shows what is on (mark_aids).
            aid.clicked.connect(lambda _on=False: self.mark_aids())
        layout.addLayout(hbox(items=[self.language, self.large_text, self.high_contrast]))
        self.retranslate()

    def enter(self, **params: object) -> None:
        self.mark_aids()

    def mark_aids(self) -> None:
        """Larger text and high contrast say when they are on: the on look (the theme's
        checked style) and the words, so it is not told by colour alone."""
        theme = current_theme()
        # On two lines when on: three buttons abreast must still fit the portrait panel in large text.
        for aid, on, off_text, on_text in ((self.large_text, theme.large_text, _("Larger text"), _("Larger text\n(on)")),
                                          (self.high_contrast, theme.high_contrast, _("High contrast"),
                                           _("High contrast\n(on)"))):
            aid.setChecked(on)
            aid.setText(on_text if on else off_text)

    def retranslate(self) -> None:
        self.title.setText(_("Welcome! How can we help you?"))
        for target, title, hint in CHOICES:
            self.choices[target].setText(f"{_(title)}\n{_(hint)}")
        # The other language's name, written in that language, so a foreigner finds it.
        self.language.setText("English" if current_language() == "vi" else "Tiếng Việt")
        self.mark_aids()
