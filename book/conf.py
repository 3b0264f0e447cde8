"""Sphinx configuration shared by every edition; the edition is chosen with ``-D language=xx``."""

import os

from myst_nb.core.render import base_render_priority
from sphinx.locale import _

from book_build.project import site_url

project = "Gradient Descent, Step by Step"  # each edition's title comes from languages.toml
author = ""  # no byline: the footer would show it untranslated
copyright = "2026"

# The book's own extension (tools/book_build, installed by nox): it loads the others and runs
# the build's parts in the order its pipeline table says.
extensions = ["book_build.pipeline"]

# --- Source -------------------------------------------------------------------------------
root_doc = "index"
exclude_patterns = ["_build", "jupyter_execute", ".*"]
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
nitpicky = True

# --- Execution (myst-nb) --------------------------------------------------------------------
# Cache mode: a chapter runs again only when its code cells or the package change (see
# book_build/languages/editions.py: each edition has its own cache, cleared when code/ changes).
nb_execution_mode = "cache"
nb_execution_timeout = 300
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True
# Render outputs for the gettext builder as for HTML, so a glued figure's alt text is extracted.
nb_mime_priority_overrides = [
    ("gettext", mime, priority) for mime, priority in base_render_priority()["html"].items()
]

# --- References (sphinxcontrib-bibtex) --------------------------------------------------------
bibtex_bibfiles = ["references.bib"]
bibtex_default_style = "edition"  # book_build.languages.references: unsrt, its words translated
bibtex_reference_style = "label"  # [1], [2]: numbers read the same in every language

# --- Translation ----------------------------------------------------------------------------
language = "en"
locale_dirs = ["../locales"]
gettext_compact = False  # one catalog per page: locales/<lang>/LC_MESSAGES/<page>.po
gettext_location = False  # no line numbers in catalogs: an edit elsewhere does not churn them
gettext_uuid = False
translation_progress_classes = "untranslated"  # an untranslated passage is marked on the page
gettext_last_translator = "The translators of Gradient Descent, Step by Step"
gettext_language_team = ""

# --- HTML -----------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_static_path = ["_static"]
html_favicon = "_static/favicon.svg"
templates_path = ["_templates"]
html_last_updated_fmt = None  # no build date: two builds give identical pages
html_copy_source = False
html_show_sourcelink = False
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "footer_content_items": ["copyright.html", "book-downloads.html"],
    "search_bar_text": _("Search this book…"),  # lazy: translated when each page is written
    "toc_title": _("Contents"),  # the theme's own catalogs have it for a few languages only
    "article_header_end": ["language-switch.html", "article-header-buttons.html"],
    "article_footer_items": ["run-yourself.html"],
    "navbar_persistent": [],  # no second search field in a top bar: the sidebar has one
}
html_context = {"default_mode": "auto"}  # follow the reader's system (and no console error)
html_css_files = ["book.css"]

# --- Publishing -----------------------------------------------------------------------------
# Where the book is published: the site's address and its GitHub repository, whose gh-pages
# branch holds the site. .github/workflows/pages.yml sets both. Set, every chapter offers
# buttons that open its notebook in Colab and Binder, and the notebook installs the package from
# the site. Unset (the default), no page links to another host.
book_site_url = site_url()  # BOOK_SITE_URL: https://<owner>.github.io/<name>/
book_repository = os.environ.get("BOOK_REPOSITORY", "")  # <owner>/<name>
html_math_renderer = "mathml"  # book_build.web.mathml

# --- PDF and ePub (`nox -s pdf`) ---------------------------------------------------------------
# Each edition's title, author, language and file names: tools/book_build/paper/books.py.
latex_engine = "xelatex"  # Unicode and system fonts; polyglossia sets each edition's language
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "11pt",
    "extraclassoptions": "openany,oneside",  # no blank page before each chapter
    "fncychap": "",  # its chapter heads spell numbers in English ("ONE"); LaTeX's say "Capítulo 1"
    # Latin Modern, whose math matches the text; DejaVu Sans Mono has every glyph code prints.
    "fontpkg": r"""
\setmainfont{Latin Modern Roman}
\setsansfont{Latin Modern Sans}
\setmonofont{DejaVu Sans Mono}[Scale=MatchLowercase]
% Signs of the prose that Latin Modern's text font lacks, from its math font.
\usepackage{newunicodechar}
\newunicodechar{≥}{\ensuremath{\geq}}
\newunicodechar{≤}{\ensuremath{\leq}}
\newunicodechar{⁻}{\ensuremath{^{-}}}
"""
    + "".join(  # the powers of ten of glued numbers, 10⁻⁶ (descent.numbers)
        rf"\newunicodechar{{{sup}}}{{\ensuremath{{^{{{digit}}}}}}}" + "\n"
        for digit, sup in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")
    ),
    "sphinxpkgoptions": "[numfigreset=1]",  # figures numbered by chapter: "Figura 3.2"
    "sphinxsetup": "verbatimforcewraps=true",  # a long code line wraps, even inside a word
    "makeindex": "",  # no index: the glossary chapter lists the terms
    "printindex": "",
}
latex_show_urls = "footnote"  # on paper, an external link shows where it goes
latex_domain_indices = False
imgmath_image_format = "svg"  # the ePub's equations (imgmath): sharp at any size
epub_show_urls = "no"  # an e-reader follows the link itself
epub_tocscope = "includehidden"  # the home page's list of chapters is hidden on the site
