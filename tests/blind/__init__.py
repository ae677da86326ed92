"""The blind evaluation set: visitor questions and scripted buyers nobody on the team wrote.

``questions.yml`` and ``buyers.yml`` were written from the supplier's article
and the product list alone, by someone who had not read ``data/`` or the
tests. They are never training data: ``test_kept_apart.py`` fails if one of
their texts turns up in ``data/``; when they show a miss, write *different*
training examples for the pattern. ``make eval`` runs them against the real
servers (``python -m tests.blind``).
"""
