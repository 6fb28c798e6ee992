"""elastic-access: Kibana roles and Elastic Cloud organization members as code.

Layers, one direction: ``core`` (pure rules and data) <- ``clients`` (HTTP) <-
``providers`` (Pulumi dynamic-provider adapters) <- ``kibana_roles`` /
``organization`` (Pulumi components) <- ``__main__.py``. Importing this package
has no side effects and does not import Pulumi.
"""
