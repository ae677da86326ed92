"""The full enquiry, saved to the local PostgreSQL instead of SQLite."""

from __future__ import annotations

import pytest

from tests.enquiry import Visitor, full_enquiry

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


def test_full_enquiry_is_stored_in_postgres(postgres_rasa_server):
    visitor = Visitor(postgres_rasa_server)
    reference = full_enquiry(visitor)
    lead = visitor.lead()
    assert lead["reference"] == reference
    assert lead["items"] == [{"product": "whole_leg_massager", "quantity": 30}]
    assert (lead["organisation"], lead["email"]) == ("Sunrise Spa & Wellness", "jo@example.com")
    assert lead["consents"][0]["granted"] is True
