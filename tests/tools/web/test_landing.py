"""The landing page: the reader's edition chosen by their browser's languages (run in Node)."""

import html
import json
import re
import shutil
import subprocess

import pytest

from book_build.web.landing import CHOOSE_EDITION_JS, landing_page, write_landing_page


def choose(editions: list[str], wanted: list[str]) -> str:
    node = shutil.which("node")
    assert node, "node is missing: apt-get install nodejs (it comes with npm)"
    call = f"chooseEdition({json.dumps(editions)}, {json.dumps(wanted)})"
    script = f"{CHOOSE_EDITION_JS}\nprocess.stdout.write({call});"
    return subprocess.run([node, "-e", script], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        (["pt-BR", "en"], "pt_BR"),  # region and all
        (["pt-PT"], "pt_BR"),  # same language, other region
        (["zh-CN"], "zh_CN"),
        (["zh-TW", "es"], "zh_CN"),
        (["es-MX"], "es"),
        (["de-DE", "es"], "es"),  # the first language the book has
        (["de-DE"], "en"),  # none: the source edition
        ([], "en"),
    ],
)  # fmt: skip
def test_the_reader_gets_the_edition_of_their_language(wanted, expected):
    assert choose(["en", "es", "pt_BR", "zh_CN"], wanted) == expected


def test_the_page_lists_the_editions_with_their_language_tags():
    page = landing_page(
        {"en": {"name": "English", "title": "A"}, "pt_BR": {"name": "Português", "title": "B"}}
    )
    assert 'href="pt_BR/index.html" hreflang="pt-BR" lang="pt-BR"' in page
    assert '<html lang="en">' in page
    editions = re.search(r'data-editions="([^"]*)"', page)[1]
    assert json.loads(html.unescape(editions)) == ["en", "pt_BR"]  # what the script reads
    assert "<script>" not in page and "<style" not in page  # its policy forbids inline code


def test_no_page_without_an_edition():
    with pytest.raises(ValueError, match="no edition"):
        landing_page({})


def test_the_page_is_written_only_for_published_editions(tmp_path):
    editions = {"en": {"name": "English", "title": "A"}, "es": {"name": "Español", "title": "B"}}
    assert write_landing_page(tmp_path, editions) is None
    assert not (tmp_path / "index.html").exists()
    (tmp_path / "es").mkdir()
    (tmp_path / "es" / "index.html").write_text("")
    page = write_landing_page(tmp_path, editions).read_text()
    assert 'href="es/index.html"' in page and 'href="en/index.html"' not in page
