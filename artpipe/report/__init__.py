"""What a run produced and how people read it: ``results`` (typed results of a worker), ``outcome`` (report items
and the JSON report), ``proofview`` and ``proof`` (the proof page, sheets and layer boxes), ``pagefonts`` (the
fonts of a page people read).

``from artpipe.report import Outcome`` and everything ``artpipe/report.py`` exported still import from here.
"""

from artpipe.report.outcome import *  # noqa: F403
