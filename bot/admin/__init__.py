"""The admin retraining loop: inbox, labelling, gated training, model registry.

Visitors' messages come out of the tracker store (:mod:`.inbox`), an admin
labels them into ``data/`` (:mod:`.labels`, :mod:`.review`), and
``bot admin train`` trains, evaluates on the held-out set and promotes the new
model only when it is not worse (:mod:`.retrain`, :mod:`.gate`). Plain Python:
Rasa is imported only inside the functions that load or train a model.
"""

from bot.admin.registry import active_model

__all__ = ["active_model"]
