"""Archive search: one interface (:mod:`archive.search.engine`), one engine per database.

SQLite uses FTS5, PostgreSQL its full-text search; :func:`engine_for` picks the one that
matches the configured database. Another engine (Elasticsearch, say) would implement the
same :class:`~archive.search.engine.SearchEngine` protocol.
"""
