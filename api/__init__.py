"""HTTP API of journeymap (FastAPI). Build the app with ``create_app(settings)``."""
