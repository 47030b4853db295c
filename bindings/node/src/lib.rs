//! Placeholder: the Node binding of ScaloDB.
