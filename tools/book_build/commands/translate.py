"""The translator's tool: extract messages, update catalogs, check them.

    python -m book_build.commands.translate es           extract, then update locales/es/
    python -m book_build.commands.translate --check es   fail unless locales/es/ is current,
                                                         complete and sound
    python -m book_build.commands.translate --add fr     create the catalogs of a new edition

Messages come from the book's Markdown and templates (Sphinx's gettext builder), from the strings
the package draws in figures (Babel, keyword ``_``: ``descent.pot``) and from the strings of the
build's own Sphinx extensions (``book_build.pot``). Updating never
drops a translation: an edited English paragraph keeps its old translation, marked fuzzy;
a removed one stays at the end of the catalog as an obsolete (``#~``) entry.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from collections import Counter
from pathlib import Path

import polib
from babel.numbers import get_decimal_symbol
from translate.filters import checks as pofilter
from translate.storage import pypo

from book_build import project
from book_build.languages import catalogs, listings
from book_build.languages.markup import CODE, LINK, MATH, ROLE
from book_build.project import BOOK, LOCALES, REPO

POT_DIR = project.BUILD / "gettext"
# Catalogs extracted from Python code with Babel: {catalog: source folder}
PYTHON_SOURCES = {  # the catalogs made from Python sources: the package's and the build's
    project.PACKAGE: project.PACKAGE_DIR,
    project.BUILD_CATALOG: project.BUILD_PACKAGE_DIR,
}
LINE_WIDTH = 79  # GNU gettext's: one layout for every catalog, so nothing is re-flowed


def run(*command: str) -> None:
    # A fixed creation date keeps catalogs from changing when their messages did not.
    env = {**os.environ, **project.UNDATED}
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=env)
    if result.returncode:
        sys.exit(f"error: {' '.join(command[:4])}… failed:\n{result.stdout}{result.stderr}")


def extract(pot_dir: Path) -> None:
    """Write one ``.pot`` per page, and one per Python source of messages, into ``pot_dir``."""
    # A page that was renamed or removed leaves its template behind, and the update would
    # create a catalog for it again: only this extraction's templates are kept.
    for stale in pot_dir.glob("*.pot"):
        stale.unlink()
    run(
        sys.executable, "-m", "sphinx", "-b", "gettext", "-n", "-W", "--keep-going", "-q",
        # The chapters run (from the English edition's cache): a glued figure's caption and
        # alt text exist only once its cell has run.
        str(BOOK), str(pot_dir),
    )  # fmt: skip
    for name, source in PYTHON_SOURCES.items():
        run(
            sys.executable, "-m", "babel.messages.frontend", "extract", "--keyword=_",
            "--no-location", "--sort-output", "--omit-header", f"--width={LINE_WIDTH}",
            "-o", str(pot_dir / f"{name}.pot"), str(source),
        )  # fmt: skip
    write_listings_pot(pot_dir / f"{listings.DOMAIN}.pot")


def write_listings_pot(path: Path) -> None:
    """The comments and docstrings of the package's listings that the chapters show."""
    pot = polib.POFile(wrapwidth=LINE_WIDTH)
    pot.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for message, where in listings.messages().items():
        pot.append(polib.POEntry(msgid=message, msgstr="", comment=", ".join(where)))
    pot.save(str(path))


def update(pot_dir: Path, lang: str) -> None:
    """Create ``lang``'s missing catalogs (sphinx-intl) and merge the new messages into the
    others with GNU msgmerge, which keeps their header and flags as they are and writes them in
    gettext's own layout: after an edit, a catalog's diff shows only the entries that changed."""
    catalogs_dir = project.catalog_dir(lang)
    missing = [
        pot
        for pot in sorted(pot_dir.glob("*.pot"))
        if not (catalogs_dir / f"{pot.stem}.po").exists()
    ]
    if missing:
        with tempfile.TemporaryDirectory() as new:
            for pot in missing:
                (Path(new) / pot.name).write_bytes(pot.read_bytes())
            run(
                sys.executable, "-m", "sphinx_intl", "update", "-p", new, "-d", str(LOCALES),
                "-l", lang, "-w", str(LINE_WIDTH),
            )  # fmt: skip
    known = translations(catalogs_dir)  # before the merge turns moved passages obsolete
    for pot in sorted(pot_dir.glob("*.pot")):
        po = catalogs_dir / f"{pot.stem}.po"
        run(
            "msgmerge", "--quiet", "--update", "--backup=none", "--previous",
            f"--width={LINE_WIDTH}", str(po), str(pot),
        )  # fmt: skip
        carry_over(po, known)
        po.write_text(with_agreed_header(po.read_text(encoding="utf-8"), lang), encoding="utf-8")


def translations(catalogs_dir: Path) -> dict[str, str]:
    """Every translated message of a language's catalogs, obsolete ones included."""
    return {
        entry.msgid: entry.msgstr
        for path in sorted(catalogs_dir.glob("*.po"))
        for entry in polib.pofile(str(path))
        if entry.msgstr and not entry.fuzzy
    }


def carry_over(po_path: Path, known: dict[str, str]) -> None:
    """Fill an untranslated message with the translation of the same text on any page, so that a
    passage moved to another page keeps it. Not msgmerge's ``--compendium``: that fuzzy-matches
    every new message against every catalog, minutes on each update."""
    po = polib.pofile(str(po_path))
    found = [entry for entry in po.untranslated_entries() if entry.msgid in known]
    if found:
        for entry in found:
            entry.msgstr = known[entry.msgid]
        po.save()
        run("msgcat", f"--width={LINE_WIDTH}", f"--output-file={po_path}", str(po_path))


# The team's policy for catalog headers: the book's name everywhere, the team as translator
# (who translated what is in git's history), no placeholders left by the tools.
HEADER_FIELDS = [
    "Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date", "PO-Revision-Date",
    "Last-Translator", "Language-Team", "Language", "MIME-Version", "Content-Type",
    "Content-Transfer-Encoding", "Plural-Forms",
]  # fmt: skip


def with_agreed_header(text: str, lang: str) -> str:
    """``text`` (a catalog) with its header written by the team's policy, in a fixed order."""
    header, _, entries = text.partition("\n\n")
    fields = dict(re.findall(r'^"([\w-]+): ?(.*?)\\n"$', header, re.M))
    book, language = (
        project.languages()[project.source_language()]["title"],
        project.languages()[lang]["name"],
    )
    if fields.get("PO-Revision-Date", "YEAR").startswith("YEAR"):
        fields["PO-Revision-Date"] = fields.get("POT-Creation-Date", "1970-01-01 00:00+0000")
    fields |= {
        "Project-Id-Version": book,
        "Report-Msgid-Bugs-To": "",
        "Last-Translator": f"The translators of {book}",
        "Language-Team": f"{language}, see CONTRIBUTING.md",
        "Language": lang,
        "Content-Type": "text/plain; charset=UTF-8",
    }
    lines = [
        f"# {language} translation of {book}.",
        "# How to translate, and the agreed terms: CONTRIBUTING.md. Who translated what: git log.",
        "# This file is distributed under the same license as the book.",
        'msgid ""',
        'msgstr ""',
        *(f'"{name}: {fields[name]}\\n"' for name in HEADER_FIELDS if name in fields),
    ]
    return "\n".join(lines) + "\n\n" + entries


# --- Checks ---------------------------------------------------------------------------------


def markup(text: str) -> Counter:
    """What must survive translation: roles with their targets, math, code, link targets."""
    found = Counter()
    for name, body in ROLE.findall(text):
        # A glossary term is referred to by its translated text, so only the role must stay.
        found[f"{{{name}}}" if name == "term" else f"{{{name}}}`{target(body)}`"] += 1
    stripped = ROLE.sub("", text)
    found.update(MATH.findall(stripped))
    found.update(CODE.findall(stripped))
    found.update(f"]({link})" for link in LINK.findall(stripped))
    return found


def target(role_body: str) -> str:
    """The target of ``text <target>``, or the whole body."""
    explicit = re.search(r"<([^<>]+)>$", role_body)
    return explicit.group(1) if explicit else role_body


# --- Agreed terms ---------------------------------------------------------------------------
Term = tuple[str, re.Pattern, list[str]]  # (English term, how it shows in English, its forms)


def load_terms(lang: str) -> list[Term]:
    """The agreed terms of ``lang`` (``locales/<lang>/terms.toml``), longest first."""
    terms = []
    for term in terms_rows(lang):
        if not term.get(lang):
            continue  # not agreed yet (a new edition's file starts with every list empty)
        for english in term["en"]:
            pattern = re.compile(rf"\b{re.escape(english)}(s|es)?\b", re.IGNORECASE)
            terms.append((english, pattern, [form.lower() for form in term[lang]]))
    return sorted(terms, key=lambda t: -len(t[0]))


def visible_words(text: str) -> str:
    """``text`` without code, math, glue, and role targets: the words a reader sees."""

    def role_text(match: re.Match) -> str:
        name, body = match.groups()
        explicit = re.match(r"(.*?)\s*<[^<>]+>$", body, re.S)
        if explicit:  # {doc}`the text <target>`: the reader sees the text
            return explicit.group(1)
        return body if name == "term" else ""  # a bare {doc}`target` shows the page's title

    return CODE.sub("", MATH.sub("", ROLE.sub(role_text, text)))


def accepted(entry: polib.POEntry, key: str) -> set[str]:
    """What the translator comments ``# <key>: a, b`` of ``entry`` accept, lowercased."""
    return {
        word.strip().lower()
        for line in entry.tcomment.splitlines()
        if line.startswith(f"{key}:")
        for word in line.removeprefix(f"{key}:").split(",")
    }


def term_problems(entry: polib.POEntry, terms: list[Term]) -> list[str]:
    """The agreed terms that ``entry``'s English uses and its translation lacks."""
    deliberate = accepted(entry, "terms")
    source, translation = visible_words(entry.msgid), entry.msgstr.lower()
    lacking = []
    for english, pattern, forms in terms:
        if pattern.search(source) and english.lower() not in deliberate:
            source = pattern.sub("", source)  # "loss function" is checked once, not as "loss"
            if not any(form in translation for form in forms):
                lacking.append(f"{english!r} (agreed: {forms[0]!r})")
    return lacking


# --- pofilter (translate-toolkit) ----------------------------------------------------------
# The checks that fit a MyST catalog, run on each entry with its markup masked (roles, math, code
# and link targets are `markup`'s business). Off: quoting and startpunc (Spanish «», ¿ and ¡),
# puncspacing (French spacing), startcaps and simplecaps (a translated sentence may open with a
# role, or a word the English puts later), acronyms (ECM for MSE), sentencecount, short, long
# and simpleplurals (a translation restructures sentences), spellcheck (hunspell does that, see
# tests/tools/languages/test_spelling.py), accelerators, variables, functions, filepaths, options,
# kdecomments, credits, validchars and compendiumconflicts (made for software interfaces), and
# untranslated (the check above). A deliberate finding is accepted in its entry, with a
# translator comment `# pofilter: brackets`.
POFILTER_CHECKS = [
    "numbers",  # a number typed in the prose, dropped or changed (decimal comma allowed)
    "brackets",  # an opened bracket never closed, a parenthesis lost
    "endpunc",  # a sentence left without its full stop, colon or question mark
    "doublewords",  # "de de", "la la"
    "doublespacing",
    "startwhitespace",
    "endwhitespace",
    "newlines",  # a docstring's paragraphs (blank lines) lost or added
    "tabs",
    "escapes",
    "printf",  # %(name)s placeholders of the interface's strings
    "pythonbraceformat",  # {name} placeholders of the figures' strings
    "xmltags",  # the HTML of a template's sentence
    "urls",
    "emails",
    "unchanged",  # an English sentence copied instead of translated
]
GLOSS = re.compile(r" ?\(\*([^*()]+)\*\)")  # "(*learning rate*)": the English original


def quotes(english: str, words: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(words)}(?!\w)", english, re.IGNORECASE) is not None


def for_pofilter(text: str, english: str | None, lang: str) -> str:
    """``text`` as pofilter should read it: markup masked by words of its own, an English original
    glossed in italics dropped (the book's "(*learning rate*)"), numbers as English writes them,
    and a line break that only wraps a docstring's paragraph made a space."""
    count = iter(range(10**6))

    def token(_match: re.Match) -> str:  # a word, unique, with no digit for `numbers` to count
        n = next(count)
        return "markup" + "".join(chr(ord("a") + int(d)) for d in str(n))

    text = CODE.sub(token, MATH.sub(token, ROLE.sub(token, text)))
    text = re.sub(r"\[([^\]]*)\]\([^)\s]+\)", r"\1", text)  # a link: its text
    if english is None:  # the source: "10,000" is a number; "(A full sentence.)" ends with ")."
        text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
        text = re.sub(r"([.!?])\)$", r")\1", text)  # as Spanish and French write it
    else:
        text = GLOSS.sub(lambda m: "" if quotes(english, m.group(1)) else m.group(0), text)
        text = re.sub(r"(?<=\d)[ \u00a0\u202f](?=\d{3}\b)", "", text)  # "10 000"
        decimal = re.escape(get_decimal_symbol(lang))
        text = re.sub(rf"(?<=\d){decimal}(?=\d)", ".", text)  # "0,5"
    return re.sub(r"(?<!\n)[ \t]*\n[ \t]*(?!\n)", " ", text)


def pofilter_checker(lang: str) -> pofilter.StandardChecker:
    config = pofilter.CheckerConfig(targetlanguage=lang)
    return pofilter.StandardChecker(checkerconfig=config, limitfilters=POFILTER_CHECKS)


def pofilter_problems(entry: polib.POEntry, checker: pofilter.StandardChecker) -> list[str]:
    """pofilter's findings on ``entry`` that its translator comments do not accept."""
    lang = checker.config.targetlanguage
    unit = pypo.pounit(for_pofilter(entry.msgid, None, lang))
    unit.target = for_pofilter(entry.msgstr, entry.msgid, lang)
    deliberate = accepted(entry, "pofilter")
    words = re.findall(r"(?<![\\\w{])(?!markup)[^\W\d_]{3,}\b", unit.source)  # not \frac
    if len(words) < 3:  # a name, an equation, glued values: the same in every language
        deliberate.add("unchanged")
    found = []
    for name, failure in sorted(checker.run_filters(unit).items()):
        if name in POFILTER_CHECKS and name not in deliberate:
            message = failure["message"] if isinstance(failure, dict) else failure
            found.append(f"{name} ({str(message).rstrip('.')})")
    return found


def terms_table(lang: str) -> str:
    """The agreed terms as the Markdown table CONTRIBUTING.md shows."""
    rows = terms_rows(lang)
    lines = [f"| English | {project.languages()[lang]['name']} |", "|---|---|"]
    lines += [f"| {', '.join(t['en'])} | {', '.join(t.get(lang, [])[:2])} |" for t in rows]
    return "\n".join(lines)


def check_catalog(po_path: Path, pot_path: Path | None) -> tuple[list[str], dict]:
    """Problems of one catalog (each naming the file and line), and its counts."""
    where = po_path.relative_to(REPO)
    try:
        catalogs.compile_catalog(po_path)
    except catalogs.CatalogError as error:
        return [str(error)], {}
    po = polib.pofile(str(po_path))
    lang = po_path.parent.parent.name
    terms, checker = load_terms(lang), pofilter_checker(lang)
    problems = []
    if pot_path is None:
        problems.append(f"{where}: no page or module produces this catalog any more")
    else:
        wanted = {e.msgid for e in polib.pofile(str(pot_path))}
        have = {e.msgid for e in po if not e.obsolete}
        if wanted != have:
            problems.append(
                f"{where}: stale ({len(wanted - have)} new, {len(have - wanted)} gone in the "
                "source); run `nox -s translations` to update it"
            )
    for entry in po:
        if entry.obsolete:
            continue
        line = f"{where}:{entry.linenum}"
        if "fuzzy" in entry.flags:
            problems.append(f"{line}: fuzzy; review the translation, then remove the fuzzy flag")
        elif not entry.msgstr:
            problems.append(f"{line}: untranslated: {entry.msgid[:60]!r}")
        else:
            lost = markup(entry.msgid) - markup(entry.msgstr)
            if lost:
                problems.append(
                    f"{line}: the translation loses or alters markup of the source: "
                    + ", ".join(sorted(lost))
                )
            lacking = term_problems(entry, terms)
            if lacking:
                problems.append(
                    f"{line}: does not use the agreed term for {', '.join(lacking)}; use it, "
                    "or mark the entry `# terms: <term>` if it is deliberately different here"
                )
            for finding in pofilter_problems(entry, checker):
                check = finding.split(" ", 1)[0]
                problems.append(
                    f"{line}: pofilter {finding}; correct the translation, or mark the entry "
                    f"`# pofilter: {check}` if it is deliberate"
                )
    counts = {
        "entries": len([e for e in po if not e.obsolete]),
        "translated": len(po.translated_entries()),
        "fuzzy": len(po.fuzzy_entries()),
        "untranslated": len(po.untranslated_entries()),
    }
    return problems, counts


def check(pot_dir: Path, lang: str) -> int:
    po_dir = project.catalog_dir(lang)
    pots = {p.stem: p for p in pot_dir.glob("*.pot")}
    pos = {p.stem: p for p in po_dir.glob("*.po")}
    problems, rows = [], []
    for name in sorted(pots.keys() - pos.keys()):
        problems.append(f"{po_dir.relative_to(REPO)}/{name}.po: missing; run `nox -s translations`")
    for name, po_path in sorted(pos.items()):
        found, counts = check_catalog(po_path, pots.get(name))
        problems += found
        if counts:
            rows.append((name, counts))
    print_progress(lang, rows)
    for problem in problems:
        print(f"error: {problem}")
    print(f"{lang}: {'OK' if not problems else f'{len(problems)} problem(s)'}")
    return 1 if problems else 0


def print_progress(lang: str, rows: list[tuple[str, dict]]) -> None:
    print(f"\nTranslation progress, {lang}:\n")
    print(f"| {'catalog':<28} | entries | translated | fuzzy | untranslated | done |")
    print(f"|{'-' * 30}|---------|------------|-------|--------------|------|")
    for name, c in rows:
        done = 100 * c["translated"] // max(c["entries"], 1)
        print(
            f"| {name:<28} | {c['entries']:>7} | {c['translated']:>10} | {c['fuzzy']:>5} "
            f"| {c['untranslated']:>12} | {done:>3} % |"
        )
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("languages", nargs="*", help="default: every translation")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="check only; change nothing")
    mode.add_argument("--add", action="store_true", help="declare and create a new edition")
    mode.add_argument("--terms", action="store_true", help="print the agreed terms as a table")
    args = parser.parse_args()
    if not args.languages:
        if args.add:
            parser.error("say which language to add, e.g. `nox -s add-language -- fr`")
        args.languages = list(project.languages())[1:]
    if args.terms:
        print("\n\n".join(terms_table(lang) for lang in args.languages))
        return 0
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            extract(Path(tmp))
            return max(check(Path(tmp), lang) for lang in args.languages)
    if args.add:
        declare(args.languages)
    extract(POT_DIR)
    for lang in args.languages:
        update(POT_DIR, lang)
        print(f"updated {project.catalog_dir(lang).relative_to(REPO)}")
    return 0


def declare(langs: list[str]) -> None:
    """Add each new language to book/languages.toml (its name and title to be translated)."""
    path = project.LANGUAGES_FILE
    declared = project.languages()
    with path.open("a", encoding="utf-8") as toml:
        for lang in langs:
            if lang not in declared:
                source = next(iter(declared.values()))
                toml.write(f'\n[{lang}]\nname = "{lang}"\ntitle = "{source["title"]}"\n')
                print(f"declared {lang} in {path.relative_to(REPO)}: set its name and title there")
            terms = LOCALES / lang / "terms.toml"
            if not terms.exists():
                terms.parent.mkdir(parents=True, exist_ok=True)
                terms.write_text(terms_skeleton(lang), encoding="utf-8")
                print(f"created {terms.relative_to(REPO)}: agree on each term's {lang} forms there")


def terms_skeleton(lang: str) -> str:
    """A new edition's terms file: every term the other editions agreed on, its forms to fill
    in (an empty list is not checked yet)."""
    english = sorted({tuple(t["en"]) for other in project.languages() if other != lang
                      for t in terms_rows(other)}, key=lambda names: names[0].lower())  # fmt: skip
    header = "# The agreed terms of this edition: see CONTRIBUTING.md (Agreed terms).\n"
    rows = [f"\n[[term]]\nen = {json.dumps(names, ensure_ascii=False)}\n{lang} = []\n"
            for names in english]  # fmt: skip
    return header + "".join(rows)


def terms_rows(lang: str) -> list[dict]:
    path = LOCALES / lang / "terms.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))["term"] if path.exists() else []


if __name__ == "__main__":
    sys.exit(main())
