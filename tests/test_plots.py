import matplotlib.pyplot as plt
import pytest
import torch

from descent.data import make_line_data
from descent.fit import least_squares
from descent.plots import (
    plot_data,
    plot_line_fit,
    plot_loss_contour,
    plot_loss_history,
)

LABELS = {"title": "T-title", "xlabel": "X-label", "ylabel": "Y-label"}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def data():
    return make_line_data(n=20)


def texts(ax):
    return ax.get_title(), ax.get_xlabel(), ax.get_ylabel()


def legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_plot_data_draws_the_given_strings(data):
    fig = plot_data(*data, **LABELS)
    assert texts(fig.axes[0]) == ("T-title", "X-label", "Y-label")


def test_plot_line_fit_draws_the_given_strings(data):
    fig = plot_line_fit(*data, torch.tensor([1.0, 0.0]), **LABELS, data_label="D", model_label="M")
    assert texts(fig.axes[0]) == ("T-title", "X-label", "Y-label")
    assert legend_texts(fig.axes[0]) == ["D", "M"]


def test_plot_loss_contour_draws_the_given_strings(data):
    x, y = data
    path = torch.tensor([[-1.0, 1.0], [0.0, 1.5]])
    fig = plot_loss_contour(
        x, y, least_squares(x, y), path=path, **LABELS, optimum_label="O", path_label="P"
    )
    assert texts(fig.axes[0]) == ("T-title", "X-label", "Y-label")
    assert legend_texts(fig.axes[0]) == ["P", "O"]


def test_plot_loss_history_draws_the_given_strings():
    fig = plot_loss_history(torch.tensor([3.0, 2.0, 1.0]), **LABELS)
    assert texts(fig.axes[0]) == ("T-title", "X-label", "Y-label")
    assert fig.axes[0].get_yscale() == "log"
