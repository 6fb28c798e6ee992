"""The Kibana calls: routes, query strings, headers, auth, TLS and the cached status."""

from __future__ import annotations

import json
import threading
import time

import pytest
import responses
from responses import matchers

from components.clients import (
    USER_AGENT,
    KibanaClient,
    KibanaConnection,
    KibanaStatus,
    Unauthorized,
    UnexpectedResponse,
)
from tests.clients.client_fakes import API_KEY, BASIC_TOKEN, KIBANA, boom

ROLES = f"{KIBANA}/api/security/role"
STATUS = f"{KIBANA}/api/status"


def status_body(number: str, build_flavor: str | None) -> dict[str, object]:
    version: dict[str, object] = {"number": number, "build_hash": "abc"}
    if build_flavor is not None:
        version["build_flavor"] = build_flavor
    return {"name": "kb", "version": version, "status": {"overall": {"level": "available"}}}


@pytest.mark.parametrize(
    ("build_flavor", "flavor"),
    [("traditional", "stateful"), ("serverless", "serverless"), (None, "stateful")],
)
def test_status_reads_version_and_flavor(
    build_flavor: str | None, flavor: str, kibana: KibanaClient, mock: responses.RequestsMock
) -> None:
    mock.get(STATUS, json=status_body("9.1.0", build_flavor))

    assert kibana.status() == KibanaStatus(version="9.1.0", flavor=flavor)  # type: ignore[arg-type]


def test_status_is_fetched_once(kibana: KibanaClient, mock: responses.RequestsMock) -> None:
    mock.get(STATUS, json=status_body("8.17.0", "traditional"))

    results = {kibana.status() for _ in range(5)}

    assert results == {KibanaStatus("8.17.0", "stateful")}
    assert len(mock.calls) == 1


def test_status_is_fetched_once_from_many_threads(
    kibana: KibanaClient, mock: responses.RequestsMock
) -> None:
    def slow_status(_: object) -> tuple[int, dict[str, str], str]:
        time.sleep(0.05)  # keep the first fetch in flight while the others arrive
        return 200, {}, json.dumps(status_body("9.1.0", "traditional"))

    mock.add_callback(responses.GET, STATUS, callback=slow_status)
    results: list[KibanaStatus] = []
    threads = [threading.Thread(target=lambda: results.append(kibana.status())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(mock.calls) == 1
    assert results == [KibanaStatus("9.1.0", "stateful")] * 8


def test_failed_status_is_not_cached(kibana: KibanaClient, mock: responses.RequestsMock) -> None:
    mock.get(STATUS, status=401, json=boom(401, "unauthenticated"))
    mock.get(STATUS, json=status_body("9.1.0", "serverless"))

    with pytest.raises(Unauthorized):
        kibana.status()
    assert kibana.status().flavor == "serverless"


def test_status_without_version_is_unexpected(
    kibana: KibanaClient, mock: responses.RequestsMock
) -> None:
    mock.get(STATUS, json={"status": "green"})

    with pytest.raises(UnexpectedResponse, match=r": unexpected answer: version is missing\."):
        kibana.status()


def test_get_role_returns_the_body_and_sends_no_create_only(
    kibana: KibanaClient, mock: responses.RequestsMock
) -> None:
    mock.get(f"{ROLES}/r", json={"name": "r", "kibana": []})

    assert kibana.get_role("r") == {"name": "r", "kibana": []}
    request = mock.calls[0].request
    assert request.url == f"{ROLES}/r"
    assert request.headers["elastic-api-version"] == "2023-10-31"
    assert "kbn-xsrf" not in request.headers


def test_get_missing_role_is_none(kibana: KibanaClient, mock: responses.RequestsMock) -> None:
    mock.get(f"{ROLES}/gone", status=404, json=boom(404, "Not Found"))

    assert kibana.get_role("gone") is None


def test_list_roles_sends_no_query(kibana: KibanaClient, mock: responses.RequestsMock) -> None:
    mock.get(ROLES, json=[{"name": "a"}, {"name": "b"}])

    assert [role["name"] for role in kibana.list_roles()] == ["a", "b"]
    assert mock.calls[0].request.url == ROLES


@pytest.mark.parametrize(("create_only", "query"), [(True, "true"), (False, "false")])
def test_put_role_sends_create_only_xsrf_and_the_body(
    create_only: bool, query: str, kibana: KibanaClient, mock: responses.RequestsMock
) -> None:
    body = {"kibana": [{"spaces": ["*"], "base": ["read"]}], "elasticsearch": {}}
    mock.put(
        f"{ROLES}/r",
        status=204,
        match=[
            matchers.query_param_matcher({"createOnly": query}),
            matchers.json_params_matcher(body),
        ],
    )

    assert kibana.put_role("r", body, create_only=create_only) is None
    headers = mock.calls[0].request.headers
    assert headers["kbn-xsrf"]
    assert headers["elastic-api-version"] == "2023-10-31"
    assert headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("name", "encoded"),
    [("team/a b", "team%2Fa%20b"), ("50%?#", "50%25%3F%23"), ("café", "caf%C3%A9")],
)
def test_role_names_are_url_encoded(
    name: str, encoded: str, kibana: KibanaClient, mock: responses.RequestsMock
) -> None:
    mock.put(f"{ROLES}/{encoded}?createOnly=false", status=204)
    mock.get(f"{ROLES}/{encoded}", json={"name": name})
    mock.delete(f"{ROLES}/{encoded}", status=204)

    kibana.put_role(name, {}, create_only=False)
    kibana.get_role(name)
    kibana.delete_role(name)

    paths = [call.request.path_url for call in mock.calls]
    assert paths == [
        f"/api/security/role/{encoded}?createOnly=false",
        f"/api/security/role/{encoded}",
        f"/api/security/role/{encoded}",
    ]


def test_empty_role_name_is_refused(kibana: KibanaClient) -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        kibana.get_role("")


def test_delete_role_reports_whether_it_existed(
    kibana: KibanaClient, mock: responses.RequestsMock
) -> None:
    mock.delete(f"{ROLES}/r", status=204)
    mock.delete(f"{ROLES}/gone", status=404, json=boom(404, "Not Found"))

    assert kibana.delete_role("r") is True
    assert kibana.delete_role("gone") is False
    assert all(call.request.headers["kbn-xsrf"] for call in mock.calls)
    assert all("createOnly" not in str(call.request.url) for call in mock.calls)


@pytest.mark.parametrize(
    ("respect", "url"),
    [
        (True, f"{KIBANA}/api/security/privileges"),
        (False, f"{KIBANA}/api/security/privileges?respectLicenseLevel=false"),
    ],
)
def test_privileges_asks_past_the_license_only_when_told(
    respect: bool, url: str, kibana: KibanaClient, mock: responses.RequestsMock
) -> None:
    answer = {"global": ["all"], "space": ["read"], "features": {"actions": ["all"]}}
    mock.get(f"{KIBANA}/api/security/privileges", json=answer)

    assert kibana.privileges(respect_license_level=respect) == answer
    assert mock.calls[0].request.url == url


def test_features_and_spaces(kibana: KibanaClient, mock: responses.RequestsMock) -> None:
    mock.get(f"{KIBANA}/api/features", json=[{"id": "actions"}])
    mock.get(f"{KIBANA}/api/spaces/space", json=[{"id": "default", "name": "Default"}])

    assert kibana.features() == [{"id": "actions"}]
    assert kibana.spaces() == [{"id": "default", "name": "Default"}]


def test_kibana_base_path_is_kept(mock: responses.RequestsMock) -> None:
    client = KibanaClient(KibanaConnection(f"{KIBANA}/kibana/"))
    mock.get(f"{KIBANA}/kibana/api/spaces/space", json=[])

    assert client.spaces() == []


def test_auth_user_agent_and_accept_headers(
    kibana: KibanaClient, kibana_basic: KibanaClient, mock: responses.RequestsMock
) -> None:
    mock.get(f"{KIBANA}/api/spaces/space", json=[])

    kibana.spaces()
    kibana_basic.spaces()
    KibanaClient(KibanaConnection(KIBANA)).spaces()

    api_key, basic, anonymous = (call.request.headers for call in mock.calls)
    assert api_key["Authorization"] == f"ApiKey {API_KEY}"
    assert basic["Authorization"] == f"Basic {BASIC_TOKEN}"
    assert "Authorization" not in anonymous
    assert api_key["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("elastic-access/")
    assert api_key["Accept"] == "application/json"


@pytest.mark.parametrize(
    ("settings", "verify"),
    [
        ({}, True),
        ({"ca_cert": "/etc/ssl/kibana-ca.pem"}, "/etc/ssl/kibana-ca.pem"),
        ({"insecure": True}, False),
        ({"insecure": True, "ca_cert": "/etc/ssl/kibana-ca.pem"}, False),
    ],
)
def test_tls_verification_and_timeouts_reach_requests(
    settings: dict[str, object],
    verify: object,
    mock: responses.RequestsMock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # requests replaces verify=True with these when set; keep the test about our setting.
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    connection = KibanaConnection(KIBANA, connect_timeout=3.0, read_timeout=45.0, **settings)  # type: ignore[arg-type]
    mock.get(f"{KIBANA}/api/spaces/space", json=[])

    KibanaClient(connection).spaces()

    sent = mock.calls[0].request.req_kwargs  # type: ignore[attr-defined]
    assert sent["verify"] == verify
    assert sent["timeout"] == (3.0, 45.0)
