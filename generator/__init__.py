"""Atlas des territoires de demain: YAML fact sheets -> one model -> site, charts, maps, PDF."""

__version__ = "0.1.0"
