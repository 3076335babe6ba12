"""gunicorn settings of production and `make bench` (gunicorn -c config/gunicorn.conf.py); see docs/deploiement.md.

Command-line options override these (bench/run.py passes --workers and --bind).
"""

import os

wsgi_app = "config.wsgi:application"
# French pages for the errors gunicorn answers itself; GUNICORN_THREADS > 1 selects the threaded worker.
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "mobilisation.core.gunicorn_workers." + ("FrenchThreadWorker" if threads > 1 else "FrenchSyncWorker")
# Request limits, above Django's own (URL_MAX_LENGTH, 4,096 characters), so that Django's French 414 page answers
# the URLs between the two; beyond, gunicorn's page (French too). 8,190 bytes is gunicorn's largest request line.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
