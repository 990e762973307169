"""charte: an organisation's data-protection charter, turned into enforced code."""

__version__ = "0.1.0"
