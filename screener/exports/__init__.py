"""Writers that turn a project's state into files for other tools and for reports."""
