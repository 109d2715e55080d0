"""Evidence extraction of the included studies: forms, values, consensus."""
