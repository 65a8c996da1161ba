"""The durable job store: rewrite jobs and their finished chunks, kept across restarts."""
