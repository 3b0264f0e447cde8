"""Sphinx extension: a strict Content-Security-Policy in every page, and scripts it allows.

The policy (``POLICY``) lets a page load scripts, styles, fonts and media from the site only and
run no inline script or event handler, so an injected or third-party script cannot run. Sphinx
and its extensions add a few inline scripts (``DOCUMENTATION_OPTIONS.pagename = …``, the toggle
button's settings); they become one file named by its content. Every script is deferred: none
blocks the first paint, and they still run in order, before ``DOMContentLoaded``.
Upstream: no issue found for the theme's or sphinx-togglebutton's inline scripts; nearest, Sphinx's
https://github.com/sphinx-doc/sphinx/issues/13902. Canary: test_extensions_still_add_inline_scripts.

Sphinx's ``doctools.js`` turns an edition's plural rule (text from ``translations.js``) into a
function with ``new Function``, which the policy forbids (no ``eval``). The same rule is written
as code into ``_static/plural-rule.js``, which takes its place (see ``plural_rule_script``).
Upstream: no issue found. Canary: test_sphinx_still_builds_the_plural_rule_with_new_function.

The theme's own inline script (the reader's colour mode, which must run before the first paint)
and its ``<noscript><style>`` are replaced in ``book/_templates/layout.html`` by files.
Upstream: no issue found. Canary: test_the_theme_still_sets_the_colour_mode_in_an_inline_script.

These workarounds' canaries are in tests/test_workarounds.py: each fails once upstream changes.
"""

import html
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.builders.html._assets import _JavaScript  # what script_files holds; no public name

from book_build.web.assets import checksum, for_website, write_if_changed

POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",  # the theme's stylesheet draws a few small images as data: URIs
    "font-src 'self'",
    "media-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
])  # fmt: skip
META = f'<meta http-equiv="Content-Security-Policy" content="{html.escape(POLICY)}">'
INLINE_DIR = "_static/inline"
OPTIONS_SCRIPT = "documentation_options.js"  # Sphinx's settings, which inline scripts extend


def inline_scripts_as_files(scripts: list, write) -> list:
    """``scripts`` (in page order), every one deferred, with the inline ones joined into one file,
    written by ``write(relative_path, text)``.

    Deferred scripts run once the page is parsed, so a script that used to wait for the page
    (the toggle button's) now runs at once, and reads its settings then: the inline scripts,
    which only set such settings, run first, right after ``documentation_options.js``, whose
    ``DOCUMENTATION_OPTIONS`` some of them extend."""
    bodies = [js.attributes.get("body", "") for js in scripts if not js.filename]
    files = []
    for script in scripts:
        if script.filename:
            attributes = {k: v for k, v in script.attributes.items() if k != "body"}
            if "async" not in attributes:
                attributes["defer"] = "defer"
            files.append(_JavaScript(script.filename, priority=script.priority, **attributes))
    if not bodies:
        return files
    text = "\n".join(bodies) + "\n"
    path = f"{INLINE_DIR}/{checksum(text.encode())}.js"
    write(path, text)
    options = [i for i, js in enumerate(files) if str(js.filename).endswith(OPTIONS_SCRIPT)]
    at = options[0] + 1 if options else 0
    priority = files[at - 1].priority if at else (files[0].priority if files else 500)
    return [*files[:at], _JavaScript(path, priority=priority, defer="defer"), *files[at:]]


PLURAL_FILE = "plural-rule.js"
# A gettext plural rule is a C expression of n; these characters are all it may hold.
PLURAL_EXPRESSION = re.compile(r"[n0-9\s()?:<>=!&|%+-]+")


class UnsafePluralRule(ValueError):
    pass


def plural_rule_script(expression: str) -> str:
    """JavaScript that gives Sphinx's ``Documentation`` this plural rule as a function, without
    ``new Function``: what ``Documentation.addTranslations`` does, minus the eval."""
    if not PLURAL_EXPRESSION.fullmatch(expression):
        raise UnsafePluralRule(f"not a gettext plural rule: {expression!r}")
    return f"""// The edition's plural rule as code: Sphinx's doctools.js would build it with
// `new Function`, which the Content-Security-Policy forbids (book_build.web.policy).
Documentation.addTranslations = function (catalog) {{
  Object.assign(Documentation.TRANSLATIONS, catalog.messages);
  Documentation.PLURAL_EXPR = function (n) {{ return ({expression}); }};
  Documentation.LOCALE = catalog.locale;
}};
"""


def write_plural_rule(app: Sphinx) -> None:
    """For an edition that loads Sphinx's translations.js: the plural rule it carries, as code
    loaded after doctools.js and before translations.js."""
    translations = getattr(app.builder, "_get_translations_js", lambda: None)()
    if not for_website(app) or not translations:
        return
    match = re.search(r'"plural_expr": "([^"]*)"', Path(translations).read_text(encoding="utf-8"))
    if match:
        script = plural_rule_script(match[1])
        write_if_changed(Path(app.outdir) / "_static" / PLURAL_FILE, script.encode())
        app.add_js_file(PLURAL_FILE, priority=201)  # Sphinx's scripts are 200, translations 500


def apply_policy(app: Sphinx, pagename: str, templatename, context: dict, doctree) -> None:
    """Runs after the other extensions' handlers (priority 900), once the page's scripts are
    all known."""
    if not for_website(app):
        return
    outdir = Path(app.outdir)

    def write(relative: str, text: str) -> None:
        write_if_changed(outdir / relative, text.encode())

    def versioned(filename: str) -> str:
        """The URL of an output file with its checksum, for links written in templates."""
        url = context["pathto"](filename, resource=True)
        return f"{url}?v={checksum((outdir / filename).read_bytes())}"

    context["versioned"] = versioned
    scripts = sorted(context.get("script_files", []), key=lambda js: js.priority)
    context["script_files"] = inline_scripts_as_files(scripts, write)
    context["metatags"] = META + "\n" + context.get("metatags", "")
