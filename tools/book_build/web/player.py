"""Sphinx extension: the animation player of ``descent.animation`` on a page that forbids inline
scripts and ``data:`` media (see policy.py).

A chapter's output holds a self-contained player, so that it also works in a notebook: the MP4 as
a ``data:`` URI and its script inline. On the site, each video becomes a file of ``_images``
named by its content, the inline script goes, and the same script, written once to
``_static/player.js``, is loaded (deferred) by the pages that have a player.
"""

import base64
import hashlib
import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.osutil import relative_uri

from book_build.web.assets import for_website, write_if_changed

PLAYER_CLASS = "descent-player"
SCRIPT_FILE = "player.js"
VIDEO = re.compile(r'src="data:video/mp4;base64,([A-Za-z0-9+/=]+)"')


def player_script() -> str:
    from descent.player import PLAYER_SCRIPT  # the book's package, installed beside this one

    return PLAYER_SCRIPT


def video_file_name(video: bytes) -> str:
    return hashlib.sha256(video).hexdigest()[:32] + ".mp4"


def externalize(markup: str, save_video, images_uri: str) -> str:
    """``markup`` with each player's inline script removed and each ``data:`` video replaced by
    a file (``save_video(name, bytes)``) linked from ``images_uri``."""

    def to_file(match: re.Match) -> str:
        video = base64.b64decode(match[1])
        name = video_file_name(video)
        save_video(name, video)
        return f'src="{images_uri}{name}"'

    markup = markup.replace(f"<script>{player_script()}</script>", "")
    return VIDEO.sub(to_file, markup)


def move_videos(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if not for_website(app):
        return
    images = Path(app.outdir) / "_images"
    uri = relative_uri(app.builder.get_target_uri(docname), "_images") + "/"

    def save(name: str, video: bytes) -> None:
        write_if_changed(images / name, video)

    for node in list(doctree.findall(nodes.raw)):
        text = node.astext()
        if "html" in node.get("format", "").split() and PLAYER_CLASS in text:
            new = nodes.raw("", externalize(text, save, uri), format=node["format"])
            node.replace_self(new)


def write_script(app: Sphinx, env) -> None:
    if for_website(app):
        path = Path(app.outdir) / "_static" / SCRIPT_FILE
        write_if_changed(path, (player_script() + "\n").encode())


def load_script(app: Sphinx, pagename: str, templatename, context: dict, doctree) -> None:
    if for_website(app) and f'class="{PLAYER_CLASS}"' in context.get("body", ""):
        app.add_js_file(SCRIPT_FILE, defer="defer")
