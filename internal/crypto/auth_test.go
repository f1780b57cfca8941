package crypto_test

import (
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/crypto"
)

// The auth service seals second-factor secrets with a crypto.Sealer.
var _ auth.Sealer = (*crypto.Sealer)(nil)
