"""The build of "Gradient Descent, Step by Step": one Sphinx extension, the book's, and the
commands around it. ``book/conf.py`` loads ``book_build.pipeline``, which loads the extensions
the book is built with, lets each part register what it adds to Sphinx, and runs the parts in
the order of its one table. Nothing is imported here, so that a command can refuse an old Python
with a clear message before anything newer is.

pipeline         the Sphinx extension: every transform and event handler, in the order they run
project          where everything is, the editions, which pages are chapters (asked, never guessed)
languages/       one build per language, and what makes a page read in it
  editions         catalogs, kernel language, caches, language switch, translation progress
  catalogs         gettext catalogs checked and compiled with GNU msgfmt
  glue             myst-nb glue roles inside translated paragraphs, numbers the edition's way
  listings         shown code's comments and docstrings translated, its code checked
  markup           the MyST markup a translation carries over unchanged (roles, math, code)
  parallel         the English beside any paragraph of a translated page, on demand
  foreign          English words inside a translated page marked lang="en"
  references       the bibliography, its words in the edition's language
execution/       running the chapters
  kernels          the kernel provisioner of the build (Unix sockets, no TCP port races)
  warm             a process that imports what every kernel imports, and forks the kernels
  dependencies     the package files each chapter's outputs depend on; stale outputs dropped
  outputs          the package's explorers and animations as each builder shows them
web/             the page a reader's browser gets
  mathml           equations as MathML at build time, in a subset math font
  icons            the theme's icons from a tiny font instead of Font Awesome's script
  images           images with their size, lazy below the first
  policy           a strict Content-Security-Policy, every script a deferred file
  bundles          a page's stylesheets as one file, its scripts as a few
  static_versions  ?v= checksums the same after clean and incremental builds
  search           the search index keeps the glossary after incremental builds
  assets           font subsets and checksums for the files those parts write
  questions        "Check yourself" questions that the page marks by itself
  explorers        sliders over figures computed by the package
  player           the animation player, its video a file beside the page
  addresses        hreflang, OpenGraph, redirects of old pages, "page not found"
  landing          the site's root: landing page, sitemap, root 404
paper/           the PDF and the ePub
  books            each edition's PDF and ePub (titles, files, links from the pages)
  equations        the ePub's equations as images, all drawn in one LaTeX run
  frames           an animation as a strip of frames on paper
  stills           an explorer's first state as one picture (librsvg)
offline/         what a reader takes away
  downloads        each chapter's notebook and the package's wheel, offered on its page
  notebooks        a chapter as a notebook in the edition's language
  wheel            the package's wheel, with its compiled catalogs
commands/        `python -m book_build.commands.<name>`, called by nox
  build            every edition, published only when it builds cleanly
  pdf              each edition's PDF and ePub, then the site
  translate        extract, update and check the catalogs; add a language
  pseudo           the pseudo-locale check: every visible text goes through a catalog
  bench            build times and memory; lighthouse, on every page of every edition
  lighthouse

tests/tools/test_build.py checks that this list names every module once.
"""
