"""Reports for analysts, computed from ended process instances read through the REST API v2."""
