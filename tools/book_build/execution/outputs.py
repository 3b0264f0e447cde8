"""The package's moving figures as each builder shows them: the book's one myst-nb MIME renderer
(an entry point of ``tools/pyproject.toml``).

A chapter's explorer or animation is an output of a MIME type of ``descent.outputs``, whose
content is data. The web page gets the widget (``web/explorers``, ``web/player``); the PDF
and the ePub, which run no script, get a still of the explorer (``paper/stills``) or a strip of
the animation's frames (``paper/frames``). Each builder reads the book into its own doctrees
(``commands/pdf``), so choosing by builder while the page is read is safe.
"""

from myst_nb._compat import get_env_app
from sphinx.util.osutil import relative_uri

from book_build.paper import frames, stills
from book_build.web import explorers, player
from descent.outputs import EXPLORER_MIME, PLAYER_MIME

PAPER = ("latex", "epub")  # the builders whose readers run no script


class PackageOutputs:
    """myst-nb MIME renderer for ``EXPLORER_MIME`` and ``PLAYER_MIME``."""

    # Before everything else a builder could show of the same output (myst-nb's best is 10).
    mime_priority_overrides = [("*", EXPLORER_MIME, 1), ("*", PLAYER_MIME, 1)]

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
