"""Error responses become the documented exception classes, with messages that say what to do."""

from __future__ import annotations

import pytest
import responses

from components.clients import (
    ApiError,
    CloudClient,
    CloudConnection,
    Conflict,
    Forbidden,
    InvalidRequest,
    KibanaClient,
    KibanaConnection,
    NotFound,
    RateLimited,
    RetryPolicy,
    ServerError,
    Unauthorized,
    UnauthorizedRoleAssignments,
    UnexpectedResponse,
)
from components.clients.errors import STATUS_ERRORS, error_class
from tests.clients.client_fakes import API, KIBANA, FakeTime, boom, cloud_error

ROLE = f"{KIBANA}/api/security/role/r"
MEMBERS = f"{API}/organizations/42/members"
ASSIGNMENTS = f"{API}/users/u1/role_assignments"

CLASSES = [
    (400, InvalidRequest),
    (401, Unauthorized),
    (403, Forbidden),
    (404, NotFound),
    (409, Conflict),
    (422, InvalidRequest),
    (429, RateLimited),
    (500, ServerError),
    (503, ServerError),
]


@pytest.fixture
def no_retry(fake_time: FakeTime) -> RetryPolicy:
    return RetryPolicy(max_attempts=1, sleep=fake_time.sleep, clock=fake_time.clock)


@pytest.mark.parametrize(("status", "cls"), CLASSES)
def test_kibana_boom_body_maps_to_class(
    status: int, cls: type[ApiError], mock: responses.RequestsMock, no_retry: RetryPolicy
) -> None:
    client = KibanaClient(KibanaConnection(KIBANA), retry=no_retry)
    mock.put(ROLE, status=status, json=boom(status, "the server says why"))

    with pytest.raises(cls) as caught:
        client.put_role("r", {}, create_only=True)

    error = caught.value
    assert type(error) is cls
    assert (error.status, error.method, error.path) == (status, "PUT", "/api/security/role/r")
    assert error.code is None
    assert error.detail == "the server says why"
    assert str(error).startswith(f"Kibana PUT /api/security/role/r returned {status} ")
    assert "createOnly" not in error.path


@pytest.mark.parametrize(("status", "cls"), CLASSES)
def test_cloud_errors_body_maps_to_class_with_code(
    status: int, cls: type[ApiError], mock: responses.RequestsMock, no_retry: RetryPolicy
) -> None:
    client = CloudClient(CloudConnection("https://cloud.test"), retry=no_retry)
    mock.get(MEMBERS, status=status, json=cloud_error("organization.some_code", "cloud says why"))

    with pytest.raises(cls) as caught:
        client.list_members("42")

    error = caught.value
    assert type(error) is cls
    assert (error.status, error.code, error.detail) == (
        status,
        "organization.some_code",
        "cloud says why",
    )
    assert error.path == "/api/v1/organizations/42/members"
    assert "[organization.some_code]: cloud says why" in str(error)


def test_every_5xx_is_a_server_error_and_other_statuses_the_base_class() -> None:
    assert all(STATUS_ERRORS[status] is ServerError for status in range(500, 600))
    assert error_class(418) is ApiError
    assert error_class(403, "role_assignments.unauthorized_role_assignments") is (
        UnauthorizedRoleAssignments
    )


def test_unmapped_status_raises_the_base_class(
    kibana: KibanaClient, mock: responses.RequestsMock
) -> None:
    mock.get(ROLE, status=418, json=boom(418, "teapot"))

    with pytest.raises(ApiError) as caught:
        kibana.get_role("r")

    assert type(caught.value) is ApiError
    assert "418 I'm a Teapot: teapot" in str(caught.value)


def test_kibana_401_says_to_check_the_api_key(
    kibana: KibanaClient, mock: responses.RequestsMock
) -> None:
    mock.get(ROLE, status=401, json=boom(401, "unable to authenticate"))

    with pytest.raises(Unauthorized, match="Check the API key / credentials"):
        kibana.get_role("r")


def test_kibana_403_names_manage_security(
    kibana: KibanaClient, mock: responses.RequestsMock
) -> None:
    mock.put(ROLE, status=403, json=boom(403, "action [cluster:admin/xpack/security/role/put]"))

    with pytest.raises(Forbidden, match="needs the manage_security cluster privilege"):
        kibana.put_role("r", {}, create_only=False)


def test_cloud_unauthorized_role_assignments_is_its_own_forbidden(
    cloud: CloudClient, mock: responses.RequestsMock
) -> None:
    mock.delete(
        ASSIGNMENTS,
        status=403,
        json={
            "errors": [
                {"code": "root.other", "message": "first"},
                {
                    "code": "role_assignments.unauthorized_role_assignments",
                    "message": "You are not authorized to remove these role assignments",
                },
            ]
        },
    )

    with pytest.raises(UnauthorizedRoleAssignments) as caught:
        cloud.remove_role_assignments("u1", {"deployment": []})

    error = caught.value
    assert isinstance(error, Forbidden)
    assert error.code == "role_assignments.unauthorized_role_assignments"
    assert "first; You are not authorized" in error.detail
    assert "shut down or deleted" in str(error)


def test_cloud_403_with_another_code_names_the_code(
    cloud: CloudClient, mock: responses.RequestsMock
) -> None:
    mock.get(
        f"{API}/organizations/42",
        status=403,
        json=cloud_error("organization.invalid_access", "no access"),
    )

    with pytest.raises(Forbidden) as caught:
        cloud.organization("42")

    assert type(caught.value) is Forbidden
    assert "[organization.invalid_access]" in str(caught.value)
    assert "organization-admin" in str(caught.value)


def test_cloud_error_fields_are_listed(cloud: CloudClient, mock: responses.RequestsMock) -> None:
    body = {"errors": [{"code": "root.invalid_data", "message": "bad", "fields": ["emails"]}]}
    mock.post(f"{API}/organizations/42/invitations", status=400, json=body)

    with pytest.raises(InvalidRequest, match=r"bad \(fields: emails\)"):
        cloud.create_invitation("42", emails=["x"], expires_in="7d", role_assignments={})


def test_code_from_header_when_the_body_is_not_json(
    cloud: CloudClient, mock: responses.RequestsMock
) -> None:
    mock.get(
        MEMBERS,
        status=404,
        body="<html><body>Not   Found</body></html>",
        headers={"x-cloud-error-codes": "organization.not_found"},
    )

    with pytest.raises(NotFound) as caught:
        cloud.list_members("42")

    assert caught.value.code == "organization.not_found"
    assert caught.value.detail == "<html><body>Not Found</body></html>"


def test_long_server_text_is_shortened(kibana: KibanaClient, mock: responses.RequestsMock) -> None:
    mock.get(ROLE, status=400, json=boom(400, "x" * 5000))

    with pytest.raises(InvalidRequest) as caught:
        kibana.get_role("r")

    assert len(caught.value.detail) == 1000
    assert caught.value.detail.endswith("...")


def test_success_without_json_is_an_unexpected_response(
    kibana: KibanaClient, mock: responses.RequestsMock
) -> None:
    mock.get(f"{KIBANA}/api/security/role", body="<html>login</html>", content_type="text/html")

    with pytest.raises(UnexpectedResponse, match=r"not JSON.*points at the right service"):
        kibana.list_roles()


def test_success_with_the_wrong_shape_is_an_unexpected_response(
    kibana: KibanaClient, mock: responses.RequestsMock
) -> None:
    mock.get(f"{KIBANA}/api/security/role", json={"roles": []})

    with pytest.raises(UnexpectedResponse) as caught:
        kibana.list_roles()

    assert str(caught.value).startswith(
        "Kibana GET /api/security/role returned 200 OK: unexpected answer: roles: should be a "
        'list, got {"roles": []}. Nothing was taken from this answer.'
    )


def test_cloud_list_without_its_key_is_an_unexpected_response(
    cloud: CloudClient, mock: responses.RequestsMock
) -> None:
    mock.get(MEMBERS, json={"users": []})

    with pytest.raises(UnexpectedResponse) as caught:
        cloud.list_members("42")

    assert str(caught.value).startswith(
        "Elastic Cloud GET /api/v1/organizations/42/members returned 200 OK: unexpected answer: "
        "members is missing. Nothing was taken from this answer."
    )
