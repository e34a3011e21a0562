"""``motcua tour --apps web``: every page of the citizens' site photographed on a phone, in
Vietnamese and English, with index.html listing them; and the look of a page finds what a
reviewer would (a page wider than the phone, a small target, clipped text, an image
without alt, a field without a label, the other language left on the page)."""

from __future__ import annotations

import pytest

import argparse
from pathlib import Path

from cli.tour import write_index
from cli.tour_web import look, tour_web
from cli.web_browser import phone_browser

PAGES = [  # (screen, state): every page a citizen can meet
    ("home", ""), ("offices", ""), ("procedures", ""), ("procedures", "search_khai_sinh"),
    ("procedures", "search_nothing"), ("slots", ""), ("slots", "second_day"), ("slots", "none_free"),
    ("details", ""), ("details", "errors"), ("confirm", ""), ("booking", "qr"), ("slip", ""), ("slip", "print"),
    ("move", ""), ("cancel", ""), ("booking", "cancelled"), ("too_many_bookings", ""), ("csrf_refused", ""),
    ("not_found", "office"), ("not_found", "booking"), ("track", ""), ("track", "errors"), ("track", "not_found"),
    ("dossier", "code_and_phone"), ("dossier", "receipt_qr"), ("dossier", "receipt_unreadable"),
]


def _name(screen: str, state: str, lang: str) -> str:
    return "-".join(p for p in ("web", screen, state, lang) if p) + ".png"


@pytest.mark.slow
def test_every_page_is_photographed_in_both_languages_and_listed(tmp_path: Path) -> None:
    """One test (the tour takes most of half a minute; split tests could run it once per
    xdist worker)."""
    from PIL import Image

    out = tmp_path / "out"
    shots = tour_web(out, tmp_path)
    write_index(out, shots)

    expected = [_name(screen, state, lang) for lang in ("vi", "en") for screen, state in PAGES]
    assert [s.file for s in shots] == expected
    unreached = [(s.file, f) for s in shots for f in s.findings
                 if "could not" in f or f == "blank page" or f.startswith("not the page expected")]
    assert unreached == []  # each page reached, and the walk checked it is the one meant
    index = (out / "index.html").read_text(encoding="utf-8")
    heights = {}
    for shot in shots:
        assert f'src="{shot.file}"' in index
        with Image.open(out / shot.file) as picture:
            assert picture.width == 390 and picture.height >= 844  # the phone's width, the whole page tall
            colours = picture.convert("RGB").getcolors(1_000_000) or []
            assert len(colours) > 20, f"{shot.file} is nearly one colour"
            heights[shot.file] = picture.height

    # what changes between two states of a page shows in the pictures
    for lang in ("vi", "en"):
        def height(screen: str, state: str) -> int:
            return heights[_name(screen, state, lang)]  # noqa: B023 (used at once)

        assert height("booking", "qr") > height("booking", "cancelled") + 200  # the QR is gone
        assert height("procedures", "") > height("procedures", "search_khai_sinh") + 500  # 20 found vs 2
        assert height("details", "errors") > height("details", "")  # a message under each field


def test_the_look_finds_what_a_reviewer_would() -> None:
    page = """<!doctype html><html lang="vi"><head><meta name="viewport" content="width=device-width">
    <style>body{margin:0;font:16px sans-serif} .cut{width:80px;overflow:hidden;white-space:nowrap}</style></head>
    <body><p>Xin chào <a href="#">liên kết trong câu</a> vẫn được.</p>
    <p><a href="#" id="tiny">x</a></p>
    <div style="width:600px">rộng quá</div>
    <div class="cut">Một dòng chữ dài bị cắt mất</div>
    <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="50" height="50">
    <input name="q" style="height:50px;width:200px">
    <p>Choose your time</p>
    <p lang="en"><a href="#" style="display:inline-block;padding:14px">English</a></p>
    </body></html>"""
    with phone_browser() as driver:
        driver.get("data:text/html;charset=utf-8," + page.replace("#", "%23"))
        findings = look(driver, "vi")
        driver.get("data:text/html;charset=utf-8," + page.replace("#", "%23").replace('lang="vi"', 'lang="en"'))
        english = look(driver, "en")
    joined = "\n".join(findings)
    assert "wider than the phone" in joined
    assert 'a#tiny "x"' in joined and "liên kết trong câu" not in joined  # a link inside a sentence is exempt
    assert "text cut off: div.cut" in joined
    assert "image without alt" in joined
    assert "field without a label: input" in joined
    assert "'Choose your time' (choose, time, your)" in joined
    assert "English on a Vietnamese page: 'English'" not in joined  # the toggle is marked lang="en"
    assert any("Vietnamese on an English page: 'Xin chào'" in f for f in english)


def test_the_tour_command_offers_the_web_site() -> None:
    from cli import tour

    parser = argparse.ArgumentParser()
    tour.register(parser)
    args = parser.parse_args(["out", "--apps", "web"])
    assert args.apps == ["web"] and "web" in tour.APPS
    assert callable(tour._tour_web)

