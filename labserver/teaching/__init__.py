"""The teaching layer: tables, diagrams, exercises, the reference, claims and recaps."""
