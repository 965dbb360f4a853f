"""Organisations: the provider registry (profiles, service areas, capabilities, credentials, directory)."""
