//! Diagnosis results (placeholder)
