"""The console's Qt layer: widgets, models and the one path by which writes happen."""
