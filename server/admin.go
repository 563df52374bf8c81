package server

import "github.com/gorilla/mux"

// installAdmin registers the librarians' routes under /api/v1/admin.
func (s *Server) installAdmin(api *mux.Router) {}
