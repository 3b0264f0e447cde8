"""What the package hands the book's build for its two kinds of moving figure, as data.

An explorer (:mod:`descent.explorer_drawing`) and an animation (:mod:`descent.animation`) are shown
by Jupyter through ``_repr_mimebundle_``: a MIME type of this module, whose content is one of
the dictionaries below, and a plain fallback for a notebook. The book's build
(``tools/book_build/execution/outputs.py``) turns the data into the widget of a web page, or
into a still or a strip of frames on paper. So the package draws pictures and chooses words, and
writes no page markup; the build reads no markup back. This module imports nothing heavy, so
that the build can read the contract without PyTorch.
"""

from typing import TypedDict

EXPLORER_MIME = "application/vnd.descent.explorer+json"
PLAYER_MIME = "application/vnd.descent.player+json"


class Slider(TypedDict):
    name: str
    label: str  # what the slider sets, in words
    values: list[str]  # how each of its settings reads
    default: int  # the setting shown first


class Panel(TypedDict):
    label: str  # the panel in words, for a screen reader
    width: int  # of its SVG viewBox
    height: int
    drawing: str  # the SVG elements of the default state, inside a viewBox of that size


class ExplorerData(TypedDict):
    id: str  # the same on every build; differs between explorers
    name: str
    sliders: list[Slider]
    summary: str  # the default state in one sentence
    legend: list[list[str]]  # [CSS class of a line, what it is]
    panels: list[Panel]
    data: str  # what the page's script reads (every state), as compact JSON


class PlayerData(TypedDict):
    id: str  # the same on every build; differs between players of one page
    video: str  # the MP4, in base64
    fps: int
    last: int  # the frames are steps 0 to last
    width: int  # pixels
    height: int
    description: str  # what the animation shows, read out in place of the video
    labels: dict[str, str]  # play, pause, previous, next, seek, and step ("{step}", "{total}")
