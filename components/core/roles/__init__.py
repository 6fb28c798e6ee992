"""One Kibana role: its config (``spec``), its body (``body``: normalise, PUT body), config to
body (``expand``) and back (``flatten``), its rules (``validation``; privilege names in
``privileges``), and ``import`` (``importer``)."""
