"""Telling a keyboard-wedge QR scanner from a person typing (docs/ARCHITECTURE.md §6).

A USB scanner in keyboard mode "types" what it read, one key every ~1-10 ms, and presses
Enter at the end; a person types a key every ~60 ms or slower (even a fast typist's rolled
keys rarely come closer than 30 ms, and never six in a row). So keys are *held back* while
they could still be the start of a scan:

* a key that comes within ``max_gap`` of the one before extends the burst;
* a slower key breaks it: what was held is released as typing and the new key starts a
  new burst;
* a suffix key -- Enter (``\\r``), a line feed (``\\n``) or Tab (``\\t``), the suffixes
  scanners are set to -- within ``enter_timeout`` of the last key, after a burst of at
  least ``min_length`` quick keys, makes the burst a scan: its text is returned (less the
  configured ``prefix``, if the scanner adds one) and neither the keys nor the suffix
  reach the focused widget;
* a second suffix key right after a scan (the LF of a CR+LF suffix) is swallowed too;
* anything else is released to the widget in order, Enter and Tab included.

Keys are characters: what the caller feeds is the *text* a key press produced, so Shift,
CapsLock and AltGr (which a scanner presses around most characters, depending on its
keyboard layout) are not keys here; the caller must not let them, nor key releases,
break a burst.

The caller (a Qt event filter in the kiosk, say) feeds every key with a monotonic time,
passes :attr:`Outcome.release` on to the focused widget, and calls :meth:`flush` at
:meth:`ScanDetector.deadline` (a single-shot timer) so held keys of a person typing (or a
scanner burst that stalled without Enter) are released after a short wait. This module
knows nothing of Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ENTER = "\r"
LINE_FEED = "\n"
TAB = "\t"
TERMINATORS = frozenset({ENTER, LINE_FEED, TAB})

#: A key that comes later than this after the previous one is typed by a person.
DEFAULT_MAX_GAP_S = 0.030
#: Fewer quick keys than this before Enter is a person (or a tiny accidental burst).
DEFAULT_MIN_LENGTH = 6
#: A burst waits this long for its Enter (some scanners pause before the suffix); a burst
#: that is still without Enter then is released as typing.
DEFAULT_ENTER_TIMEOUT_S = 0.120


@dataclass(frozen=True)
class Outcome:
    """What the caller does after a key or a flush: pass ``release`` on, act on ``scan``."""

    release: tuple[str, ...] = ()
    scan: str | None = None
    swallowed: bool = False  # the key was the rest of a scan's suffix: it goes nowhere


_NOTHING = Outcome()


@dataclass
class ScanDetector:
    """Feed it keys with their times; it says which keys are typing and which text was scanned."""

    max_gap: float = DEFAULT_MAX_GAP_S
    min_length: int = DEFAULT_MIN_LENGTH
    enter_timeout: float = DEFAULT_ENTER_TIMEOUT_S
    #: What the scanner is set to type before every code (some are, to tell them apart): left out of the scan.
    prefix: str = ""
    _held: list[str] = field(default_factory=list, init=False, repr=False)
    _last: float | None = field(default=None, init=False, repr=False)
    _scan_end: float | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.max_gap > 0 or not self.enter_timeout >= self.max_gap:
            raise ValueError("need 0 < max_gap <= enter_timeout")
        if self.min_length < 1:
            raise ValueError("min_length must be at least 1")

    @property
    def holding(self) -> bool:
        """Keys are held back (a timer should call :meth:`flush` at :meth:`deadline`)."""
        return bool(self._held)

    def deadline(self) -> float | None:
        """When :meth:`flush` would release the held keys, or None when nothing is held.

        A burst too short to be a scan cannot become one once the gap has passed, so it
        is released after ``max_gap``; a long one waits ``enter_timeout`` for its Enter.
        """
        if not self._held or self._last is None:
            return None
        wait = self.enter_timeout if len(self._held) >= self.min_length else self.max_gap
        return self._last + wait

    def feed(self, key: str, at: float) -> Outcome:
        """One keystroke (a character, or ``ENTER``) at monotonic time ``at`` (seconds).

        A string of several characters (an input method committing a word) is typing: it
        breaks any burst and is released as it is.
        """
        if not isinstance(key, str) or not key:
            return _NOTHING
        if key in TERMINATORS:
            return self._enter(key, at)
        self._scan_end = None
        gap = None if self._last is None else at - self._last
        if len(key) > 1:
            released = (*self._take(), key)
            return Outcome(release=released)
        if self._held and (gap is None or gap < 0 or gap > self.max_gap):
            released = self._take()
            self._start(key, at)
            return Outcome(release=released)
        self._held.append(key)
        self._last = at
        return _NOTHING

    def flush(self, now: float) -> Outcome:
        """Release held keys whose burst can no longer be a scan (call it at :meth:`deadline`)."""
        deadline = self.deadline()
        if deadline is None or now < deadline:
            return _NOTHING
        return Outcome(release=self._take())

    def reset(self) -> tuple[str, ...]:
        """Drop the state (focus moved, screen changed); the keys that were held."""
        self._scan_end = None
        return self._take()

    # --- internals --------------------------------------------------------------------------

    def _start(self, key: str, at: float) -> None:
        self._held = [key]
        self._last = at

    def _take(self) -> tuple[str, ...]:
        held = tuple(self._held)
        self._held = []
        self._last = None
        return held

    def _enter(self, key: str, at: float) -> Outcome:
        scan_end, self._scan_end = self._scan_end, None
        if not self._held or self._last is None:
            if scan_end is not None and 0 <= at - scan_end <= self.enter_timeout:
                return Outcome(swallowed=True)  # CR+LF: the LF of the scan just read
            return Outcome(release=(key,))
        gap = at - self._last
        if len(self._held) >= self.min_length and 0 <= gap <= self.enter_timeout:
            text = "".join(self._take())
            if self.prefix and text.startswith(self.prefix):
                text = text[len(self.prefix):]
            self._scan_end = at
            return Outcome(scan=text)
        return Outcome(release=(*self._take(), key))


__all__ = [
    "DEFAULT_ENTER_TIMEOUT_S",
    "DEFAULT_MAX_GAP_S",
    "DEFAULT_MIN_LENGTH",
    "ENTER",
    "LINE_FEED",
    "TAB",
    "TERMINATORS",
    "Outcome",
    "ScanDetector",
]
