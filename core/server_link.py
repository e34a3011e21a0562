"""The central server this office links to, as the apps and the receipts see it.

Without ``server_url`` the receipts used to send citizens to a made-up tracking site
("motcua.localhost") and nobody was told. Now: no host at all (:func:`tracking_host` is
""), so a receipt's QR carries the bare signed code, which the office's own kiosk reads,
and its guidance line sends the citizen to the office's kiosk and counter rather than to an
address that does not exist (printing/documents/receipt.py). An office's own lookup works
the day it opens; a printed web address that leads nowhere is worse than none, and a
receipt cannot be taken back once the real address is set. Every app logs a warning at
start, and the counter shows staff the :func:`missing_server_words` (its status bar and its
admin page), never the kiosk's citizens.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from core.i18n import _


def tracking_host(server_url: str) -> str:
    """The host of the central tracking page printed on receipts, upper case (QR
    alphanumeric mode); "" when no central server is set."""
    return urlsplit(server_url).netloc.upper() if server_url else ""


def missing_server_words() -> str:
    return _("No central server is set (the server_url setting): receipts carry no tracking web address, only the "
             "office's own lookup (the kiosk, the counter). Set it once the city gives the address.")


LOG_WARNING = ("no central server is set (server_url): receipts carry no tracking web address, only the office's "
               "own lookup; set server_url once the city gives the address")

__all__ = ["LOG_WARNING", "missing_server_words", "tracking_host"]
