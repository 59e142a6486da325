//! Messages of MLflow's registry endpoints.
