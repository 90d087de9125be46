"""Cases: intake, routing to the four platforms, dispatch of teams and the closed loop."""
