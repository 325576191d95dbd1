"""Use cases. Each takes its collaborators (repository, now) as arguments."""
