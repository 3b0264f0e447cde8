"""Sphinx extension: the addresses by which each page of each edition is found.

- Each page names itself in every edition in its head (``<link rel="alternate" hreflang>``),
  so a search engine pairs the editions; published, the site's sitemap (``landing.py``) lists
  the same pairs.
- A shared link shows the page's title and first sentences in its language: OpenGraph tags from
  sphinxext-opengraph, with ``og:locale`` and the other editions' locales.
- Old addresses keep working: ``book/redirects.txt`` (sphinxext-rediraffe) names, for each page
  that was renamed or split, the page its text went to. ``tests/tools/web/test_addresses.py``
  fails when a page that was ever published is gone with no redirect.
- ``book/404.md`` is each edition's "page not found". A host serves it at the missing address,
  so, published, it carries a ``<base>``: its relative links work at any depth.
"""

import re

from babel import Locale
from babel.core import get_global
from sphinx.application import Sphinx
from sphinx.config import Config

from book_build import project
from book_build.offline.downloads import published
from book_build.web.assets import for_website

OG_URL = re.compile(r'<meta property="og:url" [^>]*>\n?')
OPENGRAPH = re.compile(r'<meta property="og:[^>]*>\n?')


def og_locale(code: str) -> str:
    """OpenGraph's ``language_TERRITORY`` for an edition: ``es`` -> ``es_ES``, ``en`` -> ``en_US``
    (CLDR's likely territory of the language, unless the code names one)."""
    locale = Locale.parse(get_global("likely_subtags").get(code, code))
    return f"{locale.language}_{locale.territory}"


def configure(app: Sphinx, config: Config) -> None:
    """Redirects from book/redirects.txt; OpenGraph for this edition: the site's address when
    published, its locales always."""
    config.rediraffe_redirects = {
        f"{old}.md": f"{new}.md" for old, new in project.redirects().items()
    }
    config.rediraffe_template = "_templates/redirect.html"  # no script: the policy allows none
    config.ogp_enable_meta_description = False  # the head has the book's own description
    config.ogp_social_cards = {"enable": False}  # no generated images: title and summary
    config.epub_exclude_files = [*config.epub_exclude_files, f"{project.NOT_FOUND}.xhtml"]
    if published(config):
        config.ogp_site_url = config.html_baseurl
    config.ogp_site_name = config.project  # the edition's title (book_build.languages.editions)
    others = [code for code in project.languages() if code != config.language]
    config.ogp_custom_meta_tags = [
        f'<meta property="og:locale" content="{og_locale(config.language)}" />',
        *(f'<meta property="og:locale:alternate" content="{og_locale(c)}" />' for c in others),
    ]


def alternates(app: Sphinx, pagename: str, templatename, context: dict, doctree) -> None:
    """The head's alternates (absolute when published), og:url only when published, and the
    404 page's base."""
    tags = context.get("metatags", "")
    if not for_website(app):  # an e-reader shares no link and has no other edition
        context["metatags"] = OPENGRAPH.sub("", tags)
        return
    site = app.config.book_site_url
    for link in context.get("language_links", ()):
        link["href"] = f"{site}{link['code']}/{pagename}.html" if site else link["url"]
    if not site:  # sphinxext-opengraph writes a relative og:url; an address is absolute or none
        tags = OG_URL.sub("", tags)
    if pagename == project.NOT_FOUND:
        base = (
            f'<base href="{app.config.html_baseurl}{project.NOT_FOUND}.html" />\n' if site else ""
        )
        tags = base + '<meta name="robots" content="noindex" />\n' + tags
    context["metatags"] = tags
