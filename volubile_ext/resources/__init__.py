"""The API's resources, one module each, as thin sync/async twins over the client's runtime."""
