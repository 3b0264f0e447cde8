"""Logistic regression on real data: which tumours are malignant, from 30 measurements.

The data are the Wisconsin Diagnostic Breast Cancer set (Street, Wolberg and Mangasarian, 1993):
569 breast masses, each described by 30 numbers computed from a digitized image of a fine-needle
aspirate (ten properties of the cell nuclei, each as a mean, a standard error and a worst value),
and labelled malignant or benign. They ship inside scikit-learn's wheel, so nothing is
downloaded. Everything is in float64, so that the minimum can be compared with an independent
solver's to many digits.
"""

from collections.abc import Sequence

import torch
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression

from descent.convergence import smoothness as logistic_smoothness
from descent.data import Split, shuffled_split

N_TRAIN = 400  # tumours to learn from; the other 169 are held out
N_VALIDATION = 100  # of the training tumours, held out to choose the weight decay


def tumour_data(seed: int = 0) -> Split:
    """The 569 tumours, shuffled by ``seed``; the first ``N_TRAIN`` are learned from. Labels are
    1 for malignant."""
    data = load_breast_cancer()
    x = torch.tensor(data.data, dtype=torch.float64)
    y = 1.0 - torch.tensor(data.target, dtype=torch.float64)  # scikit-learn's 0 is malignant
    return shuffled_split(x, y, len(x) - N_TRAIN, seed)


def with_intercept(x: torch.Tensor) -> torch.Tensor:
    """``x`` with a column of ones appended, whose weight is the intercept: ``(n, p + 1)``."""
    return torch.cat([x, torch.ones(len(x), 1, dtype=x.dtype)], dim=1)


def standardize(train: torch.Tensor, test: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Both sets scaled with the training set's mean and standard deviation, each with a column
    of ones for the intercept: ``(n, 31)``. The test set must not shape its own scale."""
    mean, std = train.mean(dim=0), train.std(dim=0)
    return with_intercept((train - mean) / std), with_intercept((test - mean) / std)


def logistic_loss(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor, decay: float = 0.0):
    """The binary cross-entropy of the scores ``x w`` against labels of 0 and 1, plus
    ``decay/2 ‖w‖²`` over the weights (not the intercept, the last entry)."""
    scores = x @ w
    cross_entropy = (torch.logaddexp(torch.zeros_like(scores), scores) - y * scores).mean()
    return cross_entropy + decay / 2 * (w[:-1] ** 2).sum()


def train_logistic(
    x: torch.Tensor, y: torch.Tensor, lr: float, steps: int, decay: float = 0.0
) -> torch.Tensor:
    """Gradient descent from zero, the gradient by autograd: the weights after each step and
    before the first, ``(steps + 1, p)``."""
    w = torch.zeros(x.shape[1], dtype=x.dtype, requires_grad=True)
    path = [w.detach().clone()]
    for _ in range(steps):
        logistic_loss(w, x, y, decay).backward()
        with torch.no_grad():
            w -= lr * w.grad
        w.grad.zero_()
        path.append(w.detach().clone())
    return torch.stack(path)


def accuracy(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The fraction of points on the right side of the boundary, for weights ``(..., p)``."""
    return ((x @ w.unsqueeze(-1)).squeeze(-1) > 0).eq(y.bool()).double().mean(dim=-1)


def losses(path: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The cross-entropy (without the decay) at every row of ``path`` ``(T, p)``: ``(T,)``."""
    return torch.stack([logistic_loss(w, x, y) for w in path])


def smoothness(x: torch.Tensor, decay: float = 0.0) -> float:
    """``L = λmax(xᵀx)/(4n) + decay``: no curvature of the loss is larger, anywhere."""
    return logistic_smoothness(x) + decay  # the logistic loss's bound, plus the penalty's


def condition_number(x: torch.Tensor, decay: float = 0.0) -> float:
    """Of the curvature bound ``xᵀx/(4n) + decay·I``: its largest eigenvalue over its smallest."""
    eigenvalues = torch.linalg.eigvalsh(x.T @ x / (4 * len(x)))
    return ((eigenvalues[-1] + decay) / (eigenvalues[0] + decay)).item()


def reference_solution(x: torch.Tensor, y: torch.Tensor, decay: float) -> torch.Tensor:
    """The minimizer by scikit-learn's L-BFGS, an independent solver: ``(p,)``, the intercept
    last. Its penalty ``‖w‖²/(2C)`` on the summed loss is ours with ``C = 1/(decay·n)``."""
    model = LogisticRegression(C=1 / (decay * len(x)), tol=1e-12, max_iter=100_000)
    model.fit(x[:, :-1].numpy(), y.numpy())
    return torch.tensor([*model.coef_[0], model.intercept_[0]], dtype=torch.float64)


def choose_decay(
    x: torch.Tensor, y: torch.Tensor, decays: Sequence[float]
) -> tuple[float, torch.Tensor]:
    """The weight decay of ``decays`` whose model, fitted to all but the last ``N_VALIDATION``
    training tumours (raw inputs ``x``), has the lowest cross-entropy on those last ones; and
    that loss for each decay ``(D,)``. The test set plays no part."""
    fit, validation = standardize(x[:-N_VALIDATION], x[-N_VALIDATION:])
    y_fit, y_validation = y[:-N_VALIDATION], y[-N_VALIDATION:]
    scores = torch.stack(
        [logistic_loss(reference_solution(fit, y_fit, d), validation, y_validation) for d in decays]
    )
    return decays[int(scores.argmin())], scores


def mistakes(
    w: torch.Tensor, x: torch.Tensor, y: torch.Tensor, threshold: float = 0.5
) -> tuple[int, int]:
    """Calling a tumour malignant when its probability ``σ(x w)`` reaches ``threshold``: how
    many malignant tumours it misses, and how many benign ones it flags."""
    flagged = torch.sigmoid(x @ w) >= threshold
    malignant = y.bool()
    return int((malignant & ~flagged).sum()), int((~malignant & flagged).sum())
