"""An animation on paper and on an e-reader: a strip of a few of its frames.

A chapter hands the build an animation as a video (``descent.outputs.PlayerData``), which the
web page plays. A PDF cannot play it, and an ePub reader runs no script. For the LaTeX and ePub
builders it becomes a figure: a few frames of its video, evenly spaced, each labelled with its
step, the video's description as alternative text, and a caption that names the web page that
plays it (a link in the PDF, which sits beside it).
"""

import base64
import hashlib
import io
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.locale import get_translation

from book_build import project
from descent.outputs import PlayerData

if TYPE_CHECKING:
    import numpy as np

_ = get_translation(project.BUILD_CATALOG)

FRAMES_SHOWN = 4
STRIP_WIDTH = 6.3  # inches: the text width of the PDF's A4 page
# What each builder shows: the PDF takes vector labels around the frames, the ePub a PNG.
STRIP_FORMAT = {"latex": "pdf", "epub": "png"}


def frame_numbers(count: int, shown: int = FRAMES_SHOWN) -> list[int]:
    """``shown`` frames evenly spaced from the first to the last of ``count`` frames."""
    if count <= shown:
        return list(range(count))
    return [round(i * (count - 1) / (shown - 1)) for i in range(shown)]


# Imported where a strip is made, not above: every Sphinx process of every builder imports
# this module, and matplotlib alone would add half a second to each one's start.
def decode_frames(video: bytes) -> "list[np.ndarray]":
    """Every frame of an MP4 video, as RGB arrays (ffmpeg's decoding is exact)."""
    import imageio_ffmpeg
    import numpy as np

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "video.mp4"
        path.write_bytes(video)
        reader = imageio_ffmpeg.read_frames(str(path), output_params=["-bitexact"])
        meta = next(reader)
        width, height = meta["size"]
        return [np.frombuffer(raw, np.uint8).reshape(height, width, 3) for raw in reader]


def draw_strip(frames: "list[np.ndarray]", steps: list[int], fmt: str) -> bytes:
    """The frames side by side, each labelled with its step, as ``fmt`` (pdf or png) bytes."""
    import numpy as np
    from matplotlib.figure import Figure

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


def strip_figure(renderer, docname: str, player: PlayerData, builder: str) -> list[nodes.Element]:
    """The strip, and a caption that says where the animation plays (``renderer`` is myst-nb's,
    which writes the image)."""
    frames = decode_frames(base64.b64decode(player["video"]))
    steps = frame_numbers(len(frames))
    strip = draw_strip([frames[i] for i in steps], steps, STRIP_FORMAT[builder])
    name = hashlib.sha256(strip).hexdigest() + "." + STRIP_FORMAT[builder]
    uri = renderer.write_file([name], strip, overwrite=False, exists_ok=True)
    image = nodes.image(uri=uri, alt=player["description"], width="100%")

    page = f"{docname}.html#{player['id']}"
    shown = ", ".join(str(step) for step in steps)
    sentence = _("Steps %(steps)s of the animation, which the web page %(page)s plays.")
    before, _sep, after = (sentence % {"steps": shown, "page": "\0"}).partition("\0")
    if builder == "latex":  # the PDF sits beside the web pages; an ePub cannot link out
        where = nodes.reference(f"{docname}.html", f"{docname}.html", refuri=page)
    else:
        where = nodes.literal(f"{docname}.html", f"{docname}.html")
    caption = nodes.caption("", "", nodes.Text(before), where, nodes.Text(after))
    return [nodes.figure("", image, caption, classes=["player-frames"])]
