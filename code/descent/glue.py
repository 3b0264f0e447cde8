"""``glue`` and ``paste`` for a chapter run as a notebook, outside the book's build.

In the book, ``glue(name, value)`` (from myst-nb) hands a value to the page, which prints it
in the text or shows it as a figure. A chapter downloaded as a notebook has no page to hand it
to, so this ``glue`` shows the value where it is computed, and ``paste`` shows it where the page
shows it:

- a number or a short text is shown at once, with its name, as ``name = value``: the same name
  the chapter's text refers to;
- a figure (or any output richer than text) is kept, and shown by ``paste(name)``, where the
  page shows the figure; or at once too, with ``display=True``, as myst-nb's ``glue`` would.
"""

import sys

# What each glued value looked like when it was glued, {name: {mime type: data}}: a figure
# drawn again later could come out slightly different (its layout is computed as it is drawn).
GLUED: dict[str, dict[str, object]] = {}


def glue(name: str, value, display: bool = True) -> None:
    """Keep ``value`` under ``name``; show it now if it is plain text, or if ``display``."""
    data = GLUED[name] = _formats(value)
    if set(data) == {"text/plain"}:
        _show({"text/plain": f"{name} = {data['text/plain']}"}, name)
    elif display:
        _show(data, name)
    if _is_pyplot_figure(value):
        # Drawn once, here: Jupyter would otherwise draw it again at the end of the cell.
        sys.modules["matplotlib.pyplot"].close(value)


def paste(name: str) -> None:
    """Show the value glued under ``name``, where the chapter's page shows it."""
    if name not in GLUED:
        raise KeyError(f"nothing was glued under {name!r}: run the cells above this one first")
    _show(GLUED[name], name)


def _formats(value) -> dict[str, object]:
    """What Jupyter would show for ``value``: ``{mime type: data}``."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:  # plain Python, not a notebook
        return {"text/plain": repr(value)}
    data, _ = shell.display_formatter.format(value)
    return data


def _is_pyplot_figure(value) -> bool:
    figure = sys.modules.get("matplotlib.figure")
    return "matplotlib.pyplot" in sys.modules and isinstance(value, figure.Figure)


def _show(data: dict[str, object], name: str) -> None:
    from IPython.display import display

    # The name in the output's metadata lets a program find the value in the notebook.
    display(data, raw=True, metadata={"descent": {"glue": name}})
