"""The HTTP face: JSON and GeoJSON routes, the live event stream, and the command-room page."""
