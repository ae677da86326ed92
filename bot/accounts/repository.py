"""Storage of accounts; like every repository here it never commits."""

from __future__ import annotations

from typing import List

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.accounts.models import Account


class AccountRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, account: Account) -> None:
        self.session.add(account)
        self.session.flush()

    def get(self, account_id: int) -> Account | None:
        return self.session.get(Account, account_id)

    def by_username(self, username: str, for_update: bool = False) -> Account | None:
        query = select(Account).where(Account.username == username)
        if for_update:
            query = query.with_for_update()
        return self.session.execute(query).scalar_one_or_none()

    def all(self) -> List[Account]:
        return list(self.session.execute(select(Account).order_by(Account.username)).scalars())
