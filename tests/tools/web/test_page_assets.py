"""What the build writes so that pages are light and obey their Content-Security-Policy: MathML
equations, font subsets, scripts as files, the player's files, compressed copies, light figures."""

import base64
import gzip
import io
import re
import subprocess
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import brotli
import pytest
from docutils.utils import new_document
from fontTools.ttLib import TTFont
from sphinx.builders.html._assets import _JavaScript

from book_build.web import assets, bundles, explorers, icons, images, mathml, player, policy

MATHML = "{http://www.w3.org/1998/Math/MathML}"


def parse(markup: str) -> ET.Element:
    """The MathML as XML (it must be well-formed), with the MathML namespace."""
    markup = markup.replace("<math", '<math xmlns="http://www.w3.org/1998/Math/MathML"', 1)
    return ET.fromstring(markup.replace("&ApplyFunction;", "\u2061"))


def tags(element: ET.Element) -> list[str]:
    return [e.tag.removeprefix(MATHML) for e in element.iter()]


def text(element: ET.Element, tag: str) -> list[str]:
    return [e.text for e in element.iter(MATHML + tag)]


def test_the_book_s_formulas_become_mathml():
    update, _ = mathml.to_mathml(r"a \leftarrow a - \eta \nabla L(a)", display=True)
    tree = parse(update)
    assert tree.get("display") == "block"
    assert "←" in text(tree, "mo") and "η" in text(tree, "mi") and "∇" in text(tree, "mi")

    gradient, _ = mathml.to_mathml(r"\nabla L(a) = \frac{2}{n} X^\top (X a - y)", False)
    tree = parse(gradient)
    assert tree.get("display") is None  # inline
    fraction = next(tree.iter(MATHML + "mfrac"))
    assert [child.text for child in fraction] == ["2", "n"]
    transpose = next(tree.iter(MATHML + "msup"))
    assert [child.text for child in transpose] == ["X", "⊤"]

    mse, _ = mathml.to_mathml(r"\frac{1}{n} \sum_{i=1}^{n} \left(\hat y_i - y_i\right)^2", True)
    tree = parse(mse)
    sum_ = next(tree.iter(MATHML + "munderover"))  # limits above and below in display style
    assert sum_[0].text == "∑" and sum_[2].text == "n"
    assert "mover" in tags(tree)  # the hat

    bold, _ = mathml.to_mathml(r"\mathbf{x}^\top \boldsymbol{\theta}", False)
    assert "𝐱" in text(parse(bold), "mi") and "𝜽" in text(parse(bold), "mi")

    matrix, _ = mathml.to_mathml(r"\begin{pmatrix} x_1 & 1 \\ \vdots & \vdots \end{pmatrix}", True)
    tree = parse(matrix)
    assert len(list(tree.iter(MATHML + "mtr"))) == 2 and "⋮" in text(tree, "mo")


@pytest.mark.parametrize(
    ("source", "comma"),
    [
        (r"\eta = 1.5/c", r"\eta = 1{,}5/c"),
        ("(1.5, 1)", "(1{,}5; 1)"),  # a pair with a decimal comma takes a semicolon
        ("a = (3, 2)", "a = (3, 2)"),  # no decimal: nothing is ambiguous
        (r"w_{i,j} = 0.5 \, x", r"w_{i,j} = 0{,}5 \, x"),  # an index's comma, a thin space
        (r"x_1, \dots, x_n", r"x_1, \dots, x_n"),
    ],
)
def test_an_edition_with_a_decimal_comma_writes_it_in_its_equations(source, comma):
    assert mathml.with_decimal_comma(source) == comma


def test_a_decimal_comma_is_one_number_in_mathml():
    pair, _ = mathml.to_mathml(mathml.with_decimal_comma("(1.5, 1)"), False)
    assert text(parse(pair), "mn") == ["1,5", "1"] and ";" in text(parse(pair), "mo")


def css_rules(css: str) -> dict[str, str]:
    """``{selector: declarations}`` of a flat stylesheet (what a browser would apply)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return {
        selector.strip(): body.strip().rstrip(";").strip()
        for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)
    }


@pytest.mark.parametrize("environment", ["aligned", "split"])
def test_aligned_equations_become_a_table_aligned_by_classes(environment):
    latex = rf"\begin{{{environment}}} a &= b + c \\ d &= e \end{{{environment}}}"
    markup, declarations = mathml.to_mathml(latex, display=True)
    tree = parse(markup)
    rows = list(tree.iter(MATHML + "mtr"))
    assert len(rows) == 2 and all(len(row) == 2 for row in rows)  # left and right of "="
    assert ' style="' not in markup
    rules = css_rules(mathml.stylesheet("0000abcd", declarations))
    left_of_equals = {rules["." + name] for name in rows[0][0].get("class").split()}
    assert "text-align: right" in left_of_equals  # the left side ends at its "="


def test_style_attributes_become_classes_with_rules_in_the_stylesheet():
    markup, used = mathml.without_styles('<mtd style="text-align: left;padding-left:1em;">x</mtd>')
    assert ' style="' not in markup and used == {"text-align: left", "padding-left: 1em"}
    rules = css_rules(mathml.stylesheet("0000abcd", used))
    declarations = {rules["." + name] for name in parse(markup).get("class").split()}
    assert declarations == used  # each class carries exactly the style it replaced


def test_a_style_that_is_not_layout_is_refused():
    with pytest.raises(mathml.UnknownStyle):
        mathml.without_styles('<mi style="background: url(x)">x</mi>')


def test_several_equations_of_one_block_are_aligned():
    class Block(dict):
        def __init__(self, text):
            super().__init__(number=None)
            self.text = text

        def astext(self):
            return self.text

    assert mathml.display_latex(Block("a = 1")) == "a = 1"
    aligned = r"\begin{aligned}a = 1 \\ b = 2\end{aligned}"
    assert mathml.display_latex(Block("a = 1\n\nb = 2")) == aligned


def test_the_font_holds_the_italic_letters_the_browser_draws():
    markup, _ = mathml.to_mathml(r"\eta \nabla L(a) + h", display=False)
    chars = mathml.math_characters(markup)
    # MathML draws a one-letter identifier in italic: Unicode's Mathematical Italic letters.
    assert {"𝜂", "𝐿", "𝑎", "ℎ", "∇", "(", "+"} <= chars
    subset = assets.font_subset(mathml.FONT_SOURCE, {ord(c) for c in chars}, ["*"])
    font = TTFont(io.BytesIO(subset))
    cmap = font.getBestCmap()
    assert all(ord(c) in cmap for c in chars if c.strip() and c != "\u2061")
    assert "MATH" in font  # the table that stretches brackets and sizes the sum sign
    assert ord("Z") not in cmap  # a subset: what the equations use, not the 1.5 MB font


def test_the_icon_font_has_every_icon_and_nothing_else():
    from_css = icons.css_icons(icons.THEME_CSS.read_text(encoding="utf-8"))
    assert 0xF05A in from_css  # the circled "i" of a note
    wanted = set(icons.ICONS.values()) | from_css
    data = assets.font_subset(icons.FONT_SOURCE, wanted, layout_features=[])
    font = TTFont(io.BytesIO(data))
    cmap = set(font.getBestCmap())
    assert set(icons.ICONS.values()) <= cmap <= wanted  # brand icons are in another font
    assert len(data) < 8_000
    rules = css_rules(icons.stylesheet("12345678"))
    drawn = {int(v.split('"\\')[1].rstrip('";'), 16) for v in rules.values() if "--fa:" in v}
    assert set(icons.ICONS.values()) <= drawn <= cmap  # every icon the CSS names is in the font
    families = {v for v in rules.values() if "--fa-family" in v}
    assert families and all('"Book Icons"' in v for v in families)  # not the theme's 150 KB font


def test_inline_scripts_become_one_deferred_file_after_sphinx_s_options():
    written = {}
    scripts = [
        _JavaScript("_static/documentation_options.js"),
        _JavaScript("_static/togglebutton.js"),
        _JavaScript("", body="let hint = 'show';"),
        _JavaScript("b.js", **{"async": "async"}),
        _JavaScript(None, body="DOCUMENTATION_OPTIONS.pagename = 'x';"),
    ]
    result = policy.inline_scripts_as_files(scripts, written.__setitem__)
    names = [str(js.filename) for js in result]
    (inline,) = written
    assert names == ["_static/documentation_options.js", inline, "_static/togglebutton.js", "b.js"]
    # Settings first: the deferred toggle button reads its settings as soon as it runs.
    assert written[inline] == "let hint = 'show';\nDOCUMENTATION_OPTIONS.pagename = 'x';\n"
    again = {}
    policy.inline_scripts_as_files(scripts, again.__setitem__)
    changed, other = {}, [_JavaScript("", body="let hint = 'hide';")]
    policy.inline_scripts_as_files(other, changed.__setitem__)
    assert set(again) == {inline} and set(changed).isdisjoint(written)  # named by its content
    assert [js.attributes.get("defer") for js in result] == ["defer", "defer", "defer", None]
    assert result[3].attributes["async"] == "async"


def test_the_plural_rule_is_code_and_nothing_else(tmp_path):
    rule = "n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2"  # Spanish, from Sphinx's catalog
    script = policy.plural_rule_script(rule)
    assert f"return ({rule});" in script and "new Function(" not in script
    with pytest.raises(policy.UnsafePluralRule):
        policy.plural_rule_script("n); fetch('//evil.example'); (n")


def test_the_player_s_video_becomes_a_file_named_by_its_content(tmp_path):
    """On the site the video is a file of ``_images`` (no ``data:`` media, no inline script,
    as the policy wants) that the page's markup links, with the words of the controls."""
    words = {"play": "Play", "pause": "Pause", "previous": "Back", "next": "On",
             "seek": "Choose", "step": "step {step} of {total}"}  # fmt: skip
    app = SimpleNamespace(builder=SimpleNamespace(name="html"), outdir=str(tmp_path))
    page = tmp_path / "chapters"  # a page one folder down links ../_images/
    sources = []
    for video in (b"\x00\x00\x00\x18ftypmp42 one video", b"\x00\x00\x00\x18ftypmp42 another"):
        data = {"id": "player-1", "video": base64.b64encode(video).decode(), "fps": 10,
                "last": 7, "width": 400, "height": 280, "description": "A line <moves>",
                "labels": words}  # fmt: skip
        node = player.player_node(data, "../_images/")
        doctree = new_document("page")
        doctree += node
        player.write_videos(app, doctree, "chapters/page")
        markup = node.astext()
        (src,) = re.findall(r'<video src="([^"]+)"', markup)
        assert (page / src).resolve().read_bytes() == video
        assert 'aria-label="A line &lt;moves&gt;"' in markup and ">step 0 of 7</output>" in markup
        assert "<script" not in markup and "data:" not in markup
        sources.append(src)
    assert sources[0] != sources[1]


def test_text_files_get_compressed_copies_and_others_do_not(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<p>hello</p>" * 100)
    (tmp_path / "font.woff2").write_bytes(b"binary")
    assert assets.precompress(tmp_path) == 1
    assert gzip.decompress((tmp_path / "page.html.gz").read_bytes()) == page.read_bytes()
    assert brotli.decompress((tmp_path / "page.html.br").read_bytes()) == page.read_bytes()
    assert not (tmp_path / "font.woff2.gz").exists()
    # Up to date: nothing to do again. Changed: compressed again.
    assert assets.precompress(tmp_path) == 0
    page.write_text("<p>changed</p>")
    assert assets.precompress(tmp_path) == 1
    assert gzip.decompress((tmp_path / "page.html.gz").read_bytes()) == b"<p>changed</p>"


def test_a_file_that_is_not_published_gets_no_compressed_copies(tmp_path):
    (tmp_path / "page.html").write_text("<p>hello</p>")
    (tmp_path / "icons.js").write_text("var icons;")
    assert assets.precompress(tmp_path, skip=("icons.js*",)) == 1
    assert not (tmp_path / "icons.js.br").exists()


def test_compressed_copies_are_the_same_on_every_run(tmp_path):
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.css").write_text("body { color: red; }\n" * 50)
        assets.precompress(tmp_path / folder)
    for suffix in (".gz", ".br"):
        one, two = (tmp_path / f / f"a.css{suffix}" for f in ("one", "two"))
        assert one.read_bytes() == two.read_bytes()


def test_a_figure_is_published_as_a_light_webp_that_looks_the_same(tmp_path):
    """A figure drawn as the chapters draw theirs: the WebP has the PNG's size and, pixel by
    pixel, its colours (within what a 256-colour palette moves), in under half its bytes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from PIL import Image

    figure, axes = plt.subplots(1, 3, figsize=(10, 3.5))
    grid = np.linspace(-3, 3, 200)
    for k, ax in enumerate(axes):
        ax.contour(grid, grid, np.add.outer(grid**2, (k + 1) * grid**2), levels=12)
        ax.plot(np.cos(grid) * 2, np.sin(3 * grid), "o-", markersize=2, color=f"C{k}")
        ax.set_title(f"panel {k}")
    png = tmp_path / "figure.png"
    figure.savefig(png, dpi=100)
    plt.close(figure)

    webp = images.webp_copy(png, tmp_path / "_images")
    assert webp.suffix == ".webp" and webp.stat().st_size < png.stat().st_size / 2
    with Image.open(png) as before, Image.open(webp) as after:
        assert after.format == "WEBP" and after.size == before.size
        a = np.asarray(before.convert("RGB"), dtype=float)
        b = np.asarray(after.convert("RGB"), dtype=float)
    assert np.abs(a - b).mean() < 1.0 and np.percentile(np.abs(a - b), 99.9) < 40


def test_a_figure_is_converted_again_when_the_recipe_changes(tmp_path, monkeypatch):
    """An incremental build after the conversion changed publishes the new copy, not the old."""
    from PIL import Image

    from book_build.web import images

    png = tmp_path / "figure.png"
    Image.new("RGB", (8, 8), "white").save(png)
    monkeypatch.setattr(images, "RECIPE", "00000000")
    old = images.webp_copy(png, tmp_path / "_images")
    monkeypatch.undo()
    new = images.webp_copy(png, tmp_path / "_images")
    assert new != old and new.is_file() and not old.exists()
    assert images.webp_copy(png, tmp_path / "_images") == new  # up to date: kept


@pytest.fixture(scope="module")
def lr_explorer():
    """A chapter's explorer (about a second to compute: made once for this module)."""
    from descent.data import make_line_data
    from descent.explorer_figures import learning_rate_explorer

    return learning_rate_explorer(*make_line_data())


def test_an_explorer_on_the_page_runs_no_inline_code(lr_explorer):
    """Its data is a script file of its own (``add_assets``); no handler, no style attribute,
    so that it works under the strict policy; sliders that say their value."""
    html = explorers.widget_html(lr_explorer.widget())
    assert "<script" not in html
    assert not re.search(r"\son\w+\s*=", html), "inline event handler"
    assert " style=" not in html, "inline style (a strict CSP forbids it)"
    assert re.search(r'<input type="range"[^>]*aria-valuetext=', html)
    assert 'aria-live="polite"' in html


def test_an_explorer_on_paper_is_a_still_of_its_first_state(lr_explorer):
    """Every panel side by side, the sentence of the first state and the key under them, drawn
    by librsvg in the page's light colours (no ``var()`` left for it to miss)."""
    from PIL import Image

    from book_build.paper import stills

    widget = lr_explorer.widget()
    document, alt, share = stills.still_svg(widget)
    assert share == 1.0  # three panels: the width of the page
    first = lr_explorer.states[lr_explorer.default_index()]
    assert "var(" not in document and first["summary"] in document
    assert all(text in document for _css, text in lr_explorer.legend)
    assert alt == " ".join(svg.label for svg in lr_explorer.svgs)
    panels = sum(panel["width"] for panel in widget["panels"])
    with Image.open(io.BytesIO(stills.still_png(document))) as still:
        assert still.width >= panels * stills.SCALE
        colours = {c for _n, c in still.convert("RGB").getcolors(1 << 20)}
    # The lines in colour, as the page shows them; a var() librsvg missed would draw them black
    assert sum(max(c) - min(c) > 80 for c in colours) > 10


def test_a_stylesheet_bundle_puts_imports_in_place_and_rebases_urls(tmp_path):
    static = tmp_path / "_static"
    (static / "styles" / "deep").mkdir(parents=True)
    (static / "basic.css").write_text('div { background: url("img/dot.png"); }\n')
    (static / "styles" / "deep" / "theme.css").write_text(
        '@import "../../basic.css";\n'
        '@font-face { src: url("../fonts/a.woff2?v=1") }\n'
        "p { background: url(data:image/svg+xml;utf8,x) }\n"
        "/*# sourceMappingURL=theme.css.map */\n"
    )
    text = bundles.stylesheet(tmp_path, "_static/styles/deep/theme.css", bundles.FOLDER)
    assert "@import" not in text and "sourceMappingURL" not in text
    assert 'url("../img/dot.png")' in text  # _static/img/dot.png, seen from _static/bundles/
    assert 'url("../styles/fonts/a.woff2?v=1")' in text
    assert "url(data:image/svg+xml;utf8,x)" in text


def test_runs_of_shared_scripts_become_one_file_and_page_scripts_stay_apart(tmp_path):
    static = tmp_path / "_static"
    for name in ("a.js", "b.js", "c.js", "inline/p.js", "scripts/bootstrap.js",
                 "scripts/pydata-sphinx-theme.js", "mod.js"):  # fmt: skip
        (static / name).parent.mkdir(parents=True, exist_ok=True)
        (static / name).write_text(f'"use strict"; // {name}\n')
    # A strict script, then a sloppy one: a bundle must run both, in order, as separate files do.
    (static / "b.js").write_text('"use strict"; order.push("b");\n')
    (static / "c.js").write_text('undeclared = 1; order.push("c");\n')
    scripts = [
        _JavaScript("_static/a.js", defer="defer"),
        _JavaScript("_static/inline/p.js", defer="defer"),  # this page's own: ends a run
        _JavaScript("_static/b.js", defer="defer"),
        _JavaScript("_static/c.js", defer="defer"),
        _JavaScript("_static/mod.js", type="module"),  # would lose its type in a bundle
    ]
    out = bundles.bundle_scripts(tmp_path, scripts)
    names = [str(js.filename) for js in out]
    assert names[:2] == ["_static/a.js", "_static/inline/p.js"]  # a run of one stays as it is
    assert names[2].startswith("_static/bundles/") and names[3] == "_static/mod.js"
    script = (
        "globalThis.order = []; require('vm').runInThisContext(require('fs')"
        f".readFileSync({str(tmp_path / names[2])!r}, 'utf8')); console.log(order.join())"
    )
    ran = subprocess.run(["node", "-e", script], capture_output=True, text=True)
    assert ran.stdout.strip() == "b,c", ran.stderr  # b.js's "use strict" did not reach c.js
    theme = (tmp_path / names[4]).read_text()  # the theme's scripts, which the page ends with
    assert theme.index("scripts/bootstrap.js") < theme.index("scripts/pydata-sphinx-theme.js")
    assert len(names) == 5
    assert out[2].attributes == {"defer": "defer"}


def test_a_bundle_is_named_by_its_content(tmp_path):
    first = bundles.write_bundle(tmp_path, {"_static/a.css": "p {}"}, ".css")
    again = bundles.write_bundle(tmp_path, {"_static/a.css": "p {}"}, ".css")
    other = bundles.write_bundle(tmp_path, {"_static/a.css": "p { color: red }"}, ".css")
    assert first == again != other
