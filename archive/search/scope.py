"""The SQL condition both engines use to keep a search inside what the person may see."""

from __future__ import annotations

from archive.search.engine import SearchScope


def scope_condition(scope: SearchScope, placeholder: str = "{}") -> tuple[str, list[str]]:
    """``(sql, args)`` restricting ``archive_item AS ai`` to published, visible, filtered items.

    The visibility part is :func:`archive.items.listed_in` written as SQL for the engines' raw queries.
    """
    ids = ",".join(str(int(i)) for i in sorted(scope.event_ids)) or "NULL"
    sql = (
        f"ai.status = 'published' AND (ai.event_id IN ({ids})"
        f" OR (ai.event_id IS NULL AND ai.event_visibility = 'public'))"
    )
    if scope.only_item is not None:
        sql += f" AND ai.id = {int(scope.only_item)}"
    args: list[str] = []
    for facet, value in scope.filters:
        sql += f" AND ai.id IN (SELECT item FROM item_facet WHERE facet = {placeholder} AND value = {placeholder})"
        args += [facet, value]
    return sql, args
