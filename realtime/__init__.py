"""The transport core: how events reach sockets and how sockets talk to the server.

The event log and ``feeds.publish`` (the one exit for events), every group name, the
per-process hub and outbound writers, the Redis watchdog, the wire protocol, socket
authentication and the consumer's plumbing, which hands each op to the handler a domain
app registered (``realtime.ops``). Nothing here imports a domain app: chat, communities
and its sub-apps, presence and the apps to come all depend on this package, never the
other way round (tests/test_architecture.py keeps it so).
"""
