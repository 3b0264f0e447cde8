"""Animations of a recorded fit, and a small offline player for them.

The fit is run first (:func:`descent.fit.fit_gradient_descent` records the parameters of every
step); an animation only *draws* frame ``i`` from ``fit.params[i]``. So drawing a frame twice,
or jumping to any frame, never trains the model again.
"""

import base64
import hashlib
import html
import tempfile
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import matplotlib
import matplotlib.pyplot as plt
import torch
from matplotlib.animation import FFMpegWriter, FuncAnimation
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from descent.fit import Fit, least_squares
from descent.i18n import _
from descent.outputs import PLAYER_MIME, PlayerData
from descent.plots import DATA_COLOR, MODEL_COLOR, draw_loss_contours, loss_view, new_axes

FPS = 10  # frames per second of the videos: a step lasts 0.1 s, slow enough to follow
SIZE = (5.0, 3.5)  # inches; with DPI, a 400 × 280 pixel video
DPI = 80
# ffmpeg options for a video that is the same, byte for byte, on every build:
# one thread (x264 splits work differently with more), no version or date in the file, and
# no macroblock-tree rate control (x264's mbtree reads memory it never wrote: its output then
# depends on what the allocator hands out; tests/package/test_animation.py fills it two ways).
BITEXACT_ARGS = [
    "-threads", "1",
    "-mbtree", "0",
    "-fflags", "+bitexact",
    "-flags:v", "+bitexact",
    "-map_metadata", "-1",
    "-pix_fmt", "yuv420p",
    "-crf", "34",
    "-preset", "veryslow",
    "-tune", "animation",
    "-movflags", "+faststart",
]  # fmt: skip


def freeze_layout(fig: Figure) -> None:
    """Lay the figure out once and keep it: frames then cannot shift, and draw faster."""
    fig.canvas.draw()
    fig.set_layout_engine("none")
    plt.close(fig)  # the player shows the animation; a static copy would be a duplicate


def step_label(step: int, last: int) -> str:
    """The counter of a frame, in the edition's language: "step 3 of 100"."""
    return _("step {step} of {total}").format(step=step, total=last)


# What each animation shows, read out by screen readers in place of the video.
FIT_DESCRIPTION = _(
    "Animation: a straight line starts far from the points and, step by step, "
    "turns and rises until it passes through the middle of them."
)
PATH_DESCRIPTION = _(
    "Animation: a dot on a map of the loss, drawn as contour lines, moves step by step "
    "from its start towards the star that marks the lowest loss, leaving a trail."
)


def fit_figure(
    x: torch.Tensor, y: torch.Tensor, params: torch.Tensor
) -> tuple[Figure, Line2D, Text]:
    """The points, the line of ``params`` across them and a step counter, laid out once."""
    fig, ax = new_axes(
        _("The line after each step of gradient descent"), _("input x"), _("target y"), SIZE
    )
    ax.scatter(x[:, 0], y, s=10, color=DATA_COLOR, label=_("data"))
    ends = torch.stack([x[:, 0].min(), x[:, 0].max()])  # two points draw a straight line
    (line,) = ax.plot(ends, params[0] * ends + params[1], color=MODEL_COLOR, label=_("line"))
    counter = ax.text(0.02, 0.92, "", transform=ax.transAxes)
    ax.set_ylim(y.min().item() - 1, y.max().item() + 1)  # set_ydata does not rescale the axes
    ax.legend(loc="lower right")
    freeze_layout(fig)
    return fig, line, counter


def animate_fit(x: torch.Tensor, y: torch.Tensor, fit: Fit) -> FuncAnimation:
    """The line of every recorded step over the data: one frame per row of ``fit.params``."""
    fig, line, counter = fit_figure(x, y, fit.params[0])

    def update(i: int):
        """Draw frame ``i`` from the recorded parameters; no training happens here."""
        slope, intercept = fit.params[i].tolist()
        line.set_ydata(slope * line.get_xdata() + intercept)
        counter.set_text(step_label(i, len(fit.params) - 1))

    return FuncAnimation(fig, update, frames=len(fit.params))


def path_figure(x: torch.Tensor, y: torch.Tensor, fit: Fit) -> tuple[Figure, Line2D, Text]:
    """Contours of the MSE around the recorded path, the optimum, an empty path and a step
    counter, laid out once."""
    fig, ax = new_axes(_("The parameters walking down the loss"), _("slope"), _("intercept"), SIZE)
    best = least_squares(x, y)
    view = loss_view(torch.cat([fit.params, best.unsqueeze(0)]), margin=0.5, aspect=1.6)
    draw_loss_contours(ax, x, y, *view)
    ax.plot(*best.tolist(), "*", color="black", markersize=12, label=_("optimum"))
    (path,) = ax.plot([], [], ".-", color=DATA_COLOR, label=_("parameters"))
    counter = ax.text(0.02, 0.92, "", transform=ax.transAxes)
    ax.legend(loc="lower right")
    freeze_layout(fig)
    return fig, path, counter


def animate_path(x: torch.Tensor, y: torch.Tensor, fit: Fit) -> FuncAnimation:
    """The parameters walking down the contours of the MSE, one frame per row of ``fit.params``."""
    fig, path, counter = path_figure(x, y, fit)

    def update(i: int):
        """Draw the path up to step ``i`` from the recorded parameters."""
        path.set_data(fit.params[: i + 1, 0], fit.params[: i + 1, 1])
        counter.set_text(step_label(i, len(fit.params) - 1))

    return FuncAnimation(fig, update, frames=len(fit.params))


def encode_mp4(anim: FuncAnimation) -> bytes:
    """The animation as H.264 MP4 bytes, identical on every call (see ``BITEXACT_ARGS``)."""
    matplotlib.rcParams["animation.ffmpeg_path"] = imageio_ffmpeg.get_ffmpeg_exe()
    writer = FFMpegWriter(fps=FPS, codec="h264", extra_args=BITEXACT_ARGS)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "animation.mp4"
        anim.save(path, writer=writer, dpi=DPI)
        return path.read_bytes()


def jshtml_size(anim: FuncAnimation) -> int:
    """Bytes of matplotlib's default HTML player for ``anim`` (PNG frames), to compare with."""
    return len(anim.to_jshtml().encode())


def player_id(video: bytes, label: str) -> str:
    """An id that is the same on every build and differs between players of one page."""
    return "player-" + hashlib.sha256(video + label.encode()).hexdigest()[:12]


@dataclass
class Player:
    """An animation for the book's player: the video, and the words of its controls."""

    data: PlayerData

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        """For the book, the data its player needs; for a notebook, the video with the
        browser's own controls."""
        d = self.data
        video = (
            f'<video src="data:video/mp4;base64,{d["video"]}" width="{d["width"]}" '
            f'height="{d["height"]}" aria-label="{html.escape(d["description"])}" controls></video>'
        )
        return {PLAYER_MIME: d, "text/html": video, "text/plain": d["description"]}


def video_player(anim: FuncAnimation, description: str) -> Player:
    """The animation as a video, with the words of the player around it (play, pause, a step
    back or forward, choose a step, the step count), in the edition's language.

    ``description`` says what the animation shows, for readers who cannot see it.
    """
    video = encode_mp4(anim)
    width, height = (round(size * DPI) for size in anim._fig.get_size_inches())
    labels = {
        "play": _("Play"),
        "pause": _("Pause"),
        "previous": _("Previous step"),
        "next": _("Next step"),
        "seek": _("Choose a step"),
        "step": _("step {step} of {total}"),
    }
    return Player({
        "id": player_id(video, description),
        "video": base64.b64encode(video).decode(),
        "fps": FPS,
        "last": sum(1 for _frame in anim.new_saved_frame_seq()) - 1,  # frames are steps 0..last
        "width": width,
        "height": height,
        "description": description,
        "labels": labels,
    })  # fmt: skip
