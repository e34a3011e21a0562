"""The citizens' self-service kiosk screens."""
