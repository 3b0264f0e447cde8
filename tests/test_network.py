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
    as_params,
    backprop,
    digit_data,
    disagreements,
    distinct_hidden_units,
    finite_difference,
    fit_network,
    forward,
    loss,
    random_params,
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
