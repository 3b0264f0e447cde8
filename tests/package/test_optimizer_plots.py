import pytest
import torch

from descent.conditioning import condition_number, scale_input
from descent.data import make_line_data
from descent.fit import least_squares
from descent.optimizer_plots import (
    method_names,
    plot_convergence,
    plot_noisy_sgd,
    plot_optimizer_paths,
    plot_scaled_contours,
    plot_separable,
    plot_steps_by_condition,
    plot_steps_by_tolerance,
)

x, y = make_line_data(n=30)
shifted = scale_input(x, shift=3.0)


def straight_path(x, y, steps=5):
    """From (-1, 1) to the optimum in equal steps."""
    start, end = torch.tensor([-1.0, 1.0]), least_squares(x, y)
    return torch.stack([start + (end - start) * t / steps for t in range(steps + 1)])


def test_scaled_contours_draw_each_bowl_on_equal_scales_with_its_condition_number():
    fig = plot_scaled_contours([x, shifted], y, steps=4)
    assert len(fig.axes) == 2
    for ax, inputs in zip(fig.axes, [x, shifted], strict=True):
        assert ax.get_aspect() == 1.0
        assert ax.get_title() == f"κ = {condition_number(inputs):.0f}"
        assert len(ax.lines[-1].get_xdata()) == 5  # the path: the start and 4 steps


def test_optimizer_paths_draw_one_row_per_bowl_one_panel_per_method():
    paths = [[straight_path(x, y)] * 4, [straight_path(shifted, y)] * 4]
    fig = plot_optimizer_paths([(x, y), (shifted, y)], paths)
    axes = [ax for subfig in fig.subfigs for ax in subfig.axes]
    assert len(axes) == 8
    assert all(ax.get_aspect() == 1.0 for ax in axes)
    kappa = condition_number(shifted)
    assert [ax.get_title() for ax in axes[4:]] == [f"{m}, κ = {kappa:.0f}" for m in method_names()]


def test_steps_by_tolerance_put_more_precision_to_the_right_and_drop_runs_that_never_got_there():
    tols = torch.tensor([1e-1, 1e-2, 1e-3])
    needed = torch.tensor([[5, 9, 14], [3, 4, 6], [2, 3, 3], [50, torch.inf, torch.inf]])
    fig = plot_steps_by_tolerance([(x, y), (shifted, y)], tols, [needed, needed], floor=2e-3)
    ax = fig.axes[0]
    assert ax.xaxis_inverted() and ax.get_xscale() == ax.get_yscale() == "log"
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == [*method_names(), "statistical floor σ²p/n"]
    assert ax.lines[0].get_ydata().tolist() == [5, 9, 14]
    assert ax.lines[3].get_ydata().tolist() == [50]  # Adam reached only the loosest tolerance
    assert ax.lines[4].get_xdata()[0] == 2e-3  # the floor


def test_steps_by_condition_plot_each_family_against_its_condition_numbers():
    needed = torch.tensor([[10.0, 100], [5, 30], [5, 31], [90, 120], [60, 12]])
    fig = plot_steps_by_condition([[3.0, 300.0], [3.0, 90.0]], [needed, needed])
    assert [ax.get_title() for ax in fig.axes] == ["stretched along an axis", "tilted"]
    legend = [text.get_text() for text in fig.axes[0].get_legend().get_texts()]
    assert legend == [*method_names(), "Adam without momentum (β₁ = 0)"]
    assert fig.axes[1].lines[3].get_xdata().tolist() == [3.0, 90.0]
    assert fig.axes[1].lines[3].get_ydata().tolist() == [90, 120]


def test_convergence_draws_each_run_and_its_predicted_factor_through_its_first_point_below_1e8():
    steps = torch.arange(30, dtype=torch.float64)
    runs = [0.5**steps, 0.25**steps, 0.1**steps, 0.01**steps]
    ax = plot_convergence(runs, [0.5, 0.25], lr_one_over_l=4.0).axes[0]
    assert ax.get_yscale() == "log" and len(ax.lines) == 6
    assert ax.lines[0].get_label() == "gradient descent, η = 1/L = 4.0"
    dashed = ax.lines[4].get_ydata()  # 0.5 per step, through the run's first point below 1e-8
    assert dashed == pytest.approx(runs[0].numpy(), rel=1e-9)


def test_separable_draws_the_loss_and_its_limit_from_the_first_step_on_log_log_axes():
    steps = torch.arange(11, dtype=torch.float64)
    ax = plot_separable(1 / (steps + 1), 0.5**steps, limit=2.0).axes[0]
    assert ax.get_xscale() == ax.get_yscale() == "log" and len(ax.lines) == 3
    assert ax.lines[0].get_xdata().tolist() == list(range(1, 11))  # step 0 has no log
    assert ax.lines[1].get_ydata() == pytest.approx([2 / t for t in range(1, 11)])
    assert [line.get_label() for line in (ax.lines[0], ax.lines[2])] == [
        "separable classes",
        "overlapping classes",
    ]


def test_noisy_sgd_names_each_schedule_and_dashes_its_prediction():
    steps = torch.arange(0, 101, 10, dtype=torch.float64)
    runs = [1 / (steps + 1), torch.full_like(steps, 0.1)]
    predictions = [1 / (steps + 2), torch.full_like(steps, 0.09)]
    schedules = [("decaying", 0.25), ("constant", 0.0625)]
    ax = plot_noisy_sgd(steps, runs, predictions, schedules).axes[0]
    assert len(ax.lines) == 4 and ax.lines[1].get_linestyle() == "--"
    assert ax.lines[3].get_ydata().tolist() == [0.09] * 10
    assert [line.get_label() for line in ax.lines[::2]] == [
        "decaying rate c/(t + t₀), c = 0.25/μ",
        "constant rate η = 0.0625",
    ]
