"""Reaching people who are not looking: Web Push to their devices, and the daily digest.

A domain app on top of the others: it hears the events they publish
(``realtime.feeds.listen``), works out in the task worker who should be told and how
(their settings, quiet hours, whether a tab of theirs is open and visible), and sends
encrypted pushes (RFC 8030/8291/8292) to every device they subscribed. docs/notifications.md.
"""
