"""The build of "Gradient Descent, Step by Step": Sphinx extensions and the commands around them.

project        where everything is, the editions, which pages are chapters (asked, never guessed)
catalogs       gettext catalogs checked and compiled with GNU msgfmt
dependencies   the package files each chapter's outputs depend on, and stale outputs dropped
kernels        the kernel provisioner of the build (Unix sockets, no TCP port races)
editions       Sphinx extension: one build per language (catalogs, kernel language, caches, switch)
glue           Sphinx extension: myst-nb glue roles inside translated paragraphs, numbers
listings       Sphinx extension: shown code's comments and docstrings translated, its code checked
parallel       Sphinx extension: the English beside any paragraph of a translated page, on demand
downloads      Sphinx extension: each chapter as a notebook to download
questions      Sphinx extension: "Check yourself" questions that the page marks by itself
mathml         Sphinx extension: equations as MathML at build time, in a subset math font
icons          Sphinx extension: the theme's icons from a tiny font instead of Font Awesome's script
player         Sphinx extension: the animation player's videos and script as files
images         Sphinx extension: images with their size, lazy below the first
policy         Sphinx extension: a strict Content-Security-Policy, every script a deferred file
bundles        Sphinx extension: a page's stylesheets as one file, its scripts as a few
assets         font subsets and checksums for the files those extensions write
landing        the site's landing page, which picks the reader's edition
books          Sphinx extension: the PDF and ePub of each edition (titles, files, links)
frames         Sphinx extension: an animation as a strip of frames on paper, an explorer as a still
stills         an explorer's first state as one picture (librsvg)
build, translate, bench, pdf   the commands (`python -m book_build.build`, ...), called by nox
lighthouse     Lighthouse on every page of every edition, part of bench
"""
