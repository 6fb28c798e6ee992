"""Through the real provider host: writes count only on a 2xx without an error body, redirects
are errors, wrong answers are one message, unusable credentials are refused at configure and
echoed ones never printed (issue 10 sections 3 to 5)."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.providers.conftest import (
    MEMBER,
    ROLE,
    cloud_host,
    kibana_host,
    member_props,
    role_props,
    writes,
)
from tests.providers.test_cloud_member_host import member_of, up
from tests.providers.test_kibana_role_host import SOC, create, live_role
from tests.support.provider_host import ProviderError

KEY = "h0st-s3cret-k3y-0123456789"
BOOM = {"statusCode": 500, "error": "Internal Server Error", "message": "not saved"}


@pytest.fixture
def keyed() -> Any:
    with Sandbox(controls=True, api_key=KEY) as running:
        yield running


@pytest.mark.parametrize(
    ("host", "setting", "what"),
    [
        (kibana_host, "elastic-access:kibanaApiKey", "Kibana API key"),
        (cloud_host, "elastic-access:cloudApiKey", "Elastic Cloud API key"),
    ],
)
def test_a_key_with_a_trailing_newline_is_a_check_failure_not_a_traceback(
    sandbox: Sandbox, host: Any, setting: str, what: str
) -> None:
    """A setting ``configure`` cannot use is the check's one failure (what preview prints),
    and every other operation fails with that message alone."""
    props = role_props("soc", SOC) if host is kibana_host else member_props("a@x.io", {})
    type_ = ROLE if host is kibana_host else MEMBER
    message = (
        f"{setting}: the {what} ends with whitespace (a newline or a space left from copying "
        "it?); set it again exactly as issued"
    )
    with host(sandbox, key="secret\n") as configured:
        _, failures = configured.check(type_, "x", {}, props)
        with pytest.raises(ProviderError) as refused:
            configured.delete(type_, "x", "x", {**props, "organizationId": "42"})

    assert failures == [("kibana" if host is kibana_host else "cloud", message)]
    assert refused.value.details == message  # no traceback
    assert "secret" not in refused.value.details
    assert writes(Controls(sandbox.kibana_url)) == []


def test_a_redirected_create_fails_and_writes_nothing(
    sandbox: Sandbox, kibana_controls: Controls
) -> None:
    with kibana_host(sandbox) as host:
        checked, _ = host.check(ROLE, "soc", {}, role_props("soc", SOC))
        kibana_controls.fault("^/api/security/role/soc$", "PUT", 302, location="http://x.test/")
        with pytest.raises(ProviderError) as failed:
            host.create(ROLE, "soc", checked)

    assert failed.value.details.startswith(
        "Kibana PUT /api/security/role/soc returned 302 "
        "Found, redirecting to http://x.test/. elastic-access follows no redirect"
    )
    assert live_role(sandbox, "soc") is None


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_a_role_write_answered_200_with_an_error_body_fails(
    sandbox: Sandbox, kibana_controls: Controls, method: str
) -> None:
    with kibana_host(sandbox) as host:
        checked, id_, outs = create(host, "soc", SOC)
        kibana_controls.fault("^/api/security/role/soc$", method, 200, body=BOOM)
        with pytest.raises(ProviderError) as failed:
            if method == "PUT":
                host.update(
                    ROLE, "soc", id_, outs, {**checked, "role": {"cases": {"stack": "all"}}}
                )
            else:
                host.delete(ROLE, "soc", id_, outs)

    assert failed.value.details.startswith(
        f"Kibana {method} /api/security/role/soc "
        "returned 200 OK: the body is an error: (500) not saved. Not counted as done"
    )
    assert live_role(sandbox, "soc")["kibana"] == outs["body"]["kibana"]


def test_a_member_removal_answered_200_with_an_error_body_fails(
    sandbox: Sandbox, cloud_controls: Controls
) -> None:
    user = cloud_controls.seed_member("carol@example.com", {})
    with cloud_host(sandbox) as host:
        billing = {"organization": "billing-admin", "adopt": True}  # carol is there already
        _, active, _ = up(host, "carol@example.com", billing)
        body = {"errors": [{"code": "organization.membership_not_found", "message": "kept"}]}
        cloud_controls.fault(f"/members/{user}$", "DELETE", body=body)
        with pytest.raises(ProviderError) as failed:
            host.delete(MEMBER, "carol@example.com", "carol@example.com", active)

    assert "returned 200 OK [organization.membership_not_found]: the body is an error: kept" in (
        failed.value.message
    )
    assert member_of(sandbox, "carol@example.com") is not None


def test_a_member_list_without_user_id_is_one_message(
    sandbox: Sandbox, cloud_controls: Controls
) -> None:
    cloud_controls.fault("/members$", "GET", body={"members": [{"email": "a@x.io"}]})
    with cloud_host(sandbox) as host:
        _, failures = host.check(MEMBER, "a@x.io", {}, member_props("a@x.io", {}))

    assert failures == [
        (
            "member",
            "cloud: Elastic Cloud GET /api/v1/organizations/1000000001/members returned 200 OK: "
            "unexpected answer: members[0] (a@x.io).user_id is missing. Nothing was taken from "
            "this answer. Check that the url points at the right service (Kibana, not "
            "Elasticsearch or a login proxy; the Elastic Cloud API, not the console), and that "
            "nothing in between rewrites its answers.",
        )
    ]


def test_a_cloud_error_code_echoing_the_key_is_not_in_the_error(keyed: Sandbox) -> None:
    echo = {"errors": [{"code": f"ApiKey {KEY}", "message": f"{KEY} may not"}]}
    with cloud_host(keyed, key=KEY) as host:
        props = member_props("a@x.io", {"organization": "billing-admin"})
        checked, _ = host.check(MEMBER, "a@x.io", {}, props)
        Controls(keyed.cloud_url).fault("/invitations$", "POST", status=403, body=echo)
        with pytest.raises(ProviderError) as failed:
            host.create(MEMBER, "a@x.io", checked)

    assert "returned 403 Forbidden [[REDACTED]]: [REDACTED] may not." in failed.value.details
    assert KEY not in failed.value.details
