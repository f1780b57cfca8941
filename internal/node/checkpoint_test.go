package node

import (
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/config"
	"github.com/cbss-egcc/childcentre/internal/crypto"
)

// TestCheckHubCheckpoints: what the hub gives back must be what this node
// signed; a checkpoint signed with another key, or altered, is named.
func TestCheckHubCheckpoints(t *testing.T) {
	at := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	c := &config.Config{Country: "SE"}
	kr := crypto.NewKeyring(at)
	own := CheckpointSigner(c, kr)
	other := CheckpointSigner(c, crypto.NewKeyring(at))
	hash := make([]byte, audit.HashSize)
	altered := own.Sign(9, hash, at)
	altered.Seq = 10
	tests := []struct {
		name string
		cps  []audit.Checkpoint
		want string // "" = all this node's
	}{
		{"none", nil, ""},
		{"own", []audit.Checkpoint{own.Sign(3, hash, at), own.Sign(9, hash, at)}, ""},
		{"another node's key", []audit.Checkpoint{own.Sign(3, hash, at), other.Sign(7, hash, at)}, "entry 7"},
		{"altered", []audit.Checkpoint{altered}, "entry 10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckHubCheckpoints(c, kr, tt.cps)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("got %v, want an error naming %s", err, tt.want)
			}
		})
	}
}
