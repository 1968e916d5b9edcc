"""The TOML snapshot: document model, reading and writing, and diffs between snapshots."""
