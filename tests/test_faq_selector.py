"""The response selector runs on FAQ messages only, and they get the answer they always got."""

from __future__ import annotations

import pytest
from rasa.core.agent import Agent

from bot.nlu.faq_selector import FaqResponseSelector


@pytest.fixture(scope="module")
def agent(trained_model) -> Agent:
    return Agent.load(str(trained_model))


@pytest.fixture
def selector_runs(monkeypatch):
    """How many messages the selector's TensorFlow model was run on."""
    runs = []
    predict = FaqResponseSelector._predict

    def counted(self, message):
        runs.append(message.get("text"))
        return predict(self, message)

    monkeypatch.setattr(FaqResponseSelector, "_predict", counted)
    return runs


async def test_an_article_question_gets_its_answer_from_the_selector(agent, selector_runs):
    parsed = await agent.parse_message("what is reflexology exactly?")
    assert parsed["intent"]["name"] == "faq"
    assert parsed["intent"]["full_retrieval_intent_name"] == "faq/reflexology"
    answer = parsed["response_selector"]["faq"]["response"]
    assert answer["intent_response_key"] == "faq/reflexology" and answer["responses"]
    assert selector_runs == ["what is reflexology exactly?"]


@pytest.mark.parametrize("text", ["hello there", "can I get a quote", "Personal use"])
async def test_other_messages_do_not_run_the_selector(agent, selector_runs, text):
    parsed = await agent.parse_message(text)
    assert parsed["intent"]["name"] != "faq"
    assert parsed["response_selector"] == {"all_retrieval_intents": ["faq"]}
    assert selector_runs == []
