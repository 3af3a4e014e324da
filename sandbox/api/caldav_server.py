"""The CalDAV server (sandbox/caldav/), mounted like every other sandbox route module."""
from sandbox.caldav.routes import bp  # noqa: F401
