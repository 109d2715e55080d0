"""Moving one reviewer's events between copies of a project."""
