"""Erase the personal data of every row a query matches, in one locked transaction.

Forgetting a visitor and purging old records work the same way for leads and
for hand-off requests: lock the matching rows, note their references, then
blank them with the caller's ``erase`` (or, on a dry run, change nothing).
"""

from __future__ import annotations

from typing import Callable, List

from sqlalchemy.orm import Session, sessionmaker


def erase_matching(
    session_factory: sessionmaker,
    query,
    erase: Callable[[Session, object], None],
    dry_run: bool = False,
) -> List[str]:
    """References of the rows ``query`` selects; they are erased unless ``dry_run``."""
    with session_factory.begin() as session:
        rows = session.execute(query.with_for_update()).scalars().all()
        references = [row.reference for row in rows]
        if dry_run:
            session.rollback()
            return references
        for row in rows:
            erase(session, row)
    return references
