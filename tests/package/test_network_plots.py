import torch

from descent.network_plots import GRADIENTS, NODES, plot_digits, plot_graph


def test_digits_are_titled_with_their_digit():
    fig = plot_digits([(torch.zeros(8, 8), 3), (torch.ones(8, 8), 7)])
    assert [ax.get_title() for ax in fig.axes] == ["3", "7"]
    assert fig.axes[1].images[0].get_array().shape == (8, 8)


def test_graph_draws_every_node_and_a_backward_gradient_between_each_pair_after_the_input():
    ax = plot_graph().axes[0]
    texts = [text.get_text() for text in ax.texts]
    assert all(label in texts for label, _x in NODES) and all(g in texts for g in GRADIENTS)
    dashed = [a for a in ax.texts if getattr(a, "arrow_patch", None) is not None
              and a.arrow_patch.get_linestyle() == "--"]  # fmt: skip
    assert len(dashed) == len(NODES) - 2  # one back between each pair; none into the input
