"""govmedia: 政务新媒体运营与监管平台."""

__version__ = "0.1.0"
