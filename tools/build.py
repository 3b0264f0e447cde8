"""Build every edition of the book side by side and publish the ones that succeed.

    python tools/build.py [LANG ...]      # all editions when no language is given

Each edition is built incrementally in ``_build/editions/<lang>/`` (HTML, doctrees and its own
execution cache) with ``sphinx-build -n -W --keep-going``. Only an edition that builds cleanly
replaces ``_build/html/<lang>/``, so a broken edit never leaves a half-written site: the last
good one stays. ``_build/html/index.html`` sends a reader to the edition of their browser's
language.
"""

import sys

# Checked before anything newer is imported (tomllib is 3.11).
if sys.version_info < (3, 11):  # noqa: UP036
    sys.exit(
        f"error: the book needs Python 3.11 or newer, and this is Python {sys.version.split()[0]}."
        " Run `nox -s book`, which makes an environment with Python 3.11."
    )

import html  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
from pathlib import Path  # noqa: E402

import catalogs  # noqa: E402  (tools/catalogs.py, beside this script)

REPO = Path(__file__).resolve().parents[1]
BOOK = REPO / "book"
BUILD = REPO / "_build"
SITE = BUILD / "html"
STRICT = ["-n", "-W", "--keep-going"]


def edition_dir(lang: str) -> Path:
    return BUILD / "editions" / lang


def sphinx_command(lang: str) -> list[str]:
    work = edition_dir(lang)
    return [
        sys.executable, "-m", "sphinx", *STRICT, "-b", "html", "-D", f"language={lang}",
        "-d", str(work / "doctrees"), str(BOOK), str(work / "html"),
    ]  # fmt: skip


# A kernel that does not answer at start-up is the machine's trouble, not the book's: seen once
# when two editions started kernels at the same moment on a busy machine.
KERNEL_START_FAILURES = ("Kernel didn't respond", "Kernel died before replying")


def _relay(stream, prefix: str, kernel_failed: set[str]) -> None:
    for line in stream:
        sys.stdout.write(f"[{prefix}] {line}")
        sys.stdout.flush()
        if any(failure in line for failure in KERNEL_START_FAILURES):
            kernel_failed.add(prefix)


def build_editions(langs: list[str]) -> tuple[dict[str, int], set[str]]:
    """Run one sphinx-build per edition, all at once (they share nothing); return exit codes
    and the editions whose Jupyter kernel failed to start."""
    env = {**os.environ, "PYTHONHASHSEED": "0", "SOURCE_DATE_EPOCH": "0"}
    procs = {}
    for lang in langs:
        procs[lang] = subprocess.Popen(
            sphinx_command(lang),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
    kernel_failed: set[str] = set()
    relays = [
        threading.Thread(target=_relay, args=(proc.stdout, lang, kernel_failed))
        for lang, proc in procs.items()
    ]
    for relay in relays:
        relay.start()
    codes = {lang: proc.wait() for lang, proc in procs.items()}
    for relay in relays:
        relay.join()
    return codes, kernel_failed


def publish(lang: str) -> None:
    """Replace ``_build/html/<lang>`` with the fresh build, never leaving a partial copy."""
    target, fresh, old = SITE / lang, SITE / f".{lang}.new", SITE / f".{lang}.old"
    for leftover in (fresh, old):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(edition_dir(lang) / "html", fresh, ignore=shutil.ignore_patterns(".buildinfo"))
    if target.exists():
        target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def landing_page(editions: dict[str, dict[str, str]]) -> str:
    """A page that sends the reader to their browser's language and always lists every edition."""
    links = "\n".join(
        f'    <li><a href="{code}/index.html" hreflang="{code}" lang="{code}">'
        f"{html.escape(e['title'])} ({html.escape(e['name'])})</a></li>"
        for code, e in editions.items()
    )
    codes = list(editions)
    titles = " · ".join(html.escape(e["title"]) for e in editions.values())
    return f"""<!DOCTYPE html>
<html lang="{codes[0]}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{titles}</title>
  <link rel="icon" href="{codes[0]}/_static/favicon.svg" type="image/svg+xml">
  <script>
    // Open the edition of the reader's first browser language that the book has.
    (function () {{
      var editions = {codes!r};
      var wanted = navigator.languages || [navigator.language || ""];
      for (var i = 0; i < wanted.length; i++) {{
        var code = String(wanted[i]).slice(0, 2).toLowerCase();
        if (editions.indexOf(code) >= 0) {{ location.replace(code + "/index.html"); return; }}
      }}
      location.replace(editions[0] + "/index.html");
    }})();
  </script>
  <style>body {{ font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; }}</style>
</head>
<body>
  <main>
  <h1>{titles}</h1>
  <ul>
{links}
  </ul>
  </main>
</body>
</html>
"""


def main(argv: list[str]) -> int:
    editions = catalogs.languages()
    langs = argv or list(editions)
    unknown = [lang for lang in langs if lang not in editions]
    if unknown:
        print(f"error: {unknown} not declared in book/languages.toml", file=sys.stderr)
        return 2
    try:  # Sphinx would accept a broken catalog: stop first, with a clear message
        for lang in langs:
            catalogs.compile_catalogs(lang)
    except catalogs.CatalogError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    codes, kernel_failed = build_editions(langs)
    retry = [lang for lang in langs if codes[lang] and lang in kernel_failed]
    if retry:  # once: what already ran is in the execution cache
        print(f"A Jupyter kernel did not start in time for {retry}; building it again, once.")
        codes.update(build_editions(retry)[0])
    SITE.mkdir(parents=True, exist_ok=True)
    for lang in langs:
        if codes[lang] == 0:
            publish(lang)
    (SITE / "index.html").write_text(landing_page(editions), encoding="utf-8")
    failed = [lang for lang in langs if codes[lang]]
    for lang in langs:
        state = "FAILED, the last good site was kept" if codes[lang] else "built"
        print(f"{lang}: {state} -> {SITE / lang}")
    if failed:
        print(
            "The first error above names the file (and line, or the cell and its traceback). "
            "Fix it and build again: only what changed is redone.",
            file=sys.stderr,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
