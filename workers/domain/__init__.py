"""Pure domain logic of the workers: no I/O, unit-tested."""
