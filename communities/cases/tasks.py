"""Timed work on cases, run by the task worker (``manage.py db_worker``): each deadline's
amber and red checks, and the nightly close of resolved cases nobody answered."""
