"""Lighthouse (mobile defaults) on every page of every edition, served with gzip on 127.0.0.1.

    python -m book_build.commands.lighthouse [--runs 3] [--site _build/html] [--out _build/bench]

Lighthouse comes from ``tools/lighthouse`` (pinned by its package-lock.json; ``npm ci`` there),
Chromium from Debian (``CHROME_PATH``, /usr/bin/chromium by default). Scores vary from run to
run, more so on a busy machine: each page is measured ``--runs`` times and the run Lighthouse
calls the median is kept.
Writes ``lighthouse.md`` and ``lighthouse.json`` into ``--out`` and exits 1 if a target is missed.
"""

import argparse
import functools
import gzip
import json
import mimetypes
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from book_build import project

LIGHTHOUSE = project.REPO / "tools" / "lighthouse"
TARGETS = {  # issue 12: mobile, every page of both editions
    "performance": (">=", 95),
    "accessibility": (">=", 100),
    "lcp_ms": ("<=", 2500),
    "tbt_ms": ("<=", 200),
    "cls": ("<=", 0.02),
    "kb": ("<=", 300),  # transferred on a first visit, compressed, images included
}
TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")


class GzipHandler(SimpleHTTPRequestHandler):
    """A plain static host: text compressed with gzip (the precompressed ``.gz`` copy when the
    build wrote one, as nginx's gzip_static does), everything else as it is, in parts when asked
    (Range), which a video needs to seek."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        wanted = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        if path.is_file() and wanted and not kind.startswith(TEXT_TYPES):
            return self.send_range(path, kind, wanted)
        if not (path.is_file() and accepts_gzip and kind.startswith(TEXT_TYPES)):
            return super().send_head()
        precompressed = path.with_name(path.name + ".gz")
        if precompressed.is_file():
            body = precompressed.read_bytes()
        else:
            body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return _Body(body)

    def send_range(self, path: Path, kind: str, wanted: re.Match):
        """Part of a file, as static hosts serve videos: a browser seeks in a video this way."""
        data = path.read_bytes()
        start = int(wanted[1])
        end = min(int(wanted[2]) if wanted[2] else len(data) - 1, len(data) - 1)
        body = data[start : end + 1]
        self.send_response(206)
        self.send_header("Content-Type", kind)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _Body(body)

    def log_message(self, *args):
        pass


class _Body:
    """What send_head returns: a file-like object that copyfile reads."""

    def __init__(self, data: bytes):
        self.data, self.done = data, False

    def read(self, size: int = -1) -> bytes:
        if self.done:
            return b""
        self.done = True
        return self.data

    def close(self) -> None:
        pass


def serve(site: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(GzipHandler, directory=site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def pages(site: Path) -> list[str]:
    """Every page of every edition, as paths below the site (``en/index.html``, ...)."""
    return [
        str(page.relative_to(site))
        for lang in project.languages()
        for page in sorted((site / lang).glob("*.html"))
        if page.stem not in project.redirects()  # an old address: it only sends the reader on
    ]


def lighthouse(url: str) -> dict:
    """One Lighthouse run, mobile defaults (simulated slow 4G and a 4x slower CPU): its report."""
    binary = LIGHTHOUSE / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        sys.exit(f"lighthouse is not installed: npm ci --prefix {LIGHTHOUSE}")
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(
            [
                str(binary), url, "--quiet", "--output=json", f"--output-path={report}",
                "--only-categories=performance,accessibility",
                "--chrome-flags=--headless=new --no-sandbox",
            ],
            check=True,
            env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
        )  # fmt: skip
        return json.loads(report.read_text(encoding="utf-8"))


# Lighthouse's own choice of the representative run: the one nearest the median first paint and
# time to interactive (what `lighthouse-ci` reports), not a median of each metric apart, which
# may mix runs into one that never happened.
MEDIAN_RUN_JS = """import {computeMedianRun} from "lighthouse/core/lib/median-run.js";
import {readFileSync} from "node:fs";
const runs = JSON.parse(readFileSync(0, "utf8"));
process.stdout.write(String(runs.indexOf(computeMedianRun(runs))));"""


def median_run(reports: list[dict]) -> dict:
    """The scores of the run Lighthouse calls the median."""
    chosen = subprocess.run(
        ["node", "--input-type=module", "-e", MEDIAN_RUN_JS], cwd=LIGHTHOUSE,
        input=json.dumps(reports), capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return scores(reports[int(chosen)])


def scores(report: dict) -> dict:
    audits = report["audits"]
    return {
        "performance": round(report["categories"]["performance"]["score"] * 100),
        "accessibility": round(report["categories"]["accessibility"]["score"] * 100),
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 4),
        "kb": round(audits["total-byte-weight"]["numericValue"] / 1000, 1),
    }


def meets(metric: str, value: float) -> bool:
    op, target = TARGETS[metric]
    return value >= target if op == ">=" else value <= target


def markdown(results: dict[str, dict], runs: int) -> str:
    names = {"performance": "performance", "accessibility": "accessibility", "lcp_ms": "LCP ms",
             "tbt_ms": "TBT ms", "cls": "CLS", "kb": "KB transferred"}  # fmt: skip
    header = " | ".join(f"{names[m]} ({op} {t})" for m, (op, t) in TARGETS.items())
    lines = [
        f"# Lighthouse, mobile, the median of {runs} runs per page (site served with gzip)",
        "",
        f"| page | {header} | targets met |",
        "|---|" + "---:|" * len(TARGETS) + "---|",
    ]
    for page, median in results.items():
        cells = [f"{median[m]:g}" if meets(m, median[m]) else f"**{median[m]:g}**" for m in TARGETS]
        ok = all(meets(m, median[m]) for m in TARGETS)
        lines.append(f"| {page} | {' | '.join(cells)} | {'yes' if ok else '**no**'} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--site", type=Path, default=project.SITE)
    parser.add_argument("--out", type=Path, default=project.BUILD / "bench")
    args = parser.parse_args(argv)
    if not shutil.which(os.environ.get("CHROME_PATH", "/usr/bin/chromium")):
        sys.exit("Chromium is missing: apt-get install chromium (or set CHROME_PATH)")
    server, base = serve(args.site)
    results = {}
    try:
        for page in pages(args.site):
            runs = [lighthouse(f"{base}/{page}") for _ in range(args.runs)]
            results[page] = median_run(runs)
            print(page, results[page], flush=True)
    finally:
        server.shutdown()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "lighthouse.json").write_text(json.dumps(results, indent=2) + "\n")
    report = markdown(results, args.runs)
    (args.out / "lighthouse.md").write_text(report, encoding="utf-8")
    print(report)
    met = all(meets(m, median[m]) for median in results.values() for m in TARGETS)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
