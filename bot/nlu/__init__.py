"""Custom Rasa NLU components (adapters over plain logic elsewhere in ``bot``)."""
