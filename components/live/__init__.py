"""How elastic-access reaches a Kibana or an Elastic Cloud organization, for the providers and
the live commands alike (neither builds clients of its own).

``settings``: credentials and endpoints, and their precedence (stack config, then environment).
``kibana``: a Kibana's target, privileges, spaces and roles, listed once per process, and the
config-vs-live checks of a role. ``cloud``: an organization's roster, one per process and
organization whichever provider asks, and the writes that keep it current.

Modules are imported on use (this package imports none), so that a provider host loads only
what its providers need.
"""
