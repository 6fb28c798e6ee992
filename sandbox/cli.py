"""``elastic-access sandbox`` / ``python -m sandbox``: run the sandbox until stopped."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from sandbox.server import Sandbox


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="elastic-access sandbox",
        description=(
            "A local stand-in for the Kibana role, privileges and spaces APIs and the Elastic "
            "Cloud organization API, for trying elastic-access out and for tests. It is not "
            "Elastic."
        ),
    )
    parser.add_argument("--port", type=int, default=5601, help="Kibana port (0: any free port)")
    parser.add_argument(
        "--cloud-port", type=int, default=9443, help="Elastic Cloud port (0: any free port)"
    )
    parser.add_argument(
        "--es-port",
        type=int,
        default=None,
        metavar="PORT",
        help="also serve an Elasticsearch root stand-in (GET / only, with X-Elastic-Product) on "
        "this port (0: any free port); off by default",
    )
    parser.add_argument(
        "--profile",
        default="9.1.0",
        help="Kibana version (8.16.0, 9.1.0, ...) or serverless-observability, "
        "serverless-security, serverless-search",
    )
    parser.add_argument(
        "--license", default="platinum", help="basic, gold, platinum (default) or enterprise"
    )
    parser.add_argument("--api-key", default="sandbox", help="the accepted API key")
    parser.add_argument("--state", metavar="FILE", help="load and save the world in FILE")
    parser.add_argument(
        "--cluster-uuid",
        metavar="UUID",
        help="the Elasticsearch cluster uuid GET /api/stats answers (default: random, kept in "
        "--state); give two sandboxes the same one to play one cluster behind two Kibanas",
    )
    parser.add_argument("--controls", action="store_true", help="enable the /_sandbox/ controls")
    parser.add_argument(
        "--shuffle", action="store_true", help="return set-like arrays in random order"
    )
    parser.add_argument(
        "--invite-rate-limit",
        type=_positive,
        default=10,
        metavar="N",
        help="invitations Elastic Cloud creates per clock-minute before it answers 429 "
        "(default 10; the real limit is not published)",
    )
    return parser


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        sandbox = Sandbox(
            profile=args.profile,
            license=args.license,
            api_key=args.api_key,
            kibana_port=args.port,
            cloud_port=args.cloud_port,
            state_file=args.state,
            controls=args.controls,
            shuffle=args.shuffle,
            cluster_uuid=args.cluster_uuid,
            invite_rate_limit=args.invite_rate_limit,
            es_port=args.es_port,
        )
        sandbox.start()
    except (ValueError, OSError) as exc:
        print(f"sandbox: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        line = f"sandbox: kibana {sandbox.kibana_url} cloud {sandbox.cloud_url}"
        if sandbox.has_es:
            line += f" elasticsearch {sandbox.es_url}"
        print(line, flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        sandbox.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
