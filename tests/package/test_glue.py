"""descent.glue: what a chapter's notebook uses instead of myst-nb's glue."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402
from IPython.utils.capture import capture_output  # noqa: E402
from matplotlib_inline.backend_inline import set_matplotlib_formats  # noqa: E402

from descent.glue import glue, paste  # noqa: E402


@pytest.fixture(scope="module")
def shell():
    """An IPython shell that, like Jupyter's kernel, shows figures as PNG."""
    shell = InteractiveShell.instance()
    set_matplotlib_formats("png")
    yield shell
    InteractiveShell.clear_instance()


def outputs(captured) -> list[tuple[dict, dict]]:
    return [(output.data, output.metadata) for output in captured.outputs]


def test_a_number_is_shown_at_once_with_its_name(shell):
    with capture_output() as captured:
        glue("final_loss", 0.0783114, display=False)
    assert outputs(captured) == [
        ({"text/plain": "final_loss = 0.0783114"}, {"descent": {"glue": "final_loss"}})
    ]


def png(shell, fig) -> str:
    return shell.display_formatter.format(fig)[0]["image/png"]


def test_a_figure_is_shown_where_it_is_pasted_as_it_was_when_glued(shell):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    when_glued = png(shell, fig)
    with capture_output() as at_glue:
        glue("fig-line", fig, display=False)
    assert outputs(at_glue) == []
    assert fig.number not in plt.get_fignums()  # closed: Jupyter draws no second copy
    ax.set_title("drawn after glue")
    assert png(shell, fig) != when_glued
    with capture_output() as at_paste:
        paste("fig-line")
    assert outputs(at_paste) == [({"image/png": when_glued, "text/plain": repr(fig)},
                                  {"descent": {"glue": "fig-line"}})]  # fmt: skip


def test_a_figure_glued_with_display_is_shown_at_once_too(shell):
    fig, _ = plt.subplots()
    with capture_output() as captured:
        glue("fig-shown", fig)
    (data, metadata), = outputs(captured)  # fmt: skip
    assert "image/png" in data and metadata == {"descent": {"glue": "fig-shown"}}


def test_pasting_what_was_never_glued_says_to_run_the_cells_above(shell):
    with pytest.raises(KeyError, match="run the cells above this one first"):
        paste("never-glued")
