"""Evidence sources of the investigation assistant, and the runner that asks them all."""
