"""The bibliography in the edition's language.

sphinxcontrib-bibtex formats the entries of book/references.bib with pybtex's ``unsrt`` style,
which writes a few English words ("and", "In", "pages", "edition"). This style takes them from
the build's catalog instead; titles stay in the language their source was published in.
"""

from pybtex.plugin import register_plugin
from pybtex.style.formatting import toplevel
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.formatting.unsrt import date, pages
from pybtex.style.template import field, names, optional, sentence, words
from sphinx.application import Sphinx
from sphinx.locale import get_translation

from book_build.editions import MESSAGES

_ = get_translation(MESSAGES)
STYLE = "edition"  # bibtex_default_style in book/conf.py


class EditionStyle(UnsrtStyle):
    """``unsrt`` with its words translated, for the kinds of entry the book cites: articles and
    books (which need no words but "and" and "edition"), and chapters or conference papers."""

    def format_names(self, role, as_sentence=True):
        and_ = str(_("and"))
        formatted = names(role, sep=", ", sep2=f" {and_} ", last_sep=f", {and_} ")
        return sentence[formatted] if as_sentence else formatted

    def format_edition(self, e):
        return optional[words[field("edition"), str(_("edition"))]]

    def get_incollection_template(self, e):
        return self.get_inproceedings_template(e)

    def get_inproceedings_template(self, e):
        """Author. Title. In Book title, Series Volume(Number), pages 9–50. Publisher, Year."""
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


def setup(app: Sphinx) -> dict:
    register_plugin("pybtex.style.formatting", STYLE, EditionStyle)
    app.setup_extension("sphinxcontrib.bibtex")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
