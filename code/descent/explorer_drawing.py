"""Draw an explorer: SVG panels of its default state, its sliders, and the data of every state.

The build computes every state the sliders can reach (:mod:`descent.explorers`). This module
hands them to the book's build as data (:data:`descent.outputs.EXPLORER_MIME`): the panels drawn
in SVG in their default state, the sliders, and every state as compact JSON, which the page
keeps in a script file beside the figure: without JavaScript the figure is still there.
``book/_static/explorer.js`` only redraws the marks of the chosen state, mapping data to SVG
units as :meth:`Panel.point` does. Every word and number is written here, in the edition's
language, so the browser formats nothing.
"""

import hashlib
import html
import math
from dataclasses import dataclass, field

from descent.i18n import _
from descent.numbers import count, number, power_of_ten
from descent.outputs import EXPLORER_MIME, ExplorerData

SIGNIFICANT = 4  # digits kept of every number in the page's data
FAR = 1e4  # SVG units: a line is cut where it leaves this far, so a diverging path stays drawable
WIDTH, HEIGHT = 320, 250  # the viewBox of one panel's SVG
BOX = (52, 20, 256, 186)  # the plot area inside it: left, top, width, height
E = html.escape


def rounded(value: float) -> float | None:
    """``value`` to four significant digits; ``None`` (JSON's null) when it is not finite."""
    return float(f"{value:.{SIGNIFICANT}g}") if math.isfinite(value) else None


def compact(data):
    """``data`` with every float rounded to four significant digits."""
    if isinstance(data, float):
        return rounded(data)
    if isinstance(data, dict):
        return {key: compact(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [compact(value) for value in data]
    return data


def to_json(data) -> str:
    """Compact JSON: no spaces, floats as ``4g`` (``1234``, not ``1234.0``), safe in a page."""
    if isinstance(data, dict):
        return "{" + ",".join(f"{to_json(k)}:{to_json(v)}" for k, v in data.items()) + "}"
    if isinstance(data, list | tuple):
        return "[" + ",".join(to_json(value) for value in data) + "]"
    if data is None or isinstance(data, bool):
        return {None: "null", True: "true", False: "false"}[data]
    if isinstance(data, float):
        return f"{data:.{SIGNIFICANT}g}" if math.isfinite(data) else "null"
    if isinstance(data, int):
        return str(data)
    text = '"' + str(data).replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text.replace("\n", "\\n").replace("</", "<\\/")  # "</script>" cannot end the block


@dataclass
class Panel:
    """A plot area in an SVG: where it is (SVG units) and which data ranges it shows."""

    name: str
    x: tuple[float, float]
    y: tuple[float, float]
    log_x: bool = False
    log_y: bool = False
    box: tuple[float, float, float, float] = BOX

    def point(self, x: float | None, y: float | None) -> tuple[float, float] | None:
        """SVG coordinates of a data point (``None`` when it cannot be drawn); explorer.js
        does the same arithmetic."""
        left, top, width, height = self.box
        u, v = fraction(x, self.x, self.log_x), fraction(y, self.y, self.log_y)
        if u is None or v is None:
            return None
        return left + width * u, top + height * (1 - v)

    def spec(self) -> list:
        return [*self.box, *self.x, *self.y, int(self.log_x), int(self.log_y)]


def fraction(value: float | None, limits: tuple[float, float], log: bool) -> float | None:
    if value is None or not math.isfinite(value) or (log and value <= 0):
        return None
    low, high = limits
    if log:
        value, low, high = math.log10(value), math.log10(low), math.log10(high)
    return (value - low) / (high - low)


def fit_square(points: list[tuple[float, float]], panel_box=BOX, margin: float = 0.08):
    """Data ranges that hold ``points`` with equal scales on both axes in ``panel_box``."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    ratio = panel_box[3] / panel_box[2]  # data height per unit of data width
    width, height = max(width, height / ratio), max(height, width * ratio)
    width, height = width * (1 + 2 * margin), height * (1 + 2 * margin)
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return (cx - width / 2, cx + width / 2), (cy - height / 2, cy + height / 2)


def linear_ticks(low: float, high: float, most: int = 6) -> list[float]:
    """Round values (1, 2 or 5 times a power of ten apart) between ``low`` and ``high``."""
    raw = (high - low) / most
    power = 10 ** math.floor(math.log10(raw))
    step = next(power * k for k in (1, 2, 5, 10) if power * k >= raw)
    first = math.ceil(low / step - 1e-9)
    return [round(k * step, 10) + 0.0 for k in range(first, math.floor(high / step + 1e-9) + 1)]


def log_ticks(low: float, high: float) -> list[float]:
    """The powers of ten between ``low`` and ``high`` (every other one when there are many)."""
    powers = range(math.ceil(math.log10(low) - 1e-9), math.floor(math.log10(high) + 1e-9) + 1)
    every = 1 if len(powers) <= 6 else 2
    return [10.0**p for p in powers if p % every == 0]


def tick_label(value: float) -> str:
    if value != 0 and (abs(value) >= 1e5 or abs(value) < 1e-3):
        return power_of_ten(round(math.log10(abs(value))))
    decimals = next(d for d in range(7) if abs(round(value, d) - value) < 1e-9 * max(1, abs(value)))
    return number(value, decimals) if decimals else count(round(value))


def axes_data(panel: Panel) -> dict:
    """Ranges and labelled ticks of ``panel``: what an ``axes`` mark carries for each state."""
    ticks = {}
    for axis, limits, log in (("x", panel.x, panel.log_x), ("y", panel.y, panel.log_y)):
        values = log_ticks(*limits) if log else linear_ticks(*limits)
        powers = log and limits[1] / limits[0] > 1e4  # many decades: all as powers of ten
        ticks[axis] = [
            [v, power_of_ten(round(math.log10(v))) if powers else tick_label(v)] for v in values
        ]
    return {"x": list(panel.x), "y": list(panel.y), "xt": ticks["x"], "yt": ticks["y"]}


def svg_ticks(panel: Panel, axes: dict) -> str:
    """Tick marks and labels (explorer.js draws the same ones for an ``axes`` mark)."""
    left, top, width, height = panel.box
    out = []
    for value, label in axes["xt"]:
        px = panel.point(value, panel.y[0])[0]
        out.append(
            f'<line class="tick" x1="{px:.1f}" y1="{top + height:.1f}" x2="{px:.1f}" '
            f'y2="{top + height + 4:.1f}"/><text x="{px:.1f}" y="{top + height + 15:.1f}" '
            f'text-anchor="middle">{E(label)}</text>'
        )
    for value, label in axes["yt"]:
        py = panel.point(panel.x[0], value)[1]
        out.append(
            f'<line class="tick" x1="{left - 4:.1f}" y1="{py:.1f}" x2="{left:.1f}" '
            f'y2="{py:.1f}"/><text x="{left - 6:.1f}" y="{py + 3.5:.1f}" '
            f'text-anchor="end">{E(label)}</text>'
        )
    return "".join(out)


# --- Marks: the parts of a panel that change with the state ----------------------------------
def polyline_points(panel: Panel, pairs) -> str:
    """``points`` of a polyline through the data ``pairs``: it stops at the first point that
    cannot be drawn, and is cut FAR units out, so that a diverging path keeps its direction."""
    out, previous = [], None
    for x, y in pairs:
        point = panel.point(x, y)
        if point is None:
            break
        if max(abs(point[0]), abs(point[1])) > FAR:
            if previous is not None:
                out.append(toward(previous, point))
            break
        out.append(point)
        previous = point
    return " ".join(f"{px:.1f},{py:.1f}" for px, py in out)


def toward(inside: tuple[float, float], outside: tuple[float, float]) -> tuple[float, float]:
    """The point where the segment from ``inside`` to ``outside`` leaves the square of side FAR."""
    t = min(
        (math.copysign(FAR, b) - a) / (b - a)
        for a, b in zip(inside, outside, strict=True)
        if abs(b) > FAR
    )
    return tuple(a + t * (b - a) for a, b in zip(inside, outside, strict=True))


def pairs_of(kind: str, value: list) -> list:
    """The data points of a ``line`` (flat ``x, y, x, y…``) or ``curve`` (``y`` at 0, 1, 2…)."""
    if kind == "curve":
        return list(enumerate(value))
    return list(zip(value[::2], value[1::2], strict=True))


def ellipse_svg(panel: Panel, cx, cy, rx, ry, degrees, cls="contour") -> str:
    """A contour of a quadratic loss; radii in data units (the panel has equal scales)."""
    scale = panel.box[2] / (panel.x[1] - panel.x[0])
    px, py = panel.point(cx, cy)
    return (
        f'<ellipse class="{cls}" cx="{px:.1f}" cy="{py:.1f}" rx="{rx * scale:.1f}" '
        f'ry="{ry * scale:.1f}" transform="rotate({-degrees:.1f} {px:.1f} {py:.1f})"/>'
    )


@dataclass
class Mark:
    """A part of a panel drawn from the state: ``kind`` is ``line`` (flat x, y pairs),
    ``curve`` (y values at steps 0, 1, 2…), ``dot`` (x, y), ``ellipses`` (cx, cy, rx, ry,
    degrees each), ``axes`` (ranges and ticks, see :func:`axes_data`) or ``text``."""

    name: str
    kind: str
    panel: str = ""
    css: str = ""
    dots: bool = False  # a dot on every point of a line
    arrow: bool = False  # an arrowhead at its end


@dataclass
class Svg:
    """One panel's SVG: static parts (already SVG) and marks, drawn from the default state."""

    panel: Panel
    label: str  # what a screen reader hears: the figure in words
    xlabel: str
    ylabel: str
    static: list[str] = field(default_factory=list)  # drawn under the marks
    marks: list[Mark] = field(default_factory=list)
    axes: str = ""  # the name of an ``axes`` mark, when the ranges change with the state
    overlay: list[str] = field(default_factory=list)  # drawn over the marks
    title: str = ""  # shown above the plot

    def render(self, uid: str, state: dict) -> str:
        """The SVG elements of ``state``, for an ``<svg>`` of the panel's size (the build's)."""
        p = self.panel
        left, top, width, height = p.box
        axes = state[self.axes] if self.axes else axes_data(p)
        if self.axes:  # this panel's ranges are the state's
            p.x, p.y = tuple(axes["x"]), tuple(axes["y"])
        body = [
            self.defs(uid),
            f'<rect class="frame" x="{left}" y="{top}" width="{width}" height="{height}"/>',
            f'<text class="panel-title" x="{left}" y="{top - 6}">{E(self.title)}</text>'
            if self.title
            else "",
            f'<g data-mark="{self.axes}">' if self.axes else "<g>",
            svg_ticks(p, axes),
            "</g>",
            f'<text class="axis-label" x="{left + width / 2}" y="{HEIGHT - 8}" '
            f'text-anchor="middle">{E(self.xlabel)}</text>',
            f'<text class="axis-label" transform="translate(12 {top + height / 2}) '
            f'rotate(-90)" text-anchor="middle">{E(self.ylabel)}</text>',
            f'<g clip-path="url(#{uid}-clip)">',
            *self.static,
            *(self.mark_svg(mark, state.get(mark.name), uid) for mark in self.marks),
            *self.overlay,
            "</g>",
        ]
        return "".join(body)

    def defs(self, uid: str) -> str:
        """The plot area's clip, and the dots and arrowheads of lines, one per class."""
        left, top, width, height = self.panel.box
        out = [
            f'<defs><clipPath id="{uid}-clip"><rect x="{left}" y="{top}" width="{width}" '
            f'height="{height}"/></clipPath>'
        ]
        for mark in self.marks:
            if mark.dots:
                out.append(
                    f'<marker id="{uid}-dot-{mark.name}" class="dot {mark.css}" '
                    'viewBox="-3 -3 6 6" markerWidth="5" markerHeight="5" '
                    'markerUnits="userSpaceOnUse"><circle r="2.2"/></marker>'
                )
            if mark.arrow:
                out.append(
                    f'<marker id="{uid}-arrow-{mark.name}" class="arrow {mark.css}" '
                    'viewBox="0 -4 8 8" markerWidth="8" markerHeight="8" refX="7" '
                    'markerUnits="userSpaceOnUse" orient="auto">'
                    '<path d="M0,-4L8,0L0,4z"/></marker>'
                )
        return "".join(out) + "</defs>"

    def mark_svg(self, mark: Mark, value, uid: str) -> str:
        p, attrs = self.panel, f'class="{mark.css}" data-mark="{mark.name}"'
        if value is None:
            attrs += ' display="none"'
        if mark.kind in ("line", "curve"):
            points = polyline_points(p, pairs_of(mark.kind, value or []))
            if mark.dots:
                dot = f"url(#{uid}-dot-{mark.name})"
                attrs += f' marker-start="{dot}" marker-mid="{dot}" marker-end="{dot}"'
            if mark.arrow:
                attrs += f' marker-end="url(#{uid}-arrow-{mark.name})"'
            return f'<polyline {attrs} points="{points}"/>'
        if mark.kind == "dot":
            px, py = p.point(*value) if value is not None else (0, 0)
            return f'<circle {attrs} r="4" cx="{px:.1f}" cy="{py:.1f}"/>'
        if mark.kind == "ellipses":
            return f"<g {attrs}>" + "".join(ellipse_svg(p, *e) for e in value) + "</g>"
        raise ValueError(f"unknown mark kind {mark.kind!r}")


@dataclass
class Slider:
    """A range input over ``len(values)`` settings; ``values`` is how each one reads."""

    name: str
    label: str
    values: list[str]
    default: int


@dataclass
class Explorer:
    """Sliders, panels and the states they show: ``states[i]`` for the sliders' settings
    ``(i1, i2…)`` in row-major order (the last slider varies fastest)."""

    name: str
    sliders: list[Slider]
    svgs: list[Svg]
    states: list[dict]  # mark name -> value, and "summary": the sentence said aloud
    legend: list[tuple[str, str]] = field(default_factory=list)  # (class of a line, its text)
    shared: dict = field(default_factory=dict)  # values that states name instead of repeating
    facts: dict = field(default_factory=dict)  # numbers a caption may glue (not in the page)

    def __repr__(self) -> str:  # short: the dataclass's own would print every state
        return f"<explorer {self.name}: {len(self.states)} states>"

    def default_index(self) -> int:
        index = 0
        for slider in self.sliders:
            index = index * len(slider.values) + slider.default
        return index

    def data(self) -> dict:
        marks = {m.name: [m.kind, s.panel.name] for s in self.svgs for m in s.marks}
        marks.update({s.axes: ["axes", s.panel.name] for s in self.svgs if s.axes})
        return {
            "sliders": [slider.values for slider in self.sliders],
            "panels": {s.panel.name: s.panel.spec() for s in self.svgs},
            "marks": marks,
            "states": compact(self.states),
            "shared": compact(self.shared),
        }

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        """For the book, :meth:`widget`; for a notebook, which cannot run the page's script, a
        sentence that sends the reader to the page."""
        sentence = _("This figure has sliders: move them on the chapter's web page.")
        return {EXPLORER_MIME: self.widget(), "text/plain": sentence}

    def widget(self) -> ExplorerData:
        data = self.data()
        payload = to_json(data)
        uid = f"{self.name}-{hashlib.sha256(payload.encode()).hexdigest()[:8]}"
        state = {  # a mark's value may be the name of a shared one
            name: data["shared"][value] if name != "summary" and isinstance(value, str) else value
            for name, value in data["states"][self.default_index()].items()
        }
        return {
            "id": uid,
            "name": self.name,
            "sliders": [
                {"name": s.name, "label": s.label, "values": s.values, "default": s.default}
                for s in self.sliders
            ],
            "summary": state["summary"],
            "legend": [[css, text] for css, text in self.legend],
            "panels": [
                {
                    "label": svg.label,
                    "width": WIDTH,
                    "height": HEIGHT,
                    "drawing": svg.render(f"{uid}-{i}", state),
                }
                for i, svg in enumerate(self.svgs)
            ],  # fmt: skip
            "data": payload,
        }
