package api

import (
	_ "embed"
	"net/http"
)

// openAPISpec is the OpenAPI 3.1 description of the API, written by hand
// and kept true by TestOpenAPIMatchesRoutes.
//
//go:embed openapi.yaml
var openAPISpec []byte

// OpenAPI returns the OpenAPI description (YAML).
func OpenAPI() []byte { return append([]byte(nil), openAPISpec...) }

// openAPI serves the description: public, like any API's documentation.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Write(openAPISpec)
}
