"""Benchmarks of the assistant against a stock ``rasa init`` bot (``make bench``).

Not part of the test suite: the figures depend on the machine, so every
comparison is a ratio measured in the same run.
"""
