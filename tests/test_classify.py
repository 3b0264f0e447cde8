"""Cross-entropy against PyTorch's, and a classifier trained with it."""

import torch
import torch.nn.functional as F

from descent.classify import (
    accuracy,
    fit_classifier,
    losses_by_confidence,
    make_two_class_data,
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
