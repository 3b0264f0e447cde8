"""Files the build writes: font subsets, checksums for URLs, compressed copies of the site; and
which builder writes the website."""

import fnmatch
import gzip
import zlib
from io import BytesIO
from pathlib import Path

import brotli
from fontTools import subset
from fontTools.ttLib import TTFont


def for_website(app) -> bool:
    """Whether ``app`` builds the website: the ePub's builder writes HTML too, for e-readers,
    which run no script, need no web font and take no Content-Security-Policy."""
    return app.builder.name == "html"


def checksum(data: bytes) -> str:
    """The checksum Sphinx puts in ``?v=`` links (CRC32, 8 hex digits), for URLs we write."""
    return f"{zlib.crc32(data):08x}"


def font_subset(source, unicodes: set[int], layout_features: list[str]) -> bytes:
    """The font at ``source`` (any path-like, WOFF2 included) as WOFF2 with only these
    characters and the glyphs its tables build from them; names (the licence) are kept."""
    font = TTFont(str(source))
    options = subset.Options()
    options.layout_features = layout_features
    options.hinting = False  # browsers on phones do not use TrueType hints
    options.name_IDs = ["*"]
    options.flavor = "woff2"
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(unicodes))
    subsetter.subset(font)
    out = BytesIO()
    font.flavor = "woff2"
    font.save(out, reorderTables=False)
    return out.getvalue()


def write_if_changed(path: Path, data: bytes) -> None:
    """Write ``data`` unless ``path`` holds it already (its time stays, rebuilds stay quiet)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


# Text a browser downloads, which compresses well; images, fonts and videos are compressed already.
TEXT_SUFFIXES = {".html", ".css", ".js", ".svg", ".json", ".txt", ".xml", ".ipynb"}


def precompress(folder: Path, skip: tuple[str, ...] = ()) -> int:
    """Write ``name.gz`` and ``name.br`` beside each text file of ``folder`` (recursively), for
    hosts that serve a precompressed copy (nginx's gzip_static and brotli_static, Caddy's
    precompressed, ...), but files whose name matches a pattern of ``skip``. A copy newer than
    its file is kept, so a rebuild compresses only what changed. Returns the number of files
    compressed."""
    count = 0
    for path in sorted(folder.rglob("*")):
        if any(fnmatch.fnmatch(path.name, pattern) for pattern in skip):
            continue
        if path.suffix in TEXT_SUFFIXES and path.is_file():
            count += precompress_file(path)
    return count


def precompress_file(path: Path) -> bool:
    """The ``.gz`` and ``.br`` copies of one file, unless both are newer than it. The same bytes
    on every run: no time stamp in the gzip header."""
    copies = [path.with_name(path.name + suffix) for suffix in (".gz", ".br")]
    newest = path.stat().st_mtime_ns
    if all(copy.exists() and copy.stat().st_mtime_ns >= newest for copy in copies):
        return False
    data = path.read_bytes()
    copies[0].write_bytes(gzip.compress(data, 9, mtime=0))
    copies[1].write_bytes(brotli.compress(data))
    return True
