"""Rasa custom actions: thin adapters from Rasa trackers to the ``bot`` package.

The action server imports every module in this package at start-up, so
modules here do nothing at import time beyond defining classes.
"""
