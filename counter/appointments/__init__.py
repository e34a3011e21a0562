"""The counter's appointments page: the day's slots and bookings, check-in (the priority
ticket printed), absent, booking by phone or at the desk, reschedule, cancel, and for a
supervisor the slots' capacity (model.py Qt-free, view.py the page, dialogs.py its dialogs)."""
