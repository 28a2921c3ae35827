"""The one ASGI application: HTTP through the body limit to Django, WebSockets through per-IP
limits, the exact origin check and auth to consumers; both under the per-process connection cap.

Served by uvicorn (`make run`), daphne (`daphne config.asgi:application`) and `manage.py runserver`.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Django must be set up (apps loaded) before any consumer, model or auth import below.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from config.routing import websocket_urlpatterns  # noqa: E402
from realtime.auth import AuthMiddlewareStack  # noqa: E402
from realtime.bodies import BodyLimit  # noqa: E402
from realtime.capacity import Capacity  # noqa: E402
from realtime.lifespan import LifespanRouter  # noqa: E402
from realtime.limits import ConnectionLimits  # noqa: E402
from realtime.origins import SameOriginValidator  # noqa: E402

application = LifespanRouter(
    Capacity(
        ProtocolTypeRouter(
            {
                "http": BodyLimit(django_asgi_app),
                "websocket": ConnectionLimits(
                    SameOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
                ),
            }
        )
    )
)
