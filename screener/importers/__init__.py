"""Reading search exports: one module per format, and the import service."""
