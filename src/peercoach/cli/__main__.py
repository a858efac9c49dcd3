"""``python -m peercoach.cli`` runs the same command as the ``peercoach`` script."""

import sys

from peercoach.cli import main

sys.exit(main())
