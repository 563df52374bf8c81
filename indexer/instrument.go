package indexer

func looksInstrument(c *Content) bool { return false }

// ParseInstrument parses an ILO instrument or UN treaty.
func ParseInstrument(c *Content, meta Meta) *Document { return ParseGeneric(c, meta) }
