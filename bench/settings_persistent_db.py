"""Diagnosis only: the app's settings with persistent database connections.

``python bench/run.py --persistent-db`` serves the real app with this module to show
how much of a handshake is spent opening a PostgreSQL connection per database call
(config.settings uses ``conn_max_age=0``). Not a production configuration of the project.
"""

from config.settings import *  # noqa: F403
from config.settings import DATABASES

DATABASES["default"]["CONN_MAX_AGE"] = 600
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
