"""Numbers as each edition writes them (descent.numbers): CLDR's symbols and grouping, a real
minus sign, powers of ten for Python's exponent form."""

import pytest

from descent import numbers


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", ["0.50", "1,234", "12,345", "4.4 × 10⁷", "−0.80"]),
        ("es", ["0,50", "1234", "12\u00a0345", "4,4 × 10⁷", "−0,80"]),
    ],
)
def test_numbers_are_written_as_the_edition_writes_them(monkeypatch, lang, expected):
    monkeypatch.setattr(numbers, "language", lambda: lang)
    written = [
        numbers.number(0.5),
        numbers.count(1234),
        numbers.count(12345),
        numbers.scientific(4.4e7),
        numbers.number(-0.8),
    ]
    assert written == expected


@pytest.mark.parametrize(
    ("value", "spec", "en", "es"),
    [
        (0.1, ".3f", "0.100", "0,100"),
        (-0.8, ".3f", "−0.800", "−0,800"),
        (1234, ",", "1,234", "1234"),  # Spanish groups from five digits on
        (123456.5, ",.1f", "123,456.5", "123\u00a0456,5"),
        (12345, "", "12345", "12345"),  # no grouping asked, none added
        (0.052, ".1%", "5.2%", "5,2\u00a0%"),
        (1e-6, ".0e", "10⁻⁶", "10⁻⁶"),
        (2.5e-6, ".1e", "2.5 × 10⁻⁶", "2,5 × 10⁻⁶"),
        (float("inf"), "", "inf", "inf"),  # not a number's digits: left as it is
        (2.0, ".3f", "2.00", "2,00"),  # "2,000" would be two thousand to a reader of "2.000"
        (1.9999, ".3f", "2.00", "2,00"),  # rounding to fewer digits is still right
        (2.0, ".4f", "2.0000", "2,0000"),
    ],
)
def test_a_number_python_formatted_is_rewritten_for_the_edition(value, spec, en, es):
    text = format(value, spec)
    assert numbers.localized(text, "en") == en
    assert numbers.localized(text, "es") == es


def test_text_that_is_not_a_number_is_left_alone():
    for text in ["smooth", "≥ 1000", "100\u00a0000", "1.0.0", "-", ""]:
        assert numbers.localized(text, "es") == text


@pytest.mark.parametrize(
    ("lang", "expected_x", "expected_y"),
    [("en", ["−0.50", "1.00"], ["30,000"]), ("es", ["−0,50", "1,00"], ["30\u00a0000"])],
)
def test_a_figure_s_linear_axes_write_the_edition_s_numbers(
    monkeypatch, lang, expected_x, expected_y
):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from descent import plots  # noqa: F401  (registers the edition's linear scale)

    monkeypatch.setattr(numbers, "language", lambda: lang)
    fig, ax = plt.subplots()
    ax.plot([-0.5, 1.5], [0, 30_000])
    fig.canvas.draw()
    xs = [t.get_text() for t in ax.get_xticklabels()]
    ys = [t.get_text() for t in ax.get_yticklabels()]
    plt.close(fig)
    assert set(expected_x) <= set(xs) and set(expected_y) <= set(ys), (xs, ys)
