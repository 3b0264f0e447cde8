"""The MyST markup a translation carries over unchanged, found one way by everything that reads
catalogs: the translation check (commands/translate), the spelling test, pofilter's masking."""

import re

ROLE = re.compile(r"\{([\w:-]+)\}`([^`]*)`")  # {doc}`text <target>`, {glue:text}`key:.2f`
TERM = re.compile(r"\{term\}`([^`<]+?)\s*(?:<[^>]*>)?`")  # a glossary term: its visible text
RST_ROLE = re.compile(r":\w+:`[^`]*`")  # a docstring's reStructuredText role: :func:`name`
MATH = re.compile(r"(?<!\\)\$\$?[^$]+\$\$?")
CODE = re.compile(r"(?<![`}])``?[^`]+``?")
LINK = re.compile(r"\]\(([^)\s]+)\)")  # a link's target
URL = re.compile(r"https?://\S+")
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")  # Python's: %(name)s, {name}
HTML_CODE = re.compile(r"<code>.*?</code>")  # in a template's sentence
HTML_TAG = re.compile(r"<[^>]+>")
