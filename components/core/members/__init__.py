"""One Elastic Cloud organization member: its config (``spec``), its role assignments as atoms
(``atoms``), its rules (``validation``), the live organization (``roster``), what may run
(``decisions``), and ``import`` (``importer``)."""
