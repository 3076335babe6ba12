"""Crisis-scale data and benchmarks of Mobilisation CLS (see bench/README.md)."""
