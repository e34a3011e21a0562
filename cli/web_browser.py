"""A real browser for the citizens' web site: Debian's chromium driven through its own
chromedriver (selenium with an explicit driver path, so nothing is ever downloaded), at a
phone's CSS viewport. Used by ``motcua tour --apps web`` and by the site's end-to-end tests
(tests/support/browser.py)."""

from __future__ import annotations

import base64
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PHONE = (390, 844)  # a common phone's CSS viewport
PHONE_AGENT = ("Mozilla/5.0 (Linux; Android 12; Redmi 10C) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/120.0 Mobile Safari/537.36")  # a cheap phone many citizens have


def browser_problem() -> str | None:
    """Why a browser cannot run here (None when it can)."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if shutil.which(path) is None:
            return f"{path} is missing (apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed"
    return None


@contextmanager
def phone_browser(*, size: tuple[int, int] = PHONE, lang: str = "vi") -> Iterator[Any]:
    """A headless chromium the size of a phone (touch, device pixel ratio 1, a phone's user
    agent, a fresh profile); quit and its profile removed after."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    problem = browser_problem()
    if problem:
        raise RuntimeError(problem)
    profile = Path(tempfile.mkdtemp(prefix="motcua-chromium-"))
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-sync", "--metrics-recording-only",
                "--hide-scrollbars", "--force-device-scale-factor=1",
                f"--window-size={size[0]},{size[1]}", f"--lang={lang}", f"--user-data-dir={profile}"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"intl.accept_languages": lang})
    # A real phone viewport (headless windows are never narrower than 500 px).
    options.add_experimental_option("mobileEmulation", {
        "deviceMetrics": {"width": size[0], "height": size[1], "pixelRatio": 1.0, "touch": True},
        "userAgent": PHONE_AGENT})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        driver.set_page_load_timeout(30)
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def screenshot(driver: Any, path: Path) -> Path:
    """The whole page at the phone's width (DevTools' full-page capture), as a PNG."""
    width = int(driver.execute_script("return window.innerWidth"))
    full = int(driver.execute_script(
        "return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)"))
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": full, "scale": 1}, "optimizeForSpeed": True})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


__all__ = ["CHROMEDRIVER", "CHROMIUM", "PHONE", "PHONE_AGENT", "browser_problem", "phone_browser", "screenshot"]
