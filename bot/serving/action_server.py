"""``python -m bot.serving.action_server``: rasa-sdk's action server, locked.

It is rasa-sdk's own Sanic app (``rasa_sdk.endpoint.create_app``) with one
request hook in front: every call except ``/health`` must carry the shared
secret of :mod:`bot.serving.action_auth`. It listens on ``ACTION_BIND_HOST``
(loopback unless configured), not on ``BIND_HOST`` with the public servers.
"""

from __future__ import annotations

import logging

from dotenv import load_dotenv
from rasa_sdk.endpoint import create_app
from sanic import response

from bot.config import load_settings
from bot.serving.action_auth import HEADER, action_server_token, is_authorised

log = logging.getLogger(__name__)


def build_app(token: str):
    app = create_app("actions", cors_origins=None)

    @app.middleware("request")
    async def require_token(request):
        if request.path == "/health":
            return None
        if not is_authorised(request.headers.get(HEADER), token):
            log.warning("refused an action call without the shared secret from %s", request.ip)
            return response.json({"error": "not authorised"}, status=401)
        return None

    return app


def main() -> None:
    load_dotenv()
    settings = load_settings()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    app = build_app(action_server_token(settings))
    log.info("Action server on http://%s:%s", settings.action_bind_host, settings.action_port)
    app.run(settings.action_bind_host, settings.action_port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
