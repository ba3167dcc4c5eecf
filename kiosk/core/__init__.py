"""The pure rules and vocabulary of the kiosk: no I/O, imports nothing of the project outside itself."""
