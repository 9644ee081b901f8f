"""The case figures against a small data set computed by hand, the league table, the CSV,
the drill-down, the refusals (through HTTP) and the query count at district scale."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities.cases import figures
from communities.cases.figures import bucket, percentile, record, sums
from communities.cases.models import Case, Category, DayFigures, Entry
from communities.models import AccessLog, Place, PlaceKind, User
from communities.services import place_create
from tests.conftest import World, client_for

SH = ZoneInfo("Asia/Shanghai")
NOV: dict[str, Any] = {"since": "2026-11-01", "until": "2026-11-30"}


def at(day: int, hour: int = 9, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SH)


ENTRY_OF = {
    "accepted": Entry.Kind.ACCEPTED,
    "declined": Entry.Kind.DECLINED,
    "reopened": Entry.Kind.REOPENED,
    "overdue": Entry.Kind.BREACHED,
}


class Story:
    """One case told step by step: each step changes the case as the services do, writes
    the timeline entry the drill-down reads, and records the figure."""

    def __init__(self, world: World, community: Place, raised: dt.datetime, category: Category):
        street = community.parent
        assert street is not None
        assert street.parent_id is not None
        self.case = Case.objects.create(
            community=community,
            street=street,
            district_id=street.parent_id,
            category=category,
            reporter=world.wang_fang,
            description="楼道灯坏了",
            created_at=raised,
            tier_since=raised,
        )
        record(self.case, "raised", raised)

    def responded(self, moment: dt.datetime, minutes: int) -> Story:
        self.case.first_response_at, self.case.response_minutes = moment, minutes
        self.case.save()
        record(self.case, "responded", moment, minutes=minutes)
        return self

    def event(self, what: str, moment: dt.datetime) -> Story:
        Entry.objects.create(case=self.case, kind=ENTRY_OF[what], created_at=moment)
        if what == "overdue":
            self.case.overdue = True
        if what == "declined":
            self.case.status = Case.Status.DECLINED
        if what == "reopened":
            self.case.reopened = 1
        self.case.save()
        record(self.case, what, moment)
        return self

    def resolved(self, moment: dt.datetime, minutes: int) -> Story:
        self.case.resolved_at, self.case.resolution_minutes = moment, minutes
        self.case.status = Case.Status.RESOLVED
        self.case.save()
        record(self.case, "resolved", moment, minutes=minutes)
        return self

    def closed(self, moment: dt.datetime, rating: int | None = None) -> Story:
        self.case.closed_at, self.case.rating = moment, rating
        self.case.status = Case.Status.CLOSED
        self.case.save()
        record(self.case, "closed", moment)
        if rating is not None:
            record(self.case, "rated", moment, rating=rating)
        return self


@pytest.fixture
def told(world: World) -> dict[str, Case]:
    """Nine cases, in 美罗家园 (罗店镇) and 共康 (吴淞街道), mostly in November 2026."""
    category = Category.objects.get_or_create(district=world.district, name="公共设施")[0]

    def story(community: Place, raised: dt.datetime) -> Story:
        return Story(world, community, raised, category)

    m, g = world.meiluo, world.gongkang
    a = story(m, at(2)).responded(at(2, 9, 30), 30).event("accepted", at(2, 9, 30))
    a.resolved(at(3), 600).closed(at(4), 5)
    b = story(m, at(3)).responded(at(3, 10), 60).event("accepted", at(3, 10))
    b.resolved(at(4), 1440).event("reopened", at(5)).closed(at(10), 2)
    c = story(m, at(5)).responded(at(5, 9, 45), 45).event("declined", at(5, 9, 45))
    d = story(m, at(6)).responded(at(9), 3000).event("overdue", at(8))
    d.resolved(at(12), 4320).closed(at(20))
    e = story(m, at(29))
    # Raised before the period: only what happened in November counts.
    f = story(m, at(30, month=10)).responded(at(30, 9, 15, month=10), 15)
    f.resolved(at(1), 2880).closed(at(2), 4)
    # 00:10 on 1 December in Shanghai is still 30 November in UTC: December's.
    i = story(m, at(1, 0, 10, month=12))
    gk = story(g, at(10)).responded(at(10, 10, 30), 90).event("accepted", at(10, 10, 30))
    gk.resolved(at(10, 11), 120).closed(at(12), 3)
    h = story(g, at(11)).responded(at(11, 9, 15), 15).event("overdue", at(13))
    return {
        name: s.case
        for name, s in {
            "a": a,
            "b": b,
            "c": c,
            "d": d,
            "e": e,
            "f": f,
            "i": i,
            "g": gk,
            "h": h,
        }.items()
    }


MEILUO = {
    "raised": 5,
    "accepted": 2,
    "declined": 1,
    "resolved": 4,
    "closed": 4,
    "reopened": 1,
    "overdue": 1,
    "rated": 3,
    "responded": 4,
    # 30, 45, 60, 3000: rank 2 of 4 and rank 4 of 4.
    "response_p50": 45,
    "response_p90": 3000,
    # 600, 1440, 2880, 4320.
    "resolution_p50": 1440,
    "resolution_p90": 4320,
    "reopen_rate": 0.25,
    "mean_rating": 3.67,
    "resolution_rate": 0.8,
}
GONGKANG = {
    "raised": 2,
    "accepted": 1,
    "declined": 0,
    "resolved": 1,
    "closed": 1,
    "reopened": 0,
    "overdue": 1,
    "rated": 1,
    "responded": 2,
    "response_p50": 15,
    "response_p90": 90,
    "resolution_p50": 120,
    "resolution_p90": 120,
    "reopen_rate": 0.0,
    "mean_rating": 3.0,
    "resolution_rate": 0.5,
}
DISTRICT = {
    "raised": 7,
    "accepted": 3,
    "declined": 1,
    "resolved": 5,
    "closed": 5,
    "reopened": 1,
    "overdue": 2,
    "rated": 4,
    "responded": 6,
    # 15, 30, 45, 60, 90, 3000: rank 3 and rank 6 of 6.
    "response_p50": 45,
    "response_p90": 3000,
    # 120, 600, 1440, 2880, 4320: rank 3 and rank 5 of 5.
    "resolution_p50": 1440,
    "resolution_p90": 4320,
    "reopen_rate": 0.2,
    "mean_rating": 3.5,
    "resolution_rate": 0.7143,
}
EMPTY = {
    **{name: 0 for name in figures.FIGURES},
    **{name: None for name in figures.FIGURES if "_p" in name or "_r" in name},
}


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_buckets() -> None:
    assert [bucket(m) for m in (0, 1, 15, 16, 2880)] == [0, 15, 15, 30, 2880]
    assert [bucket(m) for m in (2881, 2940, 14400)] == [2940, 2940, 14400]
    assert [bucket(m) for m in (14401, 15840, 15841)] == [15840, 15840, 17280]
    with pytest.raises(ValueError, match="negative"):
        bucket(-1)


def test_percentile_is_the_bucket_of_the_nearest_rank() -> None:
    assert percentile({}, 50) is None
    assert percentile({15: 1}, 90) == 15
    assert percentile({15: 1, 30: 1}, 50) == 15  # the lower middle value
    assert percentile({15: 9, 600: 1}, 90) == 15
    assert percentile({15: 8, 600: 2}, 90) == 600


def test_figures_of_each_place_match_the_hand_computed_values(
    world: World, told: dict[str, Case]
) -> None:
    since, until = d(NOV["since"]), d(NOV["until"])
    assert figures.figures_of(world.meiluo, since, until) == MEILUO
    assert figures.figures_of(world.luodian, since, until) == MEILUO
    assert figures.figures_of(world.gongkang, since, until) == GONGKANG
    assert figures.figures_of(world.district, since, until) == DISTRICT
    # December holds the case raised at 00:10 on its first day, Shanghai time.
    december = figures.figures_of(world.meiluo, d("2026-12-01"), d("2026-12-31"))
    assert december["raised"] == 1
    assert DayFigures.objects.get(community=world.meiluo, day=d("2026-12-01")).raised == 1
    # One day: 2 November holds A raised, answered, accepted and F closed and rated 4.
    one = figures.figures_of(world.meiluo, d("2026-11-02"), d("2026-11-02"))
    assert (one["raised"], one["responded"], one["accepted"], one["closed"]) == (1, 1, 1, 1)
    assert one["mean_rating"] == 4.0


def test_periods_across_months_add_cached_months_and_live_days(
    world: World, told: dict[str, Case]
) -> None:
    months, live = sums._split(d("2026-10-15"), d("2026-12-05"), d("2026-12-02"))
    assert months == [d("2026-11-01")]
    assert live == [(d("2026-10-15"), d("2026-10-31")), (d("2026-12-01"), d("2026-12-05"))]
    assert sums._split(d("2026-11-01"), d("2026-11-30"), d("2026-11-30")) == (
        [],
        [(d("2026-11-01"), d("2026-11-30"))],
    )
    wide = figures.figures_of(world.meiluo, d("2026-10-15"), d("2026-12-05"))
    assert (wide["raised"], wide["responded"], wide["response_p50"]) == (7, 5, 45)
    # November is cached now; a late record on one of its days is seen at once.
    story = Story(world, world.meiluo, at(20), Category.objects.get(name="公共设施"))
    story.responded(at(20, 10), 7000)
    again = figures.figures_of(world.meiluo, d("2026-10-15"), d("2026-12-05"))
    assert (again["raised"], again["responded"], again["response_p90"]) == (8, 6, 7020)


def test_league_lists_every_place_below_with_its_figures(
    world: World, told: dict[str, Case]
) -> None:
    since, until = d(NOV["since"]), d(NOV["until"])
    quiet = place_create(name="月浦镇", kind=PlaceKind.TOWN, parent=world.district)
    streets = figures.league(world.district, since, until)
    assert [row["place"]["name"] for row in streets] == ["罗店镇", "吴淞街道", "月浦镇"]
    by_id = {row["place"]["id"]: row for row in streets}
    assert {k: v for k, v in by_id[world.luodian.pk].items() if k != "place"} == MEILUO
    assert {k: v for k, v in by_id[world.wusong.pk].items() if k != "place"} == GONGKANG
    assert {k: v for k, v in by_id[quiet.pk].items() if k != "place"} == EMPTY
    communities = figures.league(world.district, since, until, "community")
    assert [row["place"]["id"] for row in communities] == [world.meiluo.pk, world.gongkang.pk]
    assert figures.league(world.luodian, since, until)[0]["raised"] == 5
    assert figures.league(world.meiluo, since, until) == []
    with pytest.raises(ValueError, match="no level"):
        figures.league(world.luodian, since, until, "street")

    most_overdue_first = figures.league_sorted(streets, "-raised")
    assert [row["place"]["name"] for row in most_overdue_first] == ["罗店镇", "吴淞街道", "月浦镇"]
    fewest = figures.league_sorted(streets, "raised")
    assert [row["place"]["name"] for row in fewest] == ["月浦镇", "吴淞街道", "罗店镇"]
    # A place without ratings comes last whichever way the table is sorted.
    assert [r["place"]["name"] for r in figures.league_sorted(streets, "mean_rating")] == [
        "吴淞街道",
        "罗店镇",
        "月浦镇",
    ]
    assert [r["place"]["name"] for r in figures.league_sorted(streets, "-mean_rating")] == [
        "罗店镇",
        "吴淞街道",
        "月浦镇",
    ]


def test_record_refuses_what_it_cannot_count(world: World, told: dict[str, Case]) -> None:
    case = told["e"]
    before = list(DayFigures.objects.values())
    with pytest.raises(ValueError, match="unknown figure"):
        record(case, "escalated", at(29))
    with pytest.raises(ValueError, match="rating"):
        record(case, "rated", at(29), rating=6)
    with pytest.raises(ValueError, match="minutes"):
        record(case, "responded", at(29))
    assert list(DayFigures.objects.values()) == before


DRILL = {
    "raised": ["e", "d", "c", "b", "a"],
    "responded": ["d", "c", "b", "a"],
    "accepted": ["b", "a"],
    "declined": ["c"],
    "resolved": ["d", "b", "a", "f"],
    "closed": ["d", "b", "a", "f"],
    "rated": ["b", "a", "f"],
    "reopened": ["b"],
    "overdue": ["d"],
}


@pytest.mark.parametrize("figure", list(DRILL))
def test_drill_down_returns_exactly_the_cases_behind_a_figure(
    world: World, told: dict[str, Case], figure: str
) -> None:
    got = figures.cases_behind(
        world.liu_yang, world.luodian, d(NOV["since"]), d(NOV["until"]), figure
    )
    assert [row["id"] for row in got["cases"]] == [told[name].pk for name in DRILL[figure]]
    assert got["count"] == len(DRILL[figure])
    count = figures.figures_of(world.luodian, d(NOV["since"]), d(NOV["until"]))[figure]
    assert got["count"] == count


def test_figures_page_over_http(world: World, told: dict[str, Case]) -> None:
    client = client_for(world.huang_jun)
    response = client.get("/api/cases/figures", {"place_id": world.district.pk, **NOV})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["figures"] == DISTRICT
    assert body["level"] == "street"
    assert body["levels"] == ["street", "community"]
    assert [row["place"]["name"] for row in body["rows"]] == ["罗店镇", "吴淞街道"]
    assert AccessLog.objects.filter(
        actor=world.huang_jun, action="view_case_figures", place=world.district
    ).exists()
    by_overdue = client.get(
        "/api/cases/figures",
        {"place_id": world.district.pk, **NOV, "level": "community", "sort": "resolution_rate"},
    ).json()
    assert [row["place"]["id"] for row in by_overdue["rows"]] == [
        world.gongkang.pk,
        world.meiluo.pk,
    ]


def test_default_period_is_the_last_30_days(world: World, told: dict[str, Case]) -> None:
    import time_machine

    with time_machine.travel(at(30, 12), tick=False):
        body = (
            client_for(world.liu_yang)
            .get("/api/cases/figures", {"place_id": world.luodian.pk})
            .json()
        )
    assert (body["since"], body["until"]) == ("2026-11-01", "2026-11-30")
    assert body["figures"] == MEILUO


def test_csv_of_the_league_table(world: World, told: dict[str, Case]) -> None:
    # No Accept-Language: the site's language, Chinese.
    from django.test import Client

    client = Client()
    client.force_login(world.huang_jun)
    response = client.get("/api/cases/figures.csv", {"place_id": world.district.pk, **NOV})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "地点"
    assert "提出" in rows[0]
    assert len(rows[0]) == 1 + len(figures.FIGURES)
    assert [row[0] for row in rows[1:]] == ["罗店镇", "吴淞街道", "宝山区"]
    luodian = dict(zip(figures.FIGURES, rows[1][1:], strict=True))
    assert luodian["raised"] == "5"
    assert luodian["response_p50"] == "45"
    assert luodian["mean_rating"] == "3.67"
    assert rows[3][1] == "7"
    english = client_for(world.huang_jun).get(
        "/api/cases/figures.csv", {"place_id": world.district.pk, **NOV}
    )
    assert english.content.decode("utf-8-sig").startswith("place,raised,")


def test_drill_down_over_http(world: World, told: dict[str, Case]) -> None:
    client = client_for(world.li_wei)  # meiluo's committee: its own community
    response = client.get(
        "/api/cases/figures/cases", {"place_id": world.meiluo.pk, **NOV, "figure": "overdue"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [row["id"] for row in body["cases"]] == [told["d"].pk]
    assert dt.datetime.fromisoformat(body["cases"][0]["figure_at"]) == at(8)
    assert AccessLog.objects.filter(actor=world.li_wei, action="view_cases").count() == 1
    paged = client.get(
        "/api/cases/figures/cases",
        {"place_id": world.meiluo.pk, **NOV, "figure": "raised", "limit": 2, "offset": 1},
    ).json()
    assert paged["count"] == 5
    assert [row["id"] for row in paged["cases"]] == [told["d"].pk, told["c"].pk]


@pytest.mark.parametrize(
    ("who", "place"),
    [
        ("wang_fang", "meiluo"),  # a resident
        ("wusong_supervisor", "luodian"),  # another street's supervisor
        ("wusong_supervisor", "meiluo"),
        ("liu_yang", "district"),  # a street supervisor above their street
        ("lin_na", "meiluo"),  # another community's committee
        ("li_wei", "luodian"),  # a committee member, for their street
        ("zhao_lei", "meiluo"),  # a party member is not staff
    ],
)
def test_refusals_are_404_and_log_nothing(
    world: World, told: dict[str, Case], who: str, place: str
) -> None:
    user: User = getattr(world, who)
    target: Place = getattr(world, place)
    client = client_for(user)
    for path, extra in (
        ("/api/cases/figures", {}),
        ("/api/cases/figures.csv", {}),
        ("/api/cases/figures/cases", {"figure": "raised"}),
    ):
        response = client.get(path, {"place_id": target.pk, **NOV, **extra})
        assert response.status_code == 404, (path, response.content)
        assert response.json()["code"] == "not_found"
    assert not AccessLog.objects.filter(actor=user).exists()


def test_unknown_place_and_logged_out(world: World) -> None:
    assert (
        client_for(world.huang_jun).get("/api/cases/figures", {"place_id": 999999}).status_code
        == 404
    )
    assert (
        client_for(None).get("/api/cases/figures", {"place_id": world.district.pk}).status_code
        == 401
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "2026-13-01"}, "since"),
        ({"until": "yesterday"}, "until"),
        ({"since": "2026-11-30", "until": "2026-11-01"}, "since"),
        ({"level": "estate"}, "level"),
        ({"sort": "-nonsense"}, "sort"),
    ],
)
def test_bad_input_is_400(world: World, params: dict[str, Any], field: str) -> None:
    response = client_for(world.liu_yang).get(
        "/api/cases/figures", {"place_id": world.luodian.pk, **params}
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not AccessLog.objects.exists()


def test_drill_down_bad_figure_is_400(world: World) -> None:
    client = client_for(world.liu_yang)
    query: dict[str, Any] = {"place_id": world.luodian.pk, "figure": "happiness"}
    response = client.get("/api/cases/figures/cases", query)
    assert response.status_code == 400
    assert "figure" in response.json()["errors"]
    response = client.get("/api/cases/figures/cases", {**query, "figure": "raised", "limit": 0})
    assert response.status_code == 400


def _district_queries(world: World, communities: int) -> list[int]:
    """Add communities (each with a day of figures) under a new street; count the queries of
    the district's figures page, by streets and by communities."""
    street = Place.objects.filter(parent=world.district, name="大场镇").first() or place_create(
        name="大场镇", kind=PlaceKind.TOWN, parent=world.district
    )
    have = Place.objects.filter(parent=street).count()
    category = Category.objects.get_or_create(district=world.district, name="其他")[0]
    for n in range(have, have + communities):
        community = place_create(
            name=f"大场{n}居委", kind=PlaceKind.RESIDENTS_COMMITTEE, parent=street
        )
        Story(world, community, at(3 + n % 20), category).responded(at(4), 20 + n).resolved(
            at(5), 600 + n
        )
    client = client_for(world.huang_jun)
    counts = []
    # The months' sums cached or not (first look, second look), by streets and communities.
    for level in ("street", "community"):
        cache.clear()
        client.force_login(world.huang_jun)
        for _look in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(
                    "/api/cases/figures",
                    {"place_id": world.district.pk, "since": "2026-10-15", "until": "2026-12-05",
                     "level": level},
                )  # fmt: skip
            assert response.status_code == 200
            counts.append(len(queries))
    return counts


def test_query_count_does_not_grow_with_communities_or_cases(
    world: World, told: dict[str, Case]
) -> None:
    few = _district_queries(world, 2)
    many = _district_queries(world, 12)
    assert few == many
    assert few[1] < few[0]  # the second look reads November from the cache
