"""The kiosk's own hardware beside the printer and the screen: the backlight, the GPIO panel
(ticket button, LED, technician button) and systemd's notify socket. Each behind a small
interface with a real and a fake implementation."""
