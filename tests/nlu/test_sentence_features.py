"""The pre-trained sentence features: offline, checked, and meaningful."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu import minilm
from bot.nlu.sentence_featurizer import SentenceEmbeddingFeaturizer


@pytest.fixture(scope="module")
def encoder():
    return minilm.encoder()


def test_a_paraphrase_is_nearer_than_an_unrelated_question(encoder):
    cheap, affordable, privacy, calves, sore_legs = encoder.encode([
        "something inexpensive for using at home",
        "a low-cost product for personal use",
        "where do I find your data protection statement",
        "my calves ache after a long shift",
        "sore lower legs from standing all day",
    ])  # fmt: skip
    assert cheap @ affordable > cheap @ privacy + 0.3
    assert calves @ sore_legs > calves @ privacy + 0.3


def test_vectors_are_unit_length_and_long_messages_cost_no_more(encoder):
    vectors = encoder.encode(["hi", "x " * 20_000, ""])
    assert vectors.shape == (3, minilm.DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors[:2], axis=1), 1.0, atol=1e-4)


def test_every_message_with_text_gets_one_sentence_feature():
    featurizer = SentenceEmbeddingFeaturizer(
        SentenceEmbeddingFeaturizer.get_default_config(), "sentence_embeddings"
    )
    messages = [Message(data={TEXT: "how often should I use the roller"}), Message(data={})]
    featurizer.process(messages)
    sequence, sentence = messages[0].get_dense_features(TEXT)
    assert sequence is None and sentence.features.shape == (1, minilm.DIMENSIONS)
    assert messages[1].get_dense_features(TEXT) == (None, None)


def test_a_model_file_other_than_the_measured_one_is_refused(monkeypatch):
    monkeypatch.setattr(minilm, "MODEL_SHA256", "0" * 64)
    with pytest.raises(minilm.ModelFileError, match="expected 0000"):
        minilm.model_file()
