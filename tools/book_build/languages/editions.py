"""Sphinx extension: one build of the book per language (``-D language=xx``).

For the edition being built it
- checks and compiles the edition's gettext catalogs first (Sphinx alone accepts broken ones);
- tells the kernel the language (``DESCENT_LANG``), so the package draws figures in it, and
  starts kernels that cannot race another edition's for a port (see kernels.py);
- gives the edition its own myst-nb execution cache, and drops a chapter's cached outputs when
  the package code it depends on changes (see dependencies.py); Sphinx re-reads it then;
- offers the templates a language switch with relative links to the same page in each edition;
- says at the top of a partly translated page, in the edition's language, that it is partly
  translated (its untranslated passages carry the class ``untranslated``);
- sorts a ``:sorted:`` glossary as a dictionary of the edition's language does.
"""

import os
import unicodedata
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.locale import get_translation
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from book_build import project
from book_build.execution import dependencies, kernels
from book_build.languages import catalogs

logger = logging.getLogger(__name__)
_ = get_translation(project.BUILD_CATALOG)


def setup_edition(app: Sphinx, config: Config) -> None:
    lang = config.language
    editions = project.languages()
    if lang not in editions:
        raise ConfigError(f"language {lang!r} is not declared in {project.LANGUAGES_FILE}")
    config.html_title = config.project = editions[lang]["title"]
    try:
        catalogs.compile_catalogs(lang)
    except catalogs.CatalogError as error:
        raise ConfigError(str(error)) from None
    app.add_message_catalog(project.BUILD_CATALOG, str(project.LOCALES))  # compiled just above

    os.environ["DESCENT_LANG"] = lang  # the kernel is a child process: it inherits this
    os.environ["DESCENT_LOCALE_DIR"] = str(project.LOCALES)
    kernelspec = kernels.install_kernelspec(project.edition_dir(lang) / "jupyter")

    catalog = project.catalog_dir(lang) / f"{project.PACKAGE}.po"
    app.chapter_dependencies = {  # the kernel's command line too: it sets the figure formats
        chapter: [*dependencies.dependencies(chapter, project.PACKAGE_DIR, catalog), kernelspec]
        for chapter in project.chapters(Path(app.srcdir))
    }
    # One cache per edition, wherever the HTML goes (book, serve, and the extraction of
    # messages, which runs the English chapters so that glued figures and captions exist).
    cache = project.execution_cache(lang)
    for chapter in dependencies.drop_stale_outputs(
        cache, Path(app.srcdir), app.chapter_dependencies
    ):
        logger.info(f"[editions] {chapter.name}: its package code changed, it will run again")
    config.nb_execution_cache_path = str(cache)


def note_package_dependency(app: Sphinx, doctree) -> None:
    """A chapter is re-read whenever a package file it depends on changes."""
    source = Path(app.env.doc2path(app.env.docname))
    for path in app.chapter_dependencies.get(source, []):
        app.env.note_dependency(str(path))


def language_links(app: Sphinx, pagename: str, templatename, context: dict, doctree) -> None:
    """``language_links`` for the templates: relative URLs, so they work from file:// too."""
    up = "../" * (pagename.count("/") + 1)
    context["language_links"] = [
        {
            "code": code,
            "tag": project.bcp47(code),
            "name": edition["name"],
            "url": f"{up}{code}/{pagename}.html",
            "current": code == app.config.language,
        }
        for code, edition in project.languages().items()
    ]


def flag_partial_translation(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    progress = doctree.get("translation_progress")
    if not progress or app.config.language == project.source_language():
        return
    missing = progress["total"] - progress["translated"]
    if missing <= 0:
        return
    text = _(
        "This page is only partly translated: %(missing)s of %(total)s passages are still "
        "in the source language, marked with a line in the margin."
    ) % {"missing": missing, "total": progress["total"]}
    note = nodes.note("", nodes.paragraph(text, text), classes=["translation-incomplete"])
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is not None:
        section.insert(1, note)  # right after the page title


class RememberSourceAlt(SphinxTransform):
    """Keep each image's alt text as written, before Sphinx's Locale transform translates it."""

    def apply(self, **kwargs) -> None:
        for image in self.document.findall(nodes.image):
            image["source_alt"] = image.get("alt")


class CorrectTranslationProgress(SphinxTransform):
    """Fix two miscounts of Sphinx's translation progress, before it counts (and marks) nodes.

    - An image whose alt text Sphinx translated stays flagged untranslated (Sphinx marks only
      the alt's replacement, not the node): it is translated when its alt text changed.
    - The front matter (``file_format: mystnb``) is a field list at the top of the page that
      Sphinx removes later; it is metadata, never a passage to translate.
    """

    def apply(self, **kwargs) -> None:
        for image in self.document.findall(nodes.image):
            source_alt = image.attributes.pop("source_alt", None)
            if image.get("translated") is False and image.get("alt") != source_alt:
                image["translated"] = True
        for child in self.document.children:
            if isinstance(child, nodes.field_list):
                for node in child.findall(nodes.Element):
                    node.attributes.pop("translated", None)


def dictionary_order(term: str) -> tuple[str, str]:
    """A term's place in a dictionary: accents ignored (época before error), ñ after n,
    hyphens ignored; then the accented form after the plain one."""
    text = unicodedata.normalize("NFD", term.lower()).replace("n\u0303", "n\x7f")
    letters = "".join(c for c in text if not unicodedata.combining(c) and c != "-")
    return letters, text


class DictionaryOrderGlossary(SphinxTransform):
    """Sphinx sorts a translated glossary by code point, which puts "época" after "estándar";
    sort it again, just after Sphinx (500), as a dictionary does.

    Workaround of https://github.com/sphinx-doc/sphinx/issues/148 (closed with NFD only); canary:
    tests/test_workarounds.py::test_sphinx_still_sorts_a_glossary_by_code_point."""

    def apply(self, **kwargs) -> None:
        for glossary in self.document.findall(addnodes.glossary):
            if glossary["sorted"]:
                items = glossary[0]
                items[:] = sorted(items, key=lambda item: dictionary_order(item[0].astext()))
