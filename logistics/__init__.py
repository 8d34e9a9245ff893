"""hub: software for a rural township parcel hub shared by several express couriers."""

__version__ = "0.1.0"
