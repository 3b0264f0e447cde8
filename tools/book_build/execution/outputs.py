"""The package's moving figures as each builder shows them: the book's one myst-nb MIME renderer
(an entry point of ``tools/pyproject.toml``), and a check that nothing else needs a browser.

A chapter's explorer or animation is an output of a MIME type of ``descent.outputs``, whose
content is data. The web page gets the widget (``web/explorers``, ``web/player``); the PDF
and the ePub, which run no script, get a still of the explorer (``paper/stills``) or a strip of
the animation's frames (``paper/frames``). Each builder reads the book into its own doctrees
(``commands/pdf``), so choosing by builder while the page is read is safe.
"""

from docutils import nodes
from myst_nb._compat import get_env_app
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

from book_build.paper import frames, stills
from book_build.web import explorers, player
from descent.outputs import EXPLORER_MIME, PLAYER_MIME

logger = logging.getLogger(__name__)
PAPER = ("latex", "epub")  # the builders whose readers run no script


class PackageOutputs:
    """myst-nb MIME renderer for ``EXPLORER_MIME`` and ``PLAYER_MIME``."""

    mime_priority_overrides = [
        ("*", EXPLORER_MIME, 1),  # before anything else a builder could show (myst-nb: 10+)
        ("*", PLAYER_MIME, 1),
        # On paper, another HTML output comes after its images, and before its plain text:
        # chosen only when it has no other form, for HtmlOnPaper to name.
        ("latex", "text/html", 55),
        ("epub", "text/html", 95),
    ]

    @staticmethod
    def handle_mime(renderer, data, inline: bool):
        if data.mime_type not in (EXPLORER_MIME, PLAYER_MIME):
            return None
        env = renderer.renderer.sphinx_env
        builder = get_env_app(env).builder
        if data.mime_type == EXPLORER_MIME:
            if builder.name in PAPER:
                return stills.still_figure(renderer, data.content)
            node = explorers.widget_node(data.content)
        elif builder.name in PAPER:
            return frames.strip_figure(renderer, env.docname, data.content, builder.name)
        else:
            images = relative_uri(builder.get_target_uri(env.docname), "_images") + "/"
            node = player.player_node(data.content, images)
        node["classes"] += ["output", "text_html"]  # as myst-nb marks an HTML output
        return [node]


class HtmlOnPaper(SphinxPostTransform):
    """A cell's HTML output, chosen where no script runs: the build fails, naming the cell,
    until the cell has an image output as well."""

    builders = PAPER

    def run(self) -> None:
        for node in self.document.findall(nodes.raw):
            if "output" in node["classes"] and "html" in node.get("format", "").split():
                logger.warning(
                    f"an HTML output has no form for the {self.app.builder.name} builder: give "
                    "its cell an image output as well, or leave it out of that edition",
                    location=node,
                )
