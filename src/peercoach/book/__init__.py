"""The book room: what turns the Markdown pages into the course site and checks them.

- :mod:`peercoach.book.content`: the checks on the pages (front matter, objectives, citations,
  reading level, spelling), the ones ``peercoach check`` and ``tests/test_content.py`` run;
- :mod:`peercoach.book.build`: the strict Jupyter Book build;
- :mod:`peercoach.book.rubrics`: the trainers' rubric page, written from the notebooks;
- :mod:`peercoach.book.preview`: ``peercoach preview``, the book on localhost, rebuilt on save;
- :mod:`peercoach.book.changes`: ``peercoach changes``, what changed for learners.

The Sphinx extension that renders the pages (:mod:`peercoach.sphinxext`) is part of this room; it
keeps its short name because ``_config.yml`` names it.
"""
