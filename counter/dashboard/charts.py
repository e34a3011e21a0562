"""The dashboard's charts (QtCharts): one bar per office day of the period.

:class:`DayChart` draws plain or stacked bars over the days; the page gives it the values
and the words. Colours come from the theme (high contrast included), and no series is told
by colour alone: the legend names each one and the "late" bars are hatched, so they read
apart on a grey-scale printout of the screen or to a colour-blind supervisor.

A long period has more days than room for their dates under the bars: every day keeps its
bar (and its category), only some dates are written — always the last day, then every
k-th one back from it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCharts import (
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QApplication, QToolTip, QWidget

from ui.theme import current_theme

MAX_DATE_LABELS = 12  # dates written under the bars at most (the rest stay blank)
VALUE_LABELS_UP_TO = 10  # days: the figure is written on each bar while they are this few


@dataclass(frozen=True)
class Bars:
    """One series: its name in the legend, a value per day, its look ("accent", "ok", "late")."""

    name: str
    values: Sequence[float]
    look: str = "accent"


def date_labels(days: Sequence[date]) -> dict[int, str]:
    """Bar index -> "dd/mm" of the days that get their date written: the last day, then
    every k-th day back from it, at most MAX_DATE_LABELS of them."""
    n = len(days)
    step = max(1, math.ceil(n / MAX_DATE_LABELS))
    return {i: d.strftime("%d/%m") for i, d in enumerate(days) if (n - 1 - i) % step == 0}


class DayChart(QChartView):
    """Bars over the days of a period (``stacked``: one bar per day made of the series)."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_ = self._new_chart()
        self.series: QBarSeries | QStackedBarSeries | None = None
        self.sets: list[QBarSet] = []
        self.days: list[date] = []
        self.labels: dict[int, str] = {}
        self.setMinimumHeight(200)

    def _new_chart(self) -> QChart:
        chart = QChart()
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.setBackgroundRoundness(8)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
        self.setChart(chart)
        return chart

    def draw(self, title: str, days: Sequence[date], bars: Sequence[Bars], *, stacked: bool = False,
             tooltip=None) -> None:  # type: ignore[no-untyped-def]
        """Replace the chart: ``bars`` over ``days``; ``tooltip(day, set_name, value)`` words
        the figure under the mouse."""
        theme = current_theme()
        fg = QColor(theme.color("fg"))
        font = QFont(QApplication.font())
        font.setPixelSize(theme.px("small"))
        title_font = QFont(font)
        title_font.setPixelSize(theme.px("body"))
        title_font.setBold(True)

        # A new chart each time: axes removed from a chart leave their labels drawn behind.
        old, chart = self.chart_, self._new_chart()
        self.chart_ = chart
        old.deleteLater()
        chart.setBackgroundBrush(QBrush(QColor(theme.color("panel"))))
        chart.setBackgroundPen(QPen(QColor(theme.color("border")), 2))
        chart.setTitle(title)
        chart.setTitleFont(title_font)
        chart.setTitleBrush(QBrush(fg))
        legend = chart.legend()
        legend.setFont(font)
        legend.setLabelColor(fg)
        legend.setVisible(len(bars) > 1)

        series = QStackedBarSeries() if stacked else QBarSeries()
        series.setBarWidth(0.8)
        self.sets = []
        for b in bars:
            s = QBarSet(b.name)
            s.append([float(v) for v in b.values])
            s.setLabelFont(font)
            s.setLabelColor(QColor(theme.color("accent_fg")) if stacked else fg)
            color = QColor(theme.color({"ok": "ok_border", "late": "error_border"}.get(b.look, "accent")))
            s.setColor(color)
            s.setBorderColor(color)
            if b.look == "late":  # hatched: not told by colour alone
                s.setBrush(QBrush(color, Qt.BrushStyle.BDiagPattern))
                s.setLabelColor(fg)
            series.append(s)
            self.sets.append(s)
        few = len(days) <= VALUE_LABELS_UP_TO
        series.setLabelsVisible(few)
        if few:
            series.setLabelsFormat("@value")
            series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsCenter if stacked
                                     else QBarSeries.LabelsPosition.LabelsOutsideEnd)
        chart.addSeries(series)
        self.series = series

        # The bars stand at 0..n-1 on a value axis; a category axis on top of it writes the
        # chosen dates under their bars (a bar category axis would squeeze every date in).
        self.days = list(days)
        self.labels = date_labels(days)
        x = QCategoryAxis()
        x.setRange(-0.5, len(days) - 0.5)
        x.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        for i, text in self.labels.items():
            x.append(text, i)
        x.setLabelsFont(font)
        x.setLabelsColor(fg)
        x.setGridLineVisible(False)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(x)
        totals = [sum(float(b.values[i]) for b in bars) if stacked else max((float(b.values[i]) for b in bars),
                                                                             default=0.0)
                  for i in range(len(days))]
        y = QValueAxis()
        y.setRange(0, max(4.0, max(totals, default=0.0) * (1.15 if few else 1.0)))  # room for the figures
        y.setTickCount(5)
        y.applyNiceNumbers()  # whole, round steps: 0, 20, 40...
        y.setLabelFormat("%d")
        y.setLabelsFont(font)
        y.setLabelsColor(fg)
        y.setGridLineColor(QColor(theme.color("disabled_bg")))
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(y)

        if tooltip is not None:
            def hovered(status: bool, index: int, barset: QBarSet) -> None:
                if status and 0 <= index < len(days):
                    QToolTip.showText(self.cursor().pos(), tooltip(days[index], barset.label(), barset.at(index)))
                else:
                    QToolTip.hideText()

            series.hovered.connect(hovered)

    def sizeHint(self) -> QSize:
        # Modest: the page's scroll area sizes its content by the preferred heights, and a
        # tall chart would push the second one out of sight.
        return QSize(480, 220)

    def bar_count(self) -> int:
        """Bars per series (one per day)."""
        return self.sets[0].count() if self.sets else 0


__all__ = ["Bars", "DayChart", "date_labels"]
