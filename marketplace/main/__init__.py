"""The public home page, dashboards, the language switch and the health check."""
