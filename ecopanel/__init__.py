"""ecopanel: the application shell (factory, config, extensions, auth, CLI, audit log).

Domain packages (``expert_pool``, ``panels``, ``scheduling``, ``notifications``) may import the
infrastructure modules of this package (``extensions``, ``errors``, ``i18n``, ``auth``, ``audit``,
``pagination``), never ``ecopanel.app`` or ``ecopanel.cli``, which import them.
"""


def create_app(test_config=None):
    """Build the Flask application (see :func:`ecopanel.app.create_app`)."""
    from ecopanel.app import create_app as _create_app

    return _create_app(test_config)
