import torch

from descent.data import NOISE_WIDTH, TRUE_PARAMS, make_line_data, mean_offset, shuffled_split


def test_shapes_and_column_of_ones():
    x, y = make_line_data(n=50)
    assert x.shape == (50, 2) and y.shape == (50,)
    assert torch.equal(x[:, 1], torch.ones(50))
    assert x[:, 0].min() >= -1 and x[:, 0].max() < 1


def test_same_seed_same_data_other_seed_other_data():
    first, again, other = make_line_data(seed=1), make_line_data(seed=1), make_line_data(seed=2)
    assert all(torch.equal(a, b) for a, b in zip(first, again, strict=True))
    assert not torch.equal(first[1], other[1])


def test_noise_stays_within_half_a_unit_of_its_mean():
    x, y = make_line_data(n=1000, noise_mean=0.5)
    noise = y - x @ torch.tensor(TRUE_PARAMS)
    assert noise.min() >= 0 - 1e-5 and noise.max() <= 1 + 1e-5


def test_mean_offset_is_the_noise_mean():
    assert abs(mean_offset(*make_line_data(n=10_000))) < 0.01
    assert abs(mean_offset(*make_line_data(n=10_000, noise_mean=0.5)) - 0.5) < 0.01


def test_noise_is_uniform_with_variance_width_squared_over_twelve():
    x, y = make_line_data(n=100_000)
    noise = y - x @ torch.tensor(TRUE_PARAMS)
    assert noise.max() - noise.min() <= NOISE_WIDTH
    assert noise.max() - noise.min() > 0.999 * NOISE_WIDTH
    assert abs(noise.var().item() - NOISE_WIDTH**2 / 12) < 1e-3


def test_a_shuffled_split_keeps_every_row_once_and_pairs_inputs_with_their_labels():
    x, y = torch.arange(20.0).reshape(10, 2), torch.arange(10)
    split = shuffled_split(x, y, n_test=3, seed=0)
    assert len(split.x_train) == 7 and len(split.x_test) == 3
    labels = torch.cat([split.y_train, split.y_test])
    assert sorted(labels.tolist()) == list(range(10))
    rows = torch.cat([split.x_train, split.x_test])
    assert torch.equal(rows, x[labels])  # each row travels with its label
    assert torch.equal(shuffled_split(x, y, 3, seed=0).y_test, split.y_test)
    assert not torch.equal(shuffled_split(x, y, 3, seed=1).y_train, split.y_train)
