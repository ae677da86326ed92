"""Cross-checks between the knowledge base, the NLU data and the hold-out set."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from knowledge_helpers import PROJECT_DIR, annotations, nlu_examples, plain

from bot.knowledge import find_product, normalise_setting

NLU = PROJECT_DIR / "data" / "nlu"
HOLDOUT = PROJECT_DIR / "tests" / "nlu_holdout" / "knowledge.yml"
HAND_WRITTEN = ("products.yml", "safety.yml", "commercial.yml")
MY_INTENTS = {
    "list_products",
    "ask_product",
    "compare_products",
    "product_for_setting",
    "tell_more",
    "ask_commercial",
    "ask_medication",
    "crisis",
}
COMMERCIAL_TOPICS = {"price", "shipping", "warranty", "stock", "certification", "discount"}
LEAD_INTENTS = {
    "greet",
    "goodbye",
    "thank",
    "bot_challenge",
    "ask_capabilities",
    "out_of_scope",
    "affirm",
    "deny",
}


def _hand_written():
    merged = {}
    for name in HAND_WRITTEN:
        for intent, examples in nlu_examples(NLU / name).items():
            merged.setdefault(intent, []).extend(examples)
    return merged


def _training_texts():
    return {
        plain(example).lower()
        for path in NLU.glob("*.yml")
        for examples in nlu_examples(path).values()
        for example in examples
    }


def test_every_product_and_topic_cites_a_listed_section(kb):
    cited = [p.section for p in kb.products] + [t.section for t in kb.topics]
    cited += [kb.safety.section, "The Role of a Foot Massage Supplier"]
    assert set(cited) <= set(kb.sections)
    assert "References" in kb.sections and "Evidence from Research" in kb.sections


def test_required_topics_exist(kb):
    required = {
        "what_is_foot_massage",
        "nerve_endings",
        "reflexology",
        "rest_and_digest",
        "cortisol",
        "endorphins",
        "helps_depression",
        "research_evidence",
        "how_often",
        "combine_with_treatment",
        "relaxing_setting",
        "references",
        "about_supplier",
        "choosing_product",
    }
    assert required <= set(kb.topic_ids)


def test_topics_have_ten_distinct_examples(kb):
    for topic in kb.topics:
        assert len(set(topic.examples)) >= 10, topic.id


def test_hand_written_intents_have_fifteen_examples_and_no_lead_intents():
    examples = _hand_written()
    assert set(examples) == MY_INTENTS
    for intent, lines in examples.items():
        assert len(set(lines)) >= 15, intent


def test_no_example_is_shared_between_intents():
    owners = Counter(
        plain(example).lower()
        for path in NLU.glob("*.yml")
        for examples in nlu_examples(path).values()
        for example in set(examples)
    )
    assert [text for text, count in owners.items() if count > 1] == []


def test_entity_annotations_resolve(kb):
    for path in [*(NLU / name for name in HAND_WRITTEN), HOLDOUT]:
        for lines in nlu_examples(path).values():
            for text, entity in (pair for line in lines for pair in annotations(line)):
                if entity == "product":
                    assert text.lower() in find_product(kb, text).aliases, text
                elif entity == "setting":
                    normalise_setting(text)
                else:
                    assert entity == "commercial_topic", entity


def test_commercial_topics_have_answers(kb):
    assert set(kb.safety.unanswerable) >= COMMERCIAL_TOPICS
    text = (NLU / "commercial.yml").read_text(encoding="utf-8")
    assert set(re.findall(r"- synonym: (\w+)", text)) <= COMMERCIAL_TOPICS


def test_compare_examples_name_two_products_or_none():
    for line in _hand_written()["compare_products"]:
        assert len([e for _, e in annotations(line) if e == "product"]) in (0, 2), line


@pytest.fixture(scope="module")
def holdout():
    return nlu_examples(HOLDOUT)


def test_holdout_covers_every_intent_and_topic(kb, holdout):
    for intent in MY_INTENTS:
        assert len(holdout.get(intent, [])) >= 5, intent
    for topic_id in kb.topic_ids:
        assert len(holdout.get(f"faq/{topic_id}", [])) >= 3, topic_id
    assert not set(holdout) & LEAD_INTENTS


def test_holdout_never_repeats_training_examples(holdout):
    training = _training_texts()
    repeated = [
        plain(x) for lines in holdout.values() for x in lines if plain(x).lower() in training
    ]
    assert repeated == []


def test_knowledge_package_never_imports_rasa_or_reads_shared_files():
    for path in (PROJECT_DIR / "bot" / "knowledge").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import) rasa", source, re.MULTILINE), path.name
        assert "/work/shared" not in source, path.name
