enum _PlaceholderCatalogSandbox {}
