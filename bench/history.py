"""History: a page of 50 from one conversation of a big message table, on PostgreSQL.

    python bench/history.py [--rows 1000000] [--conversations 100] [--queries 400]

Bulk-loads (once; later runs only top up) ``--rows`` messages spread round-robin over
``--conversations`` topic groups of the bench community, with INSERT … SELECT FROM
generate_series (foreign-key triggers off for the load: the rows are valid by
construction), ANALYZEs, then times ``chat.selectors.history`` — the exact read of the
``history`` op — for the newest page and for pages before a random message.
The 10-million version: ``python bench/history.py --rows 10000000`` (or ``bench/run.py
--history-rows 10000000``); the load takes several minutes the first time.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

TITLE = "压测历史"
CHUNK = 500_000


def conversations_ensure(count: int) -> list[int]:
    from chat.models import Conversation
    from communities.models import Place

    seed = json.loads(common.SEED_FILE.read_text())
    community = Place.objects.get(pk=seed["community"])
    have = list(
        Conversation.objects.filter(place=community, title__startswith=TITLE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    missing = count - len(have)
    if missing > 0:
        Conversation.objects.bulk_create(
            [
                Conversation(kind=Conversation.Kind.TOPIC, place=community, title=f"{TITLE}{i}")
                for i in range(len(have), count)
            ]
        )
    return list(
        Conversation.objects.filter(place=community, title__startswith=TITLE)
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )


def load(rows: int, conversations: list[int]) -> dict[str, Any]:
    from django.db import connection

    from chat.models import Message

    authors = [u for u, _ in json.loads(common.SEED_FILE.read_text())["estates"][-1]["users"]]
    authors = authors[:200]
    have = Message.objects.filter(conversation_id__in=conversations).count()
    started = time.monotonic()
    loaded = 0
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # no FK triggers for the load
        try:
            while have + loaded < rows:
                first = have + loaded
                last = min(rows, first + CHUNK) - 1
                cursor.execute(
                    """
                    INSERT INTO chat_message
                        (conversation_id, author_id, client_id, body, mentions, created_at)
                    SELECT (%(convs)s::bigint[])[1 + g %% %(nc)s],
                           (%(authors)s::bigint[])[1 + (g / %(nc)s) %% %(na)s],
                           'h' || g,
                           '第' || g || '条消息：楼下的快递柜又满了，谁知道物业几点来处理？',
                           '[]'::jsonb,
                           now() - make_interval(secs => %(rows)s - g)
                    FROM generate_series(%(first)s, %(last)s) AS g
                    """,
                    {
                        "convs": conversations,
                        "nc": len(conversations),
                        "authors": authors,
                        "na": len(authors),
                        "rows": rows,
                        "first": first,
                        "last": last,
                    },
                )
                loaded += last - first + 1
                print(f"history: {have + loaded:,} messages", file=sys.stderr, flush=True)
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")
        if loaded:
            cursor.execute("ANALYZE chat_message")
    return {"already": have, "loaded": loaded, "load_s": round(time.monotonic() - started, 1)}


def measure(conversations: list[int], queries: int) -> dict[str, Any]:
    from django.db import connection

    from chat import selectors
    from chat.models import Conversation, Message

    convs = {c.pk: c for c in Conversation.objects.filter(pk__in=conversations)}
    bounds = {
        pk: (
            Message.objects.filter(conversation_id=pk)
            .order_by("id")
            .values_list("id", flat=True)[:1][0],
            Message.objects.filter(conversation_id=pk)
            .order_by("-id")
            .values_list("id", flat=True)[:1][0],
        )
        for pk in conversations[:20]
    }
    rng = random.Random(7)
    query_s: list[float] = []

    def timed_query(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            query_s.append(time.perf_counter() - started)

    newest: list[float] = []
    older: list[float] = []
    sql_ms: list[float] = []
    for i in range(queries):
        pk = rng.choice(list(bounds))
        low, high = bounds[pk]
        before = None if i % 2 == 0 else rng.randint(low + 5_000, high)
        query_s.clear()
        with connection.execute_wrapper(timed_query):
            started = time.perf_counter()
            page = selectors.history(convs[pk], before=before, limit=selectors.HISTORY_PAGE)
            elapsed = (time.perf_counter() - started) * 1000
        sql_ms.append(sum(query_s) * 1000)
        assert len(page) == selectors.HISTORY_PAGE
        (newest if before is None else older).append(elapsed)
    with connection.cursor() as cursor:
        pk = conversations[0]
        sql, params = (
            selectors.visible_messages(convs[pk])
            .filter(pk__lt=bounds[pk][1])
            .order_by("-id")[:50]
            .query.sql_with_params()
        )
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    both = sorted(newest + older)
    newest.sort()
    older.sort()
    return {
        "queries": queries,
        "p50_ms": round(common.percentile(both, 50), 2),
        "p99_ms": round(common.percentile(both, 99), 2),
        "max_ms": round(both[-1], 2),
        "newest_page_p50_ms": round(common.percentile(newest, 50), 2),
        "newest_page_p99_ms": round(common.percentile(newest, 99), 2),
        "older_page_p50_ms": round(common.percentile(older, 50), 2),
        "older_page_p99_ms": round(common.percentile(older, 99), 2),
        "sql_p50_ms": round(common.percentile(sorted(sql_ms), 50), 2),
        "sql_p99_ms": round(common.percentile(sorted(sql_ms), 99), 2),
        "plan": plan,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="history page timing")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--conversations", type=int, default=100)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--out")
    args = parser.parse_args()
    common.django_setup()
    from chat.models import Message

    conversations = conversations_ensure(args.conversations)
    loading = load(args.rows, conversations)
    result = {
        "rows_in_history_conversations": loading["already"] + loading["loaded"],
        "conversations": len(conversations),
        "messages_per_conversation": (loading["already"] + loading["loaded"]) // len(conversations),
        "table_rows_estimate": Message.objects.count(),
        **loading,
        **measure(conversations, args.queries),
    }
    text = json.dumps(result, indent=1, ensure_ascii=False)
    if args.out:
        Path(args.out).write_text(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
