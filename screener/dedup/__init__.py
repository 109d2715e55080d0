"""Finding duplicate records: matching, links and clusters, the dedup service."""
