"""The session store: Django's database sessions, refusing a malformed session key.

A session key that Django made is 32 lower-case letters and digits. A cookie carrying anything
else (a NUL byte, found by the API contract test's fuzzing, made PostgreSQL's driver raise and the
page answer 500) is treated as no session at all, before it reaches the database.
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key):
        return bool(super()._validate_session_key(key)) and key.isascii() and key.isalnum()
