"""What the member and roster providers share: the organization, configured in the host."""

from __future__ import annotations

from pulumi.dynamic import ConfigureRequest, ResourceProvider

from ..core.members.decisions import StackMembers
from ..live.cloud import LiveCloud, cloud_from_config, stack_members
from .host_errors import install as install_clean_errors


class CloudProvider(ResourceProvider):
    """A provider over the process's one ``LiveCloud`` (one roster per organization) and what
    the whole stack config declares about the organization (``StackMembers``: the end state
    that preview holds the organization-admin rule against)."""

    serialize_as_secret_always = False
    _live: LiveCloud
    _stack: StackMembers

    def configure(self, req: ConfigureRequest) -> None:
        """Build (or join) the process's view of the organization from the stack config and
        environment (a value that cannot be used is reported by ``check``)."""
        install_clean_errors()
        self._live = cloud_from_config(req.config)
        self._stack = stack_members(req.config, self._live.settings)
