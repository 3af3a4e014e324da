"""gunicorn config for the benches (`-c bench/gunicorn_ready.py`): each worker, once it has
loaded the app, leaves a file named after its pid in $BENCH_READY_DIR, so a bench starts its
load when every worker can answer (`_common.wait_workers`), not when the first one can:
under load an import of the app takes seconds, and a half-started server is not what is
being measured."""
import os


def post_worker_init(worker):
    ready = os.environ.get("BENCH_READY_DIR")
    if ready:
        os.makedirs(ready, exist_ok=True)
        open(os.path.join(ready, str(worker.pid)), "w").close()
