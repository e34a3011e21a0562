"""The board's voice: each call becomes a chime, the Vietnamese sentence and, if the office
wants it, the English one, played one after another and never over each other.

Nothing here blocks the GUI thread: sound files are made on the announcer's own
single-thread :class:`TaskRunner` (one at a time, so files come back in call order and the
board's database polls never wait behind the speech engine), and playing is asynchronous.
The player is injected: :class:`QtPlayer` plays through Qt Multimedia; tests give one that
records what would be heard, with each clip's real length, and finishes at once.

No sound device, or no speech engine, is not a reason to stop: the board keeps showing the
calls and the problem is logged once (and once more when it is solved).
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, QUrl, Signal

from core.spoken_numbers import call_sentence
from display.voice import (
    DEFAULT_RATE,
    Espeak,
    VoiceUnavailable,
    chime_file,
    prune_cache,
    speech_file,
    wav_seconds,
)
from ui.tasks import TaskRunner

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Clip:
    path: Path
    seconds: float
    kind: str  # "chime" / "vi" / "en"


@dataclass
class Announcement:
    seq: int
    code: str
    counter: int
    sentences: tuple[tuple[str, str], ...]  # (language, sentence)
    clips: tuple[Clip, ...] | None = None  # None until made
    played: list[Clip] = field(default_factory=list)
    skipped: str = ""  # why nothing was heard ("" when it was)


class Player(Protocol):
    def problem(self) -> str | None:
        """Why nothing can be played now (no sound device...), or None."""

    def play(self, clip: Clip, finished: Callable[[], None]) -> None:
        """Start playing; call ``finished`` once, on the GUI thread, when it is over."""

    def stop(self) -> None: ...


class QtPlayer(QObject):
    """Plays WAV files with QSoundEffect on the default output.

    One sound effect serves every clip for the player's life: Qt Multimedia aborts the
    process when a sound effect waiting for its deferred deletion is deleted with its parent
    (a board closing right after a call)."""

    def __init__(self, parent: QObject | None = None, *,
                 outputs: Callable[[], list] | None = None) -> None:  # type: ignore[type-arg]
        super().__init__(parent)
        self._outputs = outputs
        self._effect = None  # made on first use
        self._finished: Callable[[], None] | None = None  # the clip playing now answers here, once
        self._started = False
        self._failed_once = False
        self._clip: Clip | None = None
        # never wait for ever on a device that stopped answering: the clip's length and a margin
        self._guard = QTimer(self)
        self._guard.setSingleShot(True)
        self._guard.timeout.connect(self._finish)

    def problem(self) -> str | None:
        from PySide6.QtMultimedia import QMediaDevices

        outputs = self._outputs() if self._outputs is not None else QMediaDevices.audioOutputs()
        return None if outputs else "no sound output device"

    def _sound_effect(self):  # type: ignore[no-untyped-def]
        if self._effect is None:
            from PySide6.QtMultimedia import QSoundEffect

            self._effect = QSoundEffect(self)
            self._effect.playingChanged.connect(self._playing_changed)
            self._effect.statusChanged.connect(self._status_changed)
        return self._effect

    def play(self, clip: Clip, finished: Callable[[], None]) -> None:
        from PySide6.QtMultimedia import QSoundEffect

        effect = self._sound_effect()
        self._finished = None  # a clip cut short says nothing more
        effect.stop()
        self._clip, self._finished, self._started = clip, finished, False
        self._guard.start(int((clip.seconds + 2.0) * 1000))
        effect.setSource(QUrl.fromLocalFile(str(clip.path)))
        effect.setVolume(1.0)
        effect.play()
        if effect.status() == QSoundEffect.Status.Error:  # the same file again, refused again
            self._status_changed()

    def _playing_changed(self) -> None:
        if self._effect is None:
            return
        if self._effect.isPlaying():
            self._started = True
        elif self._started:
            self._finish()

    def _status_changed(self) -> None:
        from PySide6.QtMultimedia import QSoundEffect

        if self._effect is None or self._effect.status() != QSoundEffect.Status.Error or self._finished is None:
            return
        if not self._failed_once:  # the device refuses every clip alike: say it once
            self._failed_once = True
            log.warning("the sound device cannot play %s (tried again for each call)",
                        self._clip.path.name if self._clip else "a clip")
        self._finish()

    def _finish(self) -> None:
        finished, self._finished = self._finished, None
        self._guard.stop()
        if finished is not None:
            QTimer.singleShot(0, finished)

    def stop(self) -> None:
        self._finished = None
        self._guard.stop()
        if self._effect is not None:
            self._effect.stop()


def make_clips(cache_dir: Path, sentences: tuple[tuple[str, str], ...], engine: Espeak | None,
               rate: int) -> tuple[tuple[Clip, ...], str]:
    """The chime and one clip per sentence (a pool thread); the voice's problem, if any."""
    chime = chime_file(cache_dir)
    clips = [Clip(chime, wav_seconds(chime), "chime")]
    problem = ""
    for lang, sentence in sentences:
        try:
            path = speech_file(sentence, cache_dir, voice=lang, rate=rate, engine=engine)
        except VoiceUnavailable as exc:
            problem = str(exc)
            break  # the chime alone still tells the hall to look at the board
        clips.append(Clip(path, wav_seconds(path), lang))
    return tuple(clips), problem


class Announcer(QObject):
    """A queue of announcements, played in the order they were asked for."""

    played = Signal(object)  # the Announcement, once all of it was played (or skipped)

    def __init__(self, cache_dir: Path, *, player: Player | None = None, engine: Espeak | None = None,
                 rate: int = DEFAULT_RATE, sound: bool = True, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cache_dir = Path(cache_dir)
        self.player: Player = player if player is not None else QtPlayer(self)
        self.engine = engine
        self.rate = rate
        self.sound = sound
        self.tasks = TaskRunner(self, max_threads=1)
        self._queue: deque[Announcement] = deque()
        self._current: Announcement | None = None
        self._clips: list[Clip] = []
        self._token: object | None = None  # the clip playing now: its 'finished' counts once
        self._seq = 0
        self._problems: dict[str, str] = {}  # "device" / "voice" -> the problem logged
        self.history: list[Announcement] = []  # the last announcements played (newest last)
        if sound:  # keep the cache of sentences in bounds, off the GUI thread, once per start
            self.tasks.run(prune_cache, self.cache_dir, on_error=lambda exc: log.info("voice cache: %s", exc))

    # --- asking -------------------------------------------------------------------------

    def announce(self, code: str, counter: int, *, style: str = "number", english: bool = False) -> Announcement:
        """Queue the call of ticket ``code`` to ``counter``; returns at once."""
        self._seq += 1
        sentences = [("vi", call_sentence(code, counter, lang="vi", style=style))]
        if english:
            sentences.append(("en", call_sentence(code, counter, lang="en", style=style)))
        item = Announcement(self._seq, code, counter, tuple(sentences))
        self._queue.append(item)
        if not self.sound:
            item.clips, item.skipped = (), "sound off"
        elif self._device_problem():
            item.clips, item.skipped = (), "no sound device"
        else:
            self.tasks.run(make_clips, self.cache_dir, item.sentences, self.engine, self.rate,
                           on_done=lambda made, item=item: self._made(item, made),
                           on_error=lambda exc, item=item: self._made(item, ((), f"{type(exc).__name__}: {exc}")))
        self._pump()
        return item

    @property
    def pending(self) -> int:
        """Announcements asked for and not yet over (the one playing included)."""
        return len(self._queue) + (1 if self._current is not None else 0)

    @property
    def idle(self) -> bool:
        return self.pending == 0

    def stop(self) -> None:
        """For good: nothing more is played (the window is closing)."""
        self._queue.clear()
        self._current = None
        self._clips = []
        self.player.stop()
        self.tasks.wait_idle(5000)

    # --- problems, said once ----------------------------------------------------------------

    def _problem(self, kind: str, problem: str) -> None:
        before = self._problems.get(kind, "")
        if problem and problem != before:
            log.warning("the board cannot %s: %s", "play sound" if kind == "device" else "speak", problem)
        elif before and not problem:
            log.info("the board can %s again", "play sound" if kind == "device" else "speak")
        self._problems[kind] = problem

    def _device_problem(self) -> str:
        problem = self.player.problem() or ""
        self._problem("device", problem)
        return problem

    # --- playing ------------------------------------------------------------------------------

    def _made(self, item: Announcement, made: tuple[tuple[Clip, ...], str]) -> None:
        clips, problem = made
        self._problem("voice", problem)
        item.clips = clips
        if not clips:
            item.skipped = problem or "nothing to play"
        self._pump()

    def _pump(self) -> None:
        while self._current is None and self._queue and self._queue[0].clips is not None:
            item = self._queue.popleft()
            if not item.clips:
                self._finish(item)
                continue
            self._current = item
            self._clips = list(item.clips)
            self._next_clip()

    def _next_clip(self) -> None:
        item = self._current
        if item is None:
            return
        if not self._clips:
            self._current = None
            self._finish(item)
            self._pump()
            return
        clip = self._clips.pop(0)
        item.played.append(clip)
        token = object()
        self._token = token

        def finished() -> None:
            if self._token is token and self._current is item:  # a clip answers once
                self._token = None
                self._next_clip()

        self.player.play(clip, finished)

    def _finish(self, item: Announcement) -> None:
        self.history = (self.history + [item])[-50:]
        self.played.emit(item)


__all__ = ["Announcement", "Announcer", "Clip", "Player", "QtPlayer", "make_clips"]
