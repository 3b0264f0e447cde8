import torch

from descent.classifier_plots import plot_loss_against_accuracy, plot_train_test


def test_loss_against_accuracy_draws_a_curve_and_a_staircase():
    shifts = torch.linspace(-1, 1, 5)
    fig = plot_loss_against_accuracy(shifts, shifts**2, torch.tensor([0.5, 0.5, 1.0, 0.5, 0.5]))
    left, right = fig.axes
    assert left.lines[0].get_ydata().tolist() == (shifts**2).tolist()
    assert right.lines[0].get_drawstyle() == "steps-mid"
    assert [ax.get_title() for ax in fig.axes] == ["The loss", "The accuracy"]


def test_train_test_draws_training_solid_and_test_dashed_from_step_one():
    curve = torch.tensor([0.7, 0.3, 0.2, 0.1])
    fig = plot_train_test([(curve, curve * 2, curve, curve)] * 2, [0.01, 0.0])
    left, right = fig.axes
    assert len(left.lines) == len(right.lines) == 4
    assert left.lines[0].get_xdata().tolist() == [1, 2, 3]  # step 0 has no log
    assert (
        left.lines[1].get_linestyle() == "--"
        and left.lines[1].get_ydata().tolist() == (curve[1:] * 2).tolist()
    )
    assert [line.get_label() for line in left.lines] == [
        "weight decay 0.01, training",
        "weight decay 0.01, test",
        "no weight decay, training",
        "no weight decay, test",
    ]
    assert left.get_xscale() == left.get_yscale() == "log"
