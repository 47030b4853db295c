//! Placeholder: the Python binding of ScaloDB.
