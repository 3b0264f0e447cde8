"""Which package files a chapter depends on: every import form, followed through the package."""

import shutil
from pathlib import Path

import nbformat
import pytest
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn

from book_build.execution.dependencies import (
    WHOLE_PACKAGE,
    dependencies,
    drop_stale_outputs,
    imported_names,
)


@pytest.mark.parametrize(
    ("source", "here", "expected"),
    [
        ("from descent.fit import fit", "", {"descent.fit", "descent.fit.fit"}),
        ("import descent.fit as f", "", {"descent.fit"}),
        ("from descent import fit, plots", "", {"descent", "descent.fit", "descent.plots"}),
        ("import descent", "", {WHOLE_PACKAGE}),
        ("from . import loss", "descent", {"descent", "descent.loss"}),
        ("from .loss import mse", "descent", {"descent.loss", "descent.loss.mse"}),
        ("from ..data import x", "descent.sub", {"descent.data", "descent.data.x"}),
        ("import importlib\nimportlib.import_module('descent.fit')", "", {"descent.fit"}),
        ("from importlib import import_module as im\nim('.fit', 'descent')", "", {"descent.fit"}),
        ("import importlib\nimportlib.import_module('descent.' + name)", "", {WHOLE_PACKAGE}),
        ("__import__('descent.loss')", "", {"descent.loss"}),
        ("import numpy, torch\nfrom matplotlib import pyplot", "", set()),
    ],
)  # fmt: skip
def test_every_import_form_is_seen(source, here, expected):
    assert imported_names(source, "descent", here) == expected


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A package whose modules reach each other in every way a real one might."""
    root = tmp_path / "descent"
    root.mkdir()
    files = {
        "__init__.py": "",
        "i18n.py": "",
        "a.py": "from .b import thing\n",  # relative
        "b.py": "import importlib\nhelpers = importlib.import_module('descent.c')\nthing = 1\n",
        "c.py": "from descent import i18n\n",
        "unused.py": "",
    }
    for name, text in files.items():
        (root / name).write_text(text)
    return root


def chapter(tmp_path: Path, code: str) -> Path:
    page = tmp_path / "chapter.md"
    page.write_text(
        "---\nfile_format: mystnb\nkernelspec:\n  name: python3\n---\n\n# A chapter\n\n"
        f"```{{code-cell}} ipython3\n%matplotlib inline\n{code}\n```\n"
    )
    return page


def test_a_chapter_depends_on_what_it_reaches_and_on_the_catalog_through_i18n(tmp_path, package):
    catalog = tmp_path / "descent.po"
    catalog.write_text("")
    found = dependencies(chapter(tmp_path, "from descent.a import thing"), package, catalog)
    assert {p.name for p in found} == {
        "descent.po",
        "__init__.py",
        "a.py",
        "b.py",
        "c.py",
        "i18n.py",
    }


def test_import_of_the_package_alone_depends_on_all_of_it(tmp_path, package):
    found = dependencies(chapter(tmp_path, "import descent"), package, tmp_path / "none.po")
    assert {p.name for p in found} == {p.name for p in package.iterdir()}


def test_a_chapter_without_the_package_depends_on_nothing(tmp_path, package):
    assert dependencies(chapter(tmp_path, "import math"), package, tmp_path / "none.po") == []


# Every way a chapter can reach a module: each makes the chapter depend on it, so the build runs
# the chapter again when the module changes (tests/tools/test_build.py builds one of them).
IMPORT_FORMS = {
    "from package import module": "from descent import helper\nhelper.VALUE",
    "import package": "import descent, importlib\nimportlib.import_module('descent.helper').VALUE",
    "relative import inside the package": "from descent.uses_helper import VALUE\nVALUE",
}  # fmt: skip


@pytest.mark.parametrize("cell", IMPORT_FORMS.values(), ids=IMPORT_FORMS.keys())
def test_a_chapter_depends_on_a_module_it_reaches_in_any_form(tmp_path, cell):
    root = tmp_path / "descent"
    root.mkdir()
    for name, text in {"__init__.py": "", "helper.py": "VALUE = 1\n", "other.py": "",
                       "uses_helper.py": "from .helper import VALUE\n"}.items():  # fmt: skip
        (root / name).write_text(text)
    found = dependencies(chapter(tmp_path, cell), root, tmp_path / "none.po")
    assert root / "helper.py" in found


def test_a_cache_copied_elsewhere_keeps_its_outputs_and_drops_what_went_stale(tmp_path):
    here = tmp_path / "here"
    for name in ("one", "two"):
        (here / "book").mkdir(parents=True, exist_ok=True)
        (here / "book" / f"{name}.md").write_text(f"# {name}\n")
        (here / "code" / f"{name}.py").parent.mkdir(exist_ok=True)
        (here / "code" / f"{name}.py").write_text(f"{name} = 1\n")

    def chapters(root: Path) -> dict[Path, list[Path]]:
        return {root / "book" / f"{n}.md": [root / "code" / f"{n}.py"] for n in ("one", "two")}

    cache_dir = here / "cache"
    drop_stale_outputs(
        cache_dir, here / "book", chapters(here)
    )  # the first build: nothing cached yet
    for number, chapter in enumerate(chapters(here)):
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"{number}")])
        get_cache(str(cache_dir)).cache_notebook_bundle(
            CacheBundleIn(notebook, str(chapter)), check_validity=False
        )

    there = tmp_path / "there"
    shutil.copytree(here, there)
    assert drop_stale_outputs(there / "cache", there / "book", chapters(there)) == []
    (there / "code" / "two.py").write_text("two = 2\n")
    stale = drop_stale_outputs(there / "cache", there / "book", chapters(there))
    assert stale == [there / "book" / "two.md"]
    kept = get_cache(str(there / "cache")).list_cache_records()
    assert [Path(record.uri).name for record in kept] == ["one.md"]
