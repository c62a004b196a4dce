//! Users, org units, role grants, sessions and API tokens (being written).
