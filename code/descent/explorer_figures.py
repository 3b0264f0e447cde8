"""The explorers of the gradient-descent chapters: the runs of :mod:`descent.explorers`, drawn
with :mod:`descent.explorer_drawing`. A chapter glues one: ``glue("name", learning_rate_explorer(x,
y), display=False)``, then places it with a ``{glue:figure}`` and its caption.
"""

import math

import torch

from descent.explorer_drawing import (
    Explorer,
    Mark,
    Panel,
    Slider,
    Svg,
    ellipse_svg,
    fit_square,
    polyline_points,
)
from descent.explorers import (
    bowl_ellipses,
    learning_rate_runs,
    minibatch_runs,
    rounded_geomspace,
    slope_only,
    slope_runs,
)
from descent.fit import fit_gradient_descent, largest_stable_learning_rate, least_squares
from descent.i18n import _
from descent.lesson import START, TOLERANCE
from descent.loss import mse, mse_surface
from descent.numbers import count, number, significant

MAX_STEPS = 10_000  # a run not within TOLERANCE of the optimum by then counts as not converging


def flat(path: torch.Tensor) -> list[float]:
    """``x, y, x, y…`` of the rows of ``path``."""
    return path.reshape(-1).tolist()


def star(panel: Panel, x: float, y: float, css: str = "optimum") -> str:
    """A five-pointed star at a data point: the optimum, as in the book's other figures."""
    px, py = panel.point(x, y)
    points = []
    for k in range(10):
        radius, angle = (6.5 if k % 2 == 0 else 2.8), math.pi / 2 + k * math.pi / 5
        points.append(f"{px + radius * math.cos(angle):.1f},{py - radius * math.sin(angle):.1f}")
    return f'<polygon class="{css}" points="{" ".join(points)}"/>'


def line(panel: Panel, pairs, css: str) -> str:
    return f'<polyline class="{css}" points="{polyline_points(panel, pairs)}"/>'


def vertical_label(panel: Panel, x: float, text: str, css: str = "threshold") -> str:
    """A dashed vertical line at ``x`` with ``text`` written up along it."""
    left, top, width, height = panel.box
    px = panel.point(x, panel.y[0])[0]
    return (
        f'<line class="{css}" x1="{px:.1f}" y1="{top}" x2="{px:.1f}" y2="{top + height}"/>'
        f'<text class="note" transform="translate({px - 3:.1f} {top + height - 4}) rotate(-90)">'
        f"{text}</text>"
    )


def lambda_max(fraction: str) -> str:
    """``1/λmax`` with ``max`` as a subscript, in SVG."""
    return f'{fraction}/λ<tspan baseline-shift="sub" font-size="7">max</tspan>'


def contour_svg(panel: Panel, ellipses, marks: list[Mark], label: str, optimum, title="") -> Svg:
    """The loss over (slope, intercept) on equal scales, its contours, the optimum, ``marks``."""
    static = [ellipse_svg(panel, *e) for e in ellipses]
    overlay = [star(panel, *optimum)]
    return Svg(
        panel, label, _("slope a[0]"), _("intercept a[1]"), static, marks, "", overlay, title
    )


# --- Learning rate ---------------------------------------------------------------------------
def learning_rate_explorer(x, y, start=START, steps: int = 40, default: float = 0.1):
    """A slider over learning rates from tiny to divergent: the path, the loss, the regime."""
    limit = largest_stable_learning_rate(x)  # 2/λmax
    lrs = rounded_geomspace(0.01, 1.4 * limit, per_decade=14)
    runs = learning_rate_runs(x, y, start, lrs, steps, TOLERANCE, MAX_STEPS)
    best = least_squares(x, y)
    lowest = mse(x @ best, y).item()
    xs, ys = fit_square([start, best.tolist()], margin=0.22)
    path = Panel("lr-path", xs, ys)
    loss = Panel("lr-loss", (0, steps), (0.05, 200), log_y=True)
    needed = [(run.lr, run.steps_needed) for run in runs if run.steps_needed is not None]
    rates = Panel("lr-rates", (lrs[0], lrs[-1]), (5, 5000), log_x=True, log_y=True)
    states = []
    for run in runs:
        states.append(
            {
                "path": flat(run.fit.params),
                "loss": run.fit.losses.tolist(),
                "eta": [run.lr, rates.y[0], run.lr, rates.y[1]],
                "now": [run.lr, run.steps_needed] if run.steps_needed is not None else None,
                "summary": learning_rate_summary(run),
            }
        )
    diverging = panel_rect(rates, limit, lrs[-1] * 2, "diverging")
    svgs = [
        Svg(
            rates,
            _("Steps needed for each learning rate, with the two thresholds."),
            _("learning rate η"),
            _("steps needed"),
            [
                diverging,
                line(rates, needed, "compare"),
                vertical_label(rates, limit / 2, lambda_max("1") + " " + _("zig-zag from here")),
                vertical_label(rates, limit, lambda_max("2") + " " + _("diverges from here")),
            ],
            [Mark("eta", "line", rates.name, "now"), Mark("now", "dot", rates.name, "now")],
        ),
        contour_svg(
            path,
            bowl_ellipses(x, y, torch.tensor(start)),
            [Mark("path", "line", path.name, "path", dots=True)],
            _("The path of the parameters over the contours of the loss."),
            best.tolist(),
        ),
        Svg(
            loss,
            _("The loss at each step, on a log scale."),
            _("step"),
            _("loss (MSE)"),
            [line(loss, [(0, lowest), (steps, lowest)], "floor")],
            [Mark("loss", "curve", loss.name, "path")],
        ),
    ]
    slider = Slider("lr", _("Learning rate η"), [significant(lr) for lr in lrs], lrs.index(default))
    legend = [
        ("path", _("gradient descent")),
        ("floor", _("lowest possible loss")),
        ("compare", _("steps needed, for every η of the slider")),
    ]
    facts = {"steps": steps, "count": len(lrs), "low": lrs[0], "high": lrs[-1], "tol": TOLERANCE}
    return Explorer("learning-rate", [slider], svgs, states, legend, facts=facts)


def panel_rect(panel: Panel, x0: float, x1: float, css: str) -> str:
    """A band over the whole height of ``panel`` between ``x0`` and ``x1`` (clipped)."""
    left, top, width, height = panel.box
    a = panel.point(x0, panel.y[0])[0]
    b = min(panel.point(x1, panel.y[0])[0], left + width)
    return f'<rect class="{css}" x="{a:.1f}" y="{top}" width="{b - a:.1f}" height="{height}"/>'


def learning_rate_summary(run) -> str:
    lr = significant(run.lr)
    if run.regime == "diverges":
        return _(
            "η = {lr}: diverges; along the steepest direction each step multiplies the "
            "distance to the optimum by {factor}."
        ).format(lr=lr, factor=number(abs(run.steepest_factor), 3))
    if run.steps_needed >= MAX_STEPS:
        return _(
            "η = {lr}: too slow; after {steps} steps it is still not within {tol} of the optimum."
        ).format(lr=lr, steps=count(MAX_STEPS), tol=number(TOLERANCE, 3))
    if run.regime == "zigzag":
        text = _("η = {lr}: converges in {steps} steps, zig-zagging.")
    else:
        text = _("η = {lr}: converges in {steps} steps, smoothly.")
    return text.format(lr=lr, steps=count(run.steps_needed))


# --- One dimension ---------------------------------------------------------------------------
def slope_explorer(x, y, start: float = START[0], steps: int = 8, default: int = 1):
    """The loss of the slope alone, a parabola, walked one step at a time."""
    inputs, targets = slope_only(x, y)
    curvature = 2 / largest_stable_learning_rate(inputs)  # the parabola's second derivative
    lrs = [k / curvature for k in (0.25, 0.5, 1.0, 1.5, 1.9, 2.1)]
    runs = slope_runs(x, y, start, lrs, steps + 1)  # one more: the step that comes next
    bottom, intercept = least_squares(x, y).tolist()  # the slope alone has the same best slope
    ws = torch.linspace(bottom - 5, bottom + 5, 81)
    losses = mse_surface(x, y, ws, torch.tensor([intercept]))[0]  # the intercept held there
    panel = Panel("slope", (ws[0].item(), ws[-1].item()), (0, losses.max().item() * 1.05))
    states = []
    for run in runs:
        factor = 1 - run.lr * curvature
        w, loss = run.fit.params[:, 0].tolist(), run.fit.losses.tolist()
        for k in range(steps + 1):
            slope, half = run.gradients[k], 0.9
            states.append(
                {
                    "trail": [
                        v for pair in zip(w[: k + 1], loss[: k + 1], strict=True) for v in pair
                    ],
                    "tangent": [
                        w[k] - half,
                        loss[k] - slope * half,
                        w[k] + half,
                        loss[k] + slope * half,
                    ],
                    "move": [w[k], loss[k], w[k + 1], loss[k]],  # along w, at the current height
                    "summary": slope_summary(k, w[k], slope, w[k + 1] - w[k], factor),
                }
            )
    svg = Svg(
        panel,
        _("The loss of the slope alone, a parabola, and the steps taken on it."),
        _("slope w"),
        _("loss (MSE)"),
        [
            line(panel, list(zip(ws.tolist(), losses.tolist(), strict=True)), "curve"),
            star(panel, bottom, mse(inputs @ torch.tensor([bottom]), targets).item()),
        ],
        [
            Mark("trail", "line", panel.name, "path", dots=True),
            Mark("tangent", "line", panel.name, "tangent"),
            Mark("move", "line", panel.name, "move", arrow=True),
        ],
    )
    sliders = [
        Slider("lr", _("Learning rate η"), [significant(lr, 3) for lr in lrs], default),
        Slider("step", _("Step"), [count(k) for k in range(steps + 1)], 0),
    ]
    legend = [
        ("path", _("the steps so far")),
        ("tangent", _("the tangent at the current point")),
        ("move", _("the next step")),
    ]
    facts = {"curvature": curvature, "steps": steps}
    return Explorer("slope", sliders, [svg], states, legend, facts=facts)


def slope_summary(step: int, w: float, slope: float, move: float, factor: float) -> str:
    first = _(
        "Step {step}: w = {w}, where the loss slopes by L′(w) = {slope}; the next step "
        "moves w by −η·L′(w) = {move}."
    )
    second = _("Each step multiplies the distance to the bottom by 1 − η·c = {factor}.")
    return " ".join(
        [
            first.format(step=step, w=number(w), slope=number(slope), move=number(move)),
            second.format(factor=number(factor)),
        ]
    )


# --- Batch size ------------------------------------------------------------------------------
def batch_size_explorer(x, y, start=START, lr: float = 0.1, steps: int = 50):
    """SGD for several batch sizes and seeds, with full-batch gradient descent to compare."""
    batch_sizes, seeds = (1, 2, 5, 10, 20, 50, 100), range(5)
    runs = minibatch_runs(x, y, start, lr, batch_sizes, seeds, steps)
    full = fit_gradient_descent(x, y, start, lr, steps)
    best = least_squares(x, y)
    xs, ys = fit_square([start, best.tolist()], margin=0.22)
    path = Panel("sgd-path", xs, ys)
    loss = Panel("sgd-loss", (0, steps), (1e-4, 100), log_y=True)
    full_distance = torch.dist(full.final, best).item()
    states = []
    for (batch_size, seed), fit in runs.items():
        states.append(
            {
                "path": flat(fit.params),
                "loss": fit.losses.tolist(),
                "summary": _(
                    "Batch size {batch}, seed {seed}: {steps} steps read {epochs} epochs "
                    "of data and end {distance} from the least-squares solution "
                    "(full batch: {full})."
                ).format(
                    batch=batch_size,
                    seed=seed,
                    steps=steps,
                    epochs=significant(steps * batch_size / len(x)),
                    distance=significant(torch.dist(fit.final, best).item()),
                    full=significant(full_distance),
                ),
            }
        )
    svgs = [
        contour_svg(
            path,
            bowl_ellipses(x, y, torch.tensor(start)),
            [Mark("path", "line", path.name, "path", dots=True)],
            _(
                "The paths of minibatch SGD and of full-batch gradient descent over the "
                "contours of the loss."
            ),
            best.tolist(),
        ),
        Svg(
            loss,
            _(
                "The loss at each step: on the minibatch for SGD, on all the data for "
                "full-batch gradient descent."
            ),
            _("step"),
            _("loss (MSE)"),
            [line(loss, list(enumerate(full.losses.tolist())), "compare")],
            [Mark("loss", "curve", loss.name, "path")],
        ),
    ]
    svgs[0].static.append(line(path, full.params.tolist(), "compare"))
    sliders = [
        Slider("batch", _("Batch size"), [count(b) for b in batch_sizes], batch_sizes.index(10)),
        Slider("seed", _("Random seed"), [count(s) for s in seeds], 0),
    ]
    legend = [("path", _("minibatch SGD")), ("compare", _("full-batch gradient descent"))]
    facts = {
        "steps": steps,
        "lr": lr,
        "seeds": len(seeds),
        "smallest": batch_sizes[0],
        "largest": batch_sizes[-1],
    }
    return Explorer("batch-size", sliders, svgs, states, legend, facts=facts)
