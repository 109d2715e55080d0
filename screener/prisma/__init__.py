"""PRISMA 2020 counts: from a project's state, stage by stage, or replayed from an audit log."""
