"""The explorers' runs (descent.explorers) against the package's fit functions, PyTorch and hand
computations; and what lands in the page (the JSON of every state) against the same functions."""

import json
import math
import re
from functools import partial

import pytest
import torch

from descent import explorer_drawing, numbers
from descent.conditioning import (
    best_learning_rate,
    condition_number,
    gradient_descent_path,
    steps_to_tolerance,
)
from descent.conditioning_explorers import (
    momentum_explorer,
    outcome,
    scaling_explorer,
    tolerance,
)
from descent.data import make_line_data
from descent.explorer_figures import (
    MAX_STEPS,
    batch_size_explorer,
    learning_rate_explorer,
    learning_rate_summary,
    slope_explorer,
)
from descent.explorers import (
    MomentumRun,
    learning_rate_runs,
    loss_ellipses,
    regime,
    rounded_geomspace,
    scale_input,
    slope_only,
    steps_within,
)
from descent.fit import (
    fit_gradient_descent,
    largest_stable_learning_rate,
    least_squares,
    mse_gradient,
    steps_to_reach,
)
from descent.loss import mse
from descent.minibatch import fit_minibatch_sgd
from descent.optimizers import heavy_ball
from descent.outputs import EXPLORER_MIME, ExplorerData, Panel, Slider

START = (-1.0, 1.0)
X, Y = make_line_data()


def page_data(explorer) -> dict:
    """The JSON the page's script reads, as the explorer hands it to the build."""
    bundle = explorer._repr_mimebundle_()
    assert set(bundle) == {EXPLORER_MIME, "text/plain"}
    return json.loads(bundle[EXPLORER_MIME]["data"])


def close(page_values, exact, digits: int = explorer_drawing.SIGNIFICANT) -> bool:
    """``page_values`` (rounded to ``digits`` significant digits) equal ``exact``."""
    exact = torch.as_tensor(exact, dtype=torch.float64).reshape(-1).tolist()
    assert len(page_values) == len(exact)
    return all(
        (p is None and not math.isfinite(e))
        or abs(p - e) <= 0.51 * 10 ** (math.floor(math.log10(abs(e))) - digits + 1)
        if e
        else p == 0
        for p, e in zip(page_values, exact, strict=True)
    )


def states(data: dict, *sliders):
    """``(settings, state)`` for every combination of slider positions, in the page's order."""
    sizes = [len(values) for values in data["sliders"]]
    for index, state in enumerate(data["states"]):
        positions = []
        for size in reversed(sizes):
            positions.insert(0, index % size)
            index //= size
        resolved = {
            k: data["shared"][v] if k != "summary" and isinstance(v, str) else v
            for k, v in state.items()
        }
        yield [values[i] for values, i in zip(sliders, positions, strict=True)], resolved


# --- The pieces ------------------------------------------------------------------------------
def test_rounded_geomspace_holds_round_values_per_decade():
    values = rounded_geomspace(0.01, 1.4, per_decade=14)
    assert values[0] == 0.01 and 0.1 in values and 1.0 in values
    assert values == sorted(set(values)) and len(values) == 31
    assert all(float(f"{v:.2g}") == v for v in values)


def test_the_regime_follows_the_path():
    """Along the top eigenvector the error keeps its sign (smooth), flips (zig-zag), or flips
    and grows (diverges)."""
    best = least_squares(X, Y)
    top = torch.linalg.eigh(2 / len(X) * X.T @ X).eigenvectors[:, 1]
    limit = largest_stable_learning_rate(X)
    for lr in (0.2 * limit, 0.45 * limit, 0.6 * limit, 0.95 * limit, 1.05 * limit):
        along = (fit_gradient_descent(X, Y, START, lr, 4).params - best) @ top
        flips = (along[1:] * along[:-1] < 0).all().item()
        grows = (along[1:].abs() > along[:-1].abs()).all().item()
        assert (flips, grows) == {
            "smooth": (False, False),
            "zigzag": (True, False),
            "diverges": (True, True),
        }[regime(X, lr)]


def test_learning_rate_runs_count_steps_as_steps_to_reach():
    runs = learning_rate_runs(X, Y, START, [0.05, 0.7, 1.2], steps=5)
    assert [r.regime for r in runs] == ["smooth", "zigzag", "diverges"]
    assert [r.steps_needed for r in runs[:2]] == [
        steps_to_reach(X, Y, START, lr) for lr in (0.05, 0.7)
    ]
    assert runs[2].steps_needed is None


def test_a_learning_rate_too_small_to_arrive_says_so():
    (run,) = learning_rate_runs(X, Y, START, [1e-4], steps=2, max_steps=MAX_STEPS)
    assert run.steps_needed == MAX_STEPS  # steps_to_reach gave up
    assert learning_rate_summary(run) == (
        "η = 0.00010: too slow; after 10,000 steps it is still not within 0.001 of the optimum."
    )


def test_loss_ellipses_are_contours_of_the_mse():
    best = least_squares(X.double(), Y.double())
    lowest = mse(X.double() @ best, Y.double()).item()
    levels = [0.5, 2.0]
    ellipses = loss_ellipses(2 / len(X) * X.T @ X, best, levels)
    for level, (cx, cy, rx, ry, degrees) in zip(levels, ellipses, strict=True):
        turn = math.radians(degrees)
        along = torch.tensor([math.cos(turn), math.sin(turn)], dtype=torch.float64)
        across = torch.tensor([-math.sin(turn), math.cos(turn)], dtype=torch.float64)
        for t in torch.linspace(0, 2 * math.pi, 7).tolist():
            a = best + rx * math.cos(t) * along + ry * math.sin(t) * across
            assert [cx, cy] == best.tolist()
            assert mse(X.double() @ a, Y.double()).item() - lowest == pytest.approx(level, rel=1e-5)


def test_steps_within_counts_from_where_it_stays_below():
    assert steps_within(torch.tensor([5.0, 0.5, 2.0, 0.1, 0.05]), 1.0) == 3
    assert steps_within(torch.tensor([0.5, 0.1]), 1.0) == 0
    assert steps_within(torch.tensor([5.0, 0.5, float("nan")]), 1.0) is None


def test_scale_input_multiplies_then_shifts():
    scaled = scale_input(X, shift=3.0, scale=0.5)
    assert torch.allclose(scaled[:, 0], 0.5 * X[:, 0] + 3.0)
    assert torch.equal(scaled[:, 1], X[:, 1])


def test_the_heavy_ball_steps_as_torch_sgd_with_momentum():
    x = scale_input(X, 3.0, 1.0)
    path = heavy_ball(partial(mse_gradient, x, Y), torch.tensor(START), 0.09, 0.9, 30)
    a = torch.nn.Parameter(torch.tensor(START))
    optimizer = torch.optim.SGD([a], lr=0.09, momentum=0.9)
    for step in range(30):
        optimizer.zero_grad()
        mse(x @ a, Y).backward()
        optimizer.step()
        assert torch.allclose(path[step + 1], a.detach(), rtol=1e-4, atol=1e-5)


# --- What lands in the page ------------------------------------------------------------------
@pytest.fixture(scope="module")
def lr_page():
    explorer = learning_rate_explorer(X, Y)
    return explorer, page_data(explorer)


def test_every_learning_rate_state_is_the_fit_functions_run(lr_page):
    explorer, data = lr_page
    steps, limit = explorer.facts["steps"], largest_stable_learning_rate(X)
    lrs = [float(text) for text in data["sliders"][0]]  # the value shown is the value run
    assert 25 <= len(lrs) <= 40 and lrs[0] < 0.05 * limit and lrs[-1] > limit
    kinds = set()
    for (lr,), state in states(data, lrs):
        fit = fit_gradient_descent(X, Y, START, lr, steps)
        assert close(state["path"], fit.params) and close(state["loss"], fit.losses)
        kind = regime(X, lr)
        kinds.add(kind)
        if kind == "diverges":
            assert "diverges" in state["summary"] and state["now"] is None
        else:
            needed = steps_to_reach(X, Y, START, lr)
            assert f"converges in {needed:,} steps" in state["summary"]
            assert state["now"] == [lr, needed]
            assert ("zig-zagging" in state["summary"]) == (kind == "zigzag")
    assert kinds == {"smooth", "zigzag", "diverges"}


def test_every_slope_state_is_one_dimensional_gradient_descent():
    explorer = slope_explorer(X, Y)
    data = page_data(explorer)
    inputs, targets = slope_only(X, Y)
    bottom, intercept = least_squares(X.double(), Y.double()).tolist()
    curvature = explorer.facts["curvature"]
    assert curvature == pytest.approx(2 * (X[:, 0].double() ** 2).mean().item(), rel=1e-5)
    lrs = [k / curvature for k in (0.25, 0.5, 1.0, 1.5, 1.9, 2.1)]
    xs, ys = X[:, 0].double(), Y.double()
    for (lr, step), state in states(data, lrs, range(explorer.facts["steps"] + 1)):
        w = [-1.0]  # by hand, in float64: w <- w - lr * L'(w), L'(w) = 2 mean((w x + b - y) x)
        for _ in range(step + 1):
            w.append(w[-1] - lr * 2 * ((w[-1] * xs + intercept - ys) * xs).mean().item())
        fit = fit_gradient_descent(inputs, targets, (-1.0,), lr, step + 1)
        assert close(state["trail"][::2], fit.params[: step + 1, 0])
        assert close(state["trail"][::2], w[: step + 1], digits=3)
        assert close(state["move"][::2], w[step : step + 2], digits=3)
        # a step multiplies the distance to the bottom by 1 - lr·c, as the sentence says
        assert (w[1] - bottom) / (w[0] - bottom) == pytest.approx(1 - lr * curvature, abs=1e-6)
        assert f"1 − η·c = {numbers.number(1 - lr * curvature)}" in state["summary"]


def test_every_batch_state_is_minibatch_sgd():
    explorer = batch_size_explorer(X, Y)
    data = page_data(explorer)
    steps, lr = explorer.facts["steps"], explorer.facts["lr"]
    sizes = [int(text) for text in data["sliders"][0]]
    seeds = [int(text) for text in data["sliders"][1]]
    full = fit_gradient_descent(X, Y, START, lr, steps)
    for (batch, seed), state in states(data, sizes, seeds):
        fit = fit_minibatch_sgd(X, Y, START, lr, batch, epochs=steps, seed=seed)
        assert close(state["path"], fit.params[: steps + 1])
        assert close(state["loss"], fit.losses[:steps])
        if batch == len(X):  # one batch of everything: SGD is full-batch gradient descent
            assert torch.allclose(fit.params[: steps + 1], full.params, atol=1e-5)


def test_every_momentum_state_is_the_heavy_ball():
    explorer = momentum_explorer(X, Y)
    data = page_data(explorer)
    narrow = scale_input(X, explorer.facts["shift"], 1.0)
    steps = explorer.facts["steps"]
    lrs = [float(text) for text in data["sliders"][0]]
    betas = [float(text) for text in data["sliders"][1]]
    lowest = mse(narrow.double() @ least_squares(narrow.double(), Y.double()), Y.double())
    gradient = partial(mse_gradient, narrow, Y)
    for (lr, beta), state in states(data, lrs, betas):
        path = heavy_ball(gradient, torch.tensor(START), lr, beta, steps)
        plain = heavy_ball(gradient, torch.tensor(START), lr, 0.0, steps)
        assert close(state["hb"], path) and close(state["gd"], plain)
        excess = torch.stack([mse(narrow.double() @ a.double(), Y.double()) for a in path])
        assert close(state["hb-loss"], excess - lowest, digits=2)


def test_every_scaling_state_is_the_conditioning_functions_run():
    explorer = scaling_explorer(X, Y)
    data = page_data(explorer)
    shifts = [float(text) for text in data["sliders"][0]]
    scales = [float(text) for text in data["sliders"][1]]
    for (shift, scale), state in states(data, shifts, scales):
        inputs = scale_input(X, shift, scale)
        kappa, lr = condition_number(inputs), best_learning_rate(inputs)
        needed = steps_to_tolerance(inputs, Y, lr)
        assert close(state["now"], [kappa, needed])
        assert f"needs {needed:,} steps" in state["summary"]
        assert close(state["path"], gradient_descent_path(inputs, Y, explorer.facts["steps"]))
        assert close(state["optimum"], least_squares(inputs.double(), Y.double()))


def test_the_explorers_write_their_tolerance_as_the_edition_does(monkeypatch):
    assert tolerance() == "10⁻⁶"  # the lesson's LOSS_TOLERANCE, 1e-6
    monkeypatch.setattr("descent.conditioning_explorers.TOLERANCE", 1e-4)
    run = MomentumRun(0.1, 0.0, torch.zeros(2, 2), torch.tensor([1.0, 1e-5]), 1)
    assert outcome(run, 1000) == "within 10⁻⁴ of the lowest loss after 1 steps"
    stuck = MomentumRun(0.1, 0.0, torch.zeros(2, 2), torch.tensor([1.0, 0.5]), None)
    assert outcome(stuck, 1000) == "not within 10⁻⁴ of the lowest loss in 1,000 steps"


# --- The page's markup -----------------------------------------------------------------------
def test_an_explorer_hands_the_build_the_data_of_its_contract(lr_page):
    """The keys of ``descent.outputs.ExplorerData``, each of its type: the build reads no
    markup back, so this is what it relies on."""
    widget = lr_page[0].widget()
    assert set(widget) == set(ExplorerData.__annotations__)
    assert set(widget["sliders"][0]) == set(Slider.__annotations__)
    assert all(set(panel) == set(Panel.__annotations__) for panel in widget["panels"])
    assert all(panel["drawing"].startswith("<defs>") for panel in widget["panels"])
    assert json.loads(widget["data"]) == lr_page[1]


def test_the_json_is_compact_and_exact(lr_page):
    _, data = lr_page
    text = explorer_drawing.to_json(data)
    assert json.loads(text) == data
    numbers = re.sub(r'"(\\.|[^"\\])*"', '""', text)  # the JSON without its strings
    assert not re.search(r"\s", numbers) and not re.search(r"\d\.0[,\]}]", numbers)
    assert explorer_drawing.to_json([1234.0, 0.000012345, float("nan"), "</script>"]) == (
        '[1234,1.234e-05,null,"<\\/script>"]'
    )


def test_a_diverging_line_is_cut_where_it_leaves_keeping_its_direction():
    panel = explorer_drawing.Panel("p", (0, 1), (0, 1))
    points = explorer_drawing.polyline_points(panel, [(0.5, 0.5), (1e9, 0.5 + 1e8), (1e12, 1)])
    (x0, y0), (x1, y1) = (map(float, p.split(",")) for p in points.split())
    assert max(abs(x1), abs(y1)) == pytest.approx(explorer_drawing.FAR, rel=1e-3)
    assert (y1 - y0) / (x1 - x0) == pytest.approx(-0.1 * panel.box[3] / panel.box[2], rel=1e-3)
