"""``python -m components.cli``."""

from . import main

raise SystemExit(main())
