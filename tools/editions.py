"""Sphinx extension: one build of the book per language (``-D language=xx``).

For the edition being built it
- checks and compiles the edition's gettext catalogs first (Sphinx alone accepts broken ones);
- tells the kernel the language (``DESCENT_LANG``), so the package draws figures in it;
- gives the edition its own myst-nb execution cache, and drops a chapter's cached outputs when
  the package code it depends on changes (see execution.py); Sphinx re-reads that chapter then;
- offers the templates a language switch with relative links to the same page in each edition;
- says at the top of a partly translated page, in the edition's language, that it is partly
  translated (its untranslated passages carry the class ``untranslated``).
"""

import os
from pathlib import Path

from docutils import nodes
from myst_nb.ext.glue.roles import PasteRoleAny, PasteTextRole
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.locale import _
from sphinx.locale import init as init_locale
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.i18n import docname_to_domain

import catalogs
import execution

logger = logging.getLogger(__name__)

TOOLS = Path(__file__).resolve().parent
REPO = TOOLS.parent


def setup_edition(app: Sphinx, config: Config) -> None:
    lang = config.language
    editions = catalogs.languages()
    if lang not in editions:
        raise ConfigError(f"language {lang!r} is not declared in {catalogs.LANGUAGES_FILE}")
    config.html_title = editions[lang]["title"]
    config.project = editions[lang]["title"]

    try:
        catalogs.compile_catalogs(lang)
    except catalogs.CatalogError as error:
        raise ConfigError(str(error)) from None

    os.environ["DESCENT_LANG"] = lang  # the kernel is a child process: it inherits this
    os.environ["DESCENT_LOCALE_DIR"] = str(catalogs.LOCALES)

    try:
        package = execution.package_dir()
    except execution.PackageMissing as error:
        raise ConfigError(str(error)) from None
    catalog = catalogs.catalog_dir(lang) / f"{execution.PACKAGE}.po"
    app.chapter_dependencies = {
        chapter.resolve(): execution.dependencies(chapter, package, catalog)
        for chapter in sorted(Path(app.srcdir).rglob("*.md"))
        if "kernelspec:" in chapter.read_text(encoding="utf-8")
    }
    # One cache per edition, wherever the HTML goes (book, serve, and the extraction of messages,
    # which runs the English chapters so that glued figures and their captions exist).
    cache = REPO / "_build" / "editions" / lang / "jupyter_cache"
    for chapter in execution.drop_stale_outputs(cache, app.chapter_dependencies):
        logger.info(f"[editions] {chapter.name}: its package code changed, it will run again")
    config.nb_execution_cache_path = str(cache)


def note_package_dependency(app: Sphinx, doctree) -> None:
    """A chapter is re-read whenever a package file it depends on changes."""
    source = Path(app.env.doc2path(app.env.docname)).resolve()
    for path in app.chapter_dependencies.get(source, []):
        app.env.note_dependency(str(path))


def language_links(app: Sphinx, pagename: str, templatename, context: dict, doctree) -> None:
    """``language_links`` for the templates: relative URLs, so they work from file:// too."""
    up = "../" * (pagename.count("/") + 1)
    context["language_links"] = [
        {
            "code": code,
            "name": edition["name"],
            "url": f"{up}{code}/{pagename}.html",
            "current": code == app.config.language,
        }
        for code, edition in catalogs.languages().items()
    ]


def flag_partial_translation(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    progress = doctree.get("translation_progress")
    if not progress or app.config.language == next(iter(catalogs.languages())):
        return
    missing = progress["total"] - progress["translated"]
    if missing <= 0:
        return
    # The message is in book/_templates/interface-strings.html, so it lands in sphinx.po.
    text = _(
        "This page is only partly translated: %(missing)s of %(total)s passages are still "
        "in the source language, marked with a line in the margin."
    ) % {"missing": missing, "total": progress["total"]}
    note = nodes.note("", nodes.paragraph(text, text), classes=["translation-incomplete"])
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is not None:
        section.insert(1, note)  # right after the page title


class CorrectTranslationProgress(SphinxTransform):
    """Fix two miscounts of Sphinx's translation progress, before it counts (and marks) nodes.

    - An image whose alt text Sphinx translated stays flagged untranslated (Sphinx marks only
      the alt's replacement, not the node): it is translated when its alt is a translation.
    - The front matter (``file_format: mystnb``) is a field list at the top of the page that
      Sphinx removes later; it is metadata, never a passage to translate.
    """

    default_priority = 21  # after sphinx.transforms.i18n.Locale (20), before the count (25)

    def apply(self, **kwargs) -> None:
        textdomain = docname_to_domain(self.env.docname, self.config.gettext_compact)
        dirs = [self.env.srcdir / directory for directory in self.config.locale_dirs]
        catalog, has_catalog = init_locale(dirs, self.config.language, textdomain)
        translations = set(getattr(catalog, "_catalog", {}).values()) if has_catalog else set()
        for image in self.document.findall(nodes.image):
            if image.get("translated") is False and image.get("alt") in translations:
                image["translated"] = True
        for child in self.document.children:
            if isinstance(child, nodes.field_list):
                for node in child.findall(nodes.Element):
                    node.attributes.pop("translated", None)


class _GlueInTranslation:
    """A glue role that also works inside a translated paragraph.

    Sphinx parses a translated paragraph as a document of its own, without the notebook's
    outputs, so ``{glue:text}`key``` finds nothing there. Such a role becomes a reference to
    its own page (``/page.md::key``), which myst-nb resolves after the page is read.
    """

    def run(self):
        if "nb_renderer" not in self.document and "::" not in self.text:
            env = self.document.settings.env
            self.text = f"/{env.doc2path(env.docname, False)}::{self.with_format(self.text)}"
        return super().run()

    def with_format(self, text: str) -> str:
        return text


class GlueText(_GlueInTranslation, PasteTextRole):
    def with_format(self, text: str) -> str:
        return text if ":" in text else text + ":s"  # the role reads a format after the last colon


class GlueAny(_GlueInTranslation, PasteRoleAny):
    pass


def setup(app: Sphinx) -> dict:
    app.setup_extension("myst_nb")
    for name, role in {"": GlueAny(), "any": GlueAny(), "text": GlueText()}.items():
        app.add_role_to_domain("glue", name, role, override=True)
    app.connect("config-inited", setup_edition)
    app.connect("doctree-read", note_package_dependency)
    app.connect("html-page-context", language_links)
    app.connect("doctree-resolved", flag_partial_translation)
    app.add_transform(CorrectTranslationProgress)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
