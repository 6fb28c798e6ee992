"""Errors the providers raise themselves (API failures are ``components.clients`` errors).

Their messages are shown by ``pulumi up`` as they are: they say what to do and hold no secret.
"""

from __future__ import annotations


class SetupError(RuntimeError):
    """The stack config or environment lacks something a provider needs."""


class Refused(RuntimeError):
    """An operation elastic-access refuses before any API write (reserved role, protected member,
    an existing role it would overwrite without ``adopt``...)."""
