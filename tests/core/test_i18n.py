"""The one translation system: Vietnamese by default, English second, nothing left untranslated."""

import re
import threading

import pytest

from core import i18n
from core.i18n import _, language, load_catalog, set_language, translate_to, untranslated

PLACEHOLDER = re.compile(r"\{[a-z_0-9]*(?::[^}]*)?\}|%\([a-z_]+\)[sd]|%[sd]")


def test_every_message_in_the_code_has_a_vietnamese_translation():
    missing = untranslated("vi")
    assert not missing, "untranslated (run `python -m core.i18n missing`):\n" + "\n".join(
        f"{msgid!r} at {places[0]}" for (msgid, _ctx), places in missing.items()
    )


def test_no_two_catalogues_translate_the_same_message_differently():
    """The catalogues merge: a second translation of "Result due: {when}" in the counter's
    file once changed the kiosk's words too."""
    assert i18n.conflicting_translations("vi") == []


def test_translations_keep_every_placeholder_so_formatting_never_fails():
    for message in load_catalog("vi"):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = sorted(PLACEHOLDER.findall(ids[0]))
        for s in strings:
            assert sorted(PLACEHOLDER.findall(s)) == wanted, f"{message.id!r} -> {s!r}"


def test_vietnamese_is_the_default_and_english_the_source():
    assert i18n.current_language() == "vi"
    assert _("This code is not from the one-stop office.") == "Mã này không phải của bộ phận một cửa."
    with language("en"):
        assert _("This code is not from the one-stop office.") == "This code is not from the one-stop office."
    assert translate_to("en", "Queue number {code} is valid.") == "Queue number {code} is valid."
    assert translate_to("vi", "Queue number {code} is valid.").format(code="A015") == "Số thứ tự A015 hợp lệ."


def test_a_language_switch_stays_in_its_own_thread():
    seen = {}

    def worker():
        set_language("en")
        seen["worker"] = _("This code is not from the one-stop office.")

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert seen["worker"].startswith("This code")
    assert _("This code is not from the one-stop office.").startswith("Mã này")


def test_an_unknown_language_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="vi, en"):
        with language("fr"):
            pass


def test_catalogue_text_is_nfc():
    import unicodedata

    for message in load_catalog("vi"):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for s in strings:
            assert unicodedata.normalize("NFC", s) == s, s


def test_messages_without_a_translation_are_found_with_their_place(tmp_path):
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "x.py").write_text('from core.i18n import _\n_("A brand new sentence")\n')
    missing = untranslated("vi", root=tmp_path)
    assert list(missing) == [("A brand new sentence", None)]
    assert missing[("A brand new sentence", None)] == ["core/x.py:2"]
