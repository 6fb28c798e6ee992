"""One Kibana space: its config (``spec``: the schema and the POST / PUT body) and ``import``
(``importer``)."""
