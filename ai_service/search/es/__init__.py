"""The Elasticsearch search backend (SPEC §5): index, loader, hybrid query, failover.

Modules import ``elasticsearch`` only where they talk to a cluster, so the
failover and answer-tracking pieces stay importable without a client.
"""
