"""Sound files for the board's announcements (Qt-free): spoken sentences and the chime.

Sentences are spoken by espeak-ng (``-v vi``: the Northern Vietnamese voice) into WAV files,
cached by a hash of (text, voice, rate, engine version), so a number called every day is
made once. The text is already words (core.spoken_numbers): the engine never decides how
to read a number. The chime is synthesised here with the standard ``wave`` module (three
soft bell tones), so no sound file ships with the program.

Making a file takes a subprocess and some milliseconds: callers run it off the GUI thread
(display/announcer.py). espeak-ng missing raises :class:`VoiceUnavailable` with what to do;
the board logs it once and keeps showing calls.
"""

from __future__ import annotations

import hashlib
import math
import os
import shutil
import struct
import subprocess
import tempfile
import threading
import wave
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_RATE = 140  # words per minute: slower than espeak's 175, for a hall with an echo
VOICES = {"vi": "vi", "en": "en-gb"}  # language -> espeak-ng voice
CHIME_NAME = "chime-v1.wav"
SAMPLE_RATE = 22050  # espeak-ng's own rate: the chime and the voice sound alike on any player
_TIMEOUT_S = 30
# A sentence is ~150 KB; an office says at most a few thousand different ones (numbers x
# counters x styles), so this keeps every usual call and drops the rare ones.
CACHE_BYTES = 256 * 2**20


class VoiceUnavailable(RuntimeError):
    """The speech engine cannot be run (not installed, or it failed)."""


@dataclass
class Espeak:
    """The espeak-ng program. ``version()`` is part of the cache key: a new engine makes new
    files."""

    executable: str = "espeak-ng"
    runs: int = 0  # how many times the engine ran (tests check the cache)
    _version: str | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _path(self) -> str:
        found = shutil.which(self.executable)
        if found is None:
            raise VoiceUnavailable(f"{self.executable} is not installed, so the board cannot speak; "
                                   f"install it (Debian/Ubuntu: apt install espeak-ng). Calls are still shown.")
        return found

    def version(self) -> str:
        with self._lock:
            if self._version is None:
                try:
                    out = subprocess.run([self._path(), "--version"], capture_output=True, text=True,
                                         timeout=_TIMEOUT_S, check=True).stdout
                except (OSError, subprocess.SubprocessError) as exc:
                    raise VoiceUnavailable(f"{self.executable} does not run: {exc}") from exc
                self._version = " ".join(out.split()[:4]) or "unknown"
            return self._version

    def render(self, text: str, voice: str, rate: int, out: Path) -> None:
        """Speak ``text`` into the WAV file ``out``."""
        self.runs += 1
        try:
            done = subprocess.run([self._path(), "-v", voice, "-s", str(rate), "-w", str(out), "--", text],
                                  capture_output=True, text=True, timeout=_TIMEOUT_S)
        except (OSError, subprocess.SubprocessError) as exc:
            raise VoiceUnavailable(f"{self.executable} failed: {exc}") from exc
        if done.returncode != 0 or not out.exists() or out.stat().st_size <= 44:
            raise VoiceUnavailable(f"{self.executable} made no sound for {text!r}: "
                                   f"{(done.stderr or '').strip()[:200] or f'exit {done.returncode}'}")


def cache_key(text: str, voice: str, rate: int, version: str) -> str:
    return hashlib.sha256("\x1f".join((text, voice, str(rate), version)).encode("utf-8")).hexdigest()[:32]


def speech_file(text: str, cache_dir: Path, *, voice: str = "vi", rate: int = DEFAULT_RATE,
                engine: Espeak | None = None) -> Path:
    """The WAV of ``text`` said by ``voice``, from the cache or made now (not on the GUI thread)."""
    engine = engine or default_engine()
    voice = VOICES.get(voice, voice)
    path = Path(cache_dir) / f"say-{cache_key(text, voice, rate, engine.version())}.wav"
    if path.exists() and path.stat().st_size > 44:
        try:
            os.utime(path)  # used now: the pruning keeps what is said often
        except OSError:
            pass
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".say-", suffix=".wav", dir=path.parent)
    os.close(fd)
    try:
        engine.render(text, voice, rate, Path(tmp))
        os.replace(tmp, path)  # a board killed half-way never leaves half a file in the cache
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def prune_cache(cache_dir: Path, keep_bytes: int = CACHE_BYTES) -> int:
    """Delete the least recently used sentences until the cache holds at most ``keep_bytes``;
    returns how many files went. (A number called every day stays; a day's one-off
    sentences leave first.)"""
    files = []
    for path in Path(cache_dir).glob("say-*.wav"):
        try:
            st = path.stat()
        except OSError:
            continue
        files.append((st.st_mtime, st.st_size, path))
    total = sum(size for _t, size, _p in files)
    removed = 0
    for _mtime, size, path in sorted(files):
        if total <= keep_bytes:
            break
        try:
            path.unlink()
        except OSError:
            continue
        total -= size
        removed += 1
    return removed


_DEFAULT: Espeak | None = None


def default_engine() -> Espeak:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Espeak()
    return _DEFAULT


# --- the chime -------------------------------------------------------------------------------

# (frequency Hz, start s, length s): a falling three-note bell, E6 - C6 - G5
CHIME_NOTES = ((1318.5, 0.0, 0.9), (1046.5, 0.32, 0.9), (784.0, 0.64, 1.1))
CHIME_VOLUME = 0.32  # of full scale: soft, but heard over a waiting room


def chime_samples(rate: int = SAMPLE_RATE) -> list[int]:
    """16-bit samples of the chime: sine tones with a soft attack and a bell's decay, plus a
    quiet octave overtone so small TV speakers still carry it."""
    length = max(start + dur for _f, start, dur in CHIME_NOTES) + 0.1
    out = [0.0] * int(length * rate)
    for freq, start, dur in CHIME_NOTES:
        first = int(start * rate)
        for i in range(int(dur * rate)):
            t = i / rate
            envelope = min(1.0, t / 0.012) * math.exp(-4.0 * t / dur)
            tone = math.sin(2 * math.pi * freq * t) + 0.25 * math.sin(4 * math.pi * freq * t)
            out[first + i] += envelope * tone / 1.25
    peak = max(abs(v) for v in out) or 1.0
    return [int(v / peak * CHIME_VOLUME * 32767) for v in out]


def write_wav(path: Path, samples: list[int], rate: int = SAMPLE_RATE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".wav-", suffix=".wav", dir=path.parent)
    os.close(fd)
    try:
        with wave.open(tmp, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes(struct.pack(f"<{len(samples)}h", *samples))
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def chime_file(cache_dir: Path) -> Path:
    """The chime's WAV in ``cache_dir`` (made the first time)."""
    path = Path(cache_dir) / CHIME_NAME
    if not (path.exists() and path.stat().st_size > 44):
        write_wav(path, chime_samples())
    return path


# --- reading WAV files ---------------------------------------------------------------------


def wav_seconds(path: Path) -> float:
    """How long the WAV file plays."""
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / float(w.getframerate())


def wav_rms(path: Path) -> float:
    """Root mean square of a 16-bit WAV, 0..1 of full scale (silence is ~0)."""
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError("only 16-bit WAV files")
        frames = w.readframes(w.getnframes())
    count = len(frames) // 2
    if not count:
        return 0.0
    samples = struct.unpack(f"<{count}h", frames[:count * 2])
    return math.sqrt(sum(s * s for s in samples) / count) / 32768


__all__ = ["CACHE_BYTES", "CHIME_NAME", "DEFAULT_RATE", "VOICES", "Espeak", "VoiceUnavailable", "cache_key",
           "chime_file", "chime_samples", "default_engine", "prune_cache", "speech_file", "wav_rms", "wav_seconds",
           "write_wav"]
