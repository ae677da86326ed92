"""What the bot knows from the supplier's article, as plain Python.

Data lives in ``data/knowledge/*.yml``; this package loads it lazily
(:func:`load_knowledge`), looks products up, settles what a question is about
("is it good for a spa?"), composes answers as plain strings, spots crisis
messages and medical questions and generates ``data/nlu/knowledge.yml``. It
never imports Rasa, so it is tested without a model and reused by actions and
the CLI.
"""

from bot.knowledge.answers import (
    UNANSWERABLE_BUTTONS,
    answer_topic,
    caution,
    crisis_answer,
    medication_answer,
    more_about,
    product_buttons,
    topic_answers,
    unanswerable_answer,
    which_product_question,
    which_two_question,
)
from bot.knowledge.catalogue import (
    compare_products,
    describe_product,
    list_products,
    normalise_setting,
    product_details,
    product_suits_setting,
    products_for,
    products_for_setting,
    setting_answer,
)
from bot.knowledge.crisis import is_crisis
from bot.knowledge.loader import clear_cache, load_knowledge, load_knowledge_folder, read_knowledge
from bot.knowledge.lookup import (
    described_product,
    find_names,
    find_product,
    get_product,
    meant_product,
    mentioned_products,
    named_products,
    refers_back,
)
from bot.knowledge.medical import is_cure_claim, is_medical_question
from bot.knowledge.model import (
    Knowledge,
    KnowledgeDataError,
    KnowledgeError,
    Product,
    Topic,
    UnknownEntryError,
)
from bot.knowledge.subjects import (
    product_asked_about,
    products_to_compare,
    setting_asked_about,
    subject_to_expand,
)
from bot.knowledge.training_data import (
    build_training_data,
    training_data_is_current,
    write_training_data,
)

__all__ = [
    "Knowledge",
    "KnowledgeDataError",
    "KnowledgeError",
    "Product",
    "Topic",
    "UNANSWERABLE_BUTTONS",
    "UnknownEntryError",
    "answer_topic",
    "build_training_data",
    "caution",
    "clear_cache",
    "compare_products",
    "crisis_answer",
    "describe_product",
    "described_product",
    "find_names",
    "find_product",
    "get_product",
    "is_crisis",
    "is_cure_claim",
    "is_medical_question",
    "list_products",
    "load_knowledge",
    "load_knowledge_folder",
    "meant_product",
    "medication_answer",
    "mentioned_products",
    "more_about",
    "named_products",
    "normalise_setting",
    "product_asked_about",
    "product_buttons",
    "product_details",
    "products_for",
    "products_for_setting",
    "products_to_compare",
    "product_suits_setting",
    "refers_back",
    "read_knowledge",
    "setting_answer",
    "setting_asked_about",
    "subject_to_expand",
    "topic_answers",
    "training_data_is_current",
    "unanswerable_answer",
    "which_product_question",
    "which_two_question",
    "write_training_data",
]
