"""Where a Kibana role or space lives: the identity recorded in its outputs and how two
identities compare (issue 11 section 1; pulumi/pulumi#716)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.core.target import TargetIdentity, normalise_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://Kibana.Example.com:443/", "https://kibana.example.com"),
        ("http://127.0.0.1:80", "http://127.0.0.1"),
        ("http://127.0.0.1:5601/", "http://127.0.0.1:5601"),
        ("https://kb.example.com:9243/base/path/", "https://kb.example.com:9243/base/path"),
        ("http://[::1]:5601", "http://[::1]:5601"),
    ],
)
def test_urls_are_compared_in_a_normal_form(url: str, expected: str) -> None:
    assert normalise_url(url) == expected


A = TargetIdentity(url="https://a.example.com", cluster="uuid-a")


def test_another_url_to_the_same_cluster_is_the_same_target() -> None:
    assert A.same_as(TargetIdentity(url="https://lb.example.com", cluster="uuid-a"))
    assert not A.same_as(TargetIdentity(url="https://a.example.com", cluster="uuid-b"))


def test_without_a_cluster_uuid_the_url_and_server_name_decide() -> None:
    serverless = TargetIdentity(url="https://p.kb.example.com", name="project-1")
    assert serverless.same_as(TargetIdentity(url="https://p.kb.example.com", name="project-1"))
    assert not serverless.same_as(TargetIdentity(url="https://p.kb.example.com", name="other"))
    assert not serverless.same_as(TargetIdentity(url="https://q.kb.example.com", name="project-1"))
    # One side without a uuid: the URL is all that can be compared.
    assert A.same_as(TargetIdentity(url="https://a.example.com"))


def test_the_saved_form_reads_back_and_junk_reads_as_nothing_recorded() -> None:
    assert A.saved() == {"url": "https://a.example.com", "cluster": "uuid-a"}
    assert TargetIdentity.recorded(A.saved()) == A
    assert str(A) == "the Elasticsearch cluster uuid-a behind https://a.example.com"
    assert str(TargetIdentity(url="https://p", name="n")) == "the Kibana at https://p"


@given(st.none() | st.text() | st.integers() | st.dictionaries(st.text(), st.none() | st.text()))
def test_no_saved_value_crashes_reading_it(saved: Any) -> None:
    found = TargetIdentity.recorded(saved)
    assert found is None or isinstance(found.url, str)
