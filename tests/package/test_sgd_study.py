import itertools
import math

import numpy as np
import pytest
import torch

from descent.data import TRUE_PARAMS, make_line_data
from descent.fit import fastest_learning_rate, fit_gradient_descent, least_squares
from descent.loss import mse
from descent.minibatch import fit_minibatch_sgd, minibatch_gradients
from descent.sgd_study import (
    LEARNING_RATES,
    best_rate_index,
    budgets_ahead,
    distance_to_optimum,
    excess_loss,
    first_budget_below,
    full_batch_paths,
    full_batch_rates,
    line_data_sets,
    minibatch_spread_ratio,
    named_quartiles,
    optima,
    quartiles,
    sgd_paths,
    statistical_floor,
    tuned_sgd,
    tuned_sgd_by_budget,
)

START = (-1.0, 1.0)
SEEDS = (0, 3, 7)


@pytest.fixture(scope="module")
def data_sets():
    return line_data_sets(40, SEEDS)


def test_line_data_sets_stack_one_data_set_per_seed(data_sets):
    xs, ys = data_sets
    assert xs.shape == (3, 40, 2) and ys.shape == (3, 40)
    for x, y, seed in zip(xs, ys, SEEDS, strict=True):
        expected_x, expected_y = make_line_data(40, seed=seed)
        assert torch.equal(x, expected_x) and torch.equal(y, expected_y)


def test_full_batch_rates_from_numpy_eigenvalues(data_sets):
    xs, _ = data_sets
    for x, rate in zip(xs, full_batch_rates(xs), strict=True):
        matrix = x.double().numpy()
        eigenvalues = np.linalg.eigvalsh(matrix.T @ matrix * 2 / len(matrix))
        assert rate.item() == pytest.approx(2 / (eigenvalues.min() + eigenvalues.max()), rel=1e-5)
        assert rate.item() == pytest.approx(fastest_learning_rate(x), rel=1e-6)


def test_excess_loss_is_the_loss_above_the_least_squares_loss(data_sets):
    xs, ys = data_sets
    params = torch.randn(2, 3, 4, 2, generator=torch.Generator().manual_seed(0))  # (L, S, T, 2)
    excess = excess_loss(xs, ys, params)
    assert excess.shape == (2, 3, 4)
    for s, (x, y) in enumerate(zip(xs.double(), ys.double(), strict=True)):
        floor = mse(x @ least_squares(x, y), y)
        for lr_row in range(2):
            for t in range(4):
                loss = mse(x @ params[lr_row, s, t].double(), y)
                assert excess[lr_row, s, t].item() == pytest.approx((loss - floor).item(), abs=1e-5)


def test_optima_are_the_least_squares_solutions(data_sets):
    xs, ys = data_sets
    for x, y, optimum in zip(xs, ys, optima(xs, ys), strict=True):
        assert torch.allclose(optimum, least_squares(x, y), atol=1e-5)


def test_excess_loss_is_zero_at_the_optimum(data_sets):
    xs, ys = data_sets
    at_optimum = torch.stack([least_squares(x, y) for x, y in zip(xs, ys, strict=True)])
    assert excess_loss(xs, ys, at_optimum[:, None, :]).abs().max() < 1e-6


def test_distance_to_optimum(data_sets):
    xs, ys = data_sets
    params = torch.tensor([[[0.0, 0.0]], [[3.0, 2.0]], [[-1.0, 1.0]]])  # (S, T=1, 2)
    distances = distance_to_optimum(xs, ys, params)
    for s, (x, y) in enumerate(zip(xs, ys, strict=True)):
        expected = torch.dist(params[s, 0], least_squares(x, y)).item()
        assert distances[s, 0].item() == pytest.approx(expected, abs=1e-5)


@pytest.mark.parametrize("decay_steps", [None, 4.0])
def test_each_sgd_path_is_the_run_of_fit_minibatch_sgd(data_sets, decay_steps):
    xs, ys = data_sets
    lrs = (0.05, 0.3)
    paths = sgd_paths(xs, ys, SEEDS, START, lrs, batch_size=7, steps=18, decay_steps=decay_steps)
    assert paths.shape == (2, 3, 19, 2)
    for s, seed in enumerate(SEEDS):
        for row, lr in enumerate(lrs):
            fit = fit_minibatch_sgd(
                xs[s], ys[s], START, lr, 7, epochs=3, seed=seed, decay_steps=decay_steps
            )  # 3 epochs of 6 batches: the same 18 steps
            assert torch.allclose(paths[row, s], fit.params, atol=1e-5)


def test_sgd_paths_stop_mid_epoch(data_sets):
    xs, ys = data_sets
    paths = sgd_paths(xs, ys, SEEDS, START, [0.1], batch_size=10, steps=6)
    fit = fit_minibatch_sgd(xs[1], ys[1], START, 0.1, 10, epochs=2, seed=SEEDS[1])
    assert torch.allclose(paths[0, 1], fit.params[:7], atol=1e-6)


def test_full_batch_paths_are_gradient_descent_at_the_fastest_rate(data_sets):
    xs, ys = data_sets
    paths = full_batch_paths(xs, ys, START, steps=12)
    assert paths.shape == (3, 13, 2)
    for x, y, path in zip(xs, ys, paths, strict=True):
        fit = fit_gradient_descent(x, y, START, fastest_learning_rate(x), steps=12)
        assert torch.allclose(path, fit.params, atol=1e-5)


def test_one_batch_of_everything_is_full_batch_gradient_descent(data_sets):
    xs, ys = data_sets
    rates = full_batch_rates(xs)
    full = full_batch_paths(xs, ys, START, steps=10)
    for s, rate in enumerate(rates.tolist()):
        sgd = sgd_paths(xs, ys, SEEDS, START, [rate], batch_size=40, steps=10)
        assert torch.allclose(sgd[0, s], full[s], atol=1e-5)


def test_best_rate_index_takes_the_smallest_median_and_skips_divergence():
    losses = torch.tensor(
        [
            [math.nan, math.inf, 1.0],  # diverged on two seeds of three
            [0.5, 0.4, 9.0],  # median 0.5
            [0.1, 0.2, 0.6],  # median 0.2: best
            [0.3, 0.3, 0.3],
        ]
    )
    assert best_rate_index(losses) == 2
    assert best_rate_index(torch.tensor([[math.inf, math.inf], [5.0, 7.0]])) == 1


def test_quartiles_match_numpy():
    values = torch.rand(25, 4, generator=torch.Generator().manual_seed(1))
    expected = np.percentile(values.numpy(), [25, 50, 75], axis=0)
    assert np.allclose(quartiles(values).numpy(), expected, atol=1e-6)


def test_named_quartiles():
    values = torch.tensor([4.0, 1.0, 3.0, 2.0, 5.0])
    assert named_quartiles("x", values) == {"x_q1": 2.0, "x_median": 3.0, "x_q3": 4.0}


def test_learning_rates_run_from_2_down_each_sqrt_2_apart():
    rates = torch.tensor(LEARNING_RATES, dtype=torch.float64)
    assert rates[0] == 2 and rates[-1] == pytest.approx(2**-11)
    assert torch.allclose(rates[:-1] / rates[1:], torch.tensor(2**0.5, dtype=torch.float64))


@pytest.mark.parametrize("batch_size", [1, 2, 3, 4, 5, 6])
def test_minibatch_spread_ratio_is_exact_for_every_batch_drawn_without_replacement(batch_size):
    # Ground truth by enumeration: a shuffle's batch is each set of b distinct examples with the
    # same probability, so the variance of the batch mean is the variance over all those sets.
    values = torch.randn(7, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    means = torch.stack(
        [values[list(batch)].mean() for batch in itertools.combinations(range(7), batch_size)]
    )
    measured = (values.var(correction=0) / means.var(correction=0)).sqrt().item()
    assert minibatch_spread_ratio(7, batch_size) == pytest.approx(measured, rel=1e-12)


def test_minibatch_spread_ratio_by_hand():
    assert minibatch_spread_ratio(100, 1) == 1  # one example is one example
    assert minibatch_spread_ratio(100, 25) == pytest.approx(33**0.5)  # √(25·99/75), above √25
    assert minibatch_spread_ratio(100, 100) == math.inf  # the full gradient does not scatter


def test_minibatch_spread_ratio_is_what_shuffled_minibatches_measure():
    x, y = make_line_data()
    a, generator = torch.tensor(START), torch.Generator().manual_seed(5)
    single = minibatch_gradients(x, y, a, 1, 1, generator)  # every example once
    minibatch = minibatch_gradients(x, y, a, 25, 2000, generator)
    # Both clouds are centred exactly on the full gradient (whole epochs), hence correction=0.
    measured = (single.std(dim=0, correction=0) / minibatch.std(dim=0, correction=0)).mean()
    assert measured.item() == pytest.approx(minibatch_spread_ratio(100, 25), rel=0.03)
    assert measured > 25**0.5 * 1.08  # sampling with replacement would give √25


@pytest.mark.parametrize("decay_steps", [None, 3.0])
def test_tuned_sgd_keeps_the_rate_of_the_smallest_median(data_sets, decay_steps):
    xs, ys = data_sets
    lr, runs = tuned_sgd(xs, ys, SEEDS, START, 8, 15, decay_steps, distance_to_optimum)
    assert runs.shape == (3, 16)
    for s, seed in enumerate(SEEDS):  # the runs are fit_minibatch_sgd's at that rate
        fit = fit_minibatch_sgd(xs[s], ys[s], START, lr, 8, epochs=3, seed=seed,
                                decay_steps=decay_steps)  # fmt: skip
        expected = torch.dist(fit.final, least_squares(xs[s], ys[s])).item()
        assert runs[s, -1].item() == pytest.approx(expected, abs=1e-4)
    for other in LEARNING_RATES:  # and no rate of the grid ends with a smaller median
        paths = sgd_paths(xs, ys, SEEDS, START, [other], 8, 15, decay_steps)
        finals = distance_to_optimum(xs, ys, paths)[0, :, -1].nan_to_num(math.inf)
        assert runs[:, -1].median() <= finals.median() + 1e-6  # + rounding of one rate alone


def test_tuned_sgd_measures_the_excess_loss_by_default(data_sets):
    xs, ys = data_sets
    lr, runs = tuned_sgd(xs, ys, SEEDS, START, 10, 12)
    paths = sgd_paths(xs, ys, SEEDS, START, [lr], 10, 12)
    assert torch.allclose(runs, excess_loss(xs, ys, paths)[0], atol=1e-6)


@pytest.mark.parametrize("decay_steps", [None, 3.0])
def test_sgd_tuned_for_each_budget_is_sgd_tuned_for_that_many_steps(data_sets, decay_steps):
    xs, ys = data_sets
    budgets = [4, 9, 15]
    lrs, ends = tuned_sgd_by_budget(xs, ys, SEEDS, START, 8, budgets, decay_steps)
    assert ends.shape == (len(budgets), len(SEEDS))
    for budget, lr, end in zip(budgets, lrs, ends, strict=True):
        expected_lr, runs = tuned_sgd(xs, ys, SEEDS, START, 8, budget, decay_steps)
        assert lr == expected_lr
        assert torch.allclose(end, runs[:, -1], atol=1e-6)


def test_tuning_on_some_seeds_scores_only_the_others(data_sets):
    """The rate comes from the first seeds alone; the scores are the held-out seeds' runs."""
    xs, ys = data_sets
    budgets = [5, 10]
    lrs, ends = tuned_sgd_by_budget(xs, ys, SEEDS, START, 8, budgets, held_out=1,
                                    measure=distance_to_optimum)  # fmt: skip
    assert ends.shape == (len(budgets), 1)
    for budget, lr, end in zip(budgets, lrs, ends, strict=True):
        expected_lr, _ = tuned_sgd(xs[:2], ys[:2], SEEDS[:2], START, 8, budget,
                                   measure=distance_to_optimum)  # fmt: skip
        assert lr == expected_lr
        paths = sgd_paths(xs, ys, SEEDS, START, [lr], 8, budget)
        assert torch.allclose(end, distance_to_optimum(xs, ys, paths)[0, 2:, -1], atol=1e-6)


def test_the_statistical_floor_is_the_least_squares_excess_loss_on_new_data():
    """σ²p/n against its measure: the least-squares line of n points, scored on fresh data from
    the same line and noise, is that much above the true line's loss, on average (for n well
    above p: at n = 20 it is about σ²p/(n - p - 1), a sixth more)."""
    n, draws = 100, 4000
    xs, ys = line_data_sets(n, range(draws))
    fresh_xs, fresh_ys = line_data_sets(n, range(draws, 2 * draws))
    true = torch.tensor(TRUE_PARAMS)
    fitted = optima(xs, ys)  # (S, 2)

    def loss(params):
        return ((fresh_xs @ params[..., None])[..., 0] - fresh_ys).pow(2).mean(dim=1)

    excess = (loss(fitted) - loss(true.expand_as(fitted))).mean().item()
    assert excess == pytest.approx(statistical_floor(n), rel=0.1)


def test_budgets_ahead_counts_the_lead_and_refuses_a_lead_that_changes_hands_twice():
    baseline = torch.tensor([5.0, 4.0, 3.0, 2.0])
    assert budgets_ahead(torch.tensor([1.0, 1.0, 4.0, 4.0]), baseline) == 2
    assert budgets_ahead(torch.tensor([9.0, 9.0, 9.0, 9.0]), baseline) == 0
    with pytest.raises(ValueError, match="more than once"):
        budgets_ahead(torch.tensor([1.0, 9.0, 1.0, 9.0]), baseline)


def test_first_budget_below_counts_from_one():
    assert first_budget_below(torch.tensor([3.0, 2.0, 0.5, 0.1]), 1.0) == 3
    with pytest.raises(ValueError):
        first_budget_below(torch.tensor([3.0, 2.0]), 1.0)
