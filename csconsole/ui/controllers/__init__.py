"""Controllers: each owns a few actions and is handed only what it needs, never the window."""
