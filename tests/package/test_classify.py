"""Softmax, cross-entropy and its gradient against PyTorch's; a classifier trained with them."""

import math

import matplotlib.pyplot as plt
import pytest
import torch
import torch.nn.functional as F

from descent.classify import (
    CENTERS,
    accuracies_after_training,
    accuracy,
    cross_entropy_grad,
    fit_classifier,
    make_class_data,
    most_confident_mistake,
    plot_classes,
    plot_costs_and_pushes,
    point_costs,
    softmax,
    squared_error,
)
from descent.loss import cross_entropy


def random_logits(n=64, classes=4, scale=5.0, seed=1):
    generator = torch.Generator().manual_seed(seed)
    logits = scale * torch.randn(n, classes, generator=generator)
    return logits, torch.randint(0, classes, (n,), generator=generator)


def test_softmax_rows_sum_to_one_and_match_torch():
    logits, _ = random_logits()
    probabilities = softmax(logits)
    assert torch.all(probabilities > 0)
    assert torch.allclose(probabilities.sum(dim=1), torch.ones(len(logits)))
    assert torch.allclose(probabilities, torch.softmax(logits, dim=1))


def test_softmax_ignores_a_constant_added_to_a_row_and_survives_huge_logits():
    logits, _ = random_logits(n=8, classes=3)
    shifts = 100 * torch.arange(8.0).unsqueeze(1)
    # float32 rounds x + 700 to about 6e-5, so the probabilities agree to about that, relatively
    assert torch.allclose(softmax(logits + shifts), softmax(logits), rtol=1e-4, atol=0)
    huge = torch.tensor([[1000.0, 0.0, -1000.0]])
    assert torch.equal(softmax(huge), torch.tensor([[1.0, 0.0, 0.0]]))


def test_cross_entropy_matches_torch():
    logits, targets = random_logits()
    assert torch.allclose(cross_entropy(logits, targets), F.cross_entropy(logits, targets))


def test_cross_entropy_survives_huge_logits():
    logits = torch.tensor([[1000.0, 0.0], [0.0, 1000.0]])
    targets = torch.tensor([1, 1])
    assert torch.allclose(cross_entropy(logits, targets), F.cross_entropy(logits, targets))


def test_cross_entropy_is_negative_log_likelihood():
    logits, targets = random_logits(n=8, classes=3, scale=1.0, seed=2)
    likelihood = torch.softmax(logits, dim=1)[torch.arange(8), targets].prod()
    assert torch.allclose(cross_entropy(logits, targets), -likelihood.log() / 8)
    expected = F.nll_loss(F.log_softmax(logits, dim=1), targets)
    assert torch.allclose(cross_entropy(logits, targets), expected)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cross_entropy_grad_is_torchs_autograd_gradient(seed):
    logits, targets = random_logits(n=32, classes=3 + seed, seed=seed)
    logits.requires_grad_()
    F.cross_entropy(logits, targets).backward()
    assert torch.allclose(cross_entropy_grad(logits.detach(), targets), logits.grad, atol=1e-7)


def test_the_weights_gradient_is_inputs_times_softmax_minus_one_hot():
    x, labels = make_class_data(n=30)
    weights = torch.randn(3, 3, generator=torch.Generator().manual_seed(4), requires_grad=True)
    F.cross_entropy(x @ weights, labels).backward()
    by_hand = x.T @ cross_entropy_grad((x @ weights).detach(), labels)
    assert torch.allclose(by_hand, weights.grad, atol=1e-6)


def test_squared_error_is_torchs_mse_of_probabilities_and_one_hot_labels():
    logits, targets = random_logits(classes=3)
    one_hot = F.one_hot(targets, 3).float()
    expected = F.mse_loss(torch.softmax(logits, dim=1), one_hot)
    assert torch.allclose(squared_error(logits, targets), expected)


def test_data_is_seeded_balanced_and_centred_on_the_centers():
    x, labels = make_class_data(n=3000, seed=3)
    assert torch.equal(x, make_class_data(n=3000, seed=3)[0])
    assert not torch.equal(x, make_class_data(n=3000, seed=4)[0])
    assert torch.equal(torch.bincount(labels), torch.tensor([1000, 1000, 1000]))
    assert torch.all(x[:, 2] == 1)
    for k, center in enumerate(CENTERS):
        assert torch.allclose(x[labels == k, :2].mean(dim=0), torch.tensor(center), atol=0.1)


def test_training_starts_at_log_3_lowers_the_loss_and_separates_the_classes():
    x, labels = make_class_data()
    fit = fit_classifier(x, labels, lr=1.0, steps=100)
    # zero weights give every class probability 1/3, so the first loss is log 3
    assert fit.losses[0].item() == pytest.approx(math.log(3), rel=1e-6)
    assert fit.losses[-1] < 0.25 * fit.losses[0]
    assert accuracy(fit.weights, x, labels) >= 0.9


def test_point_costs_match_the_hand_formulas():
    logits, labels = random_logits(n=50, classes=3, scale=3.0, seed=5)
    costs = point_costs(logits, labels)
    p = torch.softmax(logits, dim=1)
    one_hot = F.one_hot(labels, 3).float()
    p_true = p[torch.arange(50), labels]
    others = ((p * (1 - one_hot)) ** 2).sum(dim=1)  # the sum of p_k² over the wrong classes
    assert torch.allclose(costs.probability, p_true)
    assert torch.allclose(costs.cross_entropy, -p_true.log(), atol=1e-5)
    assert torch.allclose(costs.squared_error, ((p - one_hot) ** 2).mean(dim=1))
    assert torch.allclose(costs.cross_entropy_push, p_true - 1, atol=1e-6)
    expected = -2 / 3 * p_true * ((1 - p_true) ** 2 + others)
    assert torch.allclose(costs.squared_error_push, expected, atol=1e-6)
    # the chapter's bound on the squared error's push: at most 4/K p (1 - p)², so below 16/81
    assert torch.all(costs.squared_error_push.abs() <= 4 / 3 * p_true * (1 - p_true) ** 2 + 1e-7)
    assert costs.squared_error_push.abs().max() <= 16 / 81


def test_with_two_classes_the_squared_error_push_is_the_sigmoid_formula():
    z = torch.linspace(-8, 8, 33)
    logits = torch.stack([torch.zeros_like(z), z], dim=1)  # p of class 1 is sigmoid(z)
    costs = point_costs(logits, torch.ones(33, dtype=torch.long))
    p = torch.sigmoid(z)
    assert torch.allclose(costs.squared_error_push, 2 * (p - 1) * p * (1 - p), atol=1e-6)
    assert torch.allclose(costs.cross_entropy_push, p - 1, atol=1e-6)


def test_a_confident_mistake_gets_a_vanishing_squared_error_push():
    x, labels = make_class_data()
    weights = fit_classifier(x, labels, lr=1.0, steps=100).weights
    costs = point_costs(x @ weights, labels)
    worst = most_confident_mistake(costs)
    assert (x @ weights)[worst].argmax() != labels[worst]  # a mistake
    assert costs.probability[worst] == costs.probability.min() < 0.05
    assert costs.cross_entropy_push[worst] < -0.95
    assert costs.cross_entropy_push[worst] < 20 * costs.squared_error_push[worst] < 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_from_confidently_wrong_weights_only_cross_entropy_recovers_at_small_rates(seed):
    x, labels = make_class_data(seed=seed)
    start = 3 * fit_classifier(x, labels, lr=1.0, steps=100).weights.roll(1, dims=1)
    assert accuracy(start, x, labels) < 0.1
    # cross-entropy recovers at every rate; the squared error's tiny gradients need a huge step
    ce = accuracies_after_training(x, labels, start, [0.3, 3.0, 30.0], 100, cross_entropy)
    squared = accuracies_after_training(x, labels, start, [0.3, 3.0], 100, squared_error)
    assert min(ce) > 0.75
    assert max(squared) < 0.5


def test_the_class_figure_draws_the_plane_to_scale_with_every_class():
    x, labels = make_class_data(n=30)
    fig = plot_classes(x, labels, torch.zeros(3, 3))
    ax = fig.axes[0]
    assert ax.get_aspect() == 1.0
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1", "class 2"]
    plt.close(fig)


@pytest.mark.parametrize("classes", [2, 3])
def test_the_class_figure_counts_in_its_title_the_classes_the_data_hold(classes):
    x, labels = make_class_data(n=30)
    kept = labels < classes  # drop the last classes: the title must follow the data
    fig = plot_classes(x[kept], labels[kept], torch.zeros(3, classes))
    ax = fig.axes[0]
    assert ax.get_title() == f"{classes} classes and the model's regions"
    assert len(ax.get_legend().get_texts()) == classes
    plt.close(fig)


def test_the_push_figure_draws_the_squared_error_limit():
    logits, labels = random_logits(n=20, classes=3)
    fig = plot_costs_and_pushes(point_costs(logits, labels))
    limit = fig.axes[1].get_lines()[-1].get_ydata()
    assert min(limit) == pytest.approx(-16 / 81, rel=1e-3)  # -4/3 p (1 - p)² is lowest at p = 1/3
    plt.close(fig)
