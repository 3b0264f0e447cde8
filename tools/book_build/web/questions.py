"""Sphinx extension: self-check questions that the page marks by itself, with no server.

A question is written in a chapter's Markdown, so its prompt, options and explanations go to the
page's catalog like any other text. The prompt is the directive's argument.

- Multiple choice: the body is a list, one item per option (its first paragraph is the option,
  the rest explains it); ``:right:`` is the number of the right option. What follows the list (a
  figure, for "predict the plot") is revealed with a right answer.
- A number: ``:answer:`` and ``:tolerance:`` name two values glued by the page's code (never
  typed); the body explains the answer.

The HTML is a real form (fieldset, legend, labelled inputs, a button, an ``aria-live`` status);
``_static/questions.js`` marks it. Without JavaScript the answers and explanations stay readable
in a ``<details>``. Builders other than HTML get plain paragraphs and lists.
"""

from html import escape

from babel.numbers import get_decimal_symbol
from docutils import nodes
from docutils.parsers.rst import directives
from myst_nb.ext.glue.utils import retrieve_glue_data
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.locale import get_translation
from sphinx.util.docutils import SphinxDirective

from book_build import project
from book_build.web.assets import for_website

_ = get_translation(project.BUILD_CATALOG)
LETTERS = "ABCDEFGHIJ"


class question(nodes.General, nodes.Element):
    """The form; its attributes say how to mark it."""


class question_prompt(nodes.paragraph):
    """The question itself, shown as the fieldset's legend."""


class question_option(nodes.paragraph):
    """One option of a multiple choice, shown as a labelled radio button."""


class question_number(nodes.General, nodes.Element):
    """The field where a number is typed."""


class question_answers(nodes.General, nodes.Element):
    """The answers and explanations, in a ``<details>``."""


class question_explanation(nodes.General, nodes.Element):
    """Why one option is right or wrong (or, for a number, how to find it)."""


class question_reveal(nodes.General, nodes.Element):
    """What a right answer reveals (for example the figure that was to be predicted)."""


class QuestionDirective(SphinxDirective):
    required_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = {
        "right": directives.positive_int,
        "answer": directives.unchanged_required,
        "tolerance": directives.unchanged_required,
    }

    def run(self) -> list[nodes.Node]:
        serial = self.env.new_serialno("question")
        name = f"question-{serial}"
        form = question(ids=[name], name=name)
        prompt = question_prompt(self.arguments[0], "", *self.parse_inline(self.arguments[0])[0])
        self.set_source_info(prompt)
        form += prompt
        body = self.parse_content_to_nodes()
        answers = question_answers(ids=[f"{name}-answers"])
        if "answer" in self.options:
            form["answer"] = self.glued_number(self.options["answer"])
            form["tolerance"] = self.glued_number(self.options.get("tolerance", ""))
            form += question_number(id=f"{name}-number")
            answers += question_explanation("", *body, key=str(_("The answer")), option=0)
        else:
            lists = [n for n in body if isinstance(n, (nodes.bullet_list, nodes.enumerated_list))]
            right = self.options.get("right", 0)
            if not lists or not 1 <= right <= len(lists[0]) <= len(LETTERS):
                raise self.error("a question needs a list of options and :right: <its number>")
            form["right"] = right
            for index, item in enumerate(lists[0].children, start=1):
                first, *rest = item.children
                if first.next_node(lambda n: isinstance(n, (nodes.reference, pending_xref))):
                    # a link inside a label takes the keyboard's Tab away from the radio buttons
                    raise self.error(f"option {index} has a link: put it in the explanation")
                option = question_option(first.rawsource, "", *first.children, index=index)
                option.source, option.line = first.source, first.line
                form += option
                verdict = _("right") if index == right else _("wrong")
                key = f"{LETTERS[index - 1]}: {verdict}"
                answers += question_explanation("", *rest, key=key, option=index)
            after = body[body.index(lists[0]) + 1 :]
            if after:
                answers += question_reveal("", *after)
        form += answers
        return [form]

    def glued_number(self, key: str) -> float:
        """The number the page's code glued under ``key``."""
        try:
            return float(retrieve_glue_data(self.state.document, key).data["text/plain"])
        except Exception as error:
            raise self.error(f"{key!r} is not a number glued on this page: {error}") from None


# --- HTML -------------------------------------------------------------------------------------
def attributes(**values) -> str:
    return " ".join(f'{name.replace("_", "-")}="{escape(str(v))}"' for name, v in values.items())


def visit_question(self, node: question) -> None:
    data = {
        "data_msg_right": _("Right."),
        "data_msg_choose": _("Choose an answer first."),
        "data_msg_wrong": _("Not quite: try another answer."),
        "data_msg_empty": _("Type a number first."),
        "data_msg_nan": _("That is not a number."),
        "data_msg_high": _("Not quite: too high."),
        "data_msg_low": _("Not quite: too low."),
    }
    if "answer" in node:
        decimal = get_decimal_symbol(self.config.language or "en")
        data |= {"data_answer": repr(node["answer"]), "data_tolerance": repr(node["tolerance"]),
                 "data_decimal": decimal}  # fmt: skip
    else:
        data["data_right"] = node["right"]
    # Without JavaScript, Enter in the number field goes to the answers, not to another page.
    action = f"#{node['name']}-answers"
    self.body.append(f'<form class="question" id="{node["name"]}" action="{action}" ')
    self.body.append(f"{attributes(**data)}>\n<fieldset>\n")


def depart_question(self, node: question) -> None:
    self.body.append("</form>\n")


def visit_prompt(self, node: question_prompt) -> None:
    self.body.append('<legend class="question-prompt">')


def depart_prompt(self, node: question_prompt) -> None:
    self.body.append("</legend>\n")


def visit_option(self, node: question_option) -> None:
    form = node.parent
    option_id = f"{form['name']}-{node['index']}"
    radio = attributes(type="radio", name=form["name"], id=option_id, value=node["index"])
    self.body.append(f'<div class="question-option"><input {radio}><label for="{option_id}">')
    self.body.append(f'<span class="question-letter">{LETTERS[node["index"] - 1]}.</span> ')


def depart_option(self, node: question_option) -> None:
    self.body.append("</label></div>\n")


def visit_number(self, node: question_number) -> None:
    field = attributes(type="text", id=node["id"], name="number", inputmode="decimal",
                       autocomplete="off", size=12)  # fmt: skip
    label = escape(_("Your answer"))
    self.body.append(f'<p class="question-number"><label for="{node["id"]}">{label}</label> ')
    self.body.append(f"<input {field}></p>\n")


def visit_answers(self, node: question_answers) -> None:
    # The button does nothing without JavaScript, so it shows only once the script runs.
    check, answers = escape(_("Check")), escape(_("Answers and explanations"))
    self.body.append(f'<button type="submit" hidden>{check}</button>\n</fieldset>\n')
    self.body.append('<div class="question-feedback" role="status" aria-live="polite"></div>\n')
    self.body.append(f'<details class="question-answers" id="{node["ids"][0]}">')
    self.body.append(f"<summary>{answers}</summary>\n")


def depart_answers(self, node: question_answers) -> None:
    self.body.append("</details>\n")


def visit_explanation(self, node: question_explanation) -> None:
    self.body.append(f'<p class="question-key"><strong>{escape(node["key"])}</strong></p>\n')
    self.body.append(f'<div class="question-explanation" data-option="{node["option"]}">\n')


def visit_reveal(self, node: question_reveal) -> None:
    self.body.append('<div class="question-reveal">\n')


def depart_div(self, node: nodes.Element) -> None:
    self.body.append("</div>\n")


def skip_departure(self, node: nodes.Element) -> None:
    pass


def plain_text(node: nodes.paragraph) -> nodes.paragraph:
    """A plain paragraph with ``node``'s content, still a message for the catalogs."""
    paragraph = nodes.paragraph(node.rawsource, "", *node.children)
    paragraph.source, paragraph.line = node.source, node.line
    if hasattr(node, "uid"):  # the gettext builder extracts only nodes with one
        paragraph.uid = node.uid
    return paragraph


def plain_questions(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """For builders other than HTML: the prompt, the options as a list, then the answers."""
    if for_website(app):
        return
    for form in list(doctree.findall(question)):
        plain = nodes.container(classes=["question"])
        options = nodes.bullet_list()
        for child in form.children:
            if isinstance(child, question_option):
                option = plain_text(child)
                option.insert(0, nodes.Text(f"{LETTERS[child['index'] - 1]}. "))
                options += nodes.list_item("", option)
            elif isinstance(child, question_prompt):
                plain += plain_text(child)
            elif isinstance(child, question_answers):
                if len(options):
                    plain += options
                for part in child.children:
                    if isinstance(part, question_explanation):
                        plain += nodes.paragraph("", "", nodes.strong("", part["key"]))
                    plain += part.children
        form.replace_self(plain)


def add_style(app: Sphinx) -> None:
    """Every page links the style (1 KB): with it, every page shares one stylesheet bundle."""
    if for_website(app):
        app.add_css_file("questions.css")


def add_script(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Only pages with a question load the script."""
    if (
        for_website(app)
        and doctree is not None
        and next(iter(doctree.findall(question)), None) is not None
    ):
        app.add_js_file("questions.js", loading_method="defer")


def register(app: Sphinx) -> None:
    """What this part adds to Sphinx; when its code runs is book_build's pipeline."""
    app.add_directive("question", QuestionDirective)
    app.add_node(question, html=(visit_question, depart_question))
    app.add_node(question_prompt, html=(visit_prompt, depart_prompt))
    app.add_node(question_option, html=(visit_option, depart_option))
    app.add_node(question_number, html=(visit_number, skip_departure))
    app.add_node(question_answers, html=(visit_answers, depart_answers))
    app.add_node(question_explanation, html=(visit_explanation, depart_div))
    app.add_node(question_reveal, html=(visit_reveal, depart_div))
