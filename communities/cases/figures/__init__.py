"""The case figures: kept up to date as cases change, read by the supervisors' page.

Writing: the services call ``record`` inside their transaction each time something that
counts happens to a case; it adds one to that day's ``DayFigures`` row of the case's
community (the day of ``at`` in ``settings.TIME_ZONE``). Reading: ``figures_of`` (one
place), ``league`` (the places one level below) and ``report`` (both at once) add the rows
of a period up in SQL — a constant number of queries whatever the number of communities
or cases — and ``cases_behind`` lists the cases behind one figure (the drill-down), read
from the cases themselves with the same day-and-event rules:

=============  ======================================================================
figure         a case counts on the day …
=============  ======================================================================
raised         it was raised (``created_at``)
responded      the first answer ever reached the reporter (``first_response_at``); its
               ``response_minutes`` go into the response-time histogram
accepted       it was accepted (an ``accepted`` timeline entry)
declined       it was declined (a ``declined`` entry)
resolved       it was first resolved (``resolved_at``); its ``resolution_minutes`` go
               into the resolution-time histogram
closed         it was closed, confirmed or automatically (``closed_at``)
rated          the reporter rated it (``closed_at`` of a case with a ``rating``)
reopened       the reporter reopened it (a ``reopened`` entry)
overdue        it first breached a deadline (its first ``breached`` entry)
=============  ======================================================================

Durations are working minutes (weekends and holidays do not count) and are kept as
histograms whose buckets ``bucket`` defines, so a median or a 90th percentile over any
set of days and places is exact to the bucket.
"""

from .behind import DRILLABLE, case_row, cases_behind, cases_behind_queryset
from .keeping import (
    COUNTERS,
    HISTOGRAMS,
    WHATS,
    bucket,
    day_of,
    figures_changed,
    record,
    replay_events,
    today,
    zone,
)
from .looks import DEFAULT_DAYS, Look, column_labels, csv_rows, drill, look_at, page
from .sums import (
    FIGURES,
    Totals,
    figures_of,
    league,
    league_sorted,
    levels_below,
    percentile,
    report,
)

__all__ = [
    "COUNTERS",
    "DEFAULT_DAYS",
    "DRILLABLE",
    "FIGURES",
    "HISTOGRAMS",
    "WHATS",
    "Look",
    "Totals",
    "bucket",
    "case_row",
    "cases_behind",
    "cases_behind_queryset",
    "column_labels",
    "csv_rows",
    "day_of",
    "drill",
    "figures_changed",
    "figures_of",
    "league",
    "league_sorted",
    "levels_below",
    "look_at",
    "page",
    "percentile",
    "record",
    "replay_events",
    "report",
    "today",
    "zone",
]
