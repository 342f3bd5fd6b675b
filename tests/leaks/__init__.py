"""The leak matrix of issue 9 item 10: every persona on every read path, on both engines."""
