"""The explorers in Chromium, both editions, on a phone-sized screen: each slider moved by the
keyboard redraws the figure and says the new state; the numbers shown are the package's; the
figure is there without JavaScript; nothing leaves 127.0.0.1; a strict CSP breaks nothing."""

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page

from book_build import project
from book_build.web.bundles import page_assets
from book_build.web.explorers import data_script, widget_html
from conftest import PHONE, REPO, reached, serving, visit, watched
from descent.conditioning import best_learning_rate, steps_to_tolerance
from descent.conditioning_explorers import momentum_explorer, scaling_explorer
from descent.data import make_line_data
from descent.explorer_drawing import Panel, pairs_of, polyline_points
from descent.explorers import regime, scale_input, slope_only
from descent.fit import (
    fit_gradient_descent,
    largest_stable_learning_rate,
    least_squares,
    steps_to_reach,
)
from descent.minibatch import fit_minibatch_sgd

LANGUAGES = list(project.languages())
X, Y = make_line_data()
START = (-1.0, 1.0)
ON_PAGES = [  # (page, explorer) of the book's own pages
    ("gradient-descent", "slope"),
    ("gradient-descent", "learning-rate"),
    ("stochastic-gradient-descent", "batch-size"),
    ("feature-scaling", "scaling"),
    ("momentum", "momentum"),
]
PAGE_BUDGET, SCRIPT_BUDGET = 150_000, 20_000  # bytes
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'"


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="en-US")
    yield watched(context.new_page())
    context.close()


def explorer(page: Page, name: str) -> Locator:
    return page.locator(f'[data-explorer="{name}"]')


def page_data(root: Locator) -> dict:
    """The explorer's data, from its script file."""
    return root.evaluate("r => window.explorerData[r.id]")


def drawing(root: Locator) -> str:
    """Every attribute of every mark the script may change."""
    return root.evaluate(
        """r => [...r.querySelectorAll('svg [data-mark], svg [data-mark] *')].map(e =>
             [...e.attributes].map(a => a.name + '=' + a.value).join(' ')).join('|')"""
    )


def state_index(root: Locator) -> int:
    index = 0
    for slider in root.locator(".explorer-sliders input").all():
        index = index * (int(slider.get_attribute("max")) + 1) + int(slider.input_value())
    return index


def numbers(text: str, lang: str) -> list[float]:
    """The numbers of a sentence, read as the edition writes them."""
    group, decimal = ("\u00a0", ",") if lang == "es" else (",", ".")
    found = re.findall(r"[-\u2212]?\d[\d" + re.escape(group + decimal) + r"]*", text)
    return [
        float(
            n.rstrip(group + decimal)
            .replace(group, "")
            .replace(decimal, ".")
            .replace("\u2212", "-")
        )
        for n in found
    ]


def check_lines_match_the_package(root: Locator, data: dict) -> None:
    """Each polyline the script drew has the points explorer_drawing.py computes for the state."""
    state = data["states"][state_index(root)]
    for name, (kind, panel_name) in data["marks"].items():
        value = state.get(name)
        if kind not in ("line", "curve") or value is None:
            continue
        value = data["shared"][value] if isinstance(value, str) else value
        spec = list(data["panels"][panel_name])
        for axes_name, (axes_kind, axes_panel) in data["marks"].items():
            if axes_kind == "axes" and axes_panel == panel_name:  # this state's ranges
                spec[4:8] = [*state[axes_name]["x"], *state[axes_name]["y"]]
        panel = Panel(
            panel_name,
            tuple(spec[4:6]),
            tuple(spec[6:8]),
            bool(spec[8]),
            bool(spec[9]),
            tuple(spec[:4]),
        )
        expected = polyline_points(panel, pairs_of(kind, value)).split()
        drawn = root.locator(f"[data-mark='{name}']").get_attribute("points").split()
        assert len(drawn) == len(expected), name
        for a, b in zip(drawn, expected, strict=True):
            assert all(
                abs(float(u) - float(v)) <= 0.11
                for u, v in zip(a.split(","), b.split(","), strict=True)
            ), (name, a, b)


def move_every_slider(page: Page, root: Locator, data: dict) -> None:
    """Move each slider by the keyboard, from the default state and back: each move must redraw
    the figure as the package computed it and say the new state."""
    summary = root.locator(".explorer-summary")
    for k, slider in enumerate(root.locator(".explorer-sliders input").all()):
        before_drawing, before_text = drawing(root), summary.inner_text()
        initial = int(slider.input_value())
        slider.focus()
        at_end = slider.input_value() == slider.get_attribute("max")
        page.keyboard.press("Home" if at_end else "End")
        value = int(slider.input_value())
        shown = data["sliders"][k][value]
        assert root.locator(f"output[for='{slider.get_attribute('id')}']").inner_text() == shown
        assert slider.get_attribute("aria-valuetext") == shown
        assert drawing(root) != before_drawing, f"slider {k} did not change the drawing"
        assert summary.inner_text() != before_text
        assert summary.inner_text() == data["states"][state_index(root)]["summary"]
        check_lines_match_the_package(root, data)
        page.keyboard.press("ArrowLeft" if at_end else "ArrowRight")  # one step: a state too
        check_lines_match_the_package(root, data)
        page.keyboard.press("Home")
        for _ in range(initial):
            page.keyboard.press("ArrowRight")
        assert summary.inner_text() == before_text  # back where it started


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("name", "explorer_name"), ON_PAGES)
def test_each_slider_moved_by_keyboard_redraws_and_speaks(
    phone,
    base_url,
    lang,
    name,
    explorer_name,
):
    visit(phone, f"{base_url}/{lang}/{name}.html")
    root = reached(explorer(phone, explorer_name))
    root.locator(".explorer-sliders input").first.wait_for()
    assert root.locator(".explorer-summary").get_attribute("aria-live") == "polite"
    for label in root.locator(".explorer-sliders label").all():
        assert label.is_visible() and label.inner_text().strip()
    box = root.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1
    move_every_slider(phone, root, page_data(root))
    foreign = [url for url in phone.requested if not url.startswith(("data:", base_url))]
    assert not foreign and not phone.errors


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_learning_rate_explorer_says_the_packages_numbers(phone, base_url, lang):
    visit(phone, f"{base_url}/{lang}/gradient-descent.html")
    root = explorer(phone, "learning-rate")
    slider = root.locator(".explorer-sliders input")
    slider.focus()
    phone.keyboard.press("Home")
    seen = set()
    for _ in range(int(slider.get_attribute("max")) // 4 + 1):
        summary = root.locator(".explorer-summary").inner_text()
        lr, *rest = numbers(summary, lang)
        assert numbers(root.locator("output").inner_text(), lang) == [lr]
        seen.add(regime(X, lr))
        if regime(X, lr) == "diverges":
            assert rest, summary  # the growth factor
        else:
            assert rest[0] == steps_to_reach(X, Y, START, lr), summary
        if lang == "es":
            assert "," in root.locator("output").inner_text()  # a decimal comma
        for _step in range(4):
            phone.keyboard.press("ArrowRight")
    phone.keyboard.press("End")
    seen.add(regime(X, numbers(root.locator("output").inner_text(), lang)[0]))
    assert seen == {"smooth", "zigzag", "diverges"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_slope_and_batch_explorers_say_the_packages_numbers(phone, base_url, lang):
    visit(phone, f"{base_url}/{lang}/gradient-descent.html")
    root = explorer(phone, "slope")
    steps = root.locator(".explorer-sliders input").nth(1)
    steps.focus()
    phone.keyboard.press("ArrowRight")
    phone.keyboard.press("ArrowRight")  # step 2, with the default learning rate
    inputs, targets = slope_only(X, Y)
    lr = 0.5 / (2 / largest_stable_learning_rate(inputs))  # the default: half of 1/c
    w = fit_gradient_descent(inputs, targets, (START[0],), lr, 2).params[2, 0].item()
    step, shown_w, *_ = numbers(root.locator(".explorer-summary").inner_text(), lang)
    assert step == 2 and shown_w == pytest.approx(w, abs=0.006)

    visit(phone, f"{base_url}/{lang}/stochastic-gradient-descent.html")
    root = explorer(phone, "batch-size")
    root.locator(".explorer-sliders input").nth(1).focus()
    phone.keyboard.press("ArrowRight")  # seed 1
    batch, seed, steps, _epochs, distance, _full = numbers(
        root.locator(".explorer-summary").inner_text(), lang
    )
    assert (batch, seed) == (10, 1)
    fit = fit_minibatch_sgd(X, Y, START, 0.1, int(batch), epochs=int(steps), seed=int(seed))
    best = least_squares(X, Y)
    assert distance == pytest.approx((fit.params[int(steps)] - best).norm().item(), rel=0.06)


def test_without_javascript_the_default_figure_and_its_caption_show(browser, base_url):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base_url}/en/gradient-descent.html")
    figure = page.locator("#fig-explorer-lr")
    assert figure.locator("figcaption").is_visible()
    assert not figure.locator(".explorer-sliders").is_visible()  # nothing to move without JS
    summary = figure.locator(".explorer-summary").text_content()  # no script: no frame to await
    assert summary.startswith("η = 0.10:")  # the default state, said in words
    for svg in figure.locator("svg[role=img]").all():
        assert svg.bounding_box()["width"] > 250 and svg.get_attribute("aria-label")
    path = figure.locator("polyline[data-mark=path]")
    assert path.get_attribute("points").count(",") > 10
    assert path.evaluate("e => getComputedStyle(e).stroke") not in ("none", "")  # drawn in colour
    context.close()


def test_dark_mode_redraws_in_the_themes_dark_colours(browser, base_url):
    strokes = []
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        page = visit(context.new_page(), f"{base_url}/en/gradient-descent.html")
        path = page.locator("[data-explorer=learning-rate] polyline[data-mark=path]")
        strokes.append(
            path.evaluate(
                "e => getComputedStyle(e).stroke + getComputedStyle(e.closest('svg')).color"
            )
        )
        context.close()
    assert strokes[0] != strokes[1]


def test_pages_with_explorers_stay_light(site):
    """Each page's own weight (HTML with its data) and the shared script, in bytes."""
    for lang in LANGUAGES:
        for name in {name for name, _ in ON_PAGES}:
            page = site / lang / f"{name}.html"
            html = page.read_text(encoding="utf-8")
            data = re.findall(r'src="_static/(explorers/[\w-]+\.js)', html)
            assert data and '"states":[' not in html  # the data is not in the page's HTML
            scripts = [page.parent / "_static" / path for path in data]
            weight = len(html.encode()) + sum(script.stat().st_size for script in scripts)
            assert weight <= PAGE_BUDGET, f"{page}: {weight} bytes"
            assert "_static/explorer.js" in page_assets(page)
        for other in ("index", "linear-regression"):
            assert "_static/explorer.js" not in page_assets(site / lang / f"{other}.html")
    assert (site / "en" / "_static" / "explorer.js").stat().st_size <= SCRIPT_BUDGET


# --- The explorers of the chapters on conditioning and momentum, on a page of their own -------
@pytest.fixture(scope="module")
def standalone(site, tmp_path_factory, monkeypatch_module):
    """Pages with only the momentum and feature-scaling explorers, in each edition, served
    with a strict Content-Security-Policy."""
    root = tmp_path_factory.mktemp("standalone")
    for asset in ("explorer.js", "explorer.css", "favicon.svg"):
        shutil.copy(REPO / "book" / "_static" / asset, root / asset)
    monkeypatch_module.setenv("DESCENT_LOCALE_DIR", str(REPO / "locales"))
    for lang in LANGUAGES:
        monkeypatch_module.setenv("DESCENT_LANG", lang)
        body, scripts = "", ""
        for widget in (momentum_explorer(X, Y).widget(), scaling_explorer(X, Y).widget()):
            body += widget_html(widget)
            data = root / f"{lang}-{widget['id']}.js"
            data.write_text(data_script(widget["id"], widget["data"]), encoding="utf-8")
            scripts += f'<script defer src="{data.name}"></script>'
        (root / f"{lang}.html").write_text(
            f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>x</title>'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<link rel="icon" href="favicon.svg">'
            f'<link rel="stylesheet" href="explorer.css">{scripts}<script defer src="explorer.js">'
            f"</script></head><body><main>{body}</main></body></html>",
            encoding="utf-8",
        )
    yield from serving(root, CSP)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.mark.parametrize("lang", LANGUAGES)
def test_momentum_and_scaling_explorers_under_a_strict_csp(phone, standalone, lang):
    visit(phone, f"{standalone}/{lang}.html")
    for name in ("momentum", "scaling"):
        root = explorer(phone, name)
        move_every_slider(phone, root, page_data(root))
    assert not phone.errors, phone.errors  # a CSP violation is a console error
    assert all(url.startswith(standalone) for url in phone.requested)

    root = explorer(phone, "scaling")  # the numbers said are the package's
    sliders = root.locator(".explorer-sliders input")
    sliders.nth(0).focus()
    phone.keyboard.press("Home")
    phone.keyboard.press("ArrowRight")  # shift 1
    sliders.nth(1).focus()
    phone.keyboard.press("Home")  # scale 0.25
    shift = numbers(root.locator("output").nth(0).inner_text(), lang)[0]
    scale = numbers(root.locator("output").nth(1).inner_text(), lang)[0]
    inputs = scale_input(X, shift, scale)
    said = numbers(root.locator(".explorer-summary").inner_text(), lang)
    assert steps_to_tolerance(inputs, Y, best_learning_rate(inputs)) in said
    if lang == "es":
        assert "0,25" in root.locator("output").nth(1).inner_text()


def test_the_explorer_script_is_small():
    assert Path(REPO / "book" / "_static" / "explorer.js").stat().st_size <= SCRIPT_BUDGET
