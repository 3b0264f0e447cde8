"""Sphinx extension: the animation player of a chapter on a page that forbids inline scripts and
``data:`` media (see policy.py).

A chapter hands the build an animation as data (``descent.outputs.PlayerData``): the MP4 and the
words of the controls. Here it becomes the player's markup; the video becomes a file of
``_images`` named by its content, and ``_static/player.js`` (deferred) drives the buttons of
the pages that have a player.
"""

import base64
import hashlib
import json
from html import escape as e
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

from book_build.web.assets import for_website, write_if_changed
from descent.outputs import PlayerData

PLAYER_CLASS = "descent-player"
SCRIPT_FILE = "player.js"


class player(nodes.raw):  # noqa: N801 (docutils names nodes in lower case)
    """The player's markup; its ``video`` (base64) is written to ``_images`` with the page."""


def video_file_name(video: bytes) -> str:
    return hashlib.sha256(video).hexdigest()[:32] + ".mp4"


def player_node(data: PlayerData, images_uri: str) -> player:
    """The player of ``data``, its video linked from ``images_uri`` (the page's ``_images/``)."""
    uri = images_uri + video_file_name(base64.b64decode(data["video"]))
    return player("", player_html(data, uri), format="html", video=data["video"])


def player_html(data: PlayerData, video_uri: str) -> str:
    """Real buttons, a seek bar and a live step count around the video; player.js drives them."""
    words, last = data["labels"], data["last"]
    # player.js needs three of the words; in this order, whatever order the notebook kept
    script_words = {key: words[key] for key in ("play", "pause", "step")}
    description = e(data["description"])
    return (
        f'<figure class="{PLAYER_CLASS}" id="{data["id"]}" data-fps="{data["fps"]}" '
        f'data-last="{last}"\n data-labels="{e(json.dumps(script_words, ensure_ascii=False))}">\n'
        f'<video src="{video_uri}" width="{data["width"]}" height="{data["height"]}" '
        f'aria-label="{description}"\n preload="auto" muted playsinline></video>\n'
        f'<div class="descent-player__controls" role="group" aria-label="{description}">\n'
        f'<button type="button" data-act="play">{e(words["play"])}</button>\n'
        f'<button type="button" data-act="prev">{e(words["previous"])}</button>\n'
        f'<button type="button" data-act="next">{e(words["next"])}</button>\n'
        f'<input type="range" min="0" max="{last}" step="1" value="0"\n'
        f' aria-label="{e(words["seek"])}">\n'
        f'<output aria-live="polite">{e(words["step"].format(step=0, total=last))}</output>\n'
        "</div>\n</figure>"
    )


def write_videos(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Called on doctree-resolved: the page's videos, each a file of ``_images``."""
    if not for_website(app):
        return
    for node in doctree.findall(player):
        video = base64.b64decode(node["video"])
        write_if_changed(Path(app.outdir, "_images", video_file_name(video)), video)


def load_script(app: Sphinx, pagename: str, templatename, context: dict, doctree) -> None:
    if for_website(app) and doctree is not None and any(doctree.findall(player)):
        app.add_js_file(SCRIPT_FILE, defer="defer")
