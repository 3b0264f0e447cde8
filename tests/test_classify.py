"""Cross-entropy against PyTorch's, and a classifier trained with it."""

import math

import pytest
import torch
import torch.nn.functional as F

from descent.classify import (
    accuracy,
    fit_classifier,
    losses_by_confidence,
    make_two_class_data,
    most_confident_mistake,
)
from descent.loss import cross_entropy


def test_cross_entropy_matches_torch():
    generator = torch.Generator().manual_seed(1)
    logits = 5 * torch.randn(64, 4, generator=generator)
    targets = torch.randint(0, 4, (64,), generator=generator)
    assert torch.allclose(cross_entropy(logits, targets), F.cross_entropy(logits, targets))


def test_cross_entropy_survives_huge_logits():
    logits = torch.tensor([[1000.0, 0.0], [0.0, 1000.0]])
    targets = torch.tensor([1, 1])
    assert torch.allclose(cross_entropy(logits, targets), F.cross_entropy(logits, targets))


def test_cross_entropy_is_negative_log_likelihood():
    logits = torch.randn(8, 3, generator=torch.Generator().manual_seed(2))
    targets = torch.arange(8) % 3
    expected = F.nll_loss(F.log_softmax(logits, dim=1), targets)
    assert torch.allclose(cross_entropy(logits, targets), expected)


def test_training_lowers_the_loss_and_separates_the_classes():
    x, labels = make_two_class_data()
    fit = fit_classifier(x, labels, lr=0.5, steps=100)
    assert fit.losses[-1] < 0.5 * fit.losses[0]
    # zero weights give both classes probability 1/2, so the first loss is log 2
    assert torch.isclose(fit.losses[0], torch.log(torch.tensor(2.0)))
    assert accuracy(fit.weights, x, labels) >= 0.9


def test_data_is_seeded_and_balanced():
    x, labels = make_two_class_data(seed=3)
    assert torch.equal(x, make_two_class_data(seed=3)[0])
    assert labels.sum() == len(labels) // 2


def test_cross_entropy_punishes_confident_mistakes_more():
    p = torch.tensor([0.01, 0.5, 0.99])
    ce, squared = losses_by_confidence(p)
    assert ce[0] > 4 > 1 > squared[0]  # nearly sure and wrong: about 4.6 against below 1
    assert torch.all(squared <= 1)


def test_most_confident_mistake_matches_a_hand_computation():
    x, labels = make_two_class_data()
    weights = fit_classifier(x, labels, lr=0.5, steps=100).weights
    cost = most_confident_mistake(weights, x, labels)
    logits = x @ weights
    z = logits[:, 1] - logits[:, 0]
    p_true = torch.where(labels == 1, torch.sigmoid(z), torch.sigmoid(-z))
    assert not cost.flipped and cost.label == labels[cost.index]
    assert cost.probability == pytest.approx(p_true.min().item(), rel=1e-5)
    assert cost.probability < 0.5  # wrong, and no point is more confidently wrong
    # by hand, for the logit z of class 1 and the label y, with p = sigmoid(z)
    p, y = torch.sigmoid(z[cost.index]).item(), cost.label
    assert cost.cross_entropy == pytest.approx(-math.log(cost.probability), rel=1e-5)
    assert cost.squared_error == pytest.approx((p - y) ** 2, rel=1e-5)
    assert cost.cross_entropy_grad == pytest.approx(p - y, rel=1e-5)
    assert cost.squared_error_grad == pytest.approx(2 * (p - y) * p * (1 - p), rel=1e-5)
    assert abs(cost.cross_entropy_grad) > abs(cost.squared_error_grad)


def test_without_mistakes_a_flipped_point_is_used():
    x = torch.tensor([[-2.0, 0.0, 1.0], [2.0, 0.0, 1.0], [3.0, 0.0, 1.0]])
    labels = torch.tensor([0, 1, 1])
    weights = torch.tensor([[-2.0, 2.0], [0.0, 0.0], [0.0, 0.0]])  # z = 4 x1: all right
    cost = most_confident_mistake(weights, x, labels)
    assert cost.flipped and cost.index == 2 and cost.label == 0  # the surest one, flipped
    p = torch.sigmoid(torch.tensor(12.0)).item()
    assert cost.probability == pytest.approx(1 - p, rel=1e-4)
    assert cost.cross_entropy_grad == pytest.approx(p, rel=1e-5)
    assert cost.squared_error_grad == pytest.approx(2 * p * p * (1 - p), rel=1e-4)
    assert cost.squared_error_grad < 1e-4 < 0.99 < cost.cross_entropy_grad  # vanishes
