import torch

from descent.data import make_line_data
from descent.fit import fit_gradient_descent, least_squares
from descent.minibatch import (
    fit_minibatch_sgd,
    max_param_gap,
    minibatch_indices,
    steps_per_epoch,
)

START = (-1.0, 1.0)


def test_every_sample_exactly_once_per_epoch():
    generator = torch.Generator().manual_seed(0)
    for _ in range(3):
        batches = minibatch_indices(23, 5, generator)
        assert [len(b) for b in batches] == [5, 5, 5, 5, 3]
        assert torch.equal(torch.cat(batches).sort().values, torch.arange(23))


def test_epochs_are_shuffled_differently():
    generator = torch.Generator().manual_seed(0)
    first, second = (torch.cat(minibatch_indices(50, 10, generator)) for _ in range(2))
    assert not torch.equal(first, second)


def test_steps_per_epoch():
    assert steps_per_epoch(100, 10) == 10
    assert steps_per_epoch(23, 5) == 5


def test_sgd_is_reproducible_with_a_seed():
    x, y = make_line_data()
    first = fit_minibatch_sgd(x, y, START, lr=0.1, batch_size=10, epochs=3, seed=4)
    again = fit_minibatch_sgd(x, y, START, lr=0.1, batch_size=10, epochs=3, seed=4)
    other = fit_minibatch_sgd(x, y, START, lr=0.1, batch_size=10, epochs=3, seed=5)
    assert torch.equal(first.params, again.params) and torch.equal(first.losses, again.losses)
    assert not torch.equal(first.params, other.params)


def test_sgd_records_one_step_per_minibatch():
    x, y = make_line_data()
    fit = fit_minibatch_sgd(x, y, START, lr=0.1, batch_size=30, epochs=2)
    assert fit.losses.shape == (8,) and fit.params.shape == (9, 2)


def test_sgd_ends_near_the_optimum():
    x, y = make_line_data()
    fit = fit_minibatch_sgd(x, y, START, lr=0.05, batch_size=10, epochs=50)
    assert torch.dist(fit.final, least_squares(x, y)) < 0.05


def test_one_batch_of_everything_is_full_batch_gradient_descent():
    x, y = make_line_data()
    sgd = fit_minibatch_sgd(x, y, START, lr=0.1, batch_size=len(x), epochs=20)
    full = fit_gradient_descent(x, y, START, lr=0.1, steps=20)
    assert max_param_gap(sgd, full) < 1e-5
