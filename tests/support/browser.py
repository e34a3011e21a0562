"""A real headless browser for the booking site's tests: the one ``motcua tour`` uses
(cli/web_browser.py — Debian's chromium through its own chromedriver, a phone's viewport,
full-page screenshots)."""

from __future__ import annotations

from cli.web_browser import (
    CHROMEDRIVER,
    CHROMIUM,
    PHONE,
    browser_problem,
    phone_browser,
    screenshot,
)

available = browser_problem

__all__ = ["CHROMEDRIVER", "CHROMIUM", "PHONE", "available", "phone_browser", "screenshot"]
