"""REAIM Hub: the library, coalition tracker and briefings behind the REAIM norm-setting process."""

__version__ = "0.1.0"
__all__ = ["__version__"]
