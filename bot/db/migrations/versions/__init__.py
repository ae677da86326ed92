"""One module per schema revision; applied in order by ``bot.db.migrate.upgrade``."""
