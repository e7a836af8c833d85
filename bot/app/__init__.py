"""The application layer: the one place that holds several adapters at once.

assembly builds a running newswatch (store, rules, pipeline, senders, fetcher) for the CLI,
the daemon, eval and the demo; ingest and deliver are the jobs; daemon runs them on the
scheduler and reloads configuration and rules.
"""
