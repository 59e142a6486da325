//! Messages of MLflow's artifacts endpoints.
