import pytest
import torch
from sklearn.datasets import load_breast_cancer

from descent.classifier import (
    N_TRAIN,
    N_VALIDATION,
    accuracy,
    choose_decay,
    condition_number,
    logistic_loss,
    losses,
    mistakes,
    reference_solution,
    smoothness,
    standardize,
    train_logistic,
    tumour_data,
    with_intercept,
)


@pytest.fixture(scope="module")
def data():
    return tumour_data(seed=0)


@pytest.fixture(scope="module")
def standardized(data):
    return standardize(data.x_train, data.x_test)


def test_the_split_keeps_every_tumour_once_with_malignant_as_one(data):
    original = load_breast_cancer()
    assert len(data.x_train) == N_TRAIN and len(data.x_test) == len(original.data) - N_TRAIN
    rows = torch.cat([data.x_train, data.x_test])
    assert sorted(map(tuple, rows.tolist())) == sorted(map(tuple, original.data.tolist()))
    malignant = int((original.target == 0).sum())  # scikit-learn's 0 is malignant
    assert int(data.y_train.sum() + data.y_test.sum()) == malignant
    other = tumour_data(seed=1)
    assert not torch.equal(other.x_train, data.x_train)


def test_standardizing_uses_the_training_sets_statistics_only(data, standardized):
    train, test = standardized
    assert train[:, :-1].mean(dim=0).abs().max() < 1e-12
    assert train[:, :-1].std(dim=0) == pytest.approx(torch.ones(30, dtype=torch.float64))
    mean, std = data.x_train.mean(dim=0), data.x_train.std(dim=0)
    assert torch.allclose(test[:, :-1], (data.x_test - mean) / std)
    assert (train[:, -1] == 1).all() and (test[:, -1] == 1).all()
    assert torch.equal(with_intercept(data.x_test)[:, :-1], data.x_test)


def test_loss_is_torchs_binary_cross_entropy_plus_the_decay_on_the_weights_only(standardized, data):
    x, y = standardized[0], data.y_train
    w = torch.randn(31, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    bce = torch.nn.functional.binary_cross_entropy_with_logits(x @ w, y)
    assert logistic_loss(w, x, y) == pytest.approx(bce.item(), rel=1e-12)
    assert logistic_loss(w, x, y, 0.5) == pytest.approx(bce.item() + 0.25 * (w[:-1] ** 2).sum())
    w.requires_grad_()
    logistic_loss(w, x, y, 0.1).backward()
    by_hand = x.T @ (torch.sigmoid(x @ w) - y) / len(x) + 0.1 * torch.cat([w[:-1], w.new_zeros(1)])
    assert torch.allclose(w.grad, by_hand.detach(), atol=1e-14)
    huge = torch.full((31,), 1e3, dtype=torch.float64)  # scores far beyond exp's range
    assert torch.isfinite(logistic_loss(huge, x, y))


def test_training_steps_downhill_to_the_reference_solvers_minimum(standardized, data):
    x, y, decay = standardized[0], data.y_train, 0.01
    lr = 1 / smoothness(x, decay)
    path = train_logistic(x, y, lr, 4000, decay)
    assert (path[0] == 0).all()
    first = path[0].clone().requires_grad_()
    logistic_loss(first, x, y, decay).backward()
    assert torch.allclose(path[1], path[0] - lr * first.grad)
    assert (losses(path, x, y)[:50].diff() < 0).all()
    best = reference_solution(x, y, decay)
    best_grad = best.clone().requires_grad_()
    logistic_loss(best_grad, x, y, decay).backward()
    assert best_grad.grad.norm() < 1e-6  # the reference is a minimum
    assert (path[-1] - best).norm() < 1e-5
    assert logistic_loss(path[-1], x, y, decay) - logistic_loss(best, x, y, decay) < 1e-11


def test_smoothness_bounds_the_curvature_everywhere(standardized, data):
    x, y = standardized[0], data.y_train
    bound = smoothness(x, 0.01)
    generator = torch.Generator().manual_seed(1)
    for _ in range(5):
        w = torch.randn(31, dtype=torch.float64, generator=generator)
        hessian = torch.autograd.functional.hessian(lambda v: logistic_loss(v, x, y, 0.01), w)
        assert torch.linalg.eigvalsh(hessian).max() <= bound + 1e-12


def test_accuracy_and_mistakes_count_by_hand():
    x = torch.tensor([[1.0, 1.0], [-1.0, 1.0], [2.0, 1.0], [-2.0, 1.0]], dtype=torch.float64)
    y = torch.tensor([1.0, 0.0, 0.0, 1.0], dtype=torch.float64)
    w = torch.tensor([1.0, 0.0], dtype=torch.float64)  # flags the positive inputs
    assert accuracy(w, x, y) == 0.5
    assert accuracy(torch.stack([w, -w]), x, y).tolist() == [0.5, 0.5]
    assert mistakes(w, x, y) == (1, 1)  # misses the last, flags the third
    assert mistakes(w, x, y, threshold=0.05) == (0, 2)  # σ(-2) ≈ 0.12 is flagged too


def test_condition_number_of_the_curvature_bound():
    x = torch.tensor([[2.0, 0.0], [0.0, 1.0]], dtype=torch.float64)  # xᵀx/(4n) = diag(0.5, 0.125)
    assert condition_number(x) == pytest.approx(4.0)
    assert condition_number(x, decay=0.125) == pytest.approx(2.5)


def test_the_decay_is_chosen_on_the_training_sets_last_tumours_alone(data):
    decays = [1e-3, 1e-1]
    chosen, scores = choose_decay(data.x_train, data.y_train, decays)
    fit, validation = standardize(data.x_train[:-N_VALIDATION], data.x_train[-N_VALIDATION:])
    by_hand = [
        logistic_loss(
            reference_solution(fit, data.y_train[:-N_VALIDATION], d),
            validation,
            data.y_train[-N_VALIDATION:],
        )
        for d in decays
    ]
    assert scores.tolist() == pytest.approx([s.item() for s in by_hand], rel=1e-9)
    assert chosen == decays[int(torch.stack(by_hand).argmin())]
