package indexer_test

import (
	"testing"

	"gbsearch/indexer"
)

func TestDetectLanguage(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"English", "The Governing Body requests the Director-General to take into account the outcome of the High-level Dialogue.", "en"},
		{"French", "Le Conseil d’administration prie le Directeur général de tenir compte des résultats du Dialogue de haut niveau.", "fr"},
		{"French with elision", "La Conférence générale de l'Organisation internationale du Travail", "fr"},
		{"Spanish", "El Consejo de Administración pide al Director General que tenga en cuenta los resultados del Diálogo de alto nivel.", "es"},
		{"Spanish title", "La Conferencia General de la Organización Internacional del Trabajo", "es"},
		{"Dutch", "Dit Verdrag treedt in werking twaalf maanden nadat de bekrachtigingen van twee Leden zijn ingeschreven door de Directeur-Generaal.", "nl"},
		{"English in capitals", "THE CONVENTION SHALL BE BINDING ONLY UPON THOSE MEMBERS OF THE ORGANISATION", "en"},
		{"empty", "", ""},
		{"one function word", "the", ""},
		{"one content word", "Migration", ""},
		{"numbers and symbols", "1234 5678 GB.319/POL/2 A/RES/67/219", ""},
		{"words shared by French and Spanish", "de la", ""},
		{"as much French as Spanish", "Les membres de la Conférence", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// the scores are kept in a map: the answer must not depend on
			// its iteration order
			for range 20 {
				if got := indexer.DetectLanguage(tt.text); got != tt.want {
					t.Fatalf("DetectLanguage(%q) = %q, want %q", tt.text, got, tt.want)
				}
			}
		})
	}
}
