"""ecopanel: the roof (app factory, configuration, sign-in and permissions, CLI, worker, base layout, demo).

It is the only package that imports every domain package; nothing imports it but its own modules and the
tests (the import contract in ``pyproject.toml`` keeps it so).
"""


def create_app(test_config=None):
    """Build the Flask application (see :func:`ecopanel.app.create_app`)."""
    from ecopanel.app import create_app as _create_app

    return _create_app(test_config)
