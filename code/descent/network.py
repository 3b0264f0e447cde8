"""A network with one hidden layer, its gradient by hand (backpropagation), on real images.

The images are the 1,797 handwritten digits of 8×8 pixels that ship inside scikit-learn's wheel
(a copy of the UCI optical-recognition data, Alpaydin and Kaynak, 1998). The network maps the
64 pixels to ``HIDDEN`` units through ``tanh``, and those to 10 scores, one per digit:

    a = x W₁ + b₁,   h = tanh(a),   z = h W₂ + b₂,   loss = cross-entropy(softmax(z), y)

Everything is in float64, so that the hand gradient can be compared with autograd to rounding.
"""

from collections.abc import Sequence
from typing import NamedTuple

import torch
from sklearn.datasets import load_digits

from descent.data import Split, shuffled_split

HIDDEN = 32  # hidden units
N_TEST = 500  # images held out; the other 1,297 are learned from


def digit_data(seed: int = 0) -> Split:
    """The 1,797 images, pixels scaled to [0, 1], shuffled by ``seed``; the last ``N_TEST`` are
    the test set."""
    data = load_digits()
    x = torch.tensor(data.data, dtype=torch.float64) / 16  # pixels are 0 to 16
    return shuffled_split(x, torch.tensor(data.target), N_TEST, seed)


def standardize_pixels(fit: torch.Tensor, *others: torch.Tensor) -> list[torch.Tensor]:
    """Every set scaled with the mean and standard deviation of each pixel on ``fit``; a pixel
    that never changes there (a corner) is only centred."""
    mean, std = fit.mean(dim=0), fit.std(dim=0)
    std = torch.where(std > 0, std, 1.0)
    return [(images - mean) / std for images in (fit, *others)]


class Params(NamedTuple):
    w1: torch.Tensor  # (64, HIDDEN)
    b1: torch.Tensor  # (HIDDEN,)
    w2: torch.Tensor  # (HIDDEN, 10)
    b2: torch.Tensor  # (10,)


def random_params(seed: int, hidden: int = HIDDEN, scale: float = 1.0) -> Params:
    """Weights drawn from a normal distribution with a standard deviation of ``scale`` over the
    square root of the inputs a unit adds up (so each unit's input starts near unit size), and
    biases at zero. ``scale = 0`` is the zero start."""
    generator = torch.Generator().manual_seed(seed)

    def weights(rows: int, columns: int) -> torch.Tensor:
        drawn = torch.randn(rows, columns, generator=generator, dtype=torch.float64)
        return drawn * scale / rows**0.5

    zeros = torch.zeros(hidden, dtype=torch.float64), torch.zeros(10, dtype=torch.float64)
    return Params(weights(64, hidden), zeros[0], weights(hidden, 10), zeros[1])


def forward(p: Params, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The hidden units ``h`` ``(n, hidden)`` and the scores ``z`` ``(n, 10)``."""
    h = torch.tanh(x @ p.w1 + p.b1)
    return h, h @ p.w2 + p.b2


def loss(p: Params, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The mean cross-entropy of the scores against the digits."""
    return torch.nn.functional.cross_entropy(forward(p, x)[1], y)


def backprop(p: Params, x: torch.Tensor, y: torch.Tensor) -> Params:
    """The gradient of :func:`loss` by hand: forward once, then the chain rule backwards, from
    the loss to each parameter, reusing what the forward pass computed."""
    h, z = forward(p, x)
    dz = torch.softmax(z, dim=1)  # ∂loss/∂z: softmax minus one-hot, over n
    dz[torch.arange(len(y)), y] -= 1
    dz /= len(y)
    dh = dz @ p.w2.T  # back through z = h W₂ + b₂
    da = dh * (1 - h**2)  # back through h = tanh(a): tanh' = 1 − tanh²
    return Params(x.T @ da, da.sum(dim=0), h.T @ dz, dz.sum(dim=0))


def finite_difference(p: Params, x: torch.Tensor, y: torch.Tensor, which: int, index, h=1e-6):
    """The derivative of :func:`loss` by one entry ``index`` of parameter ``which``, by central
    differences: no calculus, only two evaluations of the loss."""
    shifted = []
    for sign in (1, -1):
        moved = [t.clone() for t in p]
        moved[which][index] += sign * h
        shifted.append(loss(Params(*moved), x, y))
    return ((shifted[0] - shifted[1]) / (2 * h)).item()


def train(
    p: Params, data: Split, lr: float, epochs: int, batch_size: int, seed: int = 0
) -> tuple[Params, torch.Tensor]:
    """Minibatch SGD with the hand gradient: the parameters at the end, and the training loss
    after each epoch and before the first ``(epochs + 1,)``."""
    generator = torch.Generator().manual_seed(seed)
    history = [loss(p, data.x_train, data.y_train)]
    for _ in range(epochs):
        order = torch.randperm(len(data.x_train), generator=generator)
        for batch in order.split(batch_size):
            gradient = backprop(p, data.x_train[batch], data.y_train[batch])
            p = Params(*(t - lr * g for t, g in zip(p, gradient, strict=True)))
        history.append(loss(p, data.x_train, data.y_train))
    return p, torch.stack(history)


def input_output_modes(x: torch.Tensor, y: torch.Tensor):
    """The singular value decomposition ``U, S, Vh`` of ``C = xᵀ(Y − Ȳ)/n``, how each pixel
    co-varies with each digit's one-hot code. Near a zero start the hidden layer is linear, and
    training grows the pair of weights along each mode ``(U[:, i], Vh[i])`` at a rate ``S[i]``
    per unit of learning rate."""
    one_hot = torch.nn.functional.one_hot(y, 10).to(x.dtype)
    return torch.linalg.svd(x.T @ (one_hot - one_hot.mean(dim=0)) / len(x), full_matrices=False)


def saddle(y: torch.Tensor, hidden: int = HIDDEN) -> Params:
    """Every weight at zero and ``b₂`` at the log of each digit's frequency: the zero start once
    ``b₂`` has learned. Its gradient is zero, and it is not a minimum."""
    frequencies = torch.bincount(y, minlength=10).double() / len(y)
    zeros = random_params(0, hidden, scale=0)
    return zeros._replace(b2=frequencies.log())


def along_mode(p: Params, u: torch.Tensor, v: torch.Tensor, distance: float) -> Params:
    """``p`` moved ``distance`` along the direction that gives hidden unit 0 the input weights
    ``u/√2`` and the output weights ``v/√2`` (a unit direction if ``u`` and ``v`` are)."""
    w1, w2 = p.w1.clone(), p.w2.clone()
    w1[:, 0] += distance * u / 2**0.5
    w2[0] += distance * v / 2**0.5
    return p._replace(w1=w1, w2=w2)


def pixel_weight_sizes(w1: torch.Tensor, pixels: torch.Tensor) -> tuple[float, float]:
    """The mean size (norm over the hidden units) of the first-layer weights leaving from the
    chosen ``pixels`` (a mask of 64) and from the others; ``w1`` may be stacked ``(K, 64, h)``."""
    sizes = w1.norm(dim=-1).reshape(-1, 64).mean(dim=0)
    return sizes[pixels].mean().item(), sizes[~pixels].mean().item()


def accuracy(p: Params, x: torch.Tensor, y: torch.Tensor) -> float:
    """The fraction of images whose highest score is their digit."""
    return (forward(p, x)[1].argmax(dim=1) == y).double().mean().item()


def distinct_hidden_units(p: Params) -> int:
    """How many hidden units differ, by their incoming and outgoing weights."""
    units = torch.cat([p.w1, p.b1[None], p.w2.T], dim=0).T  # one row per unit
    return len(torch.unique(units, dim=0))


def sample_images(data: Split, count: int) -> Sequence[tuple[torch.Tensor, int]]:
    """The first ``count`` training images, ``(8, 8)`` each, with their digits."""
    return [(data.x_train[i].reshape(8, 8), int(data.y_train[i])) for i in range(count)]


class DigitNet(torch.nn.Module):
    """The same network as :func:`forward`, written with PyTorch's layers."""

    def __init__(self, hidden: int = HIDDEN, activation=torch.tanh):
        super().__init__()
        self.hidden = torch.nn.Linear(64, hidden, dtype=torch.float64)
        self.output = torch.nn.Linear(hidden, 10, dtype=torch.float64)
        self.activation = activation

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.output(self.activation(self.hidden(x)))


def fit_network(model, loader, optimizer, epochs: int) -> None:
    """The training loop of ``torch.optim``, over the minibatches of a ``DataLoader``."""
    for _ in range(epochs):
        for x, y in loader:
            optimizer.zero_grad()
            torch.nn.functional.cross_entropy(model(x), y).backward()
            optimizer.step()


def as_params(model: DigitNet) -> Params:
    """The module's weights in the layout of :class:`Params` (``nn.Linear`` stores them
    transposed, one row per output)."""
    hidden, output = model.hidden, model.output
    return Params(hidden.weight.T, hidden.bias, output.weight.T, output.bias)


def disagreements(models: Sequence[DigitNet], x: torch.Tensor) -> int:
    """How many rows of ``x`` the models do not all give the same digit."""
    with torch.no_grad():
        answers = torch.stack([model(x).argmax(dim=1) for model in models])  # (M, n)
    return int((answers != answers[0]).any(dim=0).sum())


def first_layer_gap(p: Params, reference: Params) -> float:
    """A lower bound on how far the first layer of ``p`` stays from that of ``reference``,
    relative to the latter's size, whatever relabelling of ``p``'s hidden units and flipping of
    their signs (``tanh`` is odd: a unit with its weights in and out negated computes the same
    function). Each unit of ``reference`` is paired with its nearest unit of ``p``, up to sign;
    a unit of ``p`` may serve twice, hence a bound, and no relabelling comes closer."""
    units, references = p.w1.T, reference.w1.T  # one row per hidden unit
    exact = "donot_use_mm_for_euclid_dist"
    distances = torch.minimum(
        torch.cdist(references, units, compute_mode=exact),
        torch.cdist(references, -units, compute_mode=exact),
    )
    return (distances.amin(dim=1).norm() / reference.w1.norm()).item()
