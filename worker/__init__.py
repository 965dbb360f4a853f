"""The background worker's runtime: start-up, fork safety, queues and the scheduler."""
