package node

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/config"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// TestAPIMounted: the node's handler sends /api/ to the API and the rest
// to the web interface.
func TestAPIMounted(t *testing.T) {
	db := storetest.New(t)
	kr := crypto.NewKeyring(time.Now())
	a, err := NewAPI(&config.Config{Country: "SE"}, db, kr.Sealer(crypto.PurposeIdentity), kr, kr, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	web := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "web") })
	h := Handler(a.Handler(), web)
	for _, tt := range []struct {
		path, ctype string
		code        int
	}{
		{"/api/v1/openapi.yaml", "application/yaml; charset=utf-8", 200},
		{"/api/v1/children", "application/problem+json", 401},
		{"/api/nothing", "application/problem+json", 404},
		{"/children", "text/plain; charset=utf-8", 200},
		{"/apiary", "text/plain; charset=utf-8", 200},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", tt.path, nil))
		if rec.Code != tt.code || rec.Header().Get("Content-Type") != tt.ctype {
			t.Errorf("GET %s: %d %q, want %d %q", tt.path, rec.Code, rec.Header().Get("Content-Type"), tt.code, tt.ctype)
		}
	}
}
