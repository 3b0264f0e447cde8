"""Which package files a chapter's outputs depend on, and dropping the outputs that went stale.

jupyter-cache keys a notebook on the text of its code cells only, so on its own it would keep
serving outputs of older code after a change to the package. Each chapter therefore gets a
fingerprint of the package files it can reach: its code cells and the package's modules are
parsed (``ast``) and every import form is followed, absolute, relative, ``from package import
module`` and ``importlib.import_module`` with a literal name. Where a name cannot be known
(``import descent`` alone, a computed ``import_module``), the chapter depends on the whole
package: a rebuild too many beats a page showing outputs of old code. A chapter that reaches
``descent.i18n`` also depends on the edition's catalog of figure strings.
"""

import ast
import functools
import hashlib
import json
from pathlib import Path

from jupyter_cache import get_cache
from myst_nb.core.read import read_myst_markdown_notebook

WHOLE_PACKAGE = "*"  # stands for "every file of the package"
IMPORTERS = {"import_module", "__import__"}  # importlib.import_module(...), __import__(...)


def chapter_source(chapter: Path) -> str:
    """The Python of a chapter's code cells; IPython's ``%magic`` and ``!shell`` lines dropped."""
    notebook = read_myst_markdown_notebook(chapter.read_text(encoding="utf-8"))
    lines = [
        line
        for cell in notebook.cells
        if cell.cell_type == "code"
        for line in cell.source.splitlines()
        if not line.lstrip().startswith(("%", "!"))
    ]
    return "\n".join(lines)


@functools.cache  # every chapter reaches the same modules: each is parsed once per build
def imported_names(source: str, package: str, here: str = "") -> frozenset[str]:
    """Dotted names of ``package``'s modules imported by ``source``, or ``WHOLE_PACKAGE``.

    ``here`` is the package that ``source`` belongs to (for relative imports); for a chapter
    it is empty. ``from descent import x`` yields ``descent.x``, which may be a module or a
    name defined in ``descent/__init__.py``: :func:`module_file` decides.
    """
    tree = ast.parse(source)
    importers = IMPORTERS | {  # `from importlib import import_module as load` names it "load"
        alias.asname
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "importlib"
        for alias in node.names
        if alias.name == "import_module" and alias.asname
    }
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names.add(WHOLE_PACKAGE if alias.name == package else alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = resolve(node.module or "", node.level, here)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
        elif isinstance(node, ast.Call) and called_name(node.func) in importers:
            args = [a.value if isinstance(a, ast.Constant) else None for a in node.args[:2]]
            if not args or not isinstance(args[0], str):
                names.add(WHOLE_PACKAGE)  # a name computed at run time
            elif args[0].startswith("."):  # import_module(".name", package)
                anchor = args[1] if len(args) > 1 and isinstance(args[1], str) else here
                level = len(args[0]) - len(args[0].lstrip("."))
                names.add(resolve(args[0].lstrip("."), level, anchor))
            else:
                names.add(args[0])
    return frozenset(n for n in names if n == WHOLE_PACKAGE or n.split(".")[0] == package)


def called_name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def resolve(module: str, level: int, here: str) -> str:
    """The absolute name of ``from <level dots><module> import ...`` in package ``here``."""
    if level == 0:
        return module
    parts = here.split(".")
    parent = parts[: len(parts) - (level - 1)]
    return ".".join([*parent, module] if module else parent)


def module_file(name: str, package_dir: Path) -> Path | None:
    """The file of dotted module ``name`` in the package, or None (a name, not a module)."""
    relative = Path(*name.split(".")[1:])
    for candidate in (package_dir / relative / "__init__.py", package_dir / f"{relative}.py"):
        if candidate.is_file():
            return candidate
    return None


def package_files(package_dir: Path) -> list[Path]:
    return sorted(p for p in package_dir.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def dependencies(chapter: Path, package_dir: Path, catalog: Path) -> list[Path]:
    """The files whose change can change ``chapter``'s outputs (empty: none of the package)."""
    package = package_dir.name
    todo = set(imported_names(chapter_source(chapter), package))
    seen: set[str] = set()
    files: set[Path] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if name == WHOLE_PACKAGE:
            files.update(package_files(package_dir))
            continue
        # Importing descent.a.b runs descent/__init__.py and descent/a/__init__.py first.
        parts = name.split(".")
        todo.update(".".join(parts[:i]) for i in range(1, len(parts)))
        source = module_file(name, package_dir)
        if source is None or source in files:
            continue
        files.add(source)
        here = name if source.name == "__init__.py" else name.rpartition(".")[0]
        todo |= imported_names(source.read_text(encoding="utf-8"), package, here)
    if not files:
        return []
    if package_dir / "i18n.py" in files and catalog.exists():
        files.add(catalog)  # the strings the figures draw, in the edition's language
    return sorted(files)


def fingerprint(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def drop_stale_outputs(cache_dir: Path, book: Path, chapters: dict[Path, list[Path]]) -> list[Path]:
    """Remove the cached outputs of every chapter whose dependencies changed; return those.
    Chapters go by their path in ``book``, not on the disk: a cache copied with the project to
    another folder stays valid there, and still drops what goes stale. (A record goes by its
    file name: a same-named chapter in another folder of the book may run again, never keep a
    stale output.)"""
    stamps = cache_dir / "fingerprints.json"
    old = json.loads(stamps.read_text()) if stamps.exists() else {}
    key = {chapter: chapter.relative_to(book).as_posix() for chapter in chapters}
    new = {key[chapter]: fingerprint(files) for chapter, files in chapters.items()}
    stale = [chapter for chapter in chapters if old.get(key[chapter]) != new[key[chapter]]]
    cache_dir.mkdir(parents=True, exist_ok=True)
    cache = get_cache(str(cache_dir))
    stale_names = {chapter.name for chapter in stale}
    for record in cache.list_cache_records():
        if Path(record.uri).name in stale_names:
            cache.remove_cache(record.pk)
    stamps.write_text(json.dumps(new, indent=1, sort_keys=True))
    return stale
