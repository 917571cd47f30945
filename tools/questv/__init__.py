"""questv host tools: validate system.toml, build the boot image, run it, inspect it."""

__version__ = "0.1.0"
