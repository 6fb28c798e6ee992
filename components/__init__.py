"""elastic-access: Kibana roles and Elastic Cloud organization members as code.

Layers, one direction: ``core`` (pure rules and data: config schema, catalogs, one folder per
resource) <- ``clients`` (HTTP) <- ``live`` (credentials, the live views and their per-process
caches) <- ``providers`` (Pulumi dynamic-provider adapters) <- ``kibana_roles`` /
``cloud_members`` (Pulumi components) <- ``program`` / ``__main__.py``; the ``cli`` uses core and
live. Importing this package has no side effects and does not import Pulumi.
"""
