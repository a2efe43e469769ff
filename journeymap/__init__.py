"""journeymap: customer-journey and touchpoint modelling engine."""

__version__ = "0.1.0"
