"""``python -m rootmass``: the root-mass command (see :mod:`rootmass.command`)."""

import sys

from rootmass.command import main

if __name__ == "__main__":
    sys.exit(main())
