"""What a run produced and how people read it: ``results`` (typed results of a worker), ``outcome`` (report items
and the JSON report), ``proofview`` and ``proof`` (the proof page, sheets and layer boxes), ``pagefonts`` (the
fonts of a page people read).

``from artpipe.report import Outcome`` and everything ``artpipe/report.py`` exported still import from here.
"""

from artpipe.report.outcome import (
    STATUSES,
    Outcome,
    Show,
    count,
    file_item,
    product_item,
    summarize,
    told,
    warnings_note,
    what_went_wrong,
    write_report,
)

# The names report.py defined, kept for code written against it (nothing private)
__all__ = ["STATUSES", "Outcome", "Show", "count", "file_item", "product_item", "summarize", "told", "warnings_note",
           "what_went_wrong", "write_report"]
