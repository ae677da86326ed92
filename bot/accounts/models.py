"""The accounts table, as a SQLAlchemy ORM model (the schema lives in migrations).

``session_epoch`` goes up when the password changes or the account is
disabled: a session remembers the epoch it was opened in, so every other
signed-in browser of that person is signed out at once.
"""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Column, Integer, String, Text, column

from bot.db.base import Base, UTCDateTime, utcnow

ROLES = ("sales", "admin")


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (CheckConstraint(column("role").in_(ROLES), name="role"),)

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False, unique=True)
    display_name = Column(Text)
    role = Column(String(16), nullable=False)
    password_hash = Column(Text, nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    session_epoch = Column(Integer, nullable=False, default=0)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    last_login_at = Column(UTCDateTime)
