"""Many chains at once: the update rules against ``torch.optim``, and ``train_many`` against one
plain training loop per chain."""

import math
from functools import partial

import pytest
import torch

from descent import many
from descent.data import make_line_data
from descent.fit import fastest_learning_rate, largest_stable_learning_rate
from descent.many import adagrad, adam, adamw, momentum, rmsprop, sgd, stack, train_many
from descent.network import Params, digit_data, loss, random_params, train

STEPS = 20
LR = 0.05
D = torch.float64


def quadratic_gradients(p: torch.Tensor, t: int) -> torch.Tensor:
    """A bowl with a different curvature along each entry, plus a fixed noise per step."""
    curvature = torch.linspace(0.5, 3.0, len(p), dtype=D)
    noise = torch.randn(len(p), generator=torch.Generator().manual_seed(100 + t), dtype=D)
    return curvature * (p - 1.0) + 0.3 * noise


START = torch.tensor([2.0, -1.0, 0.5, 0.0, 3.0], dtype=D)

RULES = {
    "sgd": (sgd, lambda ps: torch.optim.SGD(ps, lr=LR)),
    "momentum": (momentum, lambda ps: torch.optim.SGD(ps, lr=LR, momentum=0.9)),
    "adagrad": (adagrad, lambda ps: torch.optim.Adagrad(ps, lr=LR)),
    "rmsprop": (rmsprop, lambda ps: torch.optim.RMSprop(ps, lr=LR)),
    "adam": (adam, lambda ps: torch.optim.Adam(ps, lr=LR)),
    "adamw": (adamw, lambda ps: torch.optim.AdamW(ps, lr=LR)),  # both default to 0.01
    "adamw decay": (
        partial(adamw, decay=0.5),
        lambda ps: torch.optim.AdamW(ps, lr=LR, weight_decay=0.5),
    ),
}


@pytest.mark.parametrize("name", RULES)
def test_each_update_rule_takes_torch_optims_steps(name):
    rule, make_optimizer = RULES[name]
    param = torch.nn.Parameter(START.clone())
    optimizer = make_optimizer([param])
    p, state = START.clone(), {}
    for t in range(1, STEPS + 1):
        param.grad = quadratic_gradients(param.detach(), t)
        optimizer.step()
        p = rule(p, quadratic_gradients(p, t), LR, state, t)
        assert torch.allclose(p, param.detach(), rtol=0, atol=1e-12), (name, t)
    assert (p - START).abs().min() > 1e-3  # it did move


def test_per_chain_rates_and_decays_act_on_their_own_row():
    from descent.many import chain_view

    rates = torch.tensor([0.01, 0.05, 0.2], dtype=D)
    decays = torch.tensor([0.0, 0.1, 0.5], dtype=D)
    p = START.repeat(3, 1)  # (3, 5)
    assert chain_view(rates, p).shape == (3, 1) and chain_view(0.3, p) == 0.3
    state = {}
    optimizers = []
    params = []
    for rate, decay in zip(rates.tolist(), decays.tolist(), strict=True):
        params.append(torch.nn.Parameter(START.clone()))
        optimizers.append(torch.optim.AdamW([params[-1]], lr=rate, weight_decay=decay))
    for t in range(1, STEPS + 1):
        g = torch.stack([quadratic_gradients(row, t) for row in p])
        p = adamw(p, g, chain_view(rates, p), state, t, decay=decays)
        for param, optimizer in zip(params, optimizers, strict=True):
            param.grad = quadratic_gradients(param.detach(), t)
            optimizer.step()
    for row, param in zip(p, params, strict=True):
        assert torch.allclose(row, param.detach(), rtol=0, atol=1e-12)
    assert not torch.allclose(p[0], p[2], atol=1e-3)


# The line: a = (slope, intercept) of a line through noisy points


def line_loss(p, x, y):
    return ((x @ p[0] - y) ** 2).mean()


@pytest.fixture(scope="module")
def line():
    generator = torch.Generator().manual_seed(0)
    u = torch.rand(40, generator=generator, dtype=D) * 4 - 2
    x = torch.stack([u, torch.ones_like(u)], dim=1)
    y = 1.5 * u - 0.5 + 0.2 * torch.randn(40, generator=generator, dtype=D)
    return x, y


def one_line_run(a, x, y, rate, seed, epochs, batch_size, schedule=None, l2=0.0):
    """One chain by hand: the line's gradient written out, a fresh generator per chain, one
    permutation per epoch. Returns the end, the minibatch loss of each step (before it), and
    the loss on all points before training and after each epoch; nothing is made finite."""
    generator = torch.Generator().manual_seed(seed)
    total = epochs * math.ceil(len(x) / batch_size)
    t, steps, watched = 0, [], [((x @ a - y) ** 2).mean()]
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=generator)
        for batch in order.split(batch_size):
            t += 1
            xb, yb = x[batch], y[batch]
            residual = xb @ a - yb
            steps.append((residual**2).mean())
            gradient = 2 * xb.T @ residual / len(batch) + l2 * a
            factor = schedule(t, total) if schedule else 1.0
            a = a - rate * factor * gradient
        watched.append(((x @ a - y) ** 2).mean())
    return a, torch.stack(steps), torch.stack(watched)


LINE_STARTS = torch.tensor([[0.0, 0.0], [0.0, 0.0], [2.0, 1.0], [0.0, 0.0]], dtype=D)
LINE_RATES = torch.tensor([0.05, 0.2, 0.05, 0.05], dtype=D)
LINE_SEEDS = torch.tensor([7, 7, 7, 3])


def decaying(t, total):
    return 1 - (t - 1) / total  # the full rate at step 1, 1/total at the last


@pytest.mark.parametrize("schedule", [None, decaying])
def test_train_many_on_the_line_is_one_plain_run_per_chain(line, schedule):
    x, y = line
    epochs, batch_size = 3, 12  # 4 minibatches an epoch, the last of 4 points
    extra = {"schedule": schedule} if schedule else {}
    end, losses, watched = train_many(
        line_loss, (LINE_STARTS,), x, y, LINE_RATES, epochs, batch_size, LINE_SEEDS,
        watch={"all": (x, y)}, **extra,
    )  # fmt: skip
    assert losses.shape == (4, epochs * 4) and watched["all"].shape == (4, epochs + 1)
    for k in range(4):
        a, steps, history = one_line_run(
            LINE_STARTS[k], x, y, LINE_RATES[k].item(), int(LINE_SEEDS[k]), epochs, batch_size,
            schedule,
        )  # fmt: skip
        assert torch.allclose(end[0][k], a, rtol=1e-12, atol=1e-12)
        assert torch.allclose(losses[k], steps, rtol=1e-12, atol=0)
        assert torch.allclose(watched["all"][k], history, rtol=1e-12, atol=0)
    assert watched["all"][0, 0] == line_loss((LINE_STARTS[0],), x, y)  # before any step
    assert not torch.allclose(end[0][0], end[0][1])  # rates differ
    assert not torch.allclose(end[0][0], end[0][3])  # shuffles differ
    assert not torch.allclose(end[0][0], end[0][2])  # starts differ


def test_a_schedule_scales_each_step(line):
    x, y = line
    args = (line_loss, (LINE_STARTS[:1],), x, y, LINE_RATES[:1], 2, 10, LINE_SEEDS[:1])
    plain, _, _ = train_many(*args)
    halved, _, _ = train_many(*args, schedule=lambda t, total: 0.5)
    rate_halved, _, _ = train_many(*args[:4], LINE_RATES[:1] / 2, *args[5:])
    assert torch.allclose(halved[0], rate_halved[0], rtol=1e-14, atol=0)
    assert not torch.allclose(halved[0], plain[0])


def test_l2_adds_l2_p_to_the_gradient_per_chain(line):
    x, y = line
    l2 = torch.tensor([0.0, 0.5, 2.0, 0.5], dtype=D)
    end, _, _ = train_many(line_loss, (LINE_STARTS,), x, y, LINE_RATES, 2, 8, LINE_SEEDS, l2=l2)
    for k in range(4):
        param = torch.nn.Parameter(LINE_STARTS[k].clone())
        optimizer = torch.optim.SGD([param], lr=LINE_RATES[k].item(), weight_decay=l2[k].item())
        generator = torch.Generator().manual_seed(int(LINE_SEEDS[k]))
        for _ in range(2):
            for batch in torch.randperm(len(x), generator=generator).split(8):
                optimizer.zero_grad()
                line_loss((param,), x[batch], y[batch]).backward()
                optimizer.step()
        assert torch.allclose(end[0][k], param.detach(), rtol=1e-12, atol=1e-12)
    # the penalty pulls towards zero: two chains alike but for it, the penalized one is shorter
    same, _, _ = train_many(
        line_loss, (LINE_STARTS[:1].repeat(2, 1),), x, y, LINE_RATES[:1].repeat(2), 2, 8,
        LINE_SEEDS[:1].repeat(2), l2=torch.tensor([0.0, 1.0], dtype=D),
    )  # fmt: skip
    assert same[0][1].norm() < same[0][0].norm()


HUGE = 1e4  # ten thousand times too large: the line overflows, then turns NaN


def test_a_chain_that_blows_up_ends_at_inf_and_leaves_the_others_alone(line):
    x, y = line
    rates = torch.tensor([0.05, HUGE, 0.1], dtype=D)
    starts = torch.zeros(3, 2, dtype=D)
    seeds = torch.tensor([1, 1, 2])
    end, losses, watched = train_many(
        line_loss, (starts,), x, y, rates, 30, 8, seeds, watch={"all": (x, y)}
    )
    for name, values in (("steps", losses), ("watched", watched["all"])):
        assert not values.isnan().any(), name
        assert values[1, -1] == math.inf, name
        assert values[[0, 2]].isfinite().all(), name
    for k in (0, 2):
        a, steps, history = one_line_run(starts[k], x, y, rates[k].item(), int(seeds[k]), 30, 8)
        assert torch.allclose(end[0][k], a, rtol=1e-12, atol=1e-12)
        assert torch.allclose(losses[k], steps, rtol=1e-12, atol=0)
        assert torch.allclose(watched["all"][k], history, rtol=1e-12, atol=0)
    assert watched["all"][0, -1] < 0.1  # the others learned


def test_every_loss_that_overflowed_is_reported_inf(line):
    """Not only the NaN ones: a loss that overflowed to inf, while the line is still finite, is
    inf too, not the largest float."""
    x, y = line
    _, losses, watched = train_many(
        line_loss, (torch.zeros(1, 2, dtype=D),), x, y, torch.tensor([HUGE], dtype=D), 30, 8,
        torch.tensor([1]), watch={"all": (x, y)},
    )  # fmt: skip
    _, steps, history = one_line_run(torch.zeros(2, dtype=D), x, y, HUGE, 1, 30, 8)
    assert not steps.isfinite().all()  # it did blow up, by hand too
    for got, expected in ((losses[0], steps), (watched["all"][0], history)):
        finite = expected.isfinite()
        assert torch.allclose(got[finite], expected[finite], rtol=1e-9, atol=0)
        assert (got[~finite] == math.inf).all(), got[~finite].unique()


# The network, on a few hundred of the digits


@pytest.fixture(scope="module")
def digits():
    data = digit_data(seed=0)
    return data._replace(x_train=data.x_train[:256], y_train=data.y_train[:256])


def test_train_many_on_the_network_is_one_hand_trained_network_per_chain(digits):
    starts = [random_params(seed=0), random_params(seed=1), random_params(seed=0)]
    rates = torch.tensor([0.1, 0.1, 0.5], dtype=D)
    seeds = torch.tensor([4, 0, 4])
    stacked = stack(starts)
    assert isinstance(stacked, Params) and stacked.w1.shape == (3, 64, 32)
    epochs, batch_size = 2, 32
    xy = (digits.x_train, digits.y_train)
    end, losses, watched = train_many(
        loss, stacked, *xy, rates, epochs, batch_size, seeds, watch={"train": xy}
    )
    assert isinstance(end, Params) and losses.shape == (3, epochs * 8)
    for k in range(3):
        p, history = train(starts[k], digits, rates[k].item(), epochs, batch_size, int(seeds[k]))
        for got, expected in zip(end, p, strict=True):
            assert torch.allclose(got[k], expected, rtol=0, atol=1e-12)
        assert torch.allclose(watched["train"][k], history, rtol=1e-12, atol=0)
    assert not torch.allclose(end.w1[0], end.w1[2])  # the rates differ


def test_adam_with_l2_on_the_network_is_torchs_adam_with_weight_decay(digits):
    starts = [random_params(seed=2), random_params(seed=3)]
    rates = torch.tensor([0.01, 0.003], dtype=D)
    seeds = torch.tensor([5, 6])
    xy = (digits.x_train[:128], digits.y_train[:128])
    end, _, _ = train_many(loss, stack(starts), *xy, rates, 2, 32, seeds, update=adam, l2=0.1)
    for k in range(2):
        params = [torch.nn.Parameter(t.clone()) for t in starts[k]]
        optimizer = torch.optim.Adam(params, lr=rates[k].item(), weight_decay=0.1)
        generator = torch.Generator().manual_seed(int(seeds[k]))
        for _ in range(2):
            for batch in torch.randperm(128, generator=generator).split(32):
                optimizer.zero_grad()
                loss(Params(*params), xy[0][batch], xy[1][batch]).backward()
                optimizer.step()
        for got, expected in zip(end, params, strict=True):
            assert torch.allclose(got[k], expected.detach(), rtol=0, atol=1e-12)


# Tuning, racing and the range test, built on train_many


def test_grid_search_is_train_many_over_every_rate_and_seed(line):
    x, y = line
    rates, seeds = torch.tensor([0.01, 0.1, 0.3], dtype=D), torch.tensor([4, 9])
    start = lambda seed: (torch.tensor([float(seed), 0.0], dtype=D),)  # noqa: E731
    seen = many.grid_search(line_loss, start, x, y, rates, seeds, 3, 8, {"all": (x, y)})
    assert seen["all"].shape == (3, 2, 4)
    for r, rate in enumerate(rates.tolist()):
        for s, seed in enumerate(seeds.tolist()):
            *_, history = one_line_run(start(seed)[0], x, y, rate, seed, 3, 8)
            assert torch.allclose(seen["all"][r, s], history, rtol=1e-12, atol=0)


def test_tuned_losses_takes_each_budgets_best_rate_by_its_mean():
    losses = torch.tensor([  # (rates 3, seeds 2, budgets 3)
        [[9.0, 1.0, 5.0], [9.0, 3.0, 5.0]],  # means 9, 2, 5
        [[9.0, 4.0, 1.0], [9.0, 4.0, 2.0]],  # means 9, 4, 1.5
        [[8.0, 0.0, 9.0], [9.0, 6.0, 9.0]],  # means 8.5, 3, 9
    ])  # fmt: skip
    tuned, best = many.tuned_losses({"held": losses}, "held")
    assert best.tolist() == [2, 0, 1]
    assert tuned.tolist() == [[8.0, 1.0, 1.0], [9.0, 3.0, 2.0]]


def test_ahead_needs_two_standard_errors_of_the_difference():
    noise = torch.tensor([-1.0, 1.0, -1.0, 1.0])  # variance 4/3: one standard error is 0.816
    assert many.ahead(1.0 + noise, 3.0 + noise) == 1  # 2 apart > 2 × 0.816
    assert many.ahead(3.0 + noise, 1.0 + noise) == -1
    assert many.ahead(1.0 + noise, 2.5 + noise) == 0  # 1.5 apart < 1.63
    first, second = torch.tensor([[5.0, 1.0, 2.5]] * 4) + noise[:, None], torch.full((4, 3), 3.0)
    assert many.verdicts(first, second + noise[:, None]) == [1, 0]  # budget 0 is the start


def test_the_exponential_schedule_grows_by_one_factor_from_low_to_high():
    low, high, total = 1e-3, 10.0, 9
    rates = torch.tensor(
        [low * many.exponential(low, high)(t, total) for t in range(1, total + 1)], dtype=D
    )
    assert rates[0] == pytest.approx(low) and rates[-1] == pytest.approx(high)
    assert torch.allclose(rates[1:] / rates[:-1], torch.full((total - 1,), 10**0.5, dtype=D))


def test_smoothed_is_a_running_mean_without_its_pull_towards_zero():
    losses = torch.tensor([[2.0, 4.0, 4.0], [3.0, 3.0, 3.0]], dtype=D)
    out = many.smoothed(losses, beta=0.5)
    # step 1: 0.5·2 / 0.5 = 2; step 2: (0.5·1 + 0.5·4) / 0.75 = 10/3; step 3: (1.25 + 2) / 0.875
    assert torch.allclose(out[0], torch.tensor([2.0, 10 / 3, 3.25 / 0.875], dtype=D))
    assert torch.allclose(out[1], losses[1])  # a constant stays itself from the first step


def test_readings_are_a_tenth_of_the_lowest_and_the_steepest_fall_before_it():
    rates = 10.0 ** torch.arange(8, dtype=D)  # equal steps in log rate: slope = difference
    curves = torch.tensor([[5.0, 5.0, 4.0, 1.0, 0.5, 0.4, 3.0, 0.1],  # lowest at the end
                           [5.0, 4.0, 3.9, 3.8, 0.1, 9.0, 9.0, 9.0]], dtype=D)  # fmt: skip
    tenth, steep = many.readings(rates, curves)
    assert tenth.tolist() == [1e6, 1e3]
    assert steep.tolist() == [1e2, 1e3]  # the fall from 1e2 to 1e3; from 1e3 to 1e4


def test_the_range_test_on_the_line_is_one_run_at_an_exponentially_growing_rate(line):
    x, y = line
    low, high, epochs = 1e-3, 1.0, 12
    rates, curves = many.range_test(
        line_loss, (LINE_STARTS[:1],), x, y, low, high, epochs, len(x), torch.tensor([0])
    )
    _, steps, _ = one_line_run(
        LINE_STARTS[0], x, y, low, 0, epochs, len(x), many.exponential(low, high)
    )
    assert rates[0] == pytest.approx(low) and rates[-1] == pytest.approx(high) and len(rates) == 12
    assert torch.allclose(curves[0], many.smoothed(steps[None])[0], rtol=1e-12, atol=0)


def test_line_range_tests_report_each_data_sets_readings_and_curvature():
    grid = 10 ** torch.arange(-2, 0.3, 0.1, dtype=D)
    found = many.line_range_tests([0, 1], 1e-3, 10.0, 60, 20, grid)
    assert found["curves"].shape == (2, 60) and found["rates"].shape == (60,)
    for s, seed in enumerate([0, 1]):
        lx, _ = (t.double() for t in make_line_data(seed=seed))
        assert found["limit"][s] == pytest.approx(largest_stable_learning_rate(lx))
        assert found["fastest"][s] == pytest.approx(fastest_learning_rate(lx))
        tenth, steep = many.readings(found["rates"], found["curves"][s : s + 1])
        assert (found["tenth"][s], found["steep"][s]) == (tenth[0], steep[0])
        # 20 steps at the best rate of a quadratic bowl: near the fastest rate, below the limit
        assert found["best"][s] in grid and found["best"][s] < found["limit"][s]
        assert abs(found["best"][s] / found["fastest"][s] - 1) < 0.3
