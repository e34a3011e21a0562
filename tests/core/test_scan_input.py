"""A keyboard-wedge scanner is told from a person typing by its burst of keys ending in Enter."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.scan_input import ENTER, Outcome, ScanDetector

TOKEN = "AEAQ2OJ4VXGM3DTFAQ2AAAAAAAAAAAAAAAAAAA"  # any scanned text


def play(detector: ScanDetector, keys: list[tuple[str, float]], *, end: float | None = None) -> tuple[list[str], str]:
    """Feed keys (flushing at each deadline as a Qt timer would); scans and the typed text."""
    scans: list[str] = []
    typed: list[str] = []

    def take(outcome: Outcome) -> None:
        typed.extend(outcome.release)
        if outcome.scan is not None:
            scans.append(outcome.scan)

    for key, at in keys:
        deadline = detector.deadline()
        if deadline is not None and deadline <= at:
            take(detector.flush(deadline))
        take(detector.feed(key, at))
    deadline = detector.deadline()
    if deadline is not None:
        take(detector.flush(end if end is not None else deadline))
    return scans, "".join(typed)


def keys_at(text: str, start: float, gap: float) -> list[tuple[str, float]]:
    return [(ch, start + i * gap) for i, ch in enumerate(text)]


def test_a_fast_burst_ending_in_enter_is_a_scan_and_nothing_is_typed():
    d = ScanDetector()
    keys = keys_at(TOKEN, 10.0, 0.004) + [(ENTER, 10.0 + len(TOKEN) * 0.004)]
    assert play(d, keys) == ([TOKEN], "")
    assert not d.holding and d.deadline() is None


def test_line_feed_also_ends_a_scan_and_a_late_suffix_is_still_waited_for():
    d = ScanDetector()
    keys = keys_at(TOKEN, 0.0, 0.002)
    last = keys[-1][1]
    assert play(d, keys + [("\n", last + 0.100)]) == ([TOKEN], "")  # the scanner paused before its suffix


def test_a_person_typing_is_released_as_typing_enter_included():
    d = ScanDetector()
    keys = keys_at("LHX7K2MP", 0.0, 0.150) + [(ENTER, 8 * 0.150)]
    assert play(d, keys) == ([], "LHX7K2MP" + ENTER)


def test_a_fast_typist_with_rolled_keys_is_still_typing():
    # 40 ms apart on average, some pairs 15 ms apart: never six quick keys in a row.
    times = [0.0, 0.015, 0.090, 0.105, 0.190, 0.205, 0.290, 0.305, 0.390]
    keys = list(zip("NGUYENVAN", times)) + [(ENTER, 0.420)]
    assert play(ScanDetector(), keys) == ([], "NGUYENVAN" + ENTER)


def test_a_held_key_is_released_after_the_gap_without_waiting_for_more():
    d = ScanDetector()
    assert d.feed("A", 1.0) == Outcome()  # held: it could start a scan
    assert d.holding and d.deadline() == pytest.approx(1.030)
    assert d.flush(1.020) == Outcome()  # too early
    assert d.flush(1.031) == Outcome(release=("A",))
    assert not d.holding


def test_a_burst_that_stalls_without_enter_is_released_as_typing_after_the_timeout():
    d = ScanDetector()
    for key, at in keys_at("ABCDEFGHIJ", 0.0, 0.003):
        assert d.feed(key, at).release == ()
    last = 9 * 0.003
    assert d.deadline() == pytest.approx(last + 0.120)  # long enough to be a scan: waits for Enter
    assert d.flush(last + 0.050) == Outcome()
    assert d.flush(last + 0.121) == Outcome(release=tuple("ABCDEFGHIJ"))
    assert d.feed(ENTER, last + 0.2) == Outcome(release=(ENTER,))  # a late Enter is just Enter


def test_a_short_fast_burst_is_typing():
    keys = keys_at("AB12", 0.0, 0.003) + [(ENTER, 0.012)]
    assert play(ScanDetector(), keys) == ([], "AB12" + ENTER)


def test_a_slow_key_breaks_the_burst_and_starts_a_new_one():
    d = ScanDetector()
    keys = [("x", 0.0)] + keys_at(TOKEN, 0.5, 0.004) + [(ENTER, 0.5 + len(TOKEN) * 0.004)]
    assert play(d, keys) == ([TOKEN], "x")


def test_typing_then_a_scan_then_typing():
    keys = keys_at("ab", 0.0, 0.2) + keys_at(TOKEN, 1.0, 0.003)
    keys.append((ENTER, keys[-1][1] + 0.003))
    keys += keys_at("cd", 3.0, 0.2)
    assert play(ScanDetector(), keys) == ([TOKEN], "abcd")


def test_two_scans_back_to_back():
    first = keys_at("FIRSTCODE", 0.0, 0.002) + [(ENTER, 0.018)]
    second = keys_at("SECONDCODE", 0.5, 0.002) + [(ENTER, 0.52)]
    assert play(ScanDetector(), first + second) == (["FIRSTCODE", "SECONDCODE"], "")


def test_text_from_an_input_method_is_typing_and_breaks_a_burst():
    d = ScanDetector()
    d.feed("A", 0.0)
    assert d.feed("ễ", 0.001) == Outcome()  # one character: part of the burst
    assert d.feed("Nguyễn", 0.002) == Outcome(release=("A", "ễ", "Nguyễn"))


def test_an_enter_alone_and_a_clock_going_backwards_are_typing():
    d = ScanDetector()
    assert d.feed(ENTER, 5.0) == Outcome(release=(ENTER,))
    for key, at in keys_at("ABCDEFGH", 5.0, 0.003):
        d.feed(key, at)
    assert d.feed("I", 4.0) == Outcome(release=tuple("ABCDEFGH"))  # a gap < 0 breaks the burst
    assert d.reset() == ("I",)
    assert d.feed("", 6.0) == Outcome()


def test_thresholds_are_parameters():
    slow_scanner = ScanDetector(max_gap=0.050, min_length=3, enter_timeout=0.2)
    keys = keys_at("ABC", 0.0, 0.040) + [(ENTER, 0.2)]
    assert play(slow_scanner, keys) == (["ABC"], "")
    assert play(ScanDetector(), keys) == ([], "ABC" + ENTER)
    for bad in ({"max_gap": 0}, {"min_length": 0}, {"max_gap": 0.2, "enter_timeout": 0.1}):
        with pytest.raises(ValueError):
            ScanDetector(**bad)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from("ABCXYZ234 -"), st.floats(0.061, 2.0)), min_size=1, max_size=30),
    st.booleans(),
)
def test_a_person_never_scans_and_every_key_comes_out_in_order(presses, with_enter):
    """Keys at human speed (>= 61 ms apart) are never a scan, and nothing is lost or reordered."""
    at = 100.0
    keys = []
    for key, gap in presses:
        at += gap
        keys.append((key, at))
    if with_enter:
        keys.append((ENTER, at + 0.07))
    scans, typed = play(ScanDetector(), keys)
    assert scans == []
    assert typed == "".join(k for k, _ in keys)


@settings(max_examples=150, deadline=None)
@given(
    st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=6, max_size=200),
    st.floats(0.0005, 0.012),
    st.lists(st.tuples(st.sampled_from("abc"), st.floats(0.07, 1.0)), max_size=5),
)
def test_any_scanner_burst_is_one_scan_whatever_was_typed_before(scanned, gap, before):
    at = 0.0
    keys = []
    for key, g in before:
        at += g
        keys.append((key, at))
    at += 0.5
    keys += keys_at(scanned, at, gap)
    keys.append((ENTER, keys[-1][1] + gap))
    scans, typed = play(ScanDetector(), keys)
    assert scans == [scanned]
    assert typed == "".join(k for k, _ in before)


# --- suffixes and prefixes scanners are set to (issue 19) -------------------------------------


@pytest.mark.parametrize("suffix", ["\r", "\t", "\n", "\r\n"])
def test_enter_tab_lf_and_cr_lf_end_a_scan_and_none_of_them_is_typed(suffix: str) -> None:
    keys = keys_at(TOKEN, 10.0, 0.003)
    keys += [(ch, 10.0 + len(TOKEN) * 0.003 + i * 0.002) for i, ch in enumerate(suffix)]
    assert play(ScanDetector(), keys) == ([TOKEN], "")


def test_only_the_one_key_right_after_a_scan_is_swallowed() -> None:
    d = ScanDetector()
    keys = [*keys_at(TOKEN, 10.0, 0.003), ("\r", 10.2), ("\n", 10.21)]
    assert play(d, keys) == ([TOKEN], "")
    assert d.feed("\r", 10.22) == Outcome(release=("\r",))  # a second Enter is someone pressing it
    assert d.feed("\n", 12.0) == Outcome(release=("\n",))


def test_a_person_s_tab_is_a_tab() -> None:
    assert play(ScanDetector(), [("a", 1.0), ("b", 1.2), ("\t", 1.4)]) == ([], "ab\t")
    assert play(ScanDetector(), keys_at("abc", 1.0, 0.01) + [("\t", 1.03)]) == ([], "abc\t")  # too short a burst


def test_a_configured_prefix_is_left_out_of_the_scan_and_other_text_kept() -> None:
    d = ScanDetector(prefix="]Q1")
    assert play(d, [*keys_at("]Q1" + TOKEN, 5.0, 0.002), ("\r", 5.15)]) == ([TOKEN], "")
    assert play(d, [*keys_at(TOKEN, 9.0, 0.002), ("\r", 9.15)]) == ([TOKEN], "")  # without it: as read
