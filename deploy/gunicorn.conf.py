"""gunicorn settings for one Roundtable host: ``gunicorn -c deploy/gunicorn.conf.py wsgi:app``.

Every host runs the same file against the one PostgreSQL; nothing is kept in a worker's memory
that another worker or host must see (sessions are signed cookies, throttles, caches' freshness
and the outbox live in the database). Override any value with the GUNICORN_CMD_ARGS variable.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")  # the reverse proxy in front connects here
# Sync workers: each request is short and database-bound. Two per core, plus one.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 60           # a worker stuck longer than this is killed and replaced
graceful_timeout = 30  # on SIGTERM, requests in flight get this long to finish
keepalive = 5
max_requests = 2000    # recycle workers now and then; jitter keeps them from restarting together
max_requests_jitter = 200
# Client addresses: the app believes X-Forwarded-For only for TRUSTED_PROXIES hops (ProxyFix);
# gunicorn's own forwarded-header handling is switched off so only one place decides.
forwarded_allow_ips = ""
# The app writes a line per request (with its request id) to stderr; no second access log.
accesslog = None
errorlog = "-"
loglevel = "info"
