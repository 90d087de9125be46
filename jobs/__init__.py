"""Work driven by time and by CPU: periodic jobs leased once per period, and a pool of worker processes."""
