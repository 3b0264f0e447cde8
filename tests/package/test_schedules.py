"""Learning-rate schedules against their formulas, and the race against answers known by hand."""

import math

import pytest
import torch

from descent import many
from descent.schedules import (
    by_batch,
    cosine,
    line_batches,
    linear,
    race,
    scaling_exponent,
    side_by_side,
    tuned,
    warmup,
)

TOTAL = 100


def test_cosine_starts_at_the_full_rate_halves_midway_and_ends_near_zero():
    assert cosine(1, TOTAL) == 1.0
    assert cosine(TOTAL // 2 + 1, TOTAL) == pytest.approx(0.5)
    assert cosine(TOTAL + 1, TOTAL) == pytest.approx(0.0)  # the step after the last
    assert 0 < cosine(TOTAL, TOTAL) < 1e-3


def test_cosine_is_half_a_period():
    assert all(
        cosine(t, TOTAL) == pytest.approx(0.5 * (1 + math.cos(math.pi * (t - 1) / TOTAL)))
        for t in range(1, TOTAL + 1)
    )


def test_cosine_matches_torch_cosine_annealing():
    p = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([p], lr=1.0)
    annealing = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=TOTAL)
    for t in range(1, TOTAL + 1):
        assert cosine(t, TOTAL) == pytest.approx(optimizer.param_groups[0]["lr"])
        optimizer.step()
        annealing.step()


def test_cosine_and_linear_only_fall():
    for schedule in (cosine, linear):
        factors = [schedule(t, TOTAL) for t in range(1, TOTAL + 1)]
        assert all(a > b > 0 for a, b in zip(factors, factors[1:], strict=False))


def test_linear_falls_by_the_same_amount_each_step():
    assert linear(1, TOTAL) == 1.0
    assert linear(TOTAL, TOTAL) == pytest.approx(1 / TOTAL)
    steps = [linear(t, TOTAL) - linear(t + 1, TOTAL) for t in range(1, TOTAL)]
    assert steps == pytest.approx([1 / TOTAL] * (TOTAL - 1))


def test_warmup_rises_linearly_then_hands_over():
    schedule = warmup(0.1, cosine)
    assert [schedule(t, TOTAL) for t in range(1, 11)] == pytest.approx(
        [t / 10 for t in range(1, 11)]
    )
    # after the rise, the cosine over the remaining 90 steps, from its first step
    assert [schedule(10 + t, TOTAL) for t in range(1, 91)] == [cosine(t, 90) for t in range(1, 91)]


def test_warmup_alone_then_constant():
    schedule = warmup(0.25)
    assert schedule(1, 8) == 0.5 and schedule(2, 8) == 1.0
    assert all(schedule(t, 8) == 1.0 for t in range(2, 9))


def test_warmup_rises_over_one_step_at_least():
    assert warmup(0.1)(1, 3) == 1.0  # a tenth of three steps rounds to none: one step


def test_one_cycle_peaks_at_its_fraction_and_falls_to_zero():
    schedule = warmup(0.3, linear)
    factors = torch.tensor([schedule(t, TOTAL) for t in range(1, TOTAL + 1)])
    assert factors.argmax().item() + 1 == 30 and factors.max() == 1.0
    assert factors[-1] == pytest.approx(1 / 70)  # one step before the fall reaches zero
    assert torch.all(factors[:30].diff() > 0) and torch.all(factors[30:].diff() < 0)


def test_side_by_side_gives_each_group_of_chains_its_schedule():
    schedule = side_by_side([many.constant, cosine, linear], chains_each=2)
    t = TOTAL // 2 + 1
    expected = [1.0, 1.0, 0.5, 0.5, linear(t, TOTAL), linear(t, TOTAL)]
    assert schedule(t, TOTAL).tolist() == pytest.approx(expected)


def square_loss(p, x, y):
    """Half the mean squared distance of one number ``p[0]`` to the targets: curvature 1."""
    return 0.5 * ((p[0] - y) ** 2).mean()


def test_race_picks_the_rate_that_jumps_to_the_minimum():
    # One full-batch step at rate η takes p from 0 to η·ȳ: the loss is lowest at η = 1.
    y = torch.tensor([1.0, 3.0], dtype=torch.float64)
    x = torch.zeros(2, 1, dtype=torch.float64)

    def start(seed):
        return (torch.tensor(0.0, dtype=torch.float64),)

    grid = [0.5, 1.0, 1.5, 2.5]
    seeds = torch.arange(4)
    losses = race(square_loss, start, x, y, (x, y), [many.constant], grid, seeds, 1, 2)
    expected = torch.stack([0.5 * ((eta * 2 - y) ** 2).mean() for eta in grid])
    assert losses.shape == (1, 4, 4)
    assert torch.allclose(losses[0], expected[:, None].expand(4, 4))
    chosen, scores = tuned(losses)
    assert chosen.tolist() == [[1], [1]]
    assert scores[0].tolist() == pytest.approx([0.5] * 4)  # half the targets' variance


def test_race_gives_each_schedule_its_own_chains():
    # Two steps: the constant rate multiplies the distance to the target by (1 − η) twice;
    # linear decay, (1 − η)(1 − η/2).
    y = torch.tensor([2.0], dtype=torch.float64)
    x = torch.zeros(1, 1, dtype=torch.float64)

    def start(seed):
        return (torch.tensor(0.0, dtype=torch.float64),)

    eta = 0.5
    losses = race(
        square_loss, start, x, y, (x, y), [many.constant, linear], [eta], torch.arange(1), 2, 1
    )
    assert losses[0, 0, 0].item() == pytest.approx(0.5 * (2 * (1 - eta) ** 2) ** 2)
    assert losses[1, 0, 0].item() == pytest.approx(0.5 * (2 * (1 - eta) * (1 - eta / 2)) ** 2)


def test_by_batch_is_a_constant_rate_race_per_batch_size():
    # One epoch on the targets 1 and 3 from 0: full batch takes one step of η·2 towards their
    # mean; batches of one take two steps, whose order the seed decides.
    y = torch.tensor([1.0, 3.0], dtype=torch.float64)
    x = torch.zeros(2, 1, dtype=torch.float64)

    def start(seed):
        return (torch.tensor(0.0, dtype=torch.float64),)

    rates = torch.tensor([0.5, 1.0], dtype=torch.float64)
    ends = by_batch(square_loss, start, x, y, (x, y), rates, torch.arange(3), 1, [1, 2])
    assert ends.shape == (2, 2, 3)
    assert torch.allclose(
        ends[1, :, 0], torch.stack([0.5 * ((r * 2 - y) ** 2).mean() for r in rates])
    )
    # η = 1 with batches of one jumps to the last target seen: 1 or 3, loss 1 either way
    assert torch.allclose(ends[0, 1], torch.full((3,), 1.0, dtype=torch.float64))


def test_scaling_exponent_recovers_a_power_law():
    sizes = [8, 16, 32, 64]
    rates = 0.01 * torch.tensor(sizes, dtype=torch.float64) ** 0.7
    assert scaling_exponent(sizes, rates) == pytest.approx(0.7)
    assert scaling_exponent(sizes, torch.ones(4, dtype=torch.float64)) == pytest.approx(0.0)


def test_on_the_line_full_batch_is_best_near_the_fastest_rate_and_blows_up_above_the_limit():
    rates = 10 ** torch.arange(-2, 0.3, 0.125, dtype=torch.float64)
    step = 10**0.125
    found = line_batches([8, 100], rates, torch.arange(2), 5)
    assert found["best"][0] < found["best"][1]  # small batches: a smaller rate
    assert 1 / step < found["best"][1] / found["fastest"] < step
    assert (found["limit"] <= found["blow_up"]).all()  # below 2/L nothing grows
    assert (found["blow_up"] < step**2 * found["limit"]).all()


def test_tuned_chooses_on_one_half_and_scores_on_the_other():
    # Schedule 0: rate 0 is best on the first two seeds, rate 1 on the last two.
    losses = torch.tensor(
        [[[1.0, 1.0, 9.0, 9.0], [5.0, 5.0, 2.0, 2.0]], [[3.0, 3.0, 3.0, 3.0], [4.0, 4.0, 4.0, 4.0]]]
    )
    chosen, scores = tuned(losses)
    assert chosen.tolist() == [[0, 0], [1, 0]]  # (halves, schedules)
    # the first two seeds are scored at the rate the last two chose, and the other way round
    assert scores.tolist() == [[5.0, 5.0, 9.0, 9.0], [3.0, 3.0, 3.0, 3.0]]


def test_the_figure_draws_each_schedule_and_the_rules_through_the_reference():
    from descent.rate_plots import plot_schedules_and_batches

    grid = torch.tensor([0.1, 1.0, 10.0], dtype=torch.float64)
    held = torch.rand(4, 3, dtype=torch.float64) + 0.1
    sizes, best, blow_up = [8, 32, 128], [0.2, 0.5, 1.0], [1.5, 1.8, 1.8]
    fig = plot_schedules_and_batches(grid, held, 2.3, sizes, best, blow_up, 32)
    left, right = fig.axes
    assert [line.get_ydata().tolist() for line in left.lines[:4]] == held.tolist()
    linear_rule, square_root_rule = (line.get_ydata().tolist() for line in right.lines[:2])
    assert linear_rule == pytest.approx([0.5 / 4, 0.5, 0.5 * 4])
    assert square_root_rule == pytest.approx([0.5 / 2, 0.5, 0.5 * 2])
    assert [label.get_text() for label in right.get_xticklabels()] == ["8", "32", "128"]
