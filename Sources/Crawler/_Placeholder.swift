enum _PlaceholderCrawler {}
