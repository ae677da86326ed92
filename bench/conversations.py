"""What the simulated visitors say to each bot.

Short conversations of the kind each bot is for: the assistant's visitors
greet, ask about foot massage and the products, and start a quote request
(and leave it, as many do); the moodbot's visitors say how they feel. The long
conversation cycles through a few varied turns so the tracker grows as a
real chatty visitor's would.
"""

from __future__ import annotations

from typing import List, Tuple

Script = Tuple[str, ...]

PRODUCT_VISITS: List[Script] = [
    ("hello", "what is reflexology?", "how often should I use it?", "thanks", "bye"),
    ("hi", "what do you sell?", "tell me about the foot roller", "how does the calf massager work"),
    ("hello", "can I get a quote", "Personal use", "two foot rollers"),
    ("hi there", "what can you do?", "does foot massage help with stress?", "thank you"),
    ("are you a bot?", "which product would suit a spa?", "tell me more", "bye"),
    ("good morning", "is there research behind foot massage?", "who are you as a supplier?"),
]

STOCK_VISITS: List[Script] = [
    ("hi", "I am sad", "yes", "bye"),
    ("hello", "I'm feeling great", "bye"),
    ("hey", "I am sad", "no", "goodbye"),
    ("are you a bot?", "good morning", "very good", "see you"),
    ("hey there", "I am very unhappy", "yes it did", "thanks, bye"),
]

PRODUCT_LONG: Script = (
    "hello", "what is reflexology?", "tell me about the foot roller",
    "how often should I use it?", "what do you sell?", "thanks",
)  # fmt: skip

STOCK_LONG: Script = ("hi", "I am sad", "yes", "I'm great", "are you a bot?", "bye")


def visits(system: str) -> List[Script]:
    return PRODUCT_VISITS if system == "product" else STOCK_VISITS


def long_conversation(system: str) -> Script:
    return PRODUCT_LONG if system == "product" else STOCK_LONG
