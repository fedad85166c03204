"""The composition layer: the application, its router lists, cross-domain pages and the
domains' jobs. It imports every domain; nothing imports it."""
