"""Catalogs are compiled strictly: a broken one is named with its line, and nothing is lost."""

import re
from pathlib import Path

import pytest

from book_build.languages.catalogs import CatalogError, compile_catalogs

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'


def catalog(locales: Path, name: str, body: str) -> Path:
    po = locales / "es" / "LC_MESSAGES" / f"{name}.po"
    po.parent.mkdir(parents=True, exist_ok=True)
    po.write_text(HEADER + body, encoding="utf-8")
    return po


def test_a_malformed_catalog_is_named_with_its_line_and_left_as_it_was(tmp_path):
    good = catalog(tmp_path, "good", '\nmsgid "Some prose."\nmsgstr "Prosa."\n')
    bad = catalog(tmp_path, "bad", '\nmsgid "Some prose."\nmsgstr "Un poco de prosa.\n')
    before = bad.read_text(encoding="utf-8")
    with pytest.raises(CatalogError) as error:
        compile_catalogs("es", tmp_path)
    assert re.search(rf"{re.escape(str(bad))}:\d+: end-of-line within string", str(error.value))
    assert bad.read_text(encoding="utf-8") == before
    assert not bad.with_suffix(".mo").exists()  # no compiled copy of a rejected catalog
    assert good.with_suffix(".mo").exists()  # the good ones are compiled all the same


def test_an_up_to_date_catalog_is_not_compiled_again(tmp_path):
    po = catalog(tmp_path, "page", '\nmsgid "a"\nmsgstr "b"\n')
    (mo,) = compile_catalogs("es", tmp_path)
    stamp = mo.stat().st_mtime_ns
    compile_catalogs("es", tmp_path)
    assert mo.stat().st_mtime_ns == stamp  # rewriting it would make Sphinx re-read every page
    po.write_text(po.read_text() + '\nmsgid "c"\nmsgstr "d"\n')
    compile_catalogs("es", tmp_path)
    assert mo.stat().st_mtime_ns != stamp


def test_a_missing_gettext_says_what_to_install(tmp_path, monkeypatch):
    catalog(tmp_path, "page", '\nmsgid "a"\nmsgstr "b"\n')
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(
        CatalogError, match=r"msgfmt \(GNU gettext\) is not installed.*apt-get install gettext"
    ):
        compile_catalogs("es", tmp_path)
