"""Alembic migrations of the bot database (a package so installs ship them)."""
