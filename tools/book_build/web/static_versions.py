"""Sphinx extension: pages link each stylesheet and script with the checksum of the file published
beside them (``?v=…``), after a clean build as after an incremental one, so that a browser never
keeps an old copy once a new version is published.

Sphinx appends ``?v=<crc32>`` when it writes a page, from the file then in the output folder.
Two gaps, closed here:

- myst-nb copies its stylesheet when the build finishes, after the pages: a clean build linked it
  without a checksum, an incremental one with. It is copied before the pages are written
  (a workaround; tests/test_workarounds.py says when it can go).
- A page is written again only when its source changes: after an edit of a stylesheet alone, every
  page kept the old checksum. The fingerprint of the static files is kept in the environment, and
  when it changes every page is written again.
"""

import hashlib
from pathlib import Path

from myst_nb.sphinx_ext import add_global_html_resources
from sphinx.application import Sphinx

from book_build.web.assets import for_website

# Written into _static by this package's extensions before the pages (mathml, icons).
GENERATED = ("math.css", "icons.css")


def static_sources(app: Sphinx) -> list[Path]:
    """The folders Sphinx copies into ``_static``: the themes' and ``html_static_path``."""
    folders = [Path(theme_dir) / "static" for theme_dir in app.builder.theme.get_theme_dirs()]
    folders += [Path(app.confdir, folder) for folder in app.config.html_static_path]
    return [folder for folder in folders if folder.is_dir()]


def fingerprint(folders: list[Path], files: list[Path]) -> str:
    digest = hashlib.sha256()
    paths = [p for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()]
    for path in [*paths, *files]:
        if path.is_file() and path.suffix != ".map":
            digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def before_pages(app: Sphinx, env) -> list[str]:
    """After reading, before writing: myst-nb's stylesheet in place, and every page to write
    again when a static file changed since the last build."""
    if not for_website(app):
        return []
    add_global_html_resources(app, None)
    generated = [Path(app.outdir, "_static", name) for name in GENERATED]
    current = fingerprint(static_sources(app), generated)
    previous = getattr(env, "book_static_fingerprint", None)
    env.book_static_fingerprint = current
    if previous is not None and previous != current:
        return sorted(env.found_docs)
    return []
