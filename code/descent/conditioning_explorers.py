"""The explorers of the chapters on feature scaling and on momentum: the runs of
:mod:`descent.explorers`, drawn with :mod:`descent.explorer_drawing`."""

import torch

from descent.conditioning import scale_input
from descent.explorer_drawing import (
    Explorer,
    Mark,
    Panel,
    Slider,
    Svg,
    axes_data,
    fit_square,
)
from descent.explorer_figures import contour_svg, flat, line
from descent.explorers import bowl_ellipses, momentum_runs, scaling_runs
from descent.fit import least_squares
from descent.i18n import _
from descent.lesson import LOSS_TOLERANCE as TOLERANCE
from descent.lesson import MOMENTUM, NARROW_SHIFT, START
from descent.numbers import count, formatted, number, significant


def tolerance() -> str:
    """``LOSS_TOLERANCE`` as the edition writes numbers, for the explorers' sentences."""
    return formatted(TOLERANCE, ".0e")


# --- Momentum --------------------------------------------------------------------------------
def momentum_explorer(
    x, y, shift: float = NARROW_SHIFT, start=START, steps: int = 50, max_steps=1000
):
    """The heavy ball and plain gradient descent side by side, in a narrow valley: the loss of
    the same points moved ``shift`` to the right."""
    narrow = scale_input(x, shift=shift)
    lrs, momenta = (0.01, 0.02, 0.04, 0.09, 0.12, 0.15), (0.0, 0.5, 0.8, 0.9, 0.95)
    runs = momentum_runs(narrow, y, start, lrs, momenta, steps, TOLERANCE, max_steps)
    best = least_squares(narrow, y)
    xs, ys = fit_square([start, best.tolist()], margin=0.15)
    gd_panel, hb_panel = Panel("gd-path", xs, ys), Panel("hb-path", xs, ys)
    loss = Panel("hb-loss", (0, steps), (1e-8, 1e3), log_y=True)
    shared, states = {}, []
    for lr in lrs:
        plain = runs[lr, 0.0]
        shared[f"gd{lr}"] = flat(plain.path)
        shared[f"gd-loss{lr}"] = plain.excess.tolist()
        for beta in momenta:
            run = runs[lr, beta]
            states.append(
                {
                    "gd": f"gd{lr}",
                    "gd-loss": f"gd-loss{lr}",
                    "hb": flat(run.path),
                    "hb-loss": run.excess.tolist(),
                    "summary": _(
                        "η = {lr}, β = {beta}. Heavy ball: {heavy}. Gradient descent: {plain}."
                    ).format(
                        lr=significant(lr),
                        beta=number(beta),
                        heavy=outcome(run, max_steps),
                        plain=outcome(plain, max_steps),
                    ),
                }
            )
    ellipses = bowl_ellipses(narrow, y, torch.tensor(start))
    svgs = [
        Svg(
            loss,
            _("How far above its minimum the loss is at each step, for both methods."),
            _("step"),
            _("loss above its minimum"),
            [line(loss, [(0, TOLERANCE), (steps, TOLERANCE)], "floor")],
            [
                Mark("gd-loss", "curve", loss.name, "compare"),
                Mark("hb-loss", "curve", loss.name, "path"),
            ],
        ),
        contour_svg(
            gd_panel,
            ellipses,
            [Mark("gd", "line", gd_panel.name, "compare", dots=True)],
            _("Gradient descent's path in the narrow valley."),
            best.tolist(),
            _("gradient descent"),
        ),
        contour_svg(
            hb_panel,
            ellipses,
            [Mark("hb", "line", hb_panel.name, "path", dots=True)],
            _("The heavy ball's path in the narrow valley."),
            best.tolist(),
            _("heavy ball"),
        ),
    ]
    sliders = [
        Slider("lr", _("Learning rate η"), [significant(lr) for lr in lrs], lrs.index(0.09)),
        Slider("beta", _("Momentum β"), [number(b) for b in momenta], momenta.index(MOMENTUM)),
    ]
    legend = [
        ("path", _("heavy ball")),
        ("compare", _("gradient descent (β = 0)")),
        ("floor", _("the tolerance, {tol}").format(tol=tolerance())),
    ]
    facts = {"shift": shift, "steps": steps, "max_steps": max_steps, "tol": TOLERANCE}
    return Explorer("momentum", sliders, svgs, states, legend, shared, facts)


def outcome(run, max_steps: int) -> str:
    """What a run did, as the end of a sentence: converged (in how many steps) or diverged."""
    end, begin = run.excess[-1].item(), run.excess[0].item()
    if not end < begin:  # NaN or larger: it left
        return _("diverges")
    if run.steps_needed is None:
        return _("not within {tol} of the lowest loss in {steps} steps").format(
            tol=tolerance(), steps=count(max_steps)
        )
    return _("within {tol} of the lowest loss after {steps} steps").format(
        tol=tolerance(), steps=count(run.steps_needed)
    )


# --- Feature scaling -------------------------------------------------------------------------
def scaling_explorer(x, y, steps: int = 50):
    """Shift and scale the input: the bowl stretches, and the steps needed follow."""
    shifts, scales = (0.0, 1.0, 2.0, 3.0, 4.0), (0.25, 0.5, 1.0, 2.0, 4.0)
    runs = scaling_runs(x, y, shifts, scales, steps)
    start = torch.zeros(2)  # the line y = 0, whatever the units of x
    path_panel = Panel("scaled-path", (0, 1), (0, 1))
    kappas = [run.kappa for run in runs.values()]
    needed = [run.steps_needed for run in runs.values()]
    steps_panel = Panel("scaled-steps", (1, 1e5), (1, 1e6), log_x=True, log_y=True)
    states = []
    for run in runs.values():
        best = least_squares(run.inputs.double(), y.double())
        corners = [start.tolist(), best.tolist(), *run.path.tolist()]
        path_panel.x, path_panel.y = fit_square(corners, margin=0.1)
        inputs = run.inputs[:, 0]
        states.append(
            {
                "scaled-axes": axes_data(path_panel),
                "ellipses": bowl_ellipses(run.inputs, y, start),
                "path": flat(run.path),
                "optimum": best.tolist(),
                "start": start.tolist(),
                "now": [run.kappa, run.steps_needed],
                "summary": _(
                    "Input {scale}·x + {shift}, from {low} to {high}: condition number "
                    "κ = {kappa}. At its best learning rate, η = {lr}, gradient descent "
                    "needs {steps} steps to come within {tol} of the lowest loss."
                ).format(
                    scale=number(run.scale),
                    shift=number(run.shift, 0),
                    low=number(inputs.min().item()),
                    high=number(inputs.max().item()),
                    kappa=significant(run.kappa, 3),
                    lr=significant(run.lr, 2),
                    steps=count(run.steps_needed),
                    tol=tolerance(),
                ),
            }
        )
    dots = "".join(
        f'<circle class="all" r="2.5" cx="{px:.1f}" cy="{py:.1f}"/>'
        for px, py in (steps_panel.point(k, n) for k, n in zip(kappas, needed, strict=True))
    )
    svgs = [
        Svg(
            path_panel,
            _(
                "The contours of the loss and the path of gradient descent, on equal "
                "scales, for the chosen input."
            ),
            _("slope a[0]"),
            _("intercept a[1]"),
            [],
            [
                Mark("ellipses", "ellipses", path_panel.name, "contour"),
                Mark("path", "line", path_panel.name, "path", dots=True),
                Mark("start", "dot", path_panel.name, "start"),
                Mark("optimum", "dot", path_panel.name, "optimum"),
            ],
            axes="scaled-axes",
        ),
        Svg(
            steps_panel,
            _("Steps needed against the condition number, for every setting."),
            _("condition number κ"),
            _("steps needed"),
            [dots],
            [Mark("now", "dot", steps_panel.name, "now")],
        ),
    ]
    sliders = [
        Slider("shift", _("Shift of the input"), [number(s, 0) for s in shifts], 0),
        Slider("scale", _("Scale of the input"), [number(s) for s in scales], 2),
    ]
    legend = [("path", _("gradient descent from a = (0, 0), at its best learning rate"))]
    return Explorer(
        "scaling", sliders, svgs, states, legend, facts={"steps": steps, "tol": TOLERANCE}
    )
