"""An Elasticsearch **root stand-in** (``--es-port``): ``GET /`` as Elasticsearch answers it, and
nothing else.

It exists for clients that ask Elasticsearch for its version before they talk to Kibana:
terraform-provider-elasticstack with an ``elasticsearch`` connection reads ``GET /`` once per
process through go-elasticsearch, which refuses any answer without the header
``X-Elastic-Product: Elasticsearch`` ("the client noticed that the server is not Elasticsearch
and we do not support this unknown product"). The sandbox is not an Elasticsearch: every other
route answers Elasticsearch's 400 ``no handler found for uri [...] and method [...]``.

The answer follows the root API (``GET /``, "Get cluster info", elastic.co/docs/api/elasticsearch
``operation-info``): ``name``, ``cluster_name``, ``cluster_uuid`` (the sandbox's own, the one
``GET /api/stats`` of its Kibana reports), ``version`` and ``tagline``. ``version.number`` is the
profile's version (on a serverless profile the newest release the sandbox knows, as Serverless
"reports the next target release" there) and ``build_flavor`` is ``default`` or ``serverless``.
The build fields (hash, date, Lucene) are the stand-in's, not a real build's.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from sandbox.context import Context
from sandbox.profiles import Profile
from sandbox.web import Request, Response, Route

PRODUCT_HEADER = {"X-Elastic-Product": "Elasticsearch"}
NODE_NAME = "sandbox-es-stand-in"
CLUSTER_NAME = "sandbox"
TAGLINE = "You Know, for Search"
BASIC_USER = "elastic"
_AUTHENTICATE = (
    "unable to authenticate with provided credentials and anonymous access is not allowed for "
    "this request"
)
# Per major release: the Lucene major the stand-in reports and the compatibility floors every
# Elasticsearch of that major has (wire: the previous major's last minor; index: its .0).
_MAJORS = {7: ("8.11.3", "6.8.0", "6.0.0-beta1"), 8: ("9.12.0", "7.17.0", "7.0.0"),
           9: ("10.2.2", "8.19.0", "8.0.0")}  # fmt: skip


def es_error(status: int, error: Any, headers: dict[str, str] | None = None) -> Response:
    """Elasticsearch's error body (``{"error": ..., "status": ...}``) with the product header."""
    body = {"error": error, "status": status} if isinstance(error, dict) else {"error": error}
    return Response(status, body, {**PRODUCT_HEADER, **(headers or {})})


def _security_exception(status: int, reason: str) -> dict[str, Any]:
    cause = {"type": "security_exception", "reason": reason}
    return {"root_cause": [cause], **cause}


def authorize(ctx: Context, req: Request, route: Route | None) -> Response | None:
    """401 without the sandbox's credentials (``ApiKey <key>`` or Basic ``elastic:<key>``), as
    Elasticsearch answers it, with its ``WWW-Authenticate`` challenges."""
    header = req.header("authorization") or ""
    scheme, _, credential = header.partition(" ")
    credential = credential.strip()
    if scheme.lower() == "apikey" and credential in (ctx.api_key, ctx.readonly_api_key or None):
        return None
    if scheme.lower() == "basic" and basic_ok(credential, ctx.api_key):
        return None
    challenge = 'Basic realm="security", charset="UTF-8", ApiKey'
    return es_error(401, _security_exception(401, _AUTHENTICATE), {"WWW-Authenticate": challenge})


def basic_ok(credential: str, password: str) -> bool:
    """Whether a Basic credential is the sandbox's user with ``password`` (Kibana and ES alike)."""
    try:
        decoded = base64.b64decode(credential, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return False
    return decoded == f"{BASIC_USER}:{password}"


def root_body(profile: Profile, cluster_uuid: str) -> dict[str, Any]:
    """What ``GET /`` answers for this profile and cluster."""
    major = profile.version[0]
    lucene, wire, index = _MAJORS.get(major, _MAJORS[max(_MAJORS)])
    return {
        "name": NODE_NAME,
        "cluster_name": CLUSTER_NAME,
        "cluster_uuid": cluster_uuid,
        "version": {
            "number": profile.number,
            "build_flavor": "serverless" if profile.serverless else "default",
            "build_type": "docker",
            "build_hash": "sandbox",
            "build_date": "2025-01-01T00:00:00.000Z",
            "build_snapshot": False,
            "lucene_version": lucene,
            "minimum_wire_compatibility_version": wire,
            "minimum_index_compatibility_version": index,
        },
        "tagline": TAGLINE,
    }


def root(ctx: Context, req: Request, params: dict[str, str]) -> Response:
    return Response(200, root_body(ctx.profile, ctx.world.cluster_uuid), dict(PRODUCT_HEADER))


def no_handler(req: Request) -> Response:
    """Elasticsearch's answer to a route it does not have (here: every route but ``GET /``)."""
    return es_error(400, f"no handler found for uri [{req.path}] and method [{req.method}]")


def routes(ctx: Context) -> list[Route]:
    return [Route("GET", "/", root)]
