"""What the member and roster providers share: the organization, configured in the host."""

from __future__ import annotations

from pulumi.dynamic import ConfigureRequest, ResourceProvider

from ..live.cloud import LiveCloud, cloud_from_config


class CloudProvider(ResourceProvider):
    """A provider over the process's one ``LiveCloud`` (one roster per organization)."""

    serialize_as_secret_always = False
    _live: LiveCloud

    def configure(self, req: ConfigureRequest) -> None:
        """Build (or join) the process's view of the organization from the stack config and
        environment."""
        self._live = cloud_from_config(req.config)
