//! MLflow 3 logged models and the model registry, to and from the server (see the module
//! doc of `app::sync`).
