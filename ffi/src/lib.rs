//! Placeholder: the C ABI of ScaloDB.
