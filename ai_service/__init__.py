"""ai-service: screening of free-text payment descriptions against sanctions lists."""

__version__ = "0.1.0"
SERVICE_NAME = "ai-service"
