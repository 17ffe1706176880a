"""openapi.yaml and what is generated from it: the generated models and parsing, the spec
table, regeneration (scenarios of spec changes), the vendor's spec."""
