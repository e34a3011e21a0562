"""The clerks' counter app screens."""
