"""Infrastructure tables: accounts are Piccolo's ``BaseUser``; a profile says who someone is."""

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import ForeignKey, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

DISPLAY_NAME_MAX = 100
AFFILIATION_MAX = 200
BIO_MAX = 2000


class Profile(Table):
    """What other people see of an account. One per account, created with it."""

    user = ForeignKey(references=BaseUser, unique=True, null=False, on_delete=OnDelete.cascade)
    display_name = Varchar(length=DISPLAY_NAME_MAX)
    affiliation = Varchar(length=AFFILIATION_MAX, default="")
    bio = Text(default="")
    updated_at = Timestamptz()
