import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

from descent.network import (
    HIDDEN,
    N_TEST,
    DigitNet,
    Params,
    accuracy,
    along_mode,
    as_params,
    backprop,
    digit_data,
    disagreements,
    distinct_hidden_units,
    finite_difference,
    first_layer_gap,
    fit_network,
    forward,
    input_output_modes,
    loss,
    random_params,
    saddle,
    sample_images,
    train,
)


@pytest.fixture(scope="module")
def data():
    return digit_data(seed=0)


def test_the_split_keeps_every_image_once_with_pixels_in_the_unit_interval(data):
    original = load_digits()
    assert len(data.x_test) == N_TEST and len(data.x_train) == len(original.data) - N_TEST
    rows = torch.cat([data.x_train, data.x_test]) * 16
    assert sorted(map(tuple, rows.tolist())) == sorted(map(tuple, original.data.tolist()))
    assert data.x_train.min() == 0 and data.x_train.max() == 1
    image, digit = sample_images(data, 1)[0]
    assert image.shape == (8, 8) and digit == int(data.y_train[0])


def test_random_start_scales_each_units_input_and_zero_start_is_zero():
    p = random_params(seed=0, hidden=500)
    assert p.w1.std().item() == pytest.approx(1 / 8, rel=0.02)  # 1/√64
    assert p.w2.std().item() == pytest.approx(500**-0.5, rel=0.02)
    assert (p.b1 == 0).all() and (p.b2 == 0).all()
    assert all((t == 0).all() for t in random_params(seed=0, scale=0.0))
    assert torch.equal(random_params(seed=3).w1, random_params(seed=3).w1)


def test_backprop_matches_autograd_and_finite_differences(data):
    p = random_params(seed=1)
    x, y = data.x_train[:200], data.y_train[:200]
    by_hand = backprop(p, x, y)
    tracked = [t.clone().requires_grad_() for t in p]
    loss(Params(*tracked), x, y).backward()
    for t, g in zip(tracked, by_hand, strict=True):
        assert torch.allclose(t.grad, g, atol=1e-15)
    for which, index in ((0, (10, 3)), (1, (5,)), (2, (7, 9)), (3, (2,))):
        numeric = finite_difference(p, x, y, which, index)
        assert numeric == pytest.approx(by_hand[which][index].item(), abs=1e-8)


def test_loss_is_torchs_cross_entropy_of_the_scores(data):
    p = random_params(seed=2)
    h, z = forward(p, data.x_test)
    assert h.shape == (N_TEST, HIDDEN) and z.shape == (N_TEST, 10)
    log_p = torch.log_softmax(z, dim=1)
    by_hand = -log_p[torch.arange(N_TEST), data.y_test].mean()
    assert loss(p, data.x_test, data.y_test).item() == pytest.approx(by_hand.item(), rel=1e-12)


def test_training_takes_hand_gradient_steps_and_learns(data):
    p = random_params(seed=0)
    one_batch = data._replace(x_train=data.x_train[:32], y_train=data.y_train[:32])
    after, history = train(p, one_batch, lr=0.1, epochs=1, batch_size=32)
    gradient = backprop(p, one_batch.x_train, one_batch.y_train)
    for t, g, moved in zip(p, gradient, after, strict=True):
        assert torch.allclose(moved, t - 0.1 * g)
    assert history[1] < history[0]
    trained, history = train(p, data, lr=0.1, epochs=5, batch_size=32)
    assert accuracy(trained, data.x_test, data.y_test) > 0.85 and history[-1] < history[0] / 4


def test_a_symmetric_start_keeps_its_hidden_units_identical(data):
    p = random_params(seed=0)
    assert distinct_hidden_units(p) == HIDDEN
    same = Params(*(torch.full_like(t, 0.05) for t in p))
    trained, _ = train(same, data, lr=0.1, epochs=1, batch_size=64)
    assert distinct_hidden_units(same) == distinct_hidden_units(trained) == 1
    assert not torch.equal(trained.w1, same.w1)  # they moved, together


def test_the_module_computes_the_hand_network_and_autograd_its_hand_gradient(data):
    torch.manual_seed(0)
    model = DigitNet()
    p = as_params(model)
    x, y = data.x_train[:64], data.y_train[:64]
    assert torch.allclose(model(x), forward(p, x)[1], atol=1e-15)
    torch.nn.functional.cross_entropy(model(x), y).backward()
    by_hand = backprop(Params(*(t.detach() for t in p)), x, y)
    assert torch.allclose(model.hidden.weight.grad, by_hand.w1.T, atol=1e-15)
    assert torch.allclose(model.output.bias.grad, by_hand.b2, atol=1e-15)
    assert model.hidden.weight.abs().max() <= 1 / 8  # PyTorch's default: uniform within 1/√64


def test_fit_network_takes_the_optimizers_steps_over_each_minibatch(data):
    torch.manual_seed(0)
    model = DigitNet()
    start = Params(*(t.detach().clone() for t in as_params(model)))
    images = TensorDataset(data.x_train[:64], data.y_train[:64])
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    fit_network(model, DataLoader(images, batch_size=64), optimizer, epochs=1)
    expected = [t - 0.1 * g for t, g in zip(start, backprop(start, *images.tensors), strict=True)]
    for moved, t in zip(as_params(model), expected, strict=True):
        assert torch.allclose(moved, t, atol=1e-14)


def test_disagreements_count_the_rows_where_any_model_differs():
    torch.manual_seed(0)
    a, b = DigitNet(), DigitNet()
    x = torch.rand(50, 64, dtype=torch.float64)
    assert disagreements([a, a], x) == 0
    with torch.no_grad():
        by_hand = (a(x).argmax(dim=1) != b(x).argmax(dim=1)).sum().item()
    assert disagreements([a, b, a], x) == by_hand


def test_first_layer_gap_ignores_relabelling_and_sign_and_bounds_the_distance():
    p, other = random_params(seed=0), random_params(seed=1)
    order = torch.randperm(HIDDEN, generator=torch.Generator().manual_seed(0))
    sign = torch.ones(HIDDEN, dtype=torch.float64)
    sign[::3] = -1
    twin = Params(p.w1[:, order] * sign, p.b1[order] * sign, p.w2[order] * sign[:, None], p.b2)
    x = torch.rand(20, 64, dtype=torch.float64)
    assert torch.allclose(forward(twin, x)[1], forward(p, x)[1], atol=1e-14)  # the same function
    assert first_layer_gap(twin, p) == 0 and first_layer_gap(p, p) == 0
    raw = ((other.w1 - p.w1).norm() / p.w1.norm()).item()
    assert 0.5 < first_layer_gap(other, p) < raw


def test_input_output_modes_are_the_svd_of_the_centred_pixel_digit_covariance(data):
    U, S, Vh = input_output_modes(data.x_train, data.y_train)
    x, y = data.x_train.numpy(), data.y_train.numpy()
    one_hot = np.eye(10)[y]
    c = x.T @ (one_hot - one_hot.mean(axis=0)) / len(x)  # (64, 10)
    assert np.allclose(S.numpy(), np.linalg.svd(c, compute_uv=False), rtol=0, atol=1e-14)
    assert np.allclose((U * S) @ Vh, c, rtol=0, atol=1e-14)
    assert U.shape == (64, 10) and Vh.shape == (10, 10)
    assert torch.allclose(U.T @ U, torch.eye(10, dtype=torch.float64), atol=1e-12)
    assert S[0] > S[1] > 0.01 and S[-1] < 1e-12  # centred: C·(1, …, 1) = 0


def test_the_saddle_has_zero_gradient_and_the_frequencies_as_biases(data):
    x, y = data.x_train, data.y_train
    p = saddle(y)
    frequencies = np.bincount(y.numpy(), minlength=10) / len(y)
    assert np.allclose(p.b2.numpy(), np.log(frequencies), rtol=0, atol=1e-15)
    assert all((t == 0).all() for t in (p.w1, p.b1, p.w2))
    assert p.w1.shape == (64, HIDDEN) and p.w2.shape == (HIDDEN, 10)
    for g in backprop(p, x, y):
        assert g.abs().max() < 1e-15
    entropy = -(frequencies * np.log(frequencies)).sum()  # it predicts the frequencies
    assert loss(p, x, y).item() == pytest.approx(entropy, rel=1e-13)


@pytest.mark.parametrize("mode", [0, 1])
def test_the_saddle_curves_down_by_sigma_along_a_mode_and_up_with_v_flipped(data, mode):
    x, y = data.x_train, data.y_train
    p = saddle(y)
    U, S, Vh = input_output_modes(x, y)
    u, v, s = U[:, mode], Vh[mode], 1e-3

    def curvature(v):  # by central second differences along the direction
        moved = [loss(along_mode(p, u, v, d), x, y).item() for d in (s, -s)]
        return (moved[0] + moved[1] - 2 * loss(p, x, y).item()) / s**2

    assert curvature(v) == pytest.approx(-S[mode].item(), rel=1e-5)
    assert curvature(-v) == pytest.approx(S[mode].item(), rel=1e-5)


def test_along_mode_moves_only_hidden_unit_0_by_the_distance():
    p = random_params(seed=3)
    kept = Params(*(t.clone() for t in p))
    generator = torch.Generator().manual_seed(0)
    u = torch.randn(64, generator=generator, dtype=torch.float64)
    v = torch.randn(10, generator=generator, dtype=torch.float64)
    u, v = u / u.norm(), v / v.norm()
    q = along_mode(p, u, v, 0.7)
    assert all(torch.equal(a, b) for a, b in zip(p, kept, strict=True))  # p left as it was
    assert torch.equal(q.b1, p.b1) and torch.equal(q.b2, p.b2)
    assert torch.equal(q.w1[:, 1:], p.w1[:, 1:]) and torch.equal(q.w2[1:], p.w2[1:])
    assert torch.allclose(q.w1[:, 0] - p.w1[:, 0], 0.7 * u / 2**0.5, rtol=0, atol=1e-15)
    assert torch.allclose(q.w2[0] - p.w2[0], 0.7 * v / 2**0.5, rtol=0, atol=1e-15)
    change = torch.cat([(a - b).flatten() for a, b in zip(q, p, strict=True)])
    assert change.norm().item() == pytest.approx(0.7, rel=1e-14)
