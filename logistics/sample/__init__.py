"""Seeded sample data: a township's parcels, made up but shaped like the real thing."""
