"""The procurement enquiry form as plain Python: parsing answers, corrections, the summary.

The Rasa adapter (``actions/lead_form.py``) calls :func:`handle_answer` for each
answer, :func:`prefill` for the opening message and :func:`build_submission`
at the end; nothing here imports Rasa.
"""

from bot.leads.intake.errors import InvalidAnswer
from bot.leads.intake.form import Step, handle_answer, required_slots
from bot.leads.intake.handover import build_submission, summary, transcript
from bot.leads.intake.opening import prefill

__all__ = [
    "InvalidAnswer",
    "Step",
    "build_submission",
    "handle_answer",
    "prefill",
    "required_slots",
    "summary",
    "transcript",
]
