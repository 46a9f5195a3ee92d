"""Migrations: they describe the tables exactly, and they stand on their own.

A migration that imported a package's live table classes would change meaning when the table changes
later; one that lagged behind ``tables.py`` would leave a fresh database without a column the code reads.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from piccolo.apps.migrations.commands.new import AutoMigrationManager
from piccolo.conf.apps import Finder

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("server", "events", "sessions", "networking", "archive")


def migration_files() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (ROOT / package / "piccolo_migrations").glob("*.py")
        if path.name != "__init__.py"
    )


@pytest.mark.parametrize("path", migration_files(), ids=lambda path: path.name)
def test_no_migration_imports_the_packages_own_code(path: Path) -> None:
    tree = ast.parse(path.read_text())
    imported = {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    ours = sorted(name for name in imported if name.split(".")[0] in PACKAGES)
    assert ours == [], f"{path.name} imports {ours}: copy the few columns it needs into the migration instead"


@pytest.mark.parametrize("package", PACKAGES)
async def test_the_migrations_create_exactly_the_tables_the_code_declares(
    package: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PICCOLO_CONF", "server.piccolo_conf")
    app_config = Finder().get_app_config(package)
    statements = await AutoMigrationManager().get_alter_statements(app_config=app_config)
    pending = [statement for group in statements for statement in group.statements]
    assert pending == [], (
        f"{package}/tables.py differs from its migrations; add one with "
        f"`PICCOLO_CONF=server.piccolo_conf piccolo migrations new {package} --auto`"
    )
