"""Providers saved in Pulumi state by an earlier version still unpickle (and configure)."""

from __future__ import annotations

import base64
from pathlib import Path

import dill
import pytest
from pulumi.dynamic import ResourceProvider

from tests.conftest import FIXTURES

SAVED = sorted((FIXTURES / "pickled-providers").glob("*.b64"))


def test_every_provider_class_has_a_saved_blob() -> None:
    names = {path.stem for path in SAVED}
    assert names == {
        "components.providers.kibana_role.KibanaRoleProvider",
        "components.providers.cloud_member.CloudMemberProvider",
        "components.providers.cloud_roster.CloudRosterProvider",
    }


@pytest.mark.parametrize("path", SAVED, ids=lambda p: p.stem)
def test_a_provider_saved_by_an_earlier_version_unpickles_to_the_same_class(path: Path) -> None:
    provider = dill.loads(base64.b64decode(path.read_text().strip()))
    cls = type(provider)
    assert isinstance(provider, ResourceProvider)
    assert f"{cls.__module__}.{cls.__qualname__}" == path.stem
    assert vars(provider) == {}  # nothing captured: configure() reads credentials in the host
