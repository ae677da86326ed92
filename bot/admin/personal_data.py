"""What a visitor said that is personal data, so it never becomes training data.

The NLU training data is committed to the repository, and git history keeps
whatever lands there for ever. The admin inbox therefore must not offer a
visitor's answers to the enquiry form (``lead_form``) or the hand-off form
(``handoff_form``) for labelling, nor any message carrying contact details.

Form answers are recognised from the conversation's own events, as Rasa's SQL
tracker store keeps them: ``active_loop`` names the running form, a ``slot``
event for ``requested_slot`` names the question it waits on, and the question
itself is a bot utterance ``utter_ask_<slot>`` (or ``utter_ask_<form>_<slot>``,
or an action ``action_ask_<slot>``). The next visitor message answers it.

Which messages go: every message sent while a form waits on a personal detail
(any question but those in :data:`IMPERSONAL_SLOTS`), question or answer.
Telling the two apart there is not reliable: the trial's leak was a name the
classifier read as ``human_handoff``, an answer that looked like a request;
and the slot being filled proves nothing either way, as an answer misread as a
question may fill nothing. Losing the odd question typed at "What's your
email?" is the price. At the other questions (buyer type, products, consent),
whose answers are no personal data, a message goes only when the awaited slot
was filled from it; a question the bot answered before asking again stays, as
those are what the form's NLU most needs to learn.
"""

from __future__ import annotations

import re
from typing import Dict, Optional, Tuple

from bot.leads.intake import fields as f

REQUESTED_SLOT = "requested_slot"
# Questions whose answers are no personal data: buttons, products and quantities,
# yes or no. Any other question, including one added to a form later, is taken to
# ask for personal data; ``lead_confirmed`` among them, as it follows the summary
# of all details and the usual reply other than "yes" corrects one.
IMPERSONAL_SLOTS = frozenset({f.BUYER_TYPE, f.ITEMS, f.CONSENT})
# Answers the bot may repeat back ("Thanks, Anna"), blanked in what an admin sees.
PERSONAL_SLOTS = frozenset(f.FORM_SLOTS) - IMPERSONAL_SLOTS
_RESETS = frozenset({"session_started", "restart"})
_ASK = re.compile(r"^(?:utter|action)_ask_(?:\w+?_form_)?(\w+)$")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_DIGIT_RUN = re.compile(r"\+?\d[\d\s()./-]*\d")
_DATE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")
PHONE_DIGITS = 7  # "+43 316 4455667" has 12; a quantity or a year has far fewer
_INTRODUCTION = re.compile(r"\b(?:[Mm]y name(?: is|'s)|I am called|I'm called|[Cc]all me [A-Z])")
# Greetings, button answers, verbs and product words: a message made of them is no name.
_NOT_NAMES = frozenset(
    {
        "hi", "hello", "hey", "hiya", "howdy", "ahoy", "bye", "goodbye", "cheers", "thanks",
        "thank", "you", "yes", "yeah", "yep", "no", "nope", "ok", "okay", "sure", "fine",
        "great", "cool", "nice", "good", "perfect", "please", "sorry", "help", "stop", "cancel",
        "skip", "submit", "continue", "back", "menu", "start", "restart", "other", "none",
        "nothing", "all", "the", "a", "an", "and", "or", "of", "for", "to", "in", "on", "my",
        "me", "i", "we", "our", "us", "it", "this", "that", "is", "are", "am", "be", "was",
        "want", "need", "would", "like", "have", "has", "get", "buy", "order", "send", "show",
        "tell", "give", "price", "prices", "cost", "quote", "offer", "products", "product",
        "info", "information", "massager", "massagers", "roller", "rollers", "foot", "feet",
        "calf", "leg",
    }
)  # fmt: skip


class FormProgress:
    """Which form question one conversation is waiting on, read event by event."""

    def __init__(self) -> None:
        self.loop: Optional[str] = None
        self.requested: Optional[str] = None
        self.asked: Optional[str] = None
        self.personal_values: Dict[str, str] = {}

    def update(self, kind: str, data: dict) -> None:
        """Follow one tracker event (``type_name`` and its data)."""
        if kind in _RESETS:
            self.loop = self.requested = self.asked = None
        elif kind == "active_loop":
            self.loop = data.get("name")
        elif kind == "slot":
            self._slot(data.get("name"), data.get("value"))
        elif kind == "action":
            self.asked = _asked_slot(data.get("name")) or self.asked
        elif kind == "bot":
            self.asked = _asked_slot((data.get("metadata") or {}).get("utter_action")) or self.asked
        elif kind == "user":
            self.asked = None

    def _slot(self, name: Optional[str], value: object) -> None:
        if name == REQUESTED_SLOT:
            self.requested = value if isinstance(value, str) else None
        elif name in PERSONAL_SLOTS and isinstance(value, str) and len(value.strip()) >= 3:
            self.personal_values[value.strip()] = name

    @property
    def awaited_slots(self) -> Tuple[str, ...]:
        """The slots the next visitor message answers: the running form's requested slot
        and the slot the bot's last question asked for (empty in free conversation)."""
        slots = {self.asked} | ({self.requested} if self.loop else set())
        return tuple(sorted(slot for slot in slots if slot))

    @property
    def awaits_personal_data(self) -> bool:
        return any(slot not in IMPERSONAL_SLOTS for slot in self.awaited_slots)


def _asked_slot(name: Optional[str]) -> Optional[str]:
    match = _ASK.match(name or "")
    return match.group(1) if match else None


def contact_details(text: str) -> Optional[str]:
    """What kind of contact detail ``text`` contains ("an e-mail address", ...), if any."""
    if _EMAIL.search(text):
        return "an e-mail address"
    if any(_phone_like(run) for run in _DIGIT_RUN.findall(text)):
        return "a phone number"
    return None


def _phone_like(digits: str) -> bool:
    """Seven digits or more, as no quantity or year has; a date such as 01.09.2025 is not."""
    return sum(char.isdigit() for char in digits) >= PHONE_DIGITS and not _DATE.match(digits)


def looks_like_name(text: str) -> bool:
    """One to three capitalised words that are no greeting, verb or product word, or
    "my name is ...". Product names ("Calf Massager Pro") can match: worth a question."""
    if "?" in text:
        return False
    if _INTRODUCTION.search(text):
        return True
    words = [word.strip(".,!") for word in text.split()]
    words = [word for word in words if word.casefold() not in ("dr", "mr", "mrs", "ms")]
    return 1 <= len(words) <= 3 and all(_name_word(word) for word in words)


def _name_word(word: str) -> bool:
    return (
        word[:1].isupper()
        and all(char.isalpha() or char in "'’-" for char in word)
        and word.casefold() not in _NOT_NAMES
    )


def redact(text: str, personal_values: Dict[str, str]) -> str:
    """A bot message with the visitor's details it repeats ("Thanks, Anna") blanked."""
    for value in sorted(personal_values, key=len, reverse=True):
        text = text.replace(value, f"[{personal_values[value]}]")
    text = _EMAIL.sub("[e-mail]", text)
    return _DIGIT_RUN.sub(lambda run: "[phone]" if _phone_like(run.group()) else run.group(), text)
