"""Animations of a recorded fit, and a small offline player for them.

The fit is run first (:func:`descent.fit.fit_gradient_descent` records the parameters of every
step); an animation only *draws* frame ``i`` from ``fit.params[i]``. So drawing a frame twice,
or jumping to any frame, never trains the model again.
"""

import base64
import hashlib
import html
import json
import tempfile
from pathlib import Path

import imageio_ffmpeg
import matplotlib
import matplotlib.pyplot as plt
import torch
from matplotlib.animation import FFMpegWriter, FuncAnimation
from matplotlib.figure import Figure

from descent.fit import Fit, least_squares
from descent.i18n import _
from descent.loss import mse_surface
from descent.plots import DATA_COLOR, MODEL_COLOR, new_axes

FPS = 10  # frames per second of the videos: a step lasts 0.1 s, slow enough to follow
SIZE = (5.0, 3.5)  # inches; with DPI, a 400 × 280 pixel video
DPI = 80
# ffmpeg options for a video that is the same, byte for byte, on every build:
# one thread (x264 splits work differently with more), and no version or date in the file.
BITEXACT_ARGS = [
    "-threads", "1",
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


def animate_fit(
    x: torch.Tensor,
    y: torch.Tensor,
    fit: Fit,
    *,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    data_label: str | None = None,
    line_label: str | None = None,
    step_text: str | None = None,
    description: str | None = None,
    interval: int = 1000 // FPS,
) -> FuncAnimation:
    """The line of every recorded step over the data: one frame per row of ``fit.params``."""
    steps = len(fit.params) - 1
    step_text = step_text or _("step {step} of {total}")
    order = x[:, 0].argsort()  # left to right, so the line is drawn once, not back and forth
    x, y, params = x[order].numpy(), y[order].numpy(), fit.params.numpy()
    fig, ax = new_axes(
        title or _("The line after each step of gradient descent"),
        xlabel or _("input x"),
        ylabel or _("target y"),
        size=SIZE,
    )
    ax.scatter(x[:, 0], y, s=10, color=DATA_COLOR, label=data_label or _("data"))
    (line,) = ax.plot(x[:, 0], x @ params[0], color=MODEL_COLOR, label=line_label or _("line"))
    counter = ax.text(0.02, 0.92, "", transform=ax.transAxes)
    ax.set_ylim(y.min() - 1, y.max() + 1)  # fixed limits: set_ydata does not rescale the axes
    ax.legend(loc="lower right")
    freeze_layout(fig)

    def update(i: int):
        """Draw frame ``i`` from the recorded parameters; no training happens here."""
        line.set_ydata(x @ params[i])
        counter.set_text(step_text.format(step=i, total=steps))
        return line, counter

    anim = FuncAnimation(fig, update, frames=len(fit.params), interval=interval)
    anim.description = description or _(
        "Animation: a straight line starts far from the points and, step by step, "
        "turns and rises until it passes through the middle of them."
    )
    return anim


def loss_grid(x: torch.Tensor, y: torch.Tensor, fit: Fit, points: int = 60):
    """Slopes, intercepts and their MSE on a grid that holds the whole path and the optimum."""
    corners = torch.cat([fit.params, least_squares(x, y).unsqueeze(0)])
    low, high = corners.min(dim=0).values - 0.5, corners.max(dim=0).values + 0.5
    slopes = torch.linspace(low[0].item(), high[0].item(), points)
    intercepts = torch.linspace(low[1].item(), high[1].item(), points)
    return slopes, intercepts, mse_surface(x, y, slopes, intercepts)


def animate_path(
    x: torch.Tensor,
    y: torch.Tensor,
    fit: Fit,
    *,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    path_label: str | None = None,
    optimum_label: str | None = None,
    step_text: str | None = None,
    description: str | None = None,
    interval: int = 1000 // FPS,
) -> FuncAnimation:
    """The parameters walking down the contours of the MSE, one frame per row of ``fit.params``."""
    steps = len(fit.params) - 1
    step_text = step_text or _("step {step} of {total}")
    fig, ax = new_axes(
        title or _("The parameters walking down the loss"),
        xlabel or _("slope"),
        ylabel or _("intercept"),
        size=SIZE,
    )
    slopes, intercepts, losses = (t.numpy() for t in loss_grid(x, y, fit))
    params = fit.params.numpy()
    ax.contour(slopes, intercepts, losses, levels=15, cmap="viridis", linewidths=0.8)
    best = least_squares(x, y).numpy()
    ax.plot(*best, "*", color="black", markersize=12, label=optimum_label or _("optimum"))
    (path,) = ax.plot([], [], ".-", color=DATA_COLOR, label=path_label or _("parameters"))
    counter = ax.text(0.02, 0.92, "", transform=ax.transAxes)
    ax.legend(loc="lower right")
    freeze_layout(fig)

    def update(i: int):
        """Draw the path up to step ``i`` from the recorded parameters."""
        path.set_data(params[: i + 1, 0], params[: i + 1, 1])
        counter.set_text(step_text.format(step=i, total=steps))
        return path, counter

    anim = FuncAnimation(fig, update, frames=len(fit.params), interval=interval)
    anim.description = description or _(
        "Animation: a dot on a map of the loss, drawn as contour lines, moves step by step "
        "from its start towards the star that marks the lowest loss, leaving a trail."
    )
    return anim


def encode_mp4(anim: FuncAnimation, fps: int = FPS, dpi: int = DPI) -> bytes:
    """The animation as H.264 MP4 bytes, identical on every call (see ``BITEXACT_ARGS``)."""
    matplotlib.rcParams["animation.ffmpeg_path"] = imageio_ffmpeg.get_ffmpeg_exe()
    writer = FFMpegWriter(fps=fps, codec="h264", extra_args=BITEXACT_ARGS)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "animation.mp4"
        anim.save(path, writer=writer, dpi=dpi)
        return path.read_bytes()


def jshtml_size(anim: FuncAnimation) -> int:
    """Bytes of matplotlib's default HTML player for ``anim`` (PNG frames), to compare with."""
    return len(anim.to_jshtml().encode())


# Starts every player of the page that has not started yet; its settings are in data attributes.
# The book's site serves it as a file (its pages forbid inline scripts); a notebook runs it inline.
PLAYER_SCRIPT = """document.querySelectorAll("figure.descent-player:not([data-ready])")
.forEach(function (root) {
  root.setAttribute("data-ready", "");
  var video = root.querySelector("video"), seek = root.querySelector("input");
  var play = root.querySelector("[data-act=play]"), status = root.querySelector("output");
  var fps = Number(root.dataset.fps), last = Number(root.dataset.last);
  var text = JSON.parse(root.dataset.labels);
  function frame() { return Math.min(last, Math.floor(video.currentTime * fps + 1e-3)); }
  function show() {
    var i = frame();
    seek.value = i;
    status.textContent = text.step.replace("{step}", i).replace("{total}", last);
  }
  function go(i) {  // aim at the middle of the frame, so rounding cannot land on its neighbour
    video.pause();
    video.currentTime = (Math.max(0, Math.min(last, i)) + 0.5) / fps;
  }
  function playing(on) {
    play.textContent = on ? text.pause : text.play;
    status.setAttribute("aria-live", on ? "off" : "polite");  // quiet while it plays
  }
  play.onclick = function () {
    if (video.paused) { if (frame() >= last) { video.currentTime = 0; } video.play(); }
    else { video.pause(); }
  };
  root.querySelector("[data-act=prev]").onclick = function () { go(frame() - 1); };
  root.querySelector("[data-act=next]").onclick = function () { go(frame() + 1); };
  seek.oninput = function () { go(Number(seek.value)); };
  video.onplay = function () { playing(true); };
  video.onpause = video.onended = function () { playing(false); show(); };
  video.ontimeupdate = video.onseeked = show;
});"""


def player_id(video: bytes, label: str) -> str:
    """An id that is the same on every build and differs between players of one page."""
    return "player-" + hashlib.sha256(video + label.encode()).hexdigest()[:12]


def video_player_html(
    anim: FuncAnimation,
    *,
    label: str | None = None,
    play: str | None = None,
    pause: str | None = None,
    previous: str | None = None,
    next: str | None = None,  # the label of the "next step" button
    step_label: str | None = None,
    seek_label: str | None = None,
    fps: int = FPS,
) -> str:
    """A self-contained HTML player: the MP4 inline, real buttons, a seek bar, a live step count."""
    video = encode_mp4(anim, fps=fps)
    label = label or getattr(anim, "description", None) or _("An animation")
    pid = player_id(video, label)
    last = sum(1 for _frame in anim.new_saved_frame_seq()) - 1  # frames are steps 0..last
    labels = {
        "play": play or _("Play"),
        "pause": pause or _("Pause"),
        "step": step_label or _("step {step} of {total}"),
    }
    e = html.escape
    source = "data:video/mp4;base64," + base64.b64encode(video).decode()
    width, height = (round(size * DPI) for size in anim._fig.get_size_inches())
    first_step = labels["step"].format(step=0, total=last)
    # Outside the f-string below, where Babel's extractor (Python 3.11) would not see them.
    previous = previous or _("Previous step")
    next = next or _("Next step")
    seek_label = seek_label or _("Choose a step")
    return f"""<figure class="descent-player" id="{pid}" data-fps="{fps}" data-last="{last}"
 data-labels="{e(json.dumps(labels, ensure_ascii=False))}">
<video src="{source}" width="{width}" height="{height}" aria-label="{e(label)}" preload="auto"
 muted playsinline></video>
<div class="descent-player__controls" role="group" aria-label="{e(label)}">
<button type="button" data-act="play">{e(labels["play"])}</button>
<button type="button" data-act="prev">{e(previous)}</button>
<button type="button" data-act="next">{e(next)}</button>
<input type="range" min="0" max="{last}" step="1" value="0"
 aria-label="{e(seek_label)}">
<output aria-live="polite">{e(first_step)}</output>
</div>
<script>{PLAYER_SCRIPT}</script>
</figure>"""
