"""The pure core: config schema, catalogs, role and assignment models. No Pulumi, no HTTP."""
