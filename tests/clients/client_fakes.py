"""Constants and fakes shared by the client tests (fixtures are in conftest.py)."""

from __future__ import annotations

from http.client import RemoteDisconnected

import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

KIBANA = "https://kibana.test:9243"
CLOUD = "https://cloud.test"
API = f"{CLOUD}/api/v1"
# A realistic Elasticsearch API key: base64 of "<id>:<secret>".
API_KEY = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="
API_KEY_SECRET = "ui2lp2axTNmsyakw9tvNnw"
CLOUD_KEY = "essu_Q2xvdWRLZXlTZWNyZXQxMjM0NTY3ODkw"
USERNAME = "elastic"
PASSWORD = "s3cr3t-Passw0rd"
BASIC_TOKEN = "ZWxhc3RpYzpzM2NyM3QtUGFzc3cwcmQ="  # base64("elastic:s3cr3t-Passw0rd")


class FakeTime:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def connection_refused() -> requests.ConnectionError:
    """What requests raises when nothing listens: the request was never sent."""
    cause = NewConnectionError(
        object(),  # type: ignore[arg-type]
        "Failed to establish a new connection: [Errno 111] Connection refused",
    )
    return requests.ConnectionError(MaxRetryError(None, "/", cause))  # type: ignore[arg-type]


def connection_dropped() -> requests.ConnectionError:
    """What requests raises when the server closes the connection without answering."""
    cause = RemoteDisconnected("Remote end closed connection without response")
    return requests.ConnectionError(ProtocolError("Connection aborted.", cause))


def boom(status: int, message: str) -> dict[str, object]:
    """A Kibana (hapi Boom) error body."""
    return {"statusCode": status, "error": "Error", "message": message}


def cloud_error(code: str, message: str) -> dict[str, object]:
    """An Elastic Cloud ``BasicFailedReply`` body."""
    return {"errors": [{"code": code, "message": message}]}
