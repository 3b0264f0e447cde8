"""Sphinx extension: the English beside any paragraph of a translated edition.

A reader of a translated page may show the source of any paragraph, heading, caption or
question: a paragraph by its own button, everything by a switch for the whole page (a question
keeps its keyboard path to its answer; ``book/_static/english.js``). The page only
marks its translated blocks with an empty ``span.english-mark``: at a paragraph's end, or just
after a heading or a caption (inside them, their words would reach the table of contents and
the references). Their English is a script of its own, ``_static/english/<page>.js``, loaded
when a reader first asks for it: the page weighs what it weighed. A block that Sphinx left in
English (its translation missing, or outdated: fuzzy) has Sphinx's class ``untranslated``; the
script marks it as English for a screen reader and says why.

Each block's English is the source's own: just before Sphinx's Locale transform translates the
page, each translatable block is copied; just after it, the copy goes into the tree beside its
block as an ``english`` node, so the transforms that follow (glue, references, math) treat it
as they treat the page, except those that write numbers the edition's way (see
:func:`in_english`). The HTML writer renders it into the page's list of English blocks instead
of the page; the PDF, the ePub and the notebooks skip it.

A ``{doc}`` reference without words of its own shows its page's title: in a block's English,
the English one. The edition knows only the translated titles, so each page's English title is
kept as it reads its source, before the translation (:class:`EnglishTitles`).
"""

import html
import json
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.locale import get_translation
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import docname_join
from sphinx.util.nodes import clean_astext, extract_messages

from book_build import project
from book_build.web.assets import checksum, for_website, write_if_changed

_ = get_translation(project.BUILD_CATALOG)

BLOCKS = (nodes.paragraph, nodes.title, nodes.caption)  # what a reader may ask the English of
SKIPPED_IN = (nodes.table,)  # a cell holds a number or a word: its English adds nothing
SCRIPT = "english.js"


class english(nodes.Element, nodes.Invisible):  # noqa: N801 (docutils: lower case)
    """The source's words of a translated block, in a translated edition. Invisible: what
    reads a page's text (Sphinx's translation, OpenGraph's summary) passes it by."""


def translated_edition(config) -> bool:
    return (config.language or project.source_language()) != project.source_language()


def in_english(node: nodes.Node) -> bool:
    """Whether ``node`` is part of a block's English (whose numbers stay the source's)."""
    return any(isinstance(each, english) for each in (node, *ancestors(node)))


class CopyEnglish(SphinxTransform):
    """Each translatable block, as the source parsed it, before it is translated."""

    def apply(self) -> None:
        if not translated_edition(self.config):
            return
        title = next(self.document.findall(nodes.title), None)
        if title is not None:
            english_titles(self.env)[self.env.docname] = clean_astext(title)
        messages = list(extract_messages(self.document))
        self.document.source_messages = messages  # book_build.languages.foreign reads them too
        self.document.english_copies = [
            (node, node.deepcopy())
            for node, _message in messages
            if isinstance(node, BLOCKS)
            and not any(isinstance(a, SKIPPED_IN) for a in ancestors(node))
            and not in_english(node)
        ]


class PlaceEnglish(SphinxTransform):
    """Each translated block with its English: inside a paragraph, after a heading or caption."""

    def apply(self) -> None:
        copies = self.document.__dict__.pop("english_copies", [])
        for node, copy in copies:
            if node.parent is None or not node.get("translated"):
                continue  # Sphinx shows the source's words: the block is its own English
            for each in copy.findall(nodes.Element):
                each["ids"], each["names"] = [], []  # the block itself keeps the targets
            words = nodes.inline("", "", *copy.children)  # inline: a text's own parent
            block = english("", words, classes=["language-en"])  # English quotes
            if isinstance(node, nodes.paragraph):
                node += block
            else:
                block["after"] = True
                node.parent.insert(node.parent.index(node) + 1, block)


def english_titles(env) -> dict[str, str]:
    """Each page's title as its source writes it: {docname: title}."""
    return env.__dict__.setdefault("english_titles", {})


def forget_title(app: Sphinx, env, docname: str) -> None:
    english_titles(env).pop(docname, None)


def merge_titles(app: Sphinx, env, docnames, other) -> None:
    theirs = english_titles(other)
    english_titles(env).update({d: theirs[d] for d in docnames if d in theirs})


class EnglishTitles(SphinxPostTransform):
    """A ``{doc}`` reference in a block's English shows its page's English title."""

    def run(self, **kwargs) -> None:
        titles = english_titles(self.env)
        for node in self.document.findall(addnodes.pending_xref):
            if node.get("reftype") != "doc" or node.get("refexplicit") or not in_english(node):
                continue
            refdoc = node.get("refdoc", self.env.docname)
            title = titles.get(docname_join(refdoc, node["reftarget"]))
            if title:
                node["refexplicit"] = True  # Sphinx then shows the node's own words
                node[:] = [nodes.inline(title, title)]


def ancestors(node: nodes.Node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


def visit_english(self, node: english) -> None:
    if not for_website(self.builder.app):
        raise nodes.SkipNode
    node["mark"] = "english-mark" + " english-after" * node.get("after", False)
    node["start"] = len(self.body)


def depart_english(self, node: english) -> None:
    """The block's English goes to the page's list; the page keeps a mark in its place."""
    start = node["start"]
    pages = self.builder.__dict__.setdefault("english_blocks", {})
    pages.setdefault(self.builder.current_docname, []).append("".join(self.body[start:]).strip())
    self.body[start:] = [f'<span class="{node["mark"]}"></span>']


def skip(self, node: nodes.Node) -> None:
    raise nodes.SkipNode


def write_english(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The page's English blocks as a script of their own, named in the page's head with the
    words of the controls; and the script that reads them."""
    blocks = app.builder.__dict__.get("english_blocks", {}).pop(pagename, None)
    if not for_website(app) or not blocks:
        return
    data = f"window.bookEnglish = {json.dumps(blocks, ensure_ascii=False)};\n".encode()
    write_if_changed(Path(app.outdir) / "_static" / "english" / f"{pagename}.js", data)
    href = context["pathto"](f"_static/english/{pagename}.js", resource=True)
    href += f"?v={checksum(data)}"
    words = {
        "show": _("Show the English original"),
        "hide": _("Hide the English original"),
        "view": _("Read in"),
        "translation": project.languages()[app.config.language]["name"],  # each in its own
        "original": project.languages()[project.source_language()]["name"],  # language
        "both": _("Both"),
        "untranslated": _("Not translated yet: the original English."),
    }
    attributes = " ".join(f'data-{k}="{html.escape(v)}"' for k, v in words.items())
    context["metatags"] = context.get("metatags", "") + (
        f'\n<meta name="book-english" content="{href}" {attributes}>'
    )
    app.add_js_file(SCRIPT, loading_method="defer")


def register(app: Sphinx) -> None:
    """What this part adds to Sphinx; when its code runs is book_build's pipeline."""
    app.add_node(english, html=(visit_english, depart_english), latex=(skip, None),
                 text=(skip, None), man=(skip, None), texinfo=(skip, None))  # fmt: skip
