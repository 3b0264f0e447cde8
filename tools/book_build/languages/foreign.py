"""Sphinx extension: the English words of a translated page are English to a screen reader.

A translation quotes English: a glossary term's original, "tasa de aprendizaje (*learning
rate*)", or a word the trade keeps, "softmax menos one-hot". WCAG 3.1.2 asks that such a
passage carry its language, so that a screen reader reads it with an English voice. Nothing is
marked by hand in the catalogs; in a translated edition, these are marked ``lang="en"``:

- an emphasis of a translated block whose words are copied from the block's English source
  (its message), once Sphinx has translated the page: "(*learning rate*)";
- in any text of the page, an English term the book knows: the English of the edition's agreed
  terms (``locales/<lang>/terms.toml``), the glossary's terms as the source writes them, and the
  words found as above anywhere in the book.

Never marked: a name or an abbreviation (no word in lower case: Adam, SGD, RMSProp); a term the
edition keeps as it is (a glossary term translated by itself, "softmax"; an agreed term whose
forms include its English); code, math, the page's hidden English
(``book_build.languages.parallel``).

An emphasis gets the class ``language-en``, which docutils writes as ``<em lang="en">``; other
text goes into a ``foreign`` node, ``<span lang="en">`` in HTML and its bare words elsewhere: the
PDF, the notebooks and the plain text are as they were. The English edition is never touched.
"""

import re
import tomllib

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

from book_build import project
from book_build.languages.parallel import english, in_english, translated_edition

SOURCE = project.source_language()
LANGUAGE_CLASS = f"language-{SOURCE}"  # docutils' HTML writers make it lang="en"
# Not the edition's words: code, math, the page's hidden English, and the bibliography (each
# source keeps the title it was published with, in its own language).
NOT_PROSE = (nodes.FixedTextElement, nodes.literal, nodes.math, nodes.raw, nodes.comment,
             nodes.image, nodes.citation, addnodes.desc_signature, english)  # fmt: skip
LOWER_CASE_WORD = re.compile(r"(?<![\w-])[^\W\d_A-Z]", re.UNICODE)  # a word that is no name


class foreign(nodes.Inline, nodes.TextElement):  # noqa: N801 (docutils names nodes in lower case)
    """Words of the source's language inside the edition's text."""


def words(text: str) -> str:
    return " ".join(text.split())


def is_prose(text: str) -> bool:
    """Whether ``text`` reads as words of a language, not as a name or an abbreviation."""
    return bool(LOWER_CASE_WORD.search(text))


def pattern(terms) -> re.Pattern | None:
    """Any of ``terms`` as whole words, longest first, in any case, spaces as any white space."""
    alternatives = [
        r"\s+".join(re.escape(part) for part in term.split())
        for term in sorted(terms, key=lambda t: (-len(t), t))
    ]
    if not alternatives:
        return None
    return re.compile(rf"(?<![\w-])(?:{'|'.join(alternatives)})(?![\w-])", re.IGNORECASE)


def book_data(env) -> dict:
    """What each page read taught: {docname: {"quoted": ..., "glossary": ..., "kept": ...}}."""
    return env.__dict__.setdefault("foreign_words", {})


# --- Reading: the words each translated block copies from its source ----------------------------
class FindQuotedEnglish(SphinxTransform):
    """The emphases a translated block copies from its source; the glossary's terms."""

    def apply(self) -> None:
        # Each block's source message, kept before translation by parallel.CopyEnglish.
        messages = self.document.__dict__.pop("source_messages", [])
        if not translated_edition(self.config):
            return
        quoted, glossary, kept = set(), set(), set()
        for node, message in messages:
            if isinstance(node, nodes.term):
                original = words(message)
                glossary.add(original.lower())
                if node.get("translated") and words(node.astext()) == original:
                    kept.add(original.lower())  # the edition says it as the source does
            if not node.get("translated") or node.parent is None:
                continue
            for emphasis in node.findall(nodes.emphasis):
                text = words(emphasis.astext())
                if in_english(emphasis) or not quotes(emphasis, text, message):
                    continue
                emphasis["quoted_source"] = True  # English, unless the book keeps it (below)
                quoted.add(text.lower())
        book_data(self.env)[self.env.docname] = {
            "quoted": quoted,
            "glossary": glossary,
            "kept": kept,
        }


def quotes(emphasis: nodes.emphasis, text: str, message: str) -> bool:
    """Whether ``emphasis``, of words ``text``, is English its block copies from ``message``."""
    if not is_prose(text) or any(not isinstance(c, nodes.Text) for c in emphasis.children):
        return False  # a name (Adam, SGD), or code or math inside
    found = pattern([text])
    return bool(found and found.search(message))


def purge(app: Sphinx, env, docname: str) -> None:
    book_data(env).pop(docname, None)


def merge(app: Sphinx, env, docnames, other) -> None:
    book_data(env).update({d: book_data(other)[d] for d in docnames if d in book_data(other)})


# --- Writing: mark them --------------------------------------------------------------------------
def agreed_terms(lang: str) -> tuple[set[str], set[str]]:
    """The English of the edition's agreed terms, and those of them it keeps as they are."""
    path = project.LOCALES / lang / "terms.toml"
    if not path.exists():
        return set(), set()
    english_terms, kept = set(), set()
    for term in tomllib.loads(path.read_text(encoding="utf-8")).get("term", []):
        forms = {form.lower() for form in term.get(lang, [])}
        for each in term.get("en", []):
            english_terms.add(each.lower())
            if each.lower() in forms:
                kept.add(each.lower())
    return english_terms, kept


def known_english(app: Sphinx) -> tuple[set[str], set[str]]:
    """The English terms the book knows, and the terms the edition keeps as they are."""
    terms, kept = agreed_terms(app.config.language)
    for page in book_data(app.env).values():
        terms |= page["quoted"] | page["glossary"]
        kept |= page["kept"]
    return {t for t in terms - kept if is_prose(t)}, kept


def rewrite_when_terms_change(app: Sphinx, env) -> list[str]:
    """After reading: every page to write again when the book's English terms changed, since a
    page marks the terms any page quotes (else an unchanged page would keep its old marks)."""
    if not translated_edition(app.config):
        return []
    current = known_english(app)
    previous = getattr(env, "book_english_terms", None)
    env.book_english_terms = current
    return sorted(env.found_docs) if previous is not None and previous != current else []


def mark_english(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if not translated_edition(app.config):
        return
    terms, kept = known_english(app)
    for emphasis in list(doctree.findall(nodes.emphasis)):
        quoted = emphasis.attributes.pop("quoted_source", False)
        if quoted and words(emphasis.astext()).lower() not in kept:
            emphasis["classes"].append(LANGUAGE_CLASS)
    found = pattern(terms)
    if found is None:
        return
    for text in list(doctree.findall(nodes.Text)):
        if not is_edition_prose(text):
            continue
        parent, pieces, start = text.parent, [], 0
        for match in found.finditer(str(text)):
            whole = match.start() == 0 and match.end() == len(text)
            if whole and isinstance(parent, nodes.emphasis) and len(parent) == 1:
                parent["classes"].append(LANGUAGE_CLASS)
                break
            quoted = foreign(match.group(), match.group(), classes=[LANGUAGE_CLASS])
            pieces += [nodes.Text(text[start : match.start()]), quoted]
            start = match.end()
        if pieces:
            pieces.append(nodes.Text(text[start:]))
            parent.replace(text, [p for p in pieces if not isinstance(p, nodes.Text) or str(p)])


def is_edition_prose(text: nodes.Text) -> bool:
    """Whether ``text`` is words of the edition: not code, math, English already, or a passage
    left untranslated (the page marks it English as a whole)."""
    node = text.parent
    while node is not None:
        if isinstance(node, (*NOT_PROSE, foreign)):
            return False
        if LANGUAGE_CLASS in node.get("classes", []) or "untranslated" in node.get("classes", []):
            return False
        node = node.parent
    return True


# --- Writers -------------------------------------------------------------------------------------
def visit_foreign_html(self, node: foreign) -> None:
    self.body.append(self.starttag(node, "span", ""))


def depart_foreign_html(self, node: foreign) -> None:
    self.body.append("</span>")


def bare(self, node: foreign) -> None:
    """Elsewhere its words, as they were."""


def register(app: Sphinx) -> None:
    """What this part adds to Sphinx; when its code runs is book_build's pipeline."""
    app.add_node(foreign, html=(visit_foreign_html, depart_foreign_html), latex=(bare, bare),
                 text=(bare, bare), man=(bare, bare), texinfo=(bare, bare))  # fmt: skip
