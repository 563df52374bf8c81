package indexer

// ParseUN parses a UN document. See un.go.
func ParseUN(c *Content, meta Meta) *Document { return ParseGeneric(c, meta) }
