"""The counter's administration page (admin only): staff accounts, counters and their
services, the calendar and working hours, kiosk and desk settings, display-board notices
(model.py Qt-free, view.py the page, one module per tab)."""
