enum _PlaceholderHTTPSupport {}
