"""Sensors: devices, readings, the MQTT contract and its one adapter module."""
