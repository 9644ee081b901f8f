"""The demo gives the committee console something to show, and stays idempotent."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from communities.moderation.models import AuditEntry, Gate, Report, WordFilter
from communities.rules import gatekeeping as gate_rules
from communities.rules.words import filter_matches


def test_the_demo_has_a_filter_a_counted_report_and_a_gated_proposal(db: None) -> None:
    out = StringIO()
    call_command("seed_demo", "--quiet", stdout=out)
    assert "1 open report(s)" in out.getvalue()
    word_filter = WordFilter.objects.get(community__name="美罗家园第一居委会")
    assert word_filter.enabled
    assert filter_matches(word_filter.community_id, "有人 代 开 发 票 吗") == ["代开发票"]
    report = Report.objects.get(status="open")
    assert report.count == 2
    assert report.target_kind == "message"
    gate = Gate.objects.get()
    assert gate.target_kind == "topic_proposal"
    assert gate_rules.gate_of("topic_proposal", gate.target_id) is not None
    # zhu_xia's application stays the committee's to decide (the README's join walkthrough).
    assert not Gate.objects.filter(target_kind="application").exists()

    entries = AuditEntry.objects.count()
    call_command("seed_demo", "--quiet", stdout=StringIO())
    assert (Report.objects.count(), Gate.objects.count(), AuditEntry.objects.count()) == (
        1,
        1,
        entries,
    )
    assert Report.objects.get().count == 2
