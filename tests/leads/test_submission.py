"""Submissions survive the trip through the spool's JSON unchanged."""

from bot.leads.submission import clean_submission, submission_from_dict, submission_to_dict


def test_round_trip_through_json_dict(make_submission):
    submission = clean_submission(make_submission(name="山田 太郎 🦶"))
    assert submission_from_dict(submission_to_dict(submission)) == submission


def test_unknown_keys_are_ignored(make_submission):
    data = submission_to_dict(make_submission())
    data["added_in_a_later_version"] = True
    assert submission_from_dict(data).conversation_id == "conv-1"
