"""The waiting-room display board: counters and their numbers, the last calls, the queues,
notices, and a voice that calls each number (issue 6)."""
