"""The Elastic Cloud organization calls: routes, CSV path parameters, bodies and auth."""

from __future__ import annotations

import json
import logging

import pytest
import responses
from responses import matchers

from components.clients import CloudClient, CloudConnection, NotFound
from tests.clients.client_fakes import API, CLOUD, CLOUD_KEY, cloud_error

ORG = f"{API}/organizations/42"
ASSIGNMENTS = {
    "project": {
        "security": [
            {"role_id": "security-viewer", "organization_id": "42", "all": False,
             "project_ids": ["p1"]},
        ]
    }
}  # fmt: skip


def test_reads_send_the_api_key_under_api_v1(
    cloud: CloudClient, mock: responses.RequestsMock
) -> None:
    mock.get(ORG, json={"id": "42", "name": "acme"})
    mock.get(f"{ORG}/members", json={"members": [{"user_id": "u1"}]})
    mock.get(f"{ORG}/invitations", json={"invitations": [{"token": "t1", "email": "a@x.io"}]})

    assert cloud.organization("42") == {"id": "42", "name": "acme"}
    assert cloud.list_members("42") == [{"user_id": "u1"}]
    assert cloud.list_invitations("42") == [{"token": "t1", "email": "a@x.io"}]
    assert {call.request.headers["Authorization"] for call in mock.calls} == {f"ApiKey {CLOUD_KEY}"}


def test_endpoint_given_with_api_v1_is_not_doubled(mock: responses.RequestsMock) -> None:
    client = CloudClient(CloudConnection(f"{CLOUD}/api/v1/"))
    mock.get(f"{ORG}/members", json={"members": []})

    assert client.list_members("42") == []


def test_create_invitation_posts_the_request_body(
    cloud: CloudClient, mock: responses.RequestsMock
) -> None:
    expected = {"emails": ["a@example.com"], "expires_in": "7d", "role_assignments": ASSIGNMENTS}
    mock.post(
        f"{ORG}/invitations",
        status=201,
        json={"invitations": [{"token": "t1", "email": "a@example.com"}]},
        match=[matchers.json_params_matcher(expected)],
    )

    created = cloud.create_invitation(
        "42", emails=("a@example.com",), expires_in="7d", role_assignments=ASSIGNMENTS
    )

    assert created == [{"token": "t1", "email": "a@example.com"}]


def test_delete_invitations_joins_quoted_tokens_and_masks_them(
    cloud: CloudClient, mock: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    mock.delete(
        f"{ORG}/invitations/itk%2FQx7Z,itk%2CWv9Y",
        status=404,
        json=cloud_error("organization.invitation_not_found", "Invitation not found"),
    )

    with caplog.at_level(logging.DEBUG), pytest.raises(NotFound) as caught:
        cloud.delete_invitations("42", ["itk/Qx7Z", "itk,Wv9Y"])

    assert (
        mock.calls[0].request.path_url
        == "/api/v1/organizations/42/invitations/itk%2FQx7Z,itk%2CWv9Y"
    )
    assert caught.value.path == "/api/v1/organizations/42/invitations/<2 invitation tokens>"
    for text in (str(caught.value), caplog.text):
        assert "itk" not in text


def test_delete_members_joins_quoted_user_ids(
    cloud: CloudClient, mock: responses.RequestsMock
) -> None:
    mock.delete(f"{ORG}/members/u1,realm%3Au2", json={})

    cloud.delete_members("42", ["u1", "realm:u2"])

    assert mock.calls[0].request.path_url == "/api/v1/organizations/42/members/u1,realm%3Au2"
    assert mock.calls[0].request.body is None


@pytest.mark.parametrize("values", [[], "u1"])
def test_csv_parameters_need_a_non_empty_list(values: list[str], cloud: CloudClient) -> None:
    with pytest.raises(ValueError, match="at least one"):
        cloud.delete_members("42", values)
    with pytest.raises(ValueError, match="at least one"):
        cloud.delete_invitations("42", values)


def test_add_role_assignments_posts_the_bare_body(
    cloud: CloudClient, mock: responses.RequestsMock
) -> None:
    mock.post(
        f"{API}/users/u%2F1/role_assignments",
        json={},
        match=[matchers.json_params_matcher(ASSIGNMENTS)],
    )

    cloud.add_role_assignments("u/1", ASSIGNMENTS)

    assert len(mock.calls) == 1


def test_remove_role_assignments_is_a_delete_with_a_json_body(
    cloud: CloudClient, mock: responses.RequestsMock
) -> None:
    mock.delete(f"{API}/users/u1/role_assignments", json={})

    cloud.remove_role_assignments("u1", ASSIGNMENTS)

    request = mock.calls[0].request
    assert request.method == "DELETE"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.body or b"") == ASSIGNMENTS


def test_empty_ids_are_refused(cloud: CloudClient) -> None:
    with pytest.raises(ValueError, match="organization id must not be empty"):
        cloud.list_members("")
    with pytest.raises(ValueError, match="user id must not be empty"):
        cloud.add_role_assignments("", {})
