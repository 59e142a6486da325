//! Messages of MLflow's tracking endpoints.
