"""The animations draw the recorded fit, and the player is small, offline and reproducible."""

import base64
import os
import subprocess
import sys

import imageio_ffmpeg
import matplotlib
import pytest
import torch
from matplotlib.animation import FFMpegWriter

from descent.animation import (
    BITEXACT_ARGS,
    DPI,
    FPS,
    animate_fit,
    animate_path,
    encode_mp4,
    jshtml_size,
    video_player,
)
from descent.data import make_line_data
from descent.fit import fit_gradient_descent, least_squares
from descent.outputs import PLAYER_MIME, PlayerData

STEPS = 12  # few frames: rendering is the slow part, and the checks hold for any number


@pytest.fixture(scope="module")
def run():
    x, y = make_line_data(n=50)
    return x, y, fit_gradient_descent(x, y, start=(-1.0, 1.0), lr=0.1, steps=STEPS)


@pytest.fixture(scope="module")
def fit_animation(run):
    return animate_fit(*run)


@pytest.fixture(scope="module")
def path_animation(run):
    return animate_path(*run)


# Encode the path animation in a fresh interpreter and write the video to argv[1].
ENCODE_PATH = f"""
import sys
import matplotlib
matplotlib.use("Agg")
from descent.animation import animate_path, encode_mp4
from descent.data import make_line_data
from descent.fit import fit_gradient_descent

x, y = make_line_data(n=50)
fit = fit_gradient_descent(x, y, start=(-1.0, 1.0), lr=0.1, steps={STEPS})
with open(sys.argv[1], "wb") as video:
    video.write(encode_mp4(animate_path(x, y, fit)))
"""


def frame_count(anim) -> int:
    return sum(1 for _ in anim.new_saved_frame_seq())


def test_one_frame_per_recorded_step(run, fit_animation, path_animation):
    assert frame_count(fit_animation) == STEPS + 1 == len(run[2].params)
    assert frame_count(path_animation) == STEPS + 1


def test_each_frame_draws_the_line_of_its_step(run, fit_animation):
    x, _, fit = run
    line = fit_animation._fig.axes[0].lines[0]
    ends = torch.tensor([x[:, 0].min(), x[:, 0].max()])
    for i in [3, 0, STEPS, 7, 3]:  # in any order, and twice: drawing never trains
        fit_animation._draw_frame(i)
        slope, intercept = fit.params[i]
        assert torch.allclose(torch.as_tensor(line.get_xdata()), ends)
        assert torch.allclose(torch.as_tensor(line.get_ydata()), ends * slope + intercept)
    assert len(fit.params) == STEPS + 1  # the record is untouched


def test_path_frames_are_the_recorded_parameters(run, path_animation):
    path = path_animation._fig.axes[0].lines[1]
    for i in [0, 5, STEPS]:
        path_animation._draw_frame(i)
        points = torch.stack([torch.as_tensor(path.get_xdata()), torch.as_tensor(path.get_ydata())])
        assert torch.equal(points.T, run[2].params[: i + 1])


def test_path_is_drawn_with_equal_scales_around_the_whole_walk(run, path_animation):
    x, y, fit = run
    ax = path_animation._fig.axes[0]
    assert ax.get_aspect() == 1.0
    (x_low, x_high), (y_low, y_high) = ax.get_xlim(), ax.get_ylim()
    for slope, intercept in torch.cat([fit.params, least_squares(x, y).unsqueeze(0)]).tolist():
        assert x_low < slope < x_high and y_low < intercept < y_high


def test_video_is_the_same_bytes_every_time(fit_animation, path_animation):
    first = encode_mp4(fit_animation)
    assert first[4:8] == b"ftyp"  # an MP4 file
    assert encode_mp4(fit_animation) == first
    assert encode_mp4(path_animation) == encode_mp4(path_animation)


def test_video_is_the_same_bytes_in_fresh_processes(tmp_path):
    """Two builds are two processes. glibc's MALLOC_PERTURB_ fills new memory with a different
    byte in each (0x00, then 0xFE), so a value read from memory never written cannot pass
    unseen, as an uninitialized pivot array in torch.linalg.lstsq once did."""
    videos = []
    for perturb in ("255", "1"):
        path = tmp_path / f"path-{perturb}.mp4"
        env = {**os.environ, "MALLOC_PERTURB_": perturb}
        subprocess.run([sys.executable, "-c", ENCODE_PATH, str(path)], env=env, check=True)
        videos.append(path.read_bytes())
    assert videos[0][4:8] == b"ftyp"  # an MP4 file
    assert videos[1] == videos[0]


def test_x264_mbtree_still_reads_unwritten_memory(path_animation, tmp_path, monkeypatch):
    """When this fails, x264's mbtree no longer depends on memory it never wrote, and
    BITEXACT_ARGS may drop "-mbtree 0" (which costs about a third more bytes per video)."""
    args = list(BITEXACT_ARGS)
    del args[args.index("-mbtree") : args.index("-mbtree") + 2]
    matplotlib.rcParams["animation.ffmpeg_path"] = imageio_ffmpeg.get_ffmpeg_exe()
    videos = []
    for fill in ("255", "1"):
        monkeypatch.setenv("MALLOC_PERTURB_", fill)  # read by ffmpeg, a child process
        path = tmp_path / f"mbtree-{fill}.mp4"
        writer = FFMpegWriter(fps=FPS, codec="h264", extra_args=args)
        path_animation.save(path, writer=writer, dpi=DPI)  # as encode_mp4 does
        videos.append(path.read_bytes())
    if videos[0] == videos[1]:  # x264 picks its code paths by the CPU's instruction sets
        pytest.skip(
            "on this CPU, x264 with mbtree gave the same bytes under both memory fills: "
            "whether it still reads unwritten memory cannot be observed here"
        )


def test_player_is_data_with_a_video_for_a_notebook_and_small(fit_animation, tmp_path):
    """The book gets the video and the words of the controls; a notebook, the video alone,
    inline (offline), with the browser's controls."""
    bundle = video_player(fit_animation, "A line <moves>")._repr_mimebundle_()
    data = bundle[PLAYER_MIME]
    assert set(data) == set(PlayerData.__annotations__)  # the contract the build relies on
    assert base64.b64decode(data["video"]) == encode_mp4(fit_animation)
    assert (data["fps"], data["last"], data["description"]) == (FPS, STEPS, "A line <moves>")
    video = tmp_path / "video.mp4"
    video.write_bytes(base64.b64decode(data["video"]))
    frames = imageio_ffmpeg.read_frames(str(video))
    size = next(frames)["size"]
    frames.close()
    assert (data["width"], data["height"]) == size  # the page reserves the video's own size
    assert data["labels"]["step"].format(step=0, total=STEPS) == "step 0 of 12"
    assert {"play", "pause", "previous", "next", "seek"} <= set(data["labels"])
    notebook = bundle["text/html"]
    assert notebook.startswith(f'<video src="data:video/mp4;base64,{data["video"]}"')
    assert 'aria-label="A line &lt;moves&gt;" controls' in notebook and "http" not in notebook
    # the video, which the page loads and the notebook keeps, against matplotlib's own player
    assert len(data["video"]) < 0.05 * jshtml_size(fit_animation)


def test_player_ids_are_deterministic(fit_animation):
    first = video_player(fit_animation, "A").data
    assert first == video_player(fit_animation, "A").data
    other = video_player(fit_animation, "B").data
    assert first["id"].startswith("player-") and first["id"] != other["id"]
