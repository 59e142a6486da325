//! A run's or logged model's files, to and from the server (see the module doc of
//! `app::sync`).
