"""The animation player on paper and on an e-reader: a strip of a few of its frames; an
explorer there: a still of its first state (``book_build.paper.stills``).

A chapter shows an animation as the HTML player of ``descent.animation`` (a ``text/html``
output that holds the video as a ``data:`` URI). A PDF cannot play it, and an ePub reader
runs no script. For the LaTeX and ePub builders this myst-nb mime renderer (an entry point of
``tools/pyproject.toml``) turns each player into a figure: a few frames of its video, evenly
spaced, each labelled with its step, the video's description as alternative text, and a
caption that names the web page that plays it (a link in the PDF, which sits beside it).

The HTML builders keep the player. Each builder reads the book into its own doctrees
(``book_build.commands.pdf``), so deciding by builder while the page is read is safe.
"""

import base64
import hashlib
import html
import io
import re
import tempfile
from pathlib import Path

import imageio_ffmpeg
import numpy as np
from docutils import nodes
from matplotlib.figure import Figure
from myst_nb._compat import get_env_app
from sphinx.locale import get_translation
from sphinx.util import logging

from book_build import project
from book_build.paper import stills

_ = get_translation(project.BUILD_CATALOG)
logger = logging.getLogger(__name__)

PLAYER = re.compile(r'<figure class="descent-player"[^>]*>')
VIDEO = re.compile(r'src="data:video/mp4;base64,([A-Za-z0-9+/=]+)"')
VIDEO_LABEL = re.compile(r'<video [^>]*aria-label="([^"]*)"')
PLAYER_ID = re.compile(r'id="([^"]+)"')
FRAMES_SHOWN = 4
STRIP_WIDTH = 6.3  # inches: the text width of the PDF's A4 page
# What each builder shows: the PDF takes vector labels around the frames, the ePub a PNG.
STRIP_FORMAT = {"latex": "pdf", "epub": "png"}


def frame_numbers(count: int, shown: int = FRAMES_SHOWN) -> list[int]:
    """``shown`` frames evenly spaced from the first to the last of ``count`` frames."""
    if count <= shown:
        return list(range(count))
    return [round(i * (count - 1) / (shown - 1)) for i in range(shown)]


def decode_frames(video: bytes) -> list[np.ndarray]:
    """Every frame of an MP4 video, as RGB arrays (ffmpeg's decoding is exact)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "video.mp4"
        path.write_bytes(video)
        reader = imageio_ffmpeg.read_frames(str(path), output_params=["-bitexact"])
        meta = next(reader)
        width, height = meta["size"]
        return [np.frombuffer(raw, np.uint8).reshape(height, width, 3) for raw in reader]


def draw_strip(frames: list[np.ndarray], steps: list[int], fmt: str) -> bytes:
    """The frames side by side, each labelled with its step, as ``fmt`` (pdf or png) bytes."""
    height, width = frames[0].shape[:2]
    frame_width = STRIP_WIDTH / len(frames)
    fig = Figure(figsize=(STRIP_WIDTH, frame_width * height / width + 0.3))
    axes = fig.subplots(1, len(frames))
    for ax, frame, step in zip(np.atleast_1d(axes), frames, steps, strict=True):
        ax.imshow(frame, interpolation="none")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel(_("step %(step)s") % {"step": step}, fontsize=9)
    fig.subplots_adjust(left=0.005, right=0.995, top=0.99, bottom=0.1, wspace=0.04)
    out = io.BytesIO()
    # No date or version in the file: the same strip gives the same bytes on every build.
    metadata = {"pdf": {"CreationDate": None, "Producer": None}, "png": {"Software": None}}[fmt]
    fig.savefig(out, format=fmt, dpi=200, metadata=metadata)
    return out.getvalue()


class PlayerAsFrames:
    """myst-nb mime renderer: the player as a strip of frames for the LaTeX and ePub builders."""

    # LaTeX has no text/html in its priorities: rank it before the "<IPython.core.display.HTML
    # object>" of text/plain, so that this renderer gets the player.
    mime_priority_overrides = [("latex", "text/html", 55)]

    @staticmethod
    def handle_mime(renderer, data, inline: bool):
        env = renderer.renderer.sphinx_env
        builder = get_env_app(env).builder.name if env else None
        if data.mime_type != "text/html" or builder not in STRIP_FORMAT or inline:
            return None
        markup = data.string
        if stills.is_explorer(markup):
            return still_figure(renderer, markup)
        player, video = PLAYER.search(markup), VIDEO.search(markup)
        if not (player and video):
            logger.warning(
                f"an HTML output has no form for the {builder} builder: give its cell an "
                "image output as well, or leave it out of that edition",
                location=(env.docname, data.line),
            )
            return None
        return strip_figure(renderer, env.docname, markup, player, video, builder)


def still_figure(renderer, markup: str) -> list[nodes.Element]:
    """An explorer's first state as one picture (the figure's caption stays the page's)."""
    document, alt, share = stills.still_svg(markup)
    png = stills.still_png(document)
    uri = renderer.write_file([hashlib.sha256(png).hexdigest() + ".png"], png, exists_ok=True)
    return [nodes.image(uri=uri, alt=alt, width=f"{round(100 * share)}%")]


def strip_figure(renderer, docname, markup, player, video, builder) -> list[nodes.Element]:
    frames = decode_frames(base64.b64decode(video[1]))
    steps = frame_numbers(len(frames))
    strip = draw_strip([frames[i] for i in steps], steps, STRIP_FORMAT[builder])
    name = hashlib.sha256(strip).hexdigest() + "." + STRIP_FORMAT[builder]
    uri = renderer.write_file([name], strip, overwrite=False, exists_ok=True)
    label = VIDEO_LABEL.search(markup)
    image = nodes.image(uri=uri, alt=html.unescape(label[1]) if label else "", width="100%")

    anchor = PLAYER_ID.search(player[0])
    page = f"{docname}.html" + (f"#{anchor[1]}" if anchor else "")
    shown = ", ".join(str(step) for step in steps)
    sentence = _("Steps %(steps)s of the animation, which the web page %(page)s plays.")
    before, _sep, after = (sentence % {"steps": shown, "page": "\0"}).partition("\0")
    if builder == "latex":  # the PDF sits beside the web pages; an ePub cannot link out
        where = nodes.reference(f"{docname}.html", f"{docname}.html", refuri=page)
    else:
        where = nodes.literal(f"{docname}.html", f"{docname}.html")
    caption = nodes.caption("", "", nodes.Text(before), where, nodes.Text(after))
    return [nodes.figure("", image, caption, classes=["player-frames"])]
