"""Analysis of model output and of the historical record (outcomes, sensitivity, fits)."""
