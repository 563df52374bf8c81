package server

import "github.com/gorilla/mux"

// installWeb registers the researchers' web page (/, /documents/..., the
// query syntax page and static assets).
func (s *Server) installWeb(r *mux.Router) {}
