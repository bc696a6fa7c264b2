//! Plans (placeholder)
