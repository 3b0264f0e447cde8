"""The addresses of the site (book_build.web.addresses, landing.py): old pages redirect, editions
are paired for search engines (head and sitemap), a shared link has OpenGraph in its language,
and each edition has a "page not found" that works wherever a host serves it."""

import re
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest

from book_build import project
from book_build.web.addresses import og_locale
from book_build.web.landing import sitemap
from conftest import REPO

PUBLISHED = {"BOOK_SITE_URL": "https://readers.github.io/book/", "BOOK_REPOSITORY": "r/book"}
XHTML = "{http://www.w3.org/1999/xhtml}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def pages_gone_without_redirect(repo: Path, book: str = "book") -> list[str]:
    """Every page the history of ``repo`` ever had in ``book/`` that is neither a page now nor
    sent on by ``book/redirects.txt``."""
    log = subprocess.run(
        ["git", "log", "--all", "--no-renames", "--format=", "--name-only", "--", f"{book}/*.md"],
        cwd=repo, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    ever = {Path(line).stem for line in log.split()}
    now = {page.stem for page in (repo / book).glob("*.md")}
    return sorted(ever - now - set(project.redirects()))


def test_every_page_ever_published_is_still_a_page_or_redirects():
    # Over the history this clone has: all of it in a full clone (a shallow one sees less).
    gone = pages_gone_without_redirect(REPO)
    assert not gone, f"add each to book/redirects.txt, with the page its text went to: {gone}"


def test_a_page_removed_without_a_redirect_is_found(tmp_path):
    def git(*args):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
                       cwd=tmp_path, check=True, capture_output=True)  # fmt: skip

    (tmp_path / "book").mkdir()
    for name in ("kept", "sublinear-rates", "dropped"):
        (tmp_path / "book" / f"{name}.md").write_text("# A page\n")
    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "three pages")
    for name in ("sublinear-rates", "dropped"):  # the first has a redirect in the real book
        git("rm", "-q", f"book/{name}.md")
    git("commit", "-qm", "two gone")
    assert pages_gone_without_redirect(tmp_path) == ["dropped"]


def test_every_redirect_leads_to_a_page_of_the_book():
    pages = {page.stem for page in project.BOOK.glob("*.md")}
    redirects = project.redirects()
    assert redirects, "book/redirects.txt is read"
    for old, new in redirects.items():
        assert new in pages and old not in pages, (old, new)


def test_the_sitemap_pairs_each_page_with_its_other_editions():
    url = "https://readers.github.io/book/"
    pages = {"en": ["index", "momentum"], "pt_BR": ["index"]}
    root = ElementTree.fromstring(sitemap(url, pages))
    entries = {
        u.find(f"{SITEMAP}loc").text: {
            link.get("hreflang"): link.get("href") for link in u.findall(f"{XHTML}link")
        }
        for u in root.findall(f"{SITEMAP}url")
    }
    assert entries == {
        f"{url}en/index.html": {"en": f"{url}en/index.html", "pt-BR": f"{url}pt_BR/index.html"},
        f"{url}en/momentum.html": {"en": f"{url}en/momentum.html"},
        f"{url}pt_BR/index.html": {"en": f"{url}en/index.html", "pt-BR": f"{url}pt_BR/index.html"},
    }


@pytest.mark.parametrize(("code", "locale"), [("en", "en_US"), ("es", "es_ES"), ("pt_BR", "pt_BR")])
def test_an_edition_s_opengraph_locale(code, locale):
    assert og_locale(code) == locale


def head(html: str) -> str:
    return html.split("</head>")[0]


def test_a_published_book_is_paired_shared_and_found(mini_book):
    """Published: absolute alternates and og:url, og:locale, a sitemap of both editions, a 404
    at the root whose base keeps its links working; unpublished, no address anywhere."""
    mini_book.write("404.md", "---\norphan: true\n---\n\n# Page not found\n\nNothing here.\n")
    mini_book.write_catalog("404", {"Page not found": "Página no encontrada",
                                    "Nothing here.": "Aquí no hay nada."})  # fmt: skip
    mini_book.write_catalog("chapter", {"A chapter": "Un capítulo", "Some prose.": "Algo."})
    result = mini_book.build("en", "es", env=PUBLISHED)
    assert result.returncode == 0, result.stdout[-3000:]
    site, url = mini_book.root / "_build" / "html", PUBLISHED["BOOK_SITE_URL"]

    spanish = head(mini_book.page("es"))
    for code in ("en", "es"):
        assert (
            f'<link rel="alternate" hreflang="{code}" href="{url}{code}/chapter.html"/>' in spanish
        )
    assert f'<meta property="og:url" content="{url}es/chapter.html" />' in spanish
    assert '<meta property="og:title" content="Un capítulo" />' in spanish
    assert '<meta property="og:description" content="Algo." />' in spanish  # not its English
    assert '<meta property="og:locale" content="es_ES" />' in spanish
    assert '<meta property="og:locale:alternate" content="en_US" />' in spanish

    urls = re.findall(r"<loc>([^<]+)</loc>", (site / "sitemap.xml").read_text())
    assert urls == [f"{url}{c}/{p}.html" for c in ("en", "es") for p in ("chapter", "index")]

    not_found = (site / "404.html").read_text()
    assert not_found == (site / "en" / "404.html").read_text()
    assert f'<base href="{url}en/404.html" />' in head(not_found)
    assert '<meta name="robots" content="noindex" />' in head(not_found)
    assert "Página no encontrada" in mini_book.page("es", "404")

    result = mini_book.build("en", "es")  # unpublished: opened from the disk
    assert result.returncode == 0, result.stdout[-3000:]
    spanish = head(mini_book.page("es"))
    assert 'href="../en/chapter.html"' in spanish and "og:url" not in spanish
    assert "<base" not in mini_book.page("es", "404")
    assert not (site / "sitemap.xml").exists() and not (site / "404.html").exists()


def test_an_old_address_sends_the_reader_on_without_a_script(site):
    for lang in project.languages():
        for old, new in project.redirects().items():
            page = (site / lang / f"{old}.html").read_text(encoding="utf-8")
            assert f'<meta http-equiv="refresh" content="0; url={new}.html">' in page
            assert "<script" not in page
            assert (site / lang / f"{new}.html").exists()
