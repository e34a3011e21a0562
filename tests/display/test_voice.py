"""The board's sound files: sentences spoken by espeak-ng (cached), the chime, and what
happens without a speech engine."""

from __future__ import annotations

import logging
import subprocess
import wave
from pathlib import Path

import pytest

from core.spoken_numbers import LETTERS_VI, call_sentence
from display.voice import (
    Espeak,
    VoiceUnavailable,
    chime_file,
    speech_file,
    wav_rms,
    wav_seconds,
)

SILENCE_RMS = 0.01  # of full scale: a room's hiss on a recording is below this


def test_the_sentence_lasts_as_long_as_it_takes_to_say_and_is_not_silence(tmp_path: Path) -> None:
    short = speech_file(call_sentence("A015", 3), tmp_path)
    long = speech_file(call_sentence("A1234", 12, style="digits"), tmp_path)
    # "Mời công dân có số thứ tự A, mười lăm, đến quầy số ba." is 15 syllables and two pauses
    assert 2.0 < wav_seconds(short) < 8.0
    assert wav_seconds(long) > wav_seconds(short) + 1.0  # four digits one by one take longer
    assert wav_rms(short) > SILENCE_RMS and wav_rms(long) > SILENCE_RMS
    with wave.open(str(short)) as w:
        assert (w.getnchannels(), w.getsampwidth()) == (1, 2)


def test_english_is_spoken_by_the_english_voice(tmp_path: Path) -> None:
    vi = speech_file(call_sentence("A015", 3, lang="en"), tmp_path, voice="vi")
    en = speech_file(call_sentence("A015", 3, lang="en"), tmp_path, voice="en")
    assert vi != en  # the voice is part of the cache key
    assert 1.5 < wav_seconds(en) < 8.0 and wav_rms(en) > SILENCE_RMS


def test_a_cached_sentence_does_not_run_the_engine_again(tmp_path: Path) -> None:
    engine = Espeak()
    first = speech_file("Mời công dân có số thứ tự B, hai mươi tư, đến quầy số hai.", tmp_path, engine=engine)
    runs = engine.runs
    again = speech_file("Mời công dân có số thứ tự B, hai mươi tư, đến quầy số hai.", tmp_path, engine=engine)
    assert again == first and engine.runs == runs == 1
    slower = speech_file("Mời công dân có số thứ tự B, hai mươi tư, đến quầy số hai.", tmp_path, engine=engine,
                         rate=110)
    assert slower != first and engine.runs == 2  # another rate is another file
    assert wav_seconds(slower) > wav_seconds(first)
    assert not list(tmp_path.glob(".say-*"))  # no half-made file left behind


def test_the_cache_keeps_what_was_said_last_within_its_size(tmp_path: Path) -> None:
    import os

    from display.voice import prune_cache

    paths = [speech_file(f"Mời công dân có số thứ tự A, {w}, đến quầy số một.", tmp_path)
             for w in ("một", "hai", "ba", "bốn")]
    for age, path in enumerate(paths):  # the first made is the least recently used
        os.utime(path, (1_000_000 + age, 1_000_000 + age))
    speech_file("Mời công dân có số thứ tự A, một, đến quầy số một.", tmp_path)  # said again: used now
    sizes = {p: p.stat().st_size for p in paths}
    removed = prune_cache(tmp_path, keep_bytes=sizes[paths[0]] + sizes[paths[1]] + 10)
    assert removed == 2
    assert [p.exists() for p in paths] == [True, False, False, True]


def test_the_chime_is_short_soft_and_not_silent(tmp_path: Path) -> None:
    path = chime_file(tmp_path)
    assert 0.8 < wav_seconds(path) < 2.5
    assert SILENCE_RMS < wav_rms(path) < 0.3
    assert chime_file(tmp_path) == path  # made once


def test_no_speech_engine_is_a_clear_error(tmp_path: Path) -> None:
    engine = Espeak(executable="espeak-ng-not-installed")
    with pytest.raises(VoiceUnavailable, match="apt install espeak-ng"):
        speech_file("Mời công dân", tmp_path, engine=engine)


def _ipa(text: str) -> str:
    out = subprocess.run(["espeak-ng", "-v", "vi", "-q", "--ipa", text], capture_output=True, text=True, check=True)
    return "".join(ch for ch in out.stdout if ch.isalpha())


@pytest.mark.parametrize(("letter", "name"), [("A", "a"), ("B", "bê"), ("C", "xê"), ("D", "dê"), ("Đ", "đê"),
                                              ("E", "e"), ("K", "ca"), ("X", "ích xì"), ("S", "ét xì")])
def test_prefix_letters_are_said_as_vietnamese_letter_names(letter: str, name: str) -> None:
    """What the call sentence writes for a letter sounds like the letter's Vietnamese name."""
    assert _ipa(LETTERS_VI[letter]) == _ipa(name)


def test_without_a_speech_engine_the_chime_still_plays_and_it_is_said_once(qtbot, tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    from display.announcer import Announcer
    from tests.display.conftest import RecordingPlayer
    from ui.app import make_app

    make_app()
    caplog.set_level(logging.INFO, logger="display.announcer")
    player = RecordingPlayer()
    announcer = Announcer(tmp_path, player=player, engine=Espeak(executable="espeak-ng-not-installed"))
    announcer.announce("A015", 3)
    announcer.announce("A016", 1)
    qtbot.waitUntil(lambda: announcer.idle, timeout=5000)
    assert player.kinds == ["chime", "chime"]
    lines = [r.getMessage() for r in caplog.records if r.name == "display.announcer"]
    assert len(lines) == 1 and "apt install espeak-ng" in lines[0]
    announcer.stop()


def test_announcing_returns_at_once_and_clips_play_one_after_another(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import time

    from display.announcer import Announcer
    from tests.display.conftest import RecordingPlayer
    from ui.app import make_app

    make_app()
    player = RecordingPlayer()
    announcer = Announcer(tmp_path, player=player)
    started = time.perf_counter()
    for i, counter in enumerate((1, 2, 3, 4)):
        announcer.announce(f"C{100 + i:03d}", counter, english=i == 1)
    assert time.perf_counter() - started < 0.1  # nothing was made on this (the GUI) thread
    assert announcer.pending == 4
    qtbot.waitUntil(lambda: announcer.idle, timeout=15_000)
    assert [(x.code, x.counter) for x in announcer.history] == [("C100", 1), ("C101", 2), ("C102", 3), ("C103", 4)]
    assert player.kinds == ["chime", "vi", "chime", "vi", "en", "chime", "vi", "chime", "vi"]
    assert player.overlaps == 0
    total = sum(c.seconds for c in player.clips)
    assert total > 4 * (1.0 + 2.0)  # the recorded lengths are the real ones
    announcer.stop()


def test_the_real_player_never_holds_the_queue_up(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Qt's player on whatever this machine has (here: a device that plays nothing): every
    clip ends, by itself or by its time limit, and the next call follows."""
    from display.announcer import Announcer, QtPlayer
    from ui.app import make_app

    make_app()
    announcer = Announcer(tmp_path, player=QtPlayer(outputs=lambda: ["a device"]))
    announcer.announce("A015", 3)
    announcer.announce("A016", 1)
    qtbot.waitUntil(lambda: announcer.idle, timeout=30_000)
    assert [(x.code, [c.kind for c in x.played]) for x in announcer.history] == [
        ("A015", ["chime", "vi"]), ("A016", ["chime", "vi"])]
    announcer.stop()
