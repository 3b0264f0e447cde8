"""Sphinx extension: each executed chapter offers its code as a Jupyter notebook.

``<page>.ipynb`` is written beside ``<page>.html``: a first cell with the chapter's title in
the edition's language, then the chapter's code cells in order (prose stays on the page, so
the notebook is the same code in every edition). Cell ids are numbered, so two builds write
the same bytes. Templates get ``notebook_download`` (a relative URL) on those pages.
"""

from pathlib import Path

import nbformat
from myst_nb.core.read import read_myst_markdown_notebook
from sphinx.application import Sphinx

from book_build import project


def is_notebook(app: Sphinx, docname: str) -> bool:
    return docname in app.env.found_docs and project.is_chapter(Path(app.env.doc2path(docname)))


def notebook_of(app: Sphinx, docname: str) -> nbformat.NotebookNode:
    source = Path(app.env.doc2path(docname)).read_text(encoding="utf-8")
    chapter = read_myst_markdown_notebook(source)
    title = app.env.titles[docname].astext()
    cells = [nbformat.v4.new_markdown_cell(f"# {title}")]
    cells += [
        nbformat.v4.new_code_cell(cell.source) for cell in chapter.cells if cell.cell_type == "code"
    ]
    for number, cell in enumerate(cells):
        cell.id = f"cell-{number}"
    return nbformat.v4.new_notebook(
        cells=cells, metadata={"kernelspec": chapter.metadata.kernelspec}
    )


def add_download_link(app: Sphinx, pagename: str, templatename, context: dict, doctree) -> None:
    if is_notebook(app, pagename):
        context["notebook_download"] = Path(pagename).name + ".ipynb"


def write_notebooks(app: Sphinx, exception) -> None:
    if exception or app.builder.format != "html":
        return
    for docname in app.env.found_docs:
        if is_notebook(app, docname):
            target = Path(app.outdir) / f"{docname}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(nbformat.writes(notebook_of(app, docname)), encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", add_download_link)
    app.connect("build-finished", write_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
