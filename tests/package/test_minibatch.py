import pytest
import torch

from descent.data import make_line_data
from descent.fit import fit_gradient_descent, least_squares, mse_gradient
from descent.minibatch import (
    fit_minibatch_sgd,
    learning_rate_at,
    max_param_gap,
    minibatch_gradients,
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


@pytest.mark.parametrize("batch_size", [1, 10, 25, 100])
def test_minibatch_gradients_of_one_epoch_average_to_the_full_gradient(batch_size):
    # The batches of an epoch partition the data; with equal sizes, the mean of their means is the
    # mean over all the data, so this holds exactly, not only on average.
    x, y = make_line_data()
    a = torch.tensor(START)
    gradients = minibatch_gradients(x, y, a, batch_size, 1, torch.Generator().manual_seed(3))
    assert gradients.shape == (100 // batch_size, 2)
    assert torch.allclose(gradients.mean(dim=0), mse_gradient(x, y, a), atol=1e-5)


def test_minibatch_gradients_are_the_gradients_of_the_shuffled_batches():
    x, y = make_line_data(n=20)
    a = torch.tensor([0.5, -0.2])
    gradients = minibatch_gradients(x, y, a, 6, 2, torch.Generator().manual_seed(1))
    again = torch.Generator().manual_seed(1)
    batches = minibatch_indices(20, 6, again) + minibatch_indices(20, 6, again)
    assert len(gradients) == len(batches) == 2 * steps_per_epoch(20, 6)
    for gradient, batch in zip(gradients, batches, strict=True):
        assert torch.allclose(gradient, 2 * (x[batch] @ a - y[batch]) @ x[batch] / len(batch))


def test_single_example_gradients_differ_but_minibatch_gradients_differ_less():
    x, y = make_line_data()
    a = torch.tensor(START)
    spread = {
        size: minibatch_gradients(x, y, a, size, 5, torch.Generator().manual_seed(0)).std(dim=0)
        for size in (1, 10)
    }
    assert (spread[10] < spread[1] / 2).all()  # the noise of a mean of 10 shrinks about √10-fold


def test_learning_rate_at():
    assert learning_rate_at(500, 0.3) == 0.3
    assert learning_rate_at(0, 0.3, decay_steps=20) == 0.3
    assert learning_rate_at(20, 0.3, decay_steps=20) == pytest.approx(0.15)
    assert learning_rate_at(60, 0.3, decay_steps=20) == pytest.approx(0.075)


def test_sgd_with_decay_takes_the_decayed_steps():
    x, y = make_line_data(n=30)
    fit = fit_minibatch_sgd(x, y, START, lr=0.4, batch_size=8, epochs=3, seed=2, decay_steps=5)
    generator = torch.Generator().manual_seed(2)
    a, step = torch.tensor(START), 0
    for _ in range(3):
        for batch in minibatch_indices(30, 8, generator):
            a = a - 0.4 / (1 + step / 5) * mse_gradient(x[batch], y[batch], a)
            step += 1
            assert torch.allclose(fit.params[step], a, atol=1e-5)
    assert step == len(fit.losses) == 12


def test_decay_calms_the_jiggle_at_the_optimum():
    x, y = make_line_data()
    best = least_squares(x, y)
    distance = {
        decay: torch.stack(
            [
                torch.dist(fit_minibatch_sgd(x, y, START, 0.5, 10, 30, seed, decay).final, best)
                for seed in range(10)
            ]
        ).median()
        for decay in (None, 10)
    }
    assert distance[10] < distance[None] / 5
