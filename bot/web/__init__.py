"""The web view for leaders and coordinators (bot/web/app.py mounts it on the HTTP server)."""
