//! Messages of MLflow's logged endpoints.
