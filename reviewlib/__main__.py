"""``python -m reviewlib`` runs the command line."""

from reviewlib.cli import main

raise SystemExit(main())
