"""Sphinx extension: every myst-nb glue role also works inside a translated paragraph.

Sphinx's Locale transform parses each translated paragraph as a small document of its own,
after myst-nb has let go of the page's outputs, so ``{glue:text}`key``` finds nothing there.
In such a paragraph each role reads the page's glued outputs where myst-nb saved them (the
page's ``.glue.json``) and renders them as in the source language:

- plain text ({glue:text}, and {glue}, {glue:}, {glue:any} of a text value) through myst-nb's
  documented reference form ``/<page>::<key>``, resolved by myst-nb after the page is read;
- other outputs of {glue}, {glue:}, {glue:any} (HTML, images) through the same form;
- Markdown ({glue:md}), which has no such form, parsed in place by MyST.

And every glued number is written the edition's way (``descent.numbers``): myst-nb prints it
with Python's ``format``, "0.100"; the Spanish edition says "0,100", both "−0,8" with a real
minus. Strings the package glues are already in the edition's language and stay as they are.

Checked by tests/tools/test_build.py::test_a_glued_value_survives_translation.
Upstream: no issue found for glue roles in translations; nearest, myst-nb with Sphinx's gettext
workflow: https://github.com/executablebooks/MyST-NB/issues/587. Canary:
tests/test_workarounds.py::test_myst_nb_glue_still_needs_the_pages_renderer.
"""

from docutils import nodes
from myst_nb.ext.glue.crossref import read_glue_cache
from myst_nb.ext.glue.roles import PasteMarkdownRole, PasteRoleAny, PasteTextRole
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from book_build import project
from book_build.languages.parallel import in_english
from descent.numbers import localized

# (domain, role) -> myst-nb's role: {glue}, {glue:}, {glue:any}, {glue:text}, {glue:md}
ROLES = {(None, "glue"): PasteRoleAny, ("glue", ""): PasteRoleAny, ("glue", "any"): PasteRoleAny,
         ("glue", "text"): PasteTextRole, ("glue", "md"): PasteMarkdownRole}  # fmt: skip


def in_translation(role):
    """``role``, which inside a translated paragraph takes the page's saved outputs."""
    paste_any, paste_text = PasteRoleAny(), PasteTextRole()

    def run(name, rawtext, text, lineno, inliner, options=None, content=()):
        document, run_role = inliner.document, role
        if "nb_renderer" not in document and "::" not in text:  # a translated paragraph
            env = document.settings.env
            key, _, spec = text.partition(":")
            data = read_glue_cache(env.mystnb_config.output_folder, env.docname)
            mimes = set(data.get(key, {}).get("data", {}))
            if isinstance(role, PasteMarkdownRole) and "text/markdown" in mimes:
                markdown = data[key]["data"]["text/markdown"]
                return inliner.parse(markdown, lineno, inliner, document)
            page = f"/{env.doc2path(env.docname, False)}"
            if isinstance(role, PasteTextRole) or mimes == {"text/plain"}:
                run_role, text = paste_text, f"{page}::{key}:{spec or 's'}"
            else:
                run_role, text = paste_any, f"{page}::{key}"
        return run_role(name, rawtext, text, lineno, inliner, options or {}, list(content))

    return run


class NumbersOfTheEdition(SphinxPostTransform):
    """Each pasted text that is a number, as the edition writes numbers."""

    def run(self, **kwargs) -> None:
        for node in self.document.findall(nodes.inline):
            if "pasted-text" in node["classes"]:
                text = node.astext()  # a block's English writes numbers the source's way
                lang = project.source_language() if in_english(node) else self.config.language
                written = localized(text, lang or "en")
                if written != text:
                    node.replace(node.children[0], nodes.Text(written))


def register(app: Sphinx) -> None:
    """What this part adds to Sphinx; when its code runs is book_build's pipeline."""
    for (domain, name), role in ROLES.items():
        if domain:
            app.add_role_to_domain(domain, name, in_translation(role()), override=True)
        else:
            app.add_role(name, in_translation(role()), override=True)
