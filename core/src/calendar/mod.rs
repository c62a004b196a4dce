//! Calendar (placeholder, being written).
