"""Errors the live layer raises itself (API failures are ``components.clients`` errors).

Their messages are shown by ``pulumi up`` and the CLI as they are: they say what to do and
hold no secret.
"""

from __future__ import annotations


class SetupError(RuntimeError):
    """The stack config or environment lacks something a provider or command needs, or holds
    a value it cannot use; the message names the setting, never a credential's value."""


class MissingSetting(SetupError):
    """No value for a setting, in the config or the environment: ``what`` is missing (a Kibana
    URL), ``how`` says where to set it."""

    def __init__(self, what: str, how: str) -> None:
        self.what = what
        self.how = how
        super().__init__(f"no {what}: {how}")


class MissingCredential(MissingSetting):
    """A URL but no credential to send to it: said before any call (an answer 401 would blame
    a credential that was never given)."""


class Refused(RuntimeError):
    """An operation elastic-access refuses before any API write (reserved role, protected member,
    an existing role it would overwrite without ``adopt``...)."""
