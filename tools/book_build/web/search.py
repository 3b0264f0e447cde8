"""The search index keeps every page's index entries (the glossary's terms) after an
incremental build, as after a clean one.

Why: Sphinx reloads the last search index for the pages it does not write again, but not their
index entries, so after any incremental build the search forgets the glossary until a clean
build. Workaround of https://github.com/sphinx-doc/sphinx/issues/12599 (open); canary:
tests/test_workarounds.py::test_sphinx_still_forgets_index_entries_of_unwritten_pages.
"""

from sphinx.application import Sphinx


def keep_index_entries(app: Sphinx) -> list:
    """html-collect-pages, before Sphinx writes the index: the entries of each page that was
    not written again are read back from the last index, in a clean build's order."""
    indexer = getattr(app.builder, "indexer", None)
    last = app.builder.outdir / app.builder.searchindex_filename
    if indexer is None or not last.exists():
        return []
    with open(last, encoding="utf-8") as stream:
        frozen = app.builder.indexer_format.load(stream)
    entries, names = indexer._index_entries, frozen["docnames"]
    kept = {}
    for entry, places in frozen["indexentries"].items():
        for doc, target, main in places:
            name = names[doc]
            if name not in entries and name in indexer._titles:  # still a page, not written
                kept.setdefault(name, []).append((entry, target, "main" if main else ""))
    merged = sorted({**entries, **kept}.items())  # a clean build feeds pages in sorted order
    entries.clear()
    entries.update(merged)
    return []
