"""Pulumi resources for Kibana spaces: one ``KibanaSpace`` per space, grouped by ``KibanaSpaces``.

Each space's Pulumi name is its space id, so URNs stay stable and every line of
``pulumi preview`` names a space the reader knows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi.dynamic

from .core.spaces.spec import SpaceSpec
from .providers.kibana_space import KibanaSpaceProvider
from .providers.props import SpaceProps


def space_inputs(spec: SpaceSpec) -> dict[str, Any]:
    """A space's config as resource input: what the user wrote, defaults left out, ``adopt``
    and ``allowDelete`` apart (they are inputs of their own)."""
    inputs: dict[str, Any] = spec.model_dump(
        mode="json", by_alias=True, exclude_defaults=True, exclude={"adopt", "allow_delete"}
    )
    return inputs


class KibanaSpace(pulumi.dynamic.Resource, module="kibana", name="Space"):
    """One Kibana space, managed through ``/api/spaces/space``."""

    body: pulumi.Output[dict[str, Any]]
    target: pulumi.Output[dict[str, str]]

    def __init__(
        self,
        space_id: str,
        spec: SpaceSpec,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = SpaceProps(
            spaceId=space_id,
            space=space_inputs(spec),
            adopt=spec.adopt,
            allowDelete=spec.allow_delete,
            body=None,
            target=None,
            kibanaVersion=None,
            flavor=None,
            project=None,
        )
        super().__init__(KibanaSpaceProvider(), space_id, props, opts)


class KibanaSpaces(pulumi.ComponentResource):
    """Every space of ``elastic-access:spaces``; ``spaces`` maps each id to its resource (roles
    that grant in a space depend on it)."""

    def __init__(
        self,
        name: str,
        spaces: Mapping[str, SpaceSpec],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("elastic-access:kibana:Spaces", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.spaces = {
            space_id: KibanaSpace(space_id, spec, child)
            for space_id, spec in sorted(spaces.items())
        }
        self.space_ids = sorted(self.spaces)
        self.register_outputs({"spaceIds": self.space_ids})
