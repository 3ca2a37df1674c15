"""``python -m artpipe``."""

from artpipe.cli.commands import main

main()
