"""``python -m artpipe``."""

from artpipe.cli import main

main()
