"""Measure the build and the site: build times, executions, page weights, memory, Lighthouse.

    python -m book_build.commands.bench          (or `nox -s bench`): everything below
    python -m book_build.commands.bench pages    (or `nox -s bench -- pages`): only Lighthouse,
    on the
                                        site of this tree (built first, incrementally)

Everything runs in one go on a copy of the project in ``_build/bench/project`` (so the edits
below never touch your tree), and the report compares the figures with the targets, as ratios
measured in the same run: these machines are shared and noisy, absolute seconds are not.
Writes ``_build/bench/report.md`` and ``_build/bench/report.json``; then Lighthouse measures
every page of the copy's site (see lighthouse.py): ``_build/bench/lighthouse.md``.
"""

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

from book_build import project
from book_build.commands import build as site_build
from book_build.commands import lighthouse
from book_build.project import BUILD, SITE

OUT = BUILD / "bench"
PROJECT = OUT / "project"
LANGS = ["en", "es"]
CHAPTER = "linear-regression"  # the page whose prose and translation the bench edits
EDITED_MODULE = ("classify.py", "def accuracy(")  # a function only one chapter depends on


def project_path() -> str:
    """The copy's package and build machinery come first on the path, not the installed ones."""
    return os.pathsep.join(str(PROJECT / folder) for folder in ("code", "tools"))


def tree_rss(root_pid: int) -> int:
    """Resident bytes of a process and all its descendants (0 once it has ended)."""
    try:
        root = psutil.Process(root_pid)
        tree = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for process in tree:
        with contextlib.suppress(psutil.NoSuchProcess):  # it may end while we read
            total += process.memory_info().rss
    return total


def build(*langs: str) -> dict:
    """One run of the project's build script: seconds, executions and re-reads, peak memory."""
    env = {**os.environ, "PYTHONPATH": project_path()}
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "book_build.commands.build", *langs],
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    peak = [0]

    def sample():
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss(proc.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample)
    sampler.start()
    output = proc.communicate()[0]
    sampler.join()
    seconds = time.perf_counter() - start
    if proc.returncode:
        sys.exit(f"bench: the build failed:\n{output[-4000:]}")
    result = {"seconds": round(seconds, 2), "peak_rss_mb": round(peak[0] / 2**20)}
    for lang in langs:
        lines = [line for line in output.splitlines() if line.startswith(f"[{lang}] ")]
        result[f"executed_{lang}"] = sum("Executing notebook" in line for line in lines)
        changed = [re.search(r"(\d+) added, (\d+) changed", line) for line in lines]
        result[f"reread_{lang}"] = sum(int(m[1]) + int(m[2]) for m in changed if m)
    return result


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"bench: {old!r} not found in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edit_english_paragraph() -> None:
    chapter = PROJECT / "book" / f"{CHAPTER}.md"
    paragraph = next(
        line for line in chapter.read_text().splitlines() if re.match(r"[A-Z][a-z]+ [a-z]", line)
    )
    edit(chapter, paragraph, paragraph.replace(" ", "  ", 1).replace("  ", " a ", 1))


def edit_spanish_translation() -> None:
    catalog = PROJECT / "locales" / "es" / "LC_MESSAGES" / f"{CHAPTER}.po"
    line = next(
        line for line in catalog.read_text().splitlines()
        if line.startswith('msgstr "') and line != 'msgstr ""'
    )  # fmt: skip
    edit(catalog, line, line[:-1] + ' (revisado)"')


def edit_function() -> None:
    module, definition = EDITED_MODULE
    edit(PROJECT / "code" / "descent" / module, definition, f"# Edited by the bench.\n{definition}")


def with_videos(page: Path) -> int:
    """Bytes of a page and of the videos it links (the players' MP4 files)."""
    html = page.read_text(encoding="utf-8")
    videos = {page.parent / src for src in re.findall(r'<video src="([^"]+)"', html)}
    return page.stat().st_size + sum(video.stat().st_size for video in videos)


def page_weights() -> dict:
    site = PROJECT / "_build" / "html"
    pages = sorted(site.rglob("*.html"), key=lambda p: p.stat().st_size)
    return {
        "animation_page_bytes": with_videos(site / "en" / "animation.html"),
        "largest_page": str(pages[-1].relative_to(site)),
        "largest_page_bytes": pages[-1].stat().st_size,
        "site_bytes": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()),
    }


def default_jshtml_bytes() -> int:
    """matplotlib's default embedding (to_jshtml) of the lesson's 100-step animation."""
    script = (
        "from descent.animation import animate_fit, jshtml_size\n"
        "from descent.data import make_line_data\n"
        "from descent.fit import fit_gradient_descent\n"
        "x, y = make_line_data()\n"
        "fit = fit_gradient_descent(x, y, start=(-1.0, 1.0), lr=0.1, steps=100)\n"
        "print(jshtml_size(animate_fit(x, y, fit)))\n"
    )
    env = {**os.environ, "PYTHONPATH": project_path(), "MPLBACKEND": "Agg"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    return int(out.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> int:
    if argv == ["pages"]:
        if site_build.main([]):
            return 1
        return lighthouse.main(["--site", str(SITE), "--out", str(OUT)])
    OUT.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(PROJECT, ignore_errors=True)
    project.copy_project(PROJECT)
    runs = {"clean_one_edition": build("en")}
    shutil.rmtree(PROJECT / "_build")
    runs["clean_both_editions"] = build(*LANGS)
    runs["no_change"] = build(*LANGS)
    edit_english_paragraph()
    runs["english_paragraph_edit"] = build(*LANGS)
    edit_spanish_translation()
    runs["spanish_translation_edit"] = build(*LANGS)
    edit_function()
    runs["function_edit"] = build(*LANGS)
    weights = page_weights()
    weights["default_jshtml_bytes"] = default_jshtml_bytes()

    clean, one = runs["clean_both_editions"], runs["clean_one_edition"]
    no_change, spanish = runs["no_change"], runs["spanish_translation_edit"]
    jshtml_share = weights["animation_page_bytes"] / weights["default_jshtml_bytes"]
    checks = {
        "both editions clean ≤ 1.3 × one edition": clean["seconds"] <= 1.3 * one["seconds"],
        "no-change rebuild executes nothing, ≤ 10 % of a clean build": (
            executed(no_change) == 0 and no_change["seconds"] <= 0.1 * clean["seconds"]
        ),
        "English prose edit executes nothing": executed(runs["english_paragraph_edit"]) == 0,
        "Spanish translation edit re-reads nothing in English, executes nothing": (
            spanish["reread_en"] == 0 and executed(spanish) == 0
        ),
        "a code edit re-executes the chapters that import it, and only those": (
            0 < executed(runs["function_edit"]) < executed(clean)
        ),
        "animation page ≤ 5 % of the default to_jshtml": jshtml_share <= 0.05,
        "peak memory of a clean build of both editions < 3 GB": clean["peak_rss_mb"] < 3 * 1024,
    }
    report = {"runs": runs, "weights": weights, "targets_met": checks}
    (OUT / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    (OUT / "report.md").write_text(markdown(runs, weights, checks), encoding="utf-8")
    print((OUT / "report.md").read_text(encoding="utf-8"))
    pages_met = lighthouse.main(["--site", str(PROJECT / "_build" / "html"), "--out", str(OUT)])
    return 0 if all(checks.values()) and pages_met == 0 else 1


def executed(run: dict) -> int:
    return sum(value for key, value in run.items() if key.startswith("executed_"))


def markdown(runs: dict, weights: dict, checks: dict) -> str:
    lines = [
        "# Build benchmark",
        "",
        "| build | seconds | notebooks executed (en + es) | pages re-read (en / es) | peak RSS |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, run in runs.items():
        reread = " / ".join(str(run.get(f"reread_{lang}", "–")) for lang in LANGS)
        lines.append(
            f"| {name.replace('_', ' ')} | {run['seconds']:.1f} | {executed(run)} | {reread} "
            f"| {run['peak_rss_mb']} MB |"
        )
    share = weights["animation_page_bytes"] / weights["default_jshtml_bytes"]
    lines += [
        "",
        "| page weight | bytes |",
        "|---|---:|",
        f"| animation page and its two videos | {weights['animation_page_bytes']:,} |",
        f"| default `to_jshtml`, same 100-step animation | {weights['default_jshtml_bytes']:,} |",
        f"| animation page / default | {share:.1%} |",
        f"| largest page ({weights['largest_page']}) | {weights['largest_page_bytes']:,} |",
        f"| whole site, both editions | {weights['site_bytes']:,} |",
        "",
        "| target | met |",
        "|---|---|",
        *[f"| {name} | {'yes' if ok else '**no**'} |" for name, ok in checks.items()],
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
