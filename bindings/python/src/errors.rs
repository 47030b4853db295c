//! Engine errors as Python exceptions. The classes live in the pure-Python module
//! `scalodb._errors` (so that they can also derive from `OSError`, `ValueError`...); this file
//! only picks the class and fills in its attributes.

use pyo3::call::PyCallArgs;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyModule;
use scalodb::Error;

static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// An instance of `scalodb._errors.<class>` built from `args`, as a `PyErr`.
pub(crate) fn raise<'py>(py: Python<'py>, class: &str, args: impl PyCallArgs<'py>) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let module = ERRORS.get_or_try_init(py, || PyModule::import(py, "scalodb._errors").map(Bound::unbind))?;
        let exc = module.bind(py).getattr(class)?.call1(args)?;
        Ok(PyErr::from_value(exc))
    };
    build().unwrap_or_else(|e| e)
}

/// The Python exception for an engine error.
pub(crate) fn to_py(py: Python<'_>, err: Error) -> PyErr {
    let msg = err.to_string();
    let with_attrs = |class: &str, attrs: &[(&str, Py<PyAny>)]| {
        let e = raise(py, class, (msg.clone(),));
        for (name, value) in attrs {
            // Setting an attribute on a fresh exception object cannot fail in practice; if it
            // did, the exception would still carry the message, which is what matters.
            let _ = e.value(py).setattr(*name, value);
        }
        e
    };
    match err {
        Error::Closed => raise(py, "ClosedError", (msg,)),
        Error::Locked { ref path } => with_attrs("LockedError", &[("path", path_obj(py, path))]),
        Error::Corruption { ref path, offset, .. } => {
            with_attrs("CorruptionError", &[("path", path_obj(py, path)), ("offset", int(py, offset))])
        }
        // OSError's two-argument form sets `errno` and `strerror`.
        Error::Io { ref source, .. } => match source.raw_os_error() {
            Some(code) => raise(py, "IoError", (code, msg)),
            None => raise(py, "IoError", (msg,)),
        },
        Error::KeyTooLarge { len, max } => {
            with_attrs("KeyTooLargeError", &[("length", int(py, len as u64)), ("limit", int(py, max as u64))])
        }
        Error::ValueTooLarge { len, max } => {
            with_attrs("ValueTooLargeError", &[("length", int(py, len as u64)), ("limit", int(py, max as u64))])
        }
        Error::InvalidArgument(_) => raise(py, "InvalidArgumentError", (msg,)),
        Error::Conflict => raise(py, "ConflictError", (msg,)),
        Error::OutOfMemory { .. } => raise(py, "OutOfMemoryError", (msg,)),
        Error::ReadOnly { .. } => raise(py, "ReadOnlyError", (msg,)),
        Error::WrongType(_) => raise(py, "WrongTypeError", (msg,)),
        // `Error` is non-exhaustive: a kind added later is still a `scalodb.Error`.
        _ => raise(py, "Error", (msg,)),
    }
}

/// A `pathlib.Path`, as `DB.path` returns.
fn path_obj(py: Python<'_>, path: &std::path::Path) -> Py<PyAny> {
    path.into_pyobject(py).map(Bound::unbind).unwrap_or_else(|_| py.None())
}

fn int(py: Python<'_>, n: u64) -> Py<PyAny> {
    n.into_pyobject(py).map(|i| i.into_any().unbind()).unwrap_or_else(|_| py.None())
}

/// `Result` of the engine to `PyResult`, for use as `.map_err(err(py))`.
pub(crate) fn err(py: Python<'_>) -> impl Fn(Error) -> PyErr + '_ {
    move |e| to_py(py, e)
}
