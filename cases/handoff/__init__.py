"""The city hand-off: escalations to the city platform through an outbox, and what the city sends back or down."""
