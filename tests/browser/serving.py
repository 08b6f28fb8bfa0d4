"""A Flask app served on a free loopback port for the browser, in a thread of the test process."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def serving(app, *, mailed_links: bool = False) -> Iterator[str]:
    """Serve ``app`` until the block ends; yields its base URL. ``mailed_links``: the links in the mails the
    app sends lead to this server (``PUBLIC_BASE_URL``)."""
    from werkzeug.serving import make_server

    http = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{http.server_port}"
    if mailed_links:
        app.config["PUBLIC_BASE_URL"] = url
    threading.Thread(target=http.serve_forever, daemon=True).start()
    try:
        yield url
    finally:
        http.shutdown()
