"""PostgreSQL backend that creates databases with a UTF-8 LC_CTYPE.

pg_trgm indexes Chinese characters only when the database's LC_CTYPE is a UTF-8 locale; under
plain ``C`` it silently indexes nothing. Test databases are created through this backend, so
they always match production.
"""

from django.db.backends.postgresql import base
from django.db.backends.postgresql.creation import DatabaseCreation as BaseCreation

UTF8_LOCALE = "C.UTF-8"


class DatabaseCreation(BaseCreation):
    def sql_table_creation_suffix(self):
        suffix = super().sql_table_creation_suffix()
        if "TEMPLATE" not in suffix:
            # template0 is the only template that accepts a different locale.
            suffix += " TEMPLATE template0"
        if "ENCODING" not in suffix:
            suffix += " ENCODING 'UTF8'"
        return f"{suffix} LC_COLLATE '{UTF8_LOCALE}' LC_CTYPE '{UTF8_LOCALE}'"


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation
