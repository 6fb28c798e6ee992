"""``elastic-access validate --live``: the config against a (faked) live Kibana."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import responses
from responses import matchers

from components.cli import common, main
from components.clients import RetryPolicy
from components.core.feature_catalog import features_for, privileges_of
from components.core.versions import KibanaTarget
from sandbox.server import Sandbox

KIBANA = "http://kibana.test:5601"
API_KEY = "live-check-secret-key"
CONFIG = """config:
  elastic-access:kibana:
    url: {url}
  elastic-access:roles:
    triage:
      spaces: [default]
      cases:
        observability:
          access: read
          allow: [create_comment]
    analysts:
      kibana:
        - spaces: [default]
          feature: {discover_v3: [read]}
"""


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KIBANA_ENDPOINT", "KIBANA_USERNAME", "KIBANA_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KIBANA_API_KEY", API_KEY)
    monkeypatch.setattr(common, "RETRY", RetryPolicy(max_attempts=1))


def privileges(*, sub_features: bool) -> dict[str, Any]:
    target = KibanaTarget.of("9.1.0")
    return {
        "global": ["all", "read"],
        "space": ["all", "read"],
        "features": {
            fid: privileges_of(f, target, sub_features=sub_features)
            for fid, f in features_for(target).items()
        },
        "reserved": [],
    }


def fake_kibana(rsps: responses.RequestsMock, *, gold: bool) -> None:
    rsps.get(
        f"{KIBANA}/api/status", json={"version": {"number": "9.1.0", "build_flavor": "traditional"}}
    )
    rsps.get(
        f"{KIBANA}/api/security/privileges",
        json=privileges(sub_features=gold),
        match=[matchers.query_param_matcher({})],
    )
    rsps.get(
        f"{KIBANA}/api/security/privileges",
        json=privileges(sub_features=True),
        match=[matchers.query_param_matcher({"respectLicenseLevel": "false"})],
    )
    rsps.get(f"{KIBANA}/api/spaces/space", json=[{"id": "default", "name": "Default"}])
    rsps.get(f"{KIBANA}/internal/security/esPrivileges/builtin", json=BUILTIN)


# What this fake Elasticsearch has (a short list of its own: Kibana drops ``none`` from index).
BUILTIN = {
    "cluster": ["all", "manage", "monitor", "monitor_quantum_flux"],
    "index": ["all", "auto_configure", "create_doc", "read", "view_index_metadata"],
    "remote_cluster": ["monitor_enrich"],
}


def write(tmp_path: Path, url: str = KIBANA, text: str = CONFIG) -> str:
    path = tmp_path / "Pulumi.live.yaml"
    path.write_text(text.replace("{url}", url))
    return str(path)


def test_unknown_feature_is_an_error_with_close_matches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake_kibana(rsps, gold=True)
        assert main(["validate", "--config", write(tmp_path), "--live"]) == 1
    err = capsys.readouterr().err
    assert (
        "roles.analysts.kibana[0].feature.discover_v3: feature 'discover_v3' does not exist in "
        "Kibana 9.1.0 (did you mean discover_v2"
    ) in err
    assert "roles.triage" not in err


def test_below_gold_license_reports_the_sub_feature(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with responses.RequestsMock() as rsps:
        fake_kibana(rsps, gold=False)
        assert main(["validate", "--config", write(tmp_path), "--live"]) == 1
    err = capsys.readouterr().err
    assert (
        "roles.triage.cases.observability: observabilityCasesV3.create_comment is a sub-feature "
        "privilege, which this Kibana's license does not allow (gold or higher is needed)"
    ) in err


def test_a_valid_config_passes_live(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = CONFIG.split("    analysts:")[0]
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake_kibana(rsps, gold=True)
        assert main(["validate", "--config", write(tmp_path, text=text), "--live"]) == 0
    assert "valid for the live Kibana 9.1.0" in capsys.readouterr().out


def test_url_from_the_environment_and_version_mismatch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIBANA_ENDPOINT", KIBANA)
    text = (
        'config:\n  elastic-access:kibana:\n    version: "8.16.0"\n'
        "  elastic-access:roles:\n    r:\n      cases: {stack: read}\n"
    )
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake_kibana(rsps, gold=True)
        assert main(["validate", "--config", write(tmp_path, text=text), "--live"]) == 1
    assert f"kibana.version: is 8.16.0 but {KIBANA} runs 9.1.0" in capsys.readouterr().err


def test_unreachable_kibana_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--config", write(tmp_path, "http://127.0.0.1:9"), "--live"]) == 2
    err = capsys.readouterr().err
    assert (
        "elastic-access: --live: Kibana GET /api/status failed: could not reach 127.0.0.1:9" in err
    )
    assert API_KEY not in err


def test_no_url_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "config:\n  elastic-access:roles: {}\n"
    assert main(["validate", "--config", write(tmp_path, text=text), "--live"]) == 2
    assert "set kibana.url or env KIBANA_ENDPOINT" in capsys.readouterr().err


def test_without_live_nothing_is_fetched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with responses.RequestsMock():  # any request would fail: none is registered
        assert main(["validate", "--config", write(tmp_path)]) == 0
    assert "warning: roles.analysts.kibana[0].feature.discover_v3" in capsys.readouterr().err


def test_a_space_that_does_not_exist_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "config:\n  elastic-access:kibana:\n    url: {url}\n  elastic-access:roles:\n"
    text += "    soc:\n      spaces: [soc, default]\n      cases: {security: read}\n"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake_kibana(rsps, gold=True)
        assert main(["validate", "--config", write(tmp_path, text=text), "--live"]) == 0
    captured = capsys.readouterr()
    assert captured.err == (
        "warning: roles.soc.kibana[0].spaces: space soc does not exist in Kibana; the role "
        "grants nothing there until it is created (Stack Management → Spaces)\n"
    )


def test_a_space_the_config_declares_counts_as_existing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "config:\n  elastic-access:kibana:\n    url: {url}\n  elastic-access:roles:\n"
    text += "    soc:\n      spaces: [soc, default]\n      cases: {security: read}\n"
    text += "  elastic-access:spaces:\n    soc: {name: SOC, disabledFeatures: [mll]}\n"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake_kibana(rsps, gold=True)
        rsps.get(f"{KIBANA}/api/features", json=[{"id": "ml"}, {"id": "discover_v2"}])
        assert main(["validate", "--config", write(tmp_path, text=text), "--live"]) == 1
    assert capsys.readouterr().err == (
        "spaces.soc.disabledFeatures[0]: feature 'mll' does not exist in the Kibana at "
        f"{KIBANA}; did you mean ml?\n"
        "warning: spaces.soc.disabledFeatures[0]: feature 'mll' is not in the offline catalog "
        "(did you mean ml?); preview against the live Kibana 9.1.0 decides (Kibana stores any "
        "id and hides nothing for an unknown one)\n"
    )


def test_the_local_stack_is_valid_live_against_the_sandbox_without_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], project_root: Path
) -> None:
    text = (project_root / "stacks/Pulumi.local.yaml").read_text()
    with Sandbox(api_key=API_KEY) as sandbox:
        local = write(tmp_path, text=text.replace("http://127.0.0.1:5601", sandbox.kibana_url))
        assert main(["validate", "--config", local, "--live"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.startswith("ok: ")


# ---------------------------------------------------------------- Elasticsearch names (issue 11 §3)

LOADERS = """config:
  elastic-access:kibana:
    url: {url}
  elastic-access:roles:
    loaders:
      elasticsearch:
        cluster: [monitor, monitor_quantum_flux]
        indices:
          - names: [logs-*]
            privileges: [auto_configure, auto_create, create_doc]
"""


def test_the_live_list_settles_elasticsearch_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """terraform-provider-elasticstack#2403: auto_create used to pass validate --live."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake_kibana(rsps, gold=True)
        assert main(["validate", "--config", write(tmp_path, text=LOADERS), "--live"]) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "roles.loaders.elasticsearch.indices[0].privileges[1]: unknown index privilege "
        "[auto_create]: Elasticsearch 9.1.0 would refuse the role; allowed: all, auto_configure, "
        "create_doc, read, view_index_metadata, or an action pattern with ':'"
    ]  # monitor_quantum_flux is this Elasticsearch's own: the live list, not the table, decides


def test_without_the_live_list_the_table_of_the_release_decides(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Where Kibana refuses the internal route (serverless restricts internal APIs), the
    offline table of the live release decides."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.get(
            f"{KIBANA}/internal/security/esPrivileges/builtin",
            status=400,
            json={"statusCode": 400, "error": "Bad Request", "message": "uri [...] exists but "
                  "is not available with the current configuration"},
        )  # fmt: skip
        fake_kibana(rsps, gold=True)
        assert main(["validate", "--config", write(tmp_path, text=LOADERS), "--live"]) == 1
    err = capsys.readouterr().err
    assert "roles.loaders.elasticsearch.cluster[1]: unknown cluster privilege " in err
    assert "[monitor_quantum_flux]: Elasticsearch 9.1.0 would refuse the role; allowed: all," in err
    assert "unknown index privilege [auto_create]: Elasticsearch 9.1.0 would refuse the role" in err


def test_a_name_no_list_knows_fails_validate_live(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It used to pass with a warning offline and say ok with --live, then fail at apply."""
    text = LOADERS.replace("[monitor, monitor_quantum_flux]", "[manage_quantum_flux]").replace(
        "auto_create, ", ""
    )
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake_kibana(rsps, gold=True)
        assert main(["validate", "--config", write(tmp_path, text=text), "--live"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "roles.loaders.elasticsearch.cluster[0]: unknown cluster privilege [manage_quantum_flux]: "
        "Elasticsearch 9.1.0 would refuse the role; did you mean monitor_quantum_flux?"
    ]


def test_a_flavor_typo_is_named_and_the_url_beside_it_is_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = CONFIG.replace("    url: {url}\n", "    url: {url}\n    flavor: Serverless\n")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake_kibana(rsps, gold=True)
        assert main(["validate", "--config", write(tmp_path, text=text), "--live"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (
        "kibana.flavor: 'Serverless' is not allowed (did you mean serverless?); allowed: "
        "stateful, serverless"
    )
    assert "no Kibana URL" not in "\n".join(err)
    assert err[1].startswith("roles.analysts.kibana[0].feature.discover_v3: feature")  # live


def test_a_url_of_the_wrong_kind_is_named_and_nothing_is_fetched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with responses.RequestsMock():  # any request would fail: none is registered
        assert main(["validate", "--config", write(tmp_path, url="[a]"), "--live"]) == 1
    assert capsys.readouterr().err.splitlines()[:2] == [
        "warning: --live: not checked against the live Kibana: fix the kibana errors first",
        "kibana.url: must be text, not a list",
    ]


def test_a_space_declared_with_a_mistake_still_counts_as_declared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "config:\n  elastic-access:kibana:\n    url: {url}\n  elastic-access:roles:\n"
    text += "    soc:\n      spaces: [soc, default]\n      cases: {security: read}\n"
    text += "  elastic-access:spaces:\n    soc: {name: [SOC]}\n"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake_kibana(rsps, gold=True)
        assert main(["validate", "--config", write(tmp_path, text=text), "--live"]) == 1
    assert capsys.readouterr().err == "spaces.soc.name: must be text, not a list\n"


def test_no_credential_says_which_variables_provide_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("KIBANA_API_KEY", "KIBANA_USERNAME", "KIBANA_PASSWORD"):
        monkeypatch.delenv(variable, raising=False)
    with responses.RequestsMock():  # nothing is asked: a 401 would blame a credential never given
        assert main(["validate", "--config", write(tmp_path), "--live"]) == 2
    assert capsys.readouterr().err.strip() == (
        "elastic-access: no Kibana credential: set env KIBANA_API_KEY, or "
        "KIBANA_USERNAME and KIBANA_PASSWORD (the elastic-access commands read credentials from "
        "the environment only: a secret set with pulumi config set --secret is for pulumi "
        "preview and up)"
    )
