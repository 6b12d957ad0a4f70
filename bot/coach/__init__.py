"""The pure coaching core: text in, decisions out. No telegram, no sqlalchemy, no I/O."""
