"""A real headless browser for the booking site's tests and the tour: Debian's chromium
driven through its own chromedriver (selenium with an explicit driver path, so selenium
never downloads a browser or a driver).

``phone_browser()`` opens a 390x844 window (a common phone's CSS viewport) with the
language, cookies and cache of a fresh profile; ``screenshot(driver, path)`` saves the whole
page height, not just the first screen.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PHONE = (390, 844)
PHONE_AGENT = ("Mozilla/5.0 (Linux; Android 12; Redmi 10C) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/120.0 Mobile Safari/537.36")  # a cheap phone many citizens have


def available() -> str | None:
    """Why a browser cannot run here (None when it can): ``make test`` installs both."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if shutil.which(path) is None:
            return f"{path} is missing (apt-get install chromium chromium-driver)"
    return None


@contextmanager
def phone_browser(*, size: tuple[int, int] = PHONE, lang: str = "vi") -> Iterator[object]:
    """A headless chromium the size of a phone; quit (and its profile removed) after."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    problem = available()
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
    # A real phone viewport (headless windows are never narrower than 500 px): touch, DPR 1.
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


def screenshot(driver, path: Path) -> Path:  # type: ignore[no-untyped-def]
    """The whole page at the phone's width (DevTools' full-page capture), as a PNG."""
    import base64

    width = int(driver.execute_script("return window.innerWidth"))
    full = int(driver.execute_script(
        "return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)"))
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": full, "scale": 1}})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


__all__ = ["CHROMEDRIVER", "CHROMIUM", "PHONE", "available", "phone_browser", "screenshot"]
