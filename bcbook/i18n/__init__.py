"""Translation layer: extraction to the POT, strict PO reading, safety checks, tree translation."""
