"""Kibana spaces as code: ``spec`` (the config), ``expand`` (config -> API bodies), ``flatten``
(API answers -> the comparable form and back to config), ``validation`` (every rule) and
``importer`` (``elastic-access import --spaces``)."""
