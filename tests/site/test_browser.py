"""The built site in a real browser (Debian's Chromium, driven by Playwright), served on
127.0.0.1 with gzip as a static host serves it: nothing loads from another host, no page breaks
its Content-Security-Policy, equations are MathML in the markup, pages stay within their byte
budget, the switch and search work, and axe-core finds no serious accessibility problem."""

import json
import re
import time

import pytest
from playwright.sync_api import Page

from book_build import project
from conftest import PHONE, REPO, reached, visit, watched

AXE = REPO / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
LANGUAGES = list(project.languages())
PAGES = sorted(p.stem for p in project.BOOK.glob("*.md"))
CHAPTERS = [p.stem for p in project.chapters()]
MATH_PAGES = [p for p in PAGES if "$" in (REPO / "book" / f"{p}.md").read_text()]
ALL_PAGES = [*PAGES, "search", "genindex"]  # the chapters and the pages Sphinx adds
PAGE_BUDGET = 300_000  # bytes transferred on a first visit (compressed), images included
# What pages used to load and must not any more: a math engine, the icon script and its fonts.
HEAVY = ("mathjax", "tex-chtml", "fontawesome", "fa-solid-900", "fa-regular-400", "fa-brands")
CLS_BUDGET = 0.02  # issue 12: text that jumps while the page loads


def transferred_bytes(request) -> int:
    """What a response took on the wire: its headers and its body as sent (compressed)."""
    sizes = request.sizes()
    return sizes["responseHeadersSize"] + sizes["responseBodySize"]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", ALL_PAGES)
def test_every_page_on_a_phone(browser, base_url, lang, name):
    """One visit per page, on a phone-sized screen: nothing from another host, no error, no
    Content-Security-Policy violation, no math engine or icon script, at most PAGE_BUDGET bytes,
    no layout shift beyond CLS_BUDGET, no sideways scrolling, equations as MathML, no serious
    accessibility problem (axe-core); and on a chapter, every question answered by keyboard."""
    context = browser.new_context(viewport=PHONE, locale="en-US")
    page = watched(context.new_page())
    visit(page, f"{base_url}/{lang}/{name}.html")
    assert page.locator('meta[http-equiv="Content-Security-Policy"]').count() == 1
    heavy = [url for url in page.requested if any(name in url for name in HEAVY)]
    assert not heavy, f"requests for what the pages no longer need: {heavy}"
    transferred = sum(transferred_bytes(request) for request in page.finished)
    assert transferred <= PAGE_BUDGET, f"{transferred:,} bytes transferred on a first visit"
    assert page.evaluate("window.layoutShift") <= CLS_BUDGET
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{overflow}px wider than the screen"
    # As the page loads, before anything scrolls or reads it (far sections are not laid out yet).
    # From the page's own origin, as the Content-Security-Policy asks (an inline copy is refused).
    axe = AXE.read_text(encoding="utf-8")  # missing: `npm ci --prefix tests/browser`
    page.route(f"{base_url}/axe.min.js", lambda route: route.fulfill(body=axe))
    page.add_script_tag(url=f"{base_url}/axe.min.js")
    result = page.evaluate("async () => JSON.stringify(await axe.run(document))")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in json.loads(result)["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, "\n".join(serious)
    if name in MATH_PAGES:
        assert page.locator("article math").count() > 0  # in the markup: nothing typesets it
        assert page.locator("article .math math").count() == page.locator("article .math").count()
        text = page.locator("article").inner_text()
        assert "\\(" not in text and "\\frac" not in text
    if name in CHAPTERS:
        answer_every_question(page, lang)
    # Checked last, so that they cover the questions' requests and scripts too.
    foreign = [url for url in page.requested if not url.startswith(("data:", base_url))]
    assert not foreign, f"requests to other hosts: {foreign}"
    assert not page.errors
    assert page.evaluate("window.violations") == []
    context.close()


def test_the_page_s_own_policy_refuses_what_is_not_the_site_s(page, base_url):
    """The policy a page carries (its meta tag: this server sends none) blocks an inline
    script, an inline style and an image from another host, each reported as a violation."""
    visit(page, f"{base_url}/en/gradient-descent.html")
    page.evaluate(
        """() => new Promise(done => {
             const script = document.createElement("script");
             script.textContent = "window.ran = true";
             const styled = document.createElement("p");
             styled.setAttribute("style", "color: red");
             const image = new Image();
             image.src = "https://example.org/dot.png";
             document.body.append(script, styled, image);
             setTimeout(done, 300);
           })"""
    )
    assert page.evaluate("window.ran") is None
    blocked = " ".join(page.evaluate("window.violations"))
    assert all(kind in blocked for kind in ("script-src", "style-src", "img-src")), blocked


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_switch_lands_on_the_same_page_in_the_other_edition(page, base_url, lang):
    other = next(code for code in LANGUAGES if code != lang)
    visit(page, f"{base_url}/{lang}/gradient-descent.html")
    page.locator(f'.language-switch a[hreflang="{other}"]').first.click()
    page.wait_for_load_state()
    assert page.url == f"{base_url}/{other}/gradient-descent.html"
    assert page.locator("html").get_attribute("lang") == other


@pytest.mark.parametrize(("locale", "lang"), [("es-ES", "es"), ("en-GB", "en"), ("de-DE", "en")])
def test_the_landing_page_opens_the_edition_of_the_browser_language(
    browser, base_url, locale, lang
):
    context = browser.new_context(locale=locale)
    page = context.new_page()
    page.goto(f"{base_url}/index.html")
    page.wait_for_url(f"{base_url}/{lang}/index.html")
    context.close()


def test_spanish_search_finds_a_stemmed_spanish_word(page, base_url):
    visit(page, f"{base_url}/es/search.html?q=p%C3%A9rdidas")  # plural: found by its stem
    results = page.locator("#search-results li a")
    results.first.wait_for(timeout=15_000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any("mean-squared-error.html" in href for href in hrefs), hrefs


@pytest.mark.parametrize("where", ["server", "disk"])
def test_the_english_of_a_spanish_paragraph_shows_by_keyboard(page, base_url, site, where):
    """The button after a translated block shows its English (lang="en", loaded only then),
    from a server and from the files on disk; the page-wide switch shows the page in English."""
    root = base_url if where == "server" else site.as_uri()
    visit(page, f"{root}/es/linear-regression.html")
    assert not [url for url in page.requested if "/_static/english/" in url]  # not before asked
    first = page.locator(".bd-article p.has-english").first
    button = first.locator(".english-toggle")
    button.focus()
    page.keyboard.press("Enter")
    shown = first.locator('.english-original[lang="en"]')
    shown.wait_for()
    assert shown.inner_text().startswith("Linear regression fits a straight line")
    assert button.get_attribute("aria-expanded") == "true"
    assert button.get_attribute("aria-controls") == shown.get_attribute("id")
    page.keyboard.press("Enter")
    first.locator(".english-original").wait_for(state="detached")
    assert button.get_attribute("aria-expanded") == "false"
    page.locator('.english-modes button[lang="en"]').click()
    heading = page.locator(".bd-article h1")
    heading.locator(".english-original").wait_for()
    assert heading.inner_text().startswith("Linear regression")
    assert heading.get_attribute("lang") == "en"
    # From disk a browser refuses web fonts (origin "null"): the equations fall back to the
    # system's math font. Nothing else may fail.
    font = ("math.woff2", "net::ERR_FAILED") if where == "disk" else ()
    assert not [e for e in page.errors if not any(part in e for part in font)], page.errors
    assert page.evaluate("window.violations") == []


# The words a page marks as English (book_build.languages.foreign), outside the English switch,
# a block's
# English and a passage left untranslated, which are English as a whole.
MARKED_ENGLISH = """() => Array.from(document.querySelectorAll('.bd-article [lang="en"]'))
  .filter(e => !e.closest('.english-modes, .english-original, .untranslated'))
  .map(e => e.textContent.trim())"""


@pytest.mark.parametrize(
    ("name", "english", "spanish"),
    [
        ("terminology", {"learning rate", "momentum", "minibatch", "cross-entropy", "warmup"},
         {"tasa de aprendizaje", "momento", "minilote", "Adam", "SGD", "softmax", "logit"}),
        ("cross-entropy", {"one-hot"}, {"entropía cruzada", "entropía", "softmax"}),
    ],
)  # fmt: skip
def test_english_words_in_a_spanish_page_are_english_to_a_screen_reader(
    page, base_url, name, english, spanish
):
    """The English originals a Spanish page quotes carry lang="en", so that a screen reader
    reads them in English (WCAG 3.1.2); its Spanish words, names and kept terms do not; and
    axe-core finds no serious problem with the page's languages or anything else."""
    visit(page, f"{base_url}/en/{name}.html")
    source = page.locator("article").inner_text().lower()
    visit(page, f"{base_url}/es/{name}.html")
    marked = page.evaluate(MARKED_ENGLISH)
    assert english <= set(marked), sorted(english - set(marked))
    assert not [word for word in marked if word in spanish], marked
    assert all(word.lower() in source for word in marked), marked  # each one the source's
    axe = AXE.read_text(encoding="utf-8")  # missing: `npm ci --prefix tests/browser`
    page.route(f"{base_url}/axe.min.js", lambda route: route.fulfill(body=axe))
    page.add_script_tag(url=f"{base_url}/axe.min.js")
    result = json.loads(page.evaluate("async () => JSON.stringify(await axe.run(document))"))
    assert not [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert "valid-lang" in {rule["id"] for rule in result["passes"]}  # it did check them


@pytest.mark.parametrize(("query", "chapter"), [("learning rate", "learning-rate"),
                                                 ("minibatch", "stochastic-gradient-descent"),
                                                 ("cross-entropy", "cross-entropy")])  # fmt: skip
def test_spanish_search_finds_a_chapter_by_its_english_words(page, base_url, query, chapter):
    """The Spanish pages' English (book_build.languages.parallel) is in their search index too."""
    visit(page, f"{base_url}/es/search.html?q={query.replace(' ', '+')}")
    results = page.locator("#search-results li a")
    results.first.wait_for(timeout=15_000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any(f"{chapter}.html" in href for href in hrefs), hrefs


def test_every_chapter_offers_its_notebook(site):
    for lang in LANGUAGES:
        for name in PAGES:
            html = (site / lang / f"{name}.html").read_text(encoding="utf-8")
            links = re.findall(r'<a href="([^"]+\.ipynb)" download>', html)
            if name in CHAPTERS:
                assert len(links) == 1, f"{lang}/{name}.html offers {len(links)} notebooks"
                notebook = json.loads((site / lang / links[0]).read_text(encoding="utf-8"))
                assert any(cell["cell_type"] == "code" for cell in notebook["cells"])


def wait_for(page: Page, expression: str, seconds: float = 15) -> None:
    """Wait until ``expression`` is true in the page. Playwright's wait_for_function evaluates
    its predicate with eval, which the pages' Content-Security-Policy refuses; evaluate does not."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {seconds} s: {expression}"
        page.wait_for_timeout(100)


def player(page: Page, base_url: str, lang: str = "en"):
    visit(page, f"{base_url}/{lang}/animation.html")
    root = page.locator("video").first.locator("xpath=..")
    wait_for(page, "document.querySelector('video').readyState >= 2")
    return root


def test_the_animation_plays_and_pauses(page, base_url):
    root = player(page, base_url)
    status = root.locator("output")
    start = status.inner_text()
    root.locator("[data-act=play]").click()
    wait_for(page, "document.querySelector('video').currentTime > 0.5")
    root.locator("[data-act=play]").click()  # now a pause button
    assert page.evaluate("document.querySelector('video').paused")
    assert status.inner_text() != start


def test_the_animation_steps_from_the_keyboard(page, base_url):
    root = player(page, base_url)
    # textContent, not innerText: a section off screen is not rendered (content-visibility),
    # and innerText of what is not rendered is empty.
    status = "document.querySelector('output').textContent"
    assert re.search(r"\b0\b", page.evaluate(status))
    root.locator("[data-act=next]").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    wait_for(page, f"/\\b2\\b/.test({status})")
    root.locator("[data-act=prev]").focus()
    page.keyboard.press("Enter")
    wait_for(page, "/\\b1\\b/.test(document.querySelector('output').textContent)")


def test_the_spanish_player_speaks_spanish(page, base_url):
    root = player(page, base_url, "es")
    labels = [root.locator(f"[data-act={act}]").inner_text() for act in ("play", "prev", "next")]
    english = ["Play", "Previous step", "Next step"]
    assert not set(labels) & set(english), labels


def test_dark_mode_follows_the_reader_system(browser, base_url):
    context = browser.new_context(color_scheme="dark")
    page = visit(context.new_page(), f"{base_url}/en/gradient-descent.html")
    assert page.locator("html").get_attribute("data-theme") == "dark"
    context.close()


def test_code_blocks_have_a_copy_button(page, base_url):
    visit(page, f"{base_url}/en/gradient-descent.html")
    assert page.locator("button.copybtn").count() >= 3


# --- "Check yourself" (book_build/web/questions.py, book/_static/questions.js) -----------------
def check(page: Page, form) -> str:
    """Tab to the form's button and press Enter; the verdict it announces."""
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    return form.locator(".question-feedback .question-verdict").inner_text()


def answer_number(page: Page, form, value: float, decimal: str) -> str:
    field = form.locator("input[name=number]")
    field.focus()
    field.fill("")
    page.keyboard.type(f"{value:.6g}".replace(".", decimal))
    page.keyboard.press("Enter")  # implicit submission, as a keyboard user would
    return form.locator(".question-feedback .question-verdict").inner_text()


def choose(page: Page, form, option: int) -> str:
    form.locator(f"input[type=radio][value='{option}']").focus()
    page.keyboard.press("Space")
    assert form.locator(f"input[type=radio][value='{option}']").is_checked()
    return check(page, form)


def answer_every_question(page: Page, lang: str) -> None:
    """Answer each question of the chapter on ``page`` by keyboard, wrong then right: each
    verdict is the question's own, spoken (aria-live), with its explanation shown."""
    forms = page.locator("form.question")
    assert 3 <= forms.count() <= 4, f"{page.url} has {forms.count()} questions"
    for i in range(forms.count()):
        form = reached(forms.nth(i))
        data = form.evaluate("f => Object.assign({}, f.dataset)")
        assert form.locator("fieldset > legend").inner_text().strip()
        feedback = form.locator(".question-feedback")
        assert feedback.get_attribute("aria-live") == "polite"
        if "answer" in data:
            answer, tolerance = float(data["answer"]), float(data["tolerance"])
            wrong = answer_number(page, form, answer + 10 * tolerance + 1, data["decimal"])
            assert wrong == data["msgHigh"]
            assert answer_number(page, form, answer, data["decimal"]) == data["msgRight"]
            shown = "0"  # the explanation of the number
        else:
            right = int(data["right"])
            wrong_option = 1 if right != 1 else 2
            assert choose(page, form, wrong_option) == data["msgWrong"]
            assert "question-wrong" in form.get_attribute("class")
            why = feedback.locator(f".question-explanation[data-option='{wrong_option}']")
            assert why.is_visible()  # why that option is wrong
            assert choose(page, form, right) == data["msgRight"]
            shown = str(right)  # the explanation of the right option
        assert "question-right" in form.get_attribute("class")
        explanation = feedback.locator(f".question-explanation[data-option='{shown}']")
        assert explanation.is_visible() and explanation.text_content().strip()
        if form.locator(".question-reveal").count():  # predict the plot: the figure shows
            assert feedback.locator("img").first.is_visible()
    english = reached(page.locator("form.question button").first).inner_text()
    assert (english == "Check") == (lang == "en"), english


def test_a_spanish_number_may_be_typed_with_a_decimal_comma(browser, base_url):
    context = browser.new_context(locale="es-ES")
    page = visit(context.new_page(), f"{base_url}/es/classification.html")
    form = page.locator("form.question[data-answer]").first
    data = form.evaluate("f => Object.assign({}, f.dataset)")
    assert data["decimal"] == ","
    assert answer_number(page, form, float(data["answer"]), ",") == data["msgRight"]
    assert answer_number(page, form, float(data["answer"]), ".") == data["msgRight"]
    assert answer_number(page, form, float(data["answer"]) - 1, ",") == data["msgLow"]
    context.close()


def test_without_javascript_the_answers_are_readable(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    page = visit(context.new_page(), f"{base_url}/en/gradient-descent-1d.html")
    form = page.locator("form.question").first
    assert not form.locator("button").is_visible()  # it would do nothing
    form.locator("details summary").click()
    assert "Right:" in form.locator("details").inner_text()
    context.close()
