import pytest
import torch

from descent.data import make_line_data
from descent.loss import grid_minimum, mae, mse, mse_surface


def test_mse_by_hand():
    # errors 0, 1, 2: squares 0, 1, 4, mean 5/3
    assert mse(torch.tensor([1.0, 2.0, 3.0]), torch.ones(3)).item() == pytest.approx(5 / 3)


def test_mae_by_hand():
    assert mae(torch.tensor([1.0, 2.0, -1.0]), torch.ones(3)).item() == pytest.approx(1.0)


def test_surface_equals_mse_at_grid_points():
    x, y = make_line_data(n=30)
    slopes, intercepts = torch.linspace(-1, 4, 6), torch.linspace(0, 3, 4)
    surface = mse_surface(x, y, slopes, intercepts)
    assert surface.shape == (4, 6)
    for row, b in enumerate(intercepts):
        for col, s in enumerate(slopes):
            expected = mse(x @ torch.stack([s, b]), y)
            assert surface[row, col].item() == pytest.approx(expected.item(), rel=1e-5)


def test_grid_minimum_is_the_smallest_mse_on_the_grid():
    x, y = make_line_data()
    slopes, intercepts = torch.linspace(0, 5, 51), torch.linspace(0, 4, 41)
    best = grid_minimum(x, y, slopes, intercepts)
    best_loss = mse(x @ best, y)
    assert all(
        mse(x @ torch.stack([s, b]), y) >= best_loss - 1e-6 for s in slopes for b in intercepts
    )
