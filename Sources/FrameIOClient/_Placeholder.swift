enum _PlaceholderFrameIOClient {}
