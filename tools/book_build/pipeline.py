"""The book's Sphinx extension, which ``book/conf.py`` loads: the extensions the book is built
with, what each part registers (nodes, directives, roles, settings), and, in one table, when the
code of each part runs. Each row says why it runs where it does."""

from sphinx.application import Sphinx

from book_build.execution import outputs
from book_build.languages import editions, foreign, glue, listings, parallel, references
from book_build.offline import downloads
from book_build.paper import books, equations
from book_build.web import (
    addresses,
    bundles,
    explorers,
    icons,
    images,
    mathml,
    player,
    policy,
    questions,
    search,
    static_versions,
)  # fmt: skip

EXTENSIONS = [  # maintained extensions the book is built with, loaded first
    "myst_nb",  # the chapters are notebooks, executed at build time
    "sphinx_copybutton",
    "sphinx_togglebutton",  # exercise solutions fold away until the reader opens them
    "sphinx.ext.imgmath",  # the ePub's equations as SVG images (book_build.paper.books)
    "sphinxcontrib.bibtex",  # the references, cited on the pages that rely on them
]
LAST = [  # loaded after the parts: their tags follow the parts' own in a page's head
    "sphinxext.opengraph",  # a shared link shows the page's title and summary
    "sphinxext.rediraffe",  # old addresses of renamed or split pages keep working
]

PARTS = [  # every module that takes part in a Sphinx build
    mathml, icons, player, images, policy, bundles, static_versions, editions, glue, listings,
    parallel, foreign, downloads, explorers, questions, books, equations, references, addresses,
    outputs, search,
]  # fmt: skip

# Transforms run on each page's doctree as Sphinx reads it, by priority. Sphinx's own
# landmarks: myst-nb puts glued outputs in at 5; sphinx.transforms.i18n.Locale puts each
# paragraph's translation in at 20; the translation progress is counted at 25; a glossary is
# sorted at 500.
TRANSFORMS = [
    (19, editions.RememberSourceAlt),  # an image's alt text as written, before translation
    (19, parallel.CopyEnglish),  # each block's English and message, before translation
    (21, editions.CorrectTranslationProgress),  # fix two miscounts before the count (25)
    (21, parallel.PlaceEnglish),  # each block's English beside its translation
    (22, foreign.FindQuotedEnglish),  # after the English copies (21): never inside them
    (25, mathml.DecimalComma),  # in the translated math: 0{,}5 in a comma edition
    (100, listings.TranslateListings),  # the package's listings, comments translated
    (501, editions.DictionaryOrderGlossary),  # right after Sphinx sorts a glossary (500)
]
# Post-transforms run on each page's doctree as it is written. Sphinx resolves references at 10.
POST_TRANSFORMS = [
    (5, parallel.EnglishTitles),  # a {doc} in an English copy: the English title, before 10
    (5, outputs.HtmlOnPaper),  # after myst-nb chose each output's form (4)
    (10, glue.NumbersOfTheEdition),  # glued numbers written the edition's way
    (751, references.BibliographyAsReferencesPage),  # after sphinxcontrib-bibtex (750)
]
# Event handlers (https://www.sphinx-doc.org/en/master/extdev/event_callbacks.html), in the
# order Sphinx emits the events; within one event, by priority (Sphinx's default is 500).
EVENTS = [
    ("config-inited", 500, editions.setup_edition),  # the edition: title, catalogs, caches
    ("config-inited", 500, downloads.check_publication),  # the site's address, when published
    ("config-inited", 600, books.configure_edition),  # after the edition's title (500)
    ("config-inited", 600, addresses.configure),  # after the edition's title and address
    ("builder-inited", 400, books.epub_version),  # before Sphinx checks it (500)
    ("builder-inited", 500, policy.write_plural_rule),
    ("builder-inited", 500, explorers.add_style),
    ("builder-inited", 500, questions.add_style),
    ("builder-inited", 500, books.epub_contents_title),
    ("env-purge-doc", 500, parallel.forget_title),
    ("env-purge-doc", 500, foreign.purge),
    ("env-merge-info", 500, parallel.merge_titles),
    ("env-merge-info", 500, foreign.merge),
    ("doctree-read", 500, editions.note_package_dependency),
    ("doctree-resolved", 500, player.write_videos),
    ("doctree-resolved", 500, images.size_and_load_lazily),
    ("doctree-resolved", 500, editions.flag_partial_translation),
    ("doctree-resolved", 500, foreign.mark_english),
    ("doctree-resolved", 500, questions.plain_questions),
    ("doctree-resolved", 500, books.preface_then_chapters),
    # the chapters whose page is written: only their notebooks are written (build-finished)
    ("doctree-resolved", 500, downloads.note_written_page),
    ("env-updated", 500, mathml.write_math_assets),
    ("env-updated", 500, icons.write_icons),
    ("env-updated", 500, foreign.rewrite_when_terms_change),  # marks follow the whole book
    ("env-updated", 500, equations.draw_every_equation),  # the ePub's, before its pages
    ("env-updated", 900, static_versions.before_pages),  # after the parts that write files
    # html-page-context: what a page's template gets; the policy and the bundles last, as
    # they rewrite the page's scripts and stylesheets.
    ("html-page-context", 500, mathml.preload_font),
    ("html-page-context", 500, player.load_script),
    ("html-page-context", 500, editions.language_links),
    ("html-page-context", 500, parallel.write_english),
    ("html-page-context", 500, downloads.add_download_links),
    ("html-page-context", 500, explorers.add_assets),
    ("html-page-context", 500, questions.add_script),
    ("html-page-context", 500, books.offer_downloads),
    ("html-page-context", 500, books.epub_page_assets),
    ("html-page-context", 600, addresses.alternates),  # after the language links, OpenGraph
    ("html-page-context", 900, policy.apply_policy),
    ("html-page-context", 950, bundles.bundle_page),
    ("html-collect-pages", 500, search.keep_index_entries),  # before Sphinx writes the index
    ("build-finished", 500, bundles.drop_unused),
    ("build-finished", 500, downloads.write_downloads),
    ("build-finished", 500, books.copy_downloads),
    ("build-finished", 500, equations.check_none_left_to_imgmath),
]


def connect(app: Sphinx, parts: list) -> None:
    """Register ``parts`` (modules) and connect their rows of the pipeline."""
    names = {part.__name__ for part in parts}
    for part in parts:
        if hasattr(part, "register"):
            part.register(app)
    for priority, transform in TRANSFORMS:
        if transform.__module__ in names:
            transform.default_priority = priority  # the table is where a priority is set
            app.add_transform(transform)
    for priority, transform in POST_TRANSFORMS:
        if transform.__module__ in names:
            transform.default_priority = priority
            app.add_post_transform(transform)
    for event, priority, handler in EVENTS:
        if handler.__module__ in names:
            app.connect(event, handler, priority=priority)


def setup(app: Sphinx) -> dict:
    for name in EXTENSIONS:
        app.setup_extension(name)
    connect(app, PARTS)
    for name in LAST:
        app.setup_extension(name)
    # Two parts keep data in the environment (English titles, messages): its version.
    return {"env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
