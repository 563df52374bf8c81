package corpus

import _ "embed" // the generator's seed text

// SeedText is the OCR text of the bundled GB.319/POL/2, built into the
// binary as the seed of the corpus generator's English vocabulary, so that
// `gbsearch gen` works from any folder and every build generates the same
// corpus for a seed.
//
//go:embed gb/GB.319_POL_2.en.txt
var SeedText string
