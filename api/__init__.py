"""HTTP API of journeymap (FastAPI). Build the app with ``create_app(settings)``.

Nothing is created at import time: no app, no store, no driver.
"""

from api.app import app_from_env, create_app
from api.settings import Settings

__all__ = ["Settings", "app_from_env", "create_app"]
