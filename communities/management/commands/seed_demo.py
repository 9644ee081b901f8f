"""Seed the demo district; safe to run again (nothing is duplicated)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from chat import demo as chat_demo
from communities.boards import demo as boards_demo
from communities.cases import demo as cases_demo
from communities.demo import DEMO_PASSWORD, seed
from communities.moderation import demo as moderation_demo
from communities.volunteering import demo as volunteering_demo


class Command(BaseCommand):
    help = "Create the demo district, its communities, people and roles (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="do not print the logins")

    def handle(self, *args: Any, **options: Any) -> None:
        result = seed()
        conversations = chat_demo.seed()
        posts = boards_demo.seed()
        reports = moderation_demo.seed()
        callouts = volunteering_demo.seed()
        cases = cases_demo.seed()
        self.stdout.write(
            f"Demo district ready: {result.places} places, {result.residents} residents "
            f"({result.created} people created this run), {conversations} conversations, "
            f"{posts} board posts, {reports} open report(s) for the committee, "
            f"{callouts} volunteer call-outs, {cases.cases} cases nearby (身边事)."
        )
        if options["quiet"]:
            return
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for login in [*result.logins, *cases.logins]:
            self.stdout.write(f"  {login.username:<12} {login.name:<4}  {login.what}")
        self.stdout.write(f"  {'admin':<12} {'管理员':<4}  site administrator: /admin/")
        self.stdout.write("  r0001 … r0200 are further residents, 25 in each estate.")
