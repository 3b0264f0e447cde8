import pytest
import torch

from descent.generalization_plots import (
    plot_losses_by_degree,
    plot_losses_by_size,
    plot_regularization,
)


def test_losses_by_size_draw_the_means_beside_their_predictions():
    sizes, train, held = [10, 100], torch.tensor([0.07, 0.082]), torch.tensor([0.1, 0.085])
    ax = plot_losses_by_size(sizes, train, held, noise_variance=0.1, p=2).axes[0]
    held_dots, held_curve, train_dots, train_curve = ax.lines[:4]
    assert held_dots.get_ydata().tolist() == pytest.approx(held.tolist())
    assert train_dots.get_ydata().tolist() == pytest.approx(train.tolist())
    assert held_curve.get_ydata().tolist() == pytest.approx([0.1 * 1.2, 0.1 * 1.02])
    assert train_curve.get_ydata().tolist() == pytest.approx([0.1 * 0.8, 0.1 * 0.98])
    assert ax.lines[4].get_ydata()[0] == 0.1  # the noise
    assert ax.get_xscale() == "log"


def test_losses_by_degree_draw_medians_on_a_log_scale():
    train = torch.tensor([[1.0, 0.5, 0.2], [3.0, 0.7, 0.4], [2.0, 0.6, 0.3]])
    ax = plot_losses_by_degree(range(3), train, train * 10).axes[0]
    assert ax.get_yscale() == "log"
    assert ax.lines[0].get_ydata().tolist() == pytest.approx([20.0, 6.0, 3.0])  # held out
    assert ax.lines[1].get_ydata().tolist() == pytest.approx([2.0, 0.6, 0.3])


def test_regularization_starts_the_steps_at_one_and_marks_the_line():
    by_decay = torch.tensor([[3.0, 1.0, 2.0]])
    by_step = torch.tensor([[5.0, 1.0, 0.5, 0.7]])
    left, right = plot_regularization([1e-3, 1e-2, 1e-1], by_decay, by_step, by_step, 0.2).axes
    assert left.lines[0].get_xdata().tolist() == [1e-3, 1e-2, 1e-1]
    assert right.lines[0].get_xdata().tolist() == [1, 2, 3]  # no step 0 on a log scale
    assert right.lines[0].get_ydata().tolist() == pytest.approx([1.0, 0.5, 0.7])
    assert left.lines[-1].get_ydata()[0] == right.lines[-1].get_ydata()[0] == 0.2
