"""The elastic-access policy pack: ``pulumi preview --policy-pack policy``.

The rules live in ``rules.py`` (plain functions, unit-tested without pulumi_policy); this file
only wires them into a ``PolicyPack``, every policy mandatory.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The rules next to this file, and the product (its catalog and rendering) in the project root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import rules

try:
    from pulumi_policy import (
        EnforcementLevel,
        PolicyPack,
        ReportViolation,
        ResourceValidationArgs,
        ResourceValidationPolicy,
    )
except ImportError as error:  # pragma: no cover - only without the pack's requirements
    raise SystemExit(
        "the elastic-access policy pack needs pulumi-policy: pip install -r policy/requirements.txt"
    ) from error


def _policy(rule: rules.Rule) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if args.resource_type != rule.resource_type:
            return
        for message in rule.check(args.props):
            report_violation(message, None)

    return ResourceValidationPolicy(
        name=rule.name,
        description=rule.description,
        validate=validate,
        enforcement_level=EnforcementLevel.MANDATORY,
    )


PolicyPack(
    name="elastic-access",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[_policy(rule) for rule in rules.RULES],
)
