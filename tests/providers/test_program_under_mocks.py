"""The Pulumi program (``__main__.py``) under mocks: what it registers for the local stack."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from components.program import build
from tests.conftest import local_stack_config
from tests.support.mocks import Recorder, mocked

ROLE = "pulumi-python:dynamic/kibana:Role"


def test_local_stack_registers_every_role_by_its_name() -> None:
    config = local_stack_config()
    with mocked(Recorder(), config) as recorder:

        @pulumi.runtime.test
        def program() -> Any:
            build()
            return pulumi.Output.from_input(None)

        program()
        names = sorted(r.name for r in recorder.of_type(ROLE))  # type: ignore[attr-defined]
    assert names == sorted(config["roles"])


def test_invalid_config_stops_the_program_with_every_problem() -> None:
    config = {"roles": {"r": {"cases": {"secutiry": "all"}, "spaces": "soc"}}}
    with mocked(Recorder(), config), pytest.raises(pulumi.RunError) as caught:
        build()
    assert str(caught.value).splitlines() == [
        "the elastic-access stack config has problems:",
        "roles.r.cases.secutiry: 'secutiry' is not allowed (did you mean security?); allowed: "
        "observability, security, stack",
        "roles.r.spaces: must be a list, such as [soc], not 'soc'",
    ]
