"""The bibliography in the edition's language, on the web page and on paper.

sphinxcontrib-bibtex formats the entries of book/references.bib with pybtex's ``unsrt`` style,
which writes a few English words ("and", "In", "pages"). This style takes them from the build's
catalog instead; titles stay in the language their source was published in.
"""

from docutils import nodes
from pybtex.plugin import register_plugin
from pybtex.style.formatting import toplevel
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.formatting.unsrt import date, pages
from pybtex.style.template import field, names, optional, sentence, words
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders.latex.nodes import thebibliography
from sphinx.locale import get_translation
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.texescape import escape
from sphinx.writers.html5 import HTML5Translator

from book_build import project

_ = get_translation(project.BUILD_CATALOG)
STYLE = "edition"  # bibtex_default_style in book/conf.py
PAGE = "references"  # the page that holds the {bibliography}


class EditionStyle(UnsrtStyle):
    """``unsrt`` with its words translated, for the kinds of entry the book cites: articles and
    books (which need no word but "and"), and chapters or conference papers."""

    def format_names(self, role, as_sentence=True):
        and_, last = str(_("and")), str(_(", and "))  # Spanish: "A, B y C", no comma before y
        formatted = names(role, sep=", ", sep2=f" {and_} ", last_sep=last)
        return sentence[formatted] if as_sentence else formatted

    def get_incollection_template(self, e):
        return self.get_inproceedings_template(e)

    def get_inproceedings_template(self, e):
        """Author. Title. In Book title, Series Volume, pages 9–50. Publisher, Year."""
        return toplevel[
            sentence[self.format_names("author")],
            self.format_title(e, "title"),
            words[
                str(_("In")),
                sentence[
                    self.format_btitle(e, "booktitle", as_sentence=False),
                    optional[words[field("series"), field("volume")]],
                    optional[words[str(_("pages")), pages]],
                ],
            ],
            sentence[optional[field("publisher")], date],
            self.format_web_refs(e),
        ]


class BibliographyAsReferencesPage(SphinxPostTransform):
    """On paper, Sphinx moves every citation to one bibliography at the end of the book
    (its BibliographyTransform, priority 750), titled LaTeX's ``\\bibname``, which would leave the
    references page an empty chapter. Drop that page and give the bibliography its title."""

    formats = ("latex",)

    def run(self, **kwargs) -> None:
        page = next(
            (f for f in self.document.findall(addnodes.start_of_file) if f["docname"] == PAGE),
            None,
        )
        bibliography = next(self.document.findall(thebibliography), None)
        if page is None or bibliography is None:
            return
        title = next(page.findall(nodes.title)).astext()
        page.parent.remove(page)
        rename = nodes.raw("", rf"\renewcommand{{\bibname}}{{{escape(title)}}}", format="latex")
        bibliography.parent.insert(bibliography.parent.index(bibliography), rename)


def visit_citation(self: HTML5Translator, node: nodes.citation) -> None:
    """docutils' entry, as a list item: axe rejects its doc-biblioentry inside role="list"."""
    if not isinstance(node.previous_sibling(), nodes.citation):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def register(app: Sphinx) -> None:
    """What this part adds to Sphinx; when its code runs is book_build's pipeline."""
    register_plugin("pybtex.style.formatting", STYLE, EditionStyle)
    app.add_node(nodes.citation, override=True,
                 html=(visit_citation, HTML5Translator.depart_citation))  # fmt: skip
