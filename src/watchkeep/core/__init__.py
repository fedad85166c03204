"""Framework-light building blocks shared by every domain."""
