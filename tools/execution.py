"""Which chapter outputs are stale: the package code each chapter depends on.

jupyter-cache keys a notebook on the text of its code cells only, so on its own it would keep
serving outputs of older code after a change to ``code/``. Here each chapter gets a fingerprint
of the package files it depends on (the modules it imports, followed through the package's own
imports, plus the edition's catalog of figure strings). A chapter whose fingerprint changed
loses its cached outputs and runs again; the others keep theirs.
"""

import hashlib
import importlib.util
import json
import re
from pathlib import Path

from jupyter_cache import get_cache

PACKAGE = "descent"
IMPORTS = re.compile(rf"^\s*(?:from|import)\s+{PACKAGE}\.(\w+)", re.MULTILINE)


class PackageMissing(Exception):
    pass


def package_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise PackageMissing(
            f"The package {PACKAGE!r} is not installed in this environment. "
            "Build with `nox -s book`, which installs it (editable) from code/."
        )
    return Path(spec.origin).parent


def dependencies(chapter: Path, package: Path, catalog: Path) -> list[Path]:
    """The package files whose change can change ``chapter``'s outputs."""
    modules, todo = set(), set(IMPORTS.findall(chapter.read_text(encoding="utf-8")))
    while todo:
        module = todo.pop()
        source = package / f"{module}.py"
        if module in modules or not source.exists():
            continue
        modules.add(module)
        todo |= set(IMPORTS.findall(source.read_text(encoding="utf-8")))
    if not modules:
        return []
    files = [package / "__init__.py", *sorted(package / f"{m}.py" for m in modules)]
    if "i18n" in modules and catalog.exists():
        files.append(catalog)  # the strings drawn in the edition's language
    return files


def fingerprint(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def drop_stale_outputs(cache_dir: Path, chapters: dict[Path, list[Path]]) -> list[Path]:
    """Remove the cached outputs of every chapter whose dependencies changed; return those."""
    stamps = cache_dir / "fingerprints.json"
    old = json.loads(stamps.read_text()) if stamps.exists() else {}
    new = {str(chapter): fingerprint(files) for chapter, files in chapters.items()}
    stale = [chapter for chapter in chapters if old.get(str(chapter)) != new[str(chapter)]]
    cache_dir.mkdir(parents=True, exist_ok=True)
    cache = get_cache(str(cache_dir))
    stale_uris = {str(chapter) for chapter in stale}
    for record in cache.list_cache_records():
        if record.uri in stale_uris:
            cache.remove_cache(record.pk)
    stamps.write_text(json.dumps(new, indent=1, sort_keys=True))
    return stale
