"""What every studio service function is handed (studio/service/context.py): a request's record, its folder and
its proof."""

from __future__ import annotations

from studiocase import SHOTS, campaign

from artpipe.report.proofview import RECORD
from artpipe.studio.service import downloads
from artpipe.studio.service.context import Studio


def test_a_campaign_rendered_before_the_record_reads_from_its_report(studio: Studio) -> None:
    record = studio.record(campaign(studio))
    typed = studio.proof(record)
    (studio.root(record) / RECORD).unlink()
    legacy = studio.proof(record)
    assert typed is not None
    assert legacy is not None
    assert [s.rel for s in legacy.shots] == [s.rel for s in typed.shots] == list(SHOTS)
    assert downloads.proof_file(studio, record).body.count(b"data:image/png;base64,") == 3
