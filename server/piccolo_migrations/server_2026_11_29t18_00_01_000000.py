from datetime import datetime, timezone

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Timestamptz
from piccolo.table import Table

ID = "2026-11-29T18:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "accounts made before addresses were checked count as confirmed"


class Profile(Table, tablename="profile", schema=None):
    email_confirmed_at = Timestamptz(null=True, default=None)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="server", description=DESCRIPTION)

    async def count_existing_accounts_as_confirmed() -> None:
        """They were in use before Hallway checked addresses: they keep receiving their mail."""
        await Profile.update({Profile.email_confirmed_at: datetime.now(timezone.utc)}, force=True)

    manager.add_raw(count_existing_accounts_as_confirmed)
    return manager
