package server

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"gbsearch/search"
)

// Admin is what the librarians' routes need: adding and removing documents
// while serving, reindexing as a job, and the report. cmd/gbsearch
// implements it over the indexing pipeline.
type Admin interface {
	Upload(ctx context.Context, u Upload) (*UploadResult, error)
	Delete(ctx context.Context, symbol string) (*DeleteResult, error)
	StartReindex(full bool) (string, error)
	Job(id string) (*Job, bool)
	Report(ctx context.Context) (*search.Report, error)
}

// Upload is a document sent by a librarian, with the metadata the form
// gives (all optional: the text speaks for itself where it can).
type Upload struct {
	Filename string // as sent, for messages only: never used as a path
	Data     []byte
	Symbol   string
	Kind     string
	Language string
	Title    string
	Date     string
}

// UploadResult says what an upload became.
type UploadResult struct {
	Symbol   string   `json:"symbol"`
	ID       string   `json:"id"`
	Format   string   `json:"format"`
	Title    string   `json:"title"`
	Warnings []string `json:"warnings,omitempty"`
}

// DeleteResult says what a delete removed.
type DeleteResult struct {
	Symbol  string   `json:"symbol"`
	Removed []string `json:"removed"` // version IDs
	Note    string   `json:"note,omitempty"`
}

// Job is an indexing run started over HTTP.
type Job struct {
	ID         string     `json:"id"`
	Kind       string     `json:"kind"` // reindex, full-rebuild
	State      string     `json:"state"`
	Started    time.Time  `json:"started"`
	Finished   *time.Time `json:"finished,omitempty"`
	FilesDone  int        `json:"files_done"`
	FilesTotal int        `json:"files_total"`
	BytesDone  int64      `json:"bytes_done"`
	BytesTotal int64      `json:"bytes_total"`
	Indexed    int        `json:"indexed"`
	Unchanged  int        `json:"unchanged"`
	Removed    int        `json:"removed"`
	Failed     int        `json:"failed"`
	Failures   []Failure  `json:"failures,omitempty"`
	Error      string     `json:"error,omitempty"`
}

// Failure is a file a job could not index.
type Failure struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
	Detail string `json:"detail"`
}

// Job states.
const (
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

// Sentinels an Admin returns for the server to map.
var (
	ErrUnsupportedMedia = errors.New("unsupported document type")
	ErrBusy             = errors.New("an indexing job is already running")
)

// WithAdmin enables the admin routes, guarded by a bearer token. Without a
// token they answer that they are disabled.
func WithAdmin(a Admin, token string) Option {
	return func(s *Server) { s.admin, s.adminToken = a, token }
}

// maxUploadBytes bounds one upload (the request body limit applies too).
const maxUploadBytes = 64 << 20

// installAdmin registers the librarians' routes under /api/v1/admin.
func (s *Server) installAdmin(api *mux.Router) {
	api.Handle("/admin/documents", s.handleTimeout("admin_upload", s.authorized(s.upload), 2*time.Minute)).Methods(http.MethodPost)
	api.Handle("/admin/documents/{symbol:.+}", s.handle("admin_delete", s.authorized(s.deleteDocument))).Methods(http.MethodDelete)
	api.Handle("/admin/reindex", s.handle("admin_reindex", s.authorized(s.reindex))).Methods(http.MethodPost)
	api.Handle("/admin/jobs/{id}", s.handle("admin_job", s.authorized(s.job))).Methods(http.MethodGet)
	api.Handle("/admin/report", s.handle("admin_report", s.authorized(s.report))).Methods(http.MethodGet)
}

// authorized checks the bearer token in constant time.
func (s *Server) authorized(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if s.admin == nil || s.adminToken == "" {
			return &httpError{http.StatusForbidden, "admin disabled",
				errors.New("the admin API is disabled: start the server with GBSEARCH_ADMIN_TOKEN (or -admin-token) set")}
		}
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(s.adminToken)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="gbsearch admin"`)
			return &httpError{http.StatusUnauthorized, "unauthorized", errors.New("a valid bearer token is required")}
		}
		return h(w, r)
	}
}

func (s *Server) upload(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBytes+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &httpError{http.StatusRequestEntityTooLarge, "too large", fmt.Errorf("the upload is larger than %d MB", maxUploadBytes>>20)}
		}
		return badRequest("expected a multipart/form-data upload with a 'file' field: %v", err)
	}
	defer r.MultipartForm.RemoveAll()
	files := r.MultipartForm.File["file"]
	if len(files) != 1 {
		return badRequest("send exactly one 'file' field (got %d)", len(files))
	}
	data, err := readPart(files[0])
	if err != nil {
		return err
	}
	u := Upload{Filename: files[0].Filename, Data: data}
	for name, dst := range map[string]*string{"symbol": &u.Symbol, "kind": &u.Kind, "language": &u.Language, "title": &u.Title, "date": &u.Date} {
		v := strings.TrimSpace(r.FormValue(name))
		if strings.ContainsAny(v, "\t\r\n") || len(v) > 1000 {
			return badRequest("field %s must be one line of at most 1000 characters", name)
		}
		*dst = v
	}
	res, err := s.admin.Upload(r.Context(), u)
	if err != nil {
		if errors.Is(err, ErrUnsupportedMedia) {
			return &httpError{http.StatusUnsupportedMediaType, "unsupported media type", err}
		}
		if errors.Is(err, search.ErrBadQuery) {
			return &httpError{http.StatusBadRequest, "bad request", err}
		}
		return &httpError{http.StatusUnprocessableEntity, "not indexed", err}
	}
	writeJSON(w, http.StatusCreated, res)
	return nil
}

func readPart(fh *multipart.FileHeader) ([]byte, error) {
	if fh.Size > maxUploadBytes {
		return nil, &httpError{http.StatusRequestEntityTooLarge, "too large", fmt.Errorf("the file is larger than %d MB", maxUploadBytes>>20)}
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxUploadBytes))
}

func (s *Server) deleteDocument(w http.ResponseWriter, r *http.Request) error {
	res, err := s.admin.Delete(r.Context(), mux.Vars(r)["symbol"])
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (s *Server) reindex(w http.ResponseWriter, r *http.Request) error {
	full := false
	switch r.URL.Query().Get("full") {
	case "", "false", "0":
	case "true", "1":
		full = true
	default:
		return badRequest("full must be true or false")
	}
	id, err := s.admin.StartReindex(full)
	if err != nil {
		if errors.Is(err, ErrBusy) {
			return &httpError{http.StatusConflict, "busy", err}
		}
		return err
	}
	w.Header().Set("Location", "/api/v1/admin/jobs/"+id)
	writeJSON(w, http.StatusAccepted, map[string]string{"id": id, "status": "/api/v1/admin/jobs/" + id})
	return nil
}

func (s *Server) job(w http.ResponseWriter, r *http.Request) error {
	j, ok := s.admin.Job(mux.Vars(r)["id"])
	if !ok {
		return &httpError{http.StatusNotFound, "not found", fmt.Errorf("no job %q", mux.Vars(r)["id"])}
	}
	writeJSON(w, http.StatusOK, j)
	return nil
}

func (s *Server) report(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.admin.Report(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}
