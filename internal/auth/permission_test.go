package auth_test

import (
	"maps"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/auth"
)

// allPerms is every permission, to check that an actor has exactly the
// ones it should and no other.
var allPerms = []auth.Permission{auth.PermAccount, auth.PermUsersManage, auth.PermAuditRead, auth.PermCasesRead,
	auth.PermCasesWrite, auth.PermCasesApprove, auth.PermCasesExport, auth.PermSystemMonitor}

// TestActor: Can, InScope and Ref of people, tokens and the system. A
// token acts with exactly its permissions (never a role's), only in its
// own country, and is named as a token.
func TestActor(t *testing.T) {
	tokenRW := auth.Actor{TokenID: 3, Perms: []auth.Permission{auth.PermCasesRead, auth.PermCasesWrite}, Country: "SE", Addr: "p"}
	for _, tc := range []struct {
		name    string
		a       auth.Actor
		can     []auth.Permission // exactly these
		inScope []auth.Country
		outside []auth.Country
		ref     string
	}{
		{"officer", auth.Actor{UserID: 12, Role: auth.RoleOfficer, Country: "SE"},
			[]auth.Permission{auth.PermAccount, auth.PermCasesRead, auth.PermCasesWrite},
			[]auth.Country{"SE"}, []auth.Country{"LT", ""}, "user:12"},
		{"network admin", auth.Actor{UserID: 1, Role: auth.RoleNetworkAdmin},
			[]auth.Permission{auth.PermAccount, auth.PermUsersManage, auth.PermAuditRead, auth.PermSystemMonitor},
			[]auth.Country{"SE", "LT"}, nil, "user:1"},
		{"system", auth.SystemActor, allPerms, []auth.Country{"SE", "LT"}, nil, "system"},
		{"token read", auth.Actor{TokenID: 7, Perms: []auth.Permission{auth.PermCasesRead}, Country: "SE"},
			[]auth.Permission{auth.PermCasesRead}, []auth.Country{"SE"}, []auth.Country{"LT", ""}, "token:7"},
		{"token read,write", tokenRW,
			[]auth.Permission{auth.PermCasesRead, auth.PermCasesWrite}, []auth.Country{"SE"}, []auth.Country{"LT"}, "token:3"},
		{"token export", auth.Actor{TokenID: 4, Perms: []auth.Permission{auth.PermCasesRead, auth.PermCasesExport}, Country: "LT"},
			[]auth.Permission{auth.PermCasesRead, auth.PermCasesExport}, []auth.Country{"LT"}, []auth.Country{"SE"}, "token:4"},
		// Perms replace the role's grants: a role on a token adds nothing,
		// and a network administrator's role does not widen its country.
		{"token with a role", auth.Actor{TokenID: 5, Role: auth.RoleNetworkAdmin, Perms: []auth.Permission{auth.PermCasesRead}, Country: "SE"},
			[]auth.Permission{auth.PermCasesRead}, []auth.Country{"SE"}, []auth.Country{"LT"}, "token:5"},
		{"token without perms", auth.Actor{TokenID: 6, Role: auth.RoleSupervisor, Country: "SE"},
			nil, []auth.Country{"SE"}, []auth.Country{"LT"}, "token:6"},
		{"token without country", auth.Actor{TokenID: 8, Perms: []auth.Permission{auth.PermCasesRead}},
			[]auth.Permission{auth.PermCasesRead}, nil, []auth.Country{"SE", ""}, "token:8"},
		{"empty perms", auth.Actor{UserID: 9, Role: auth.RoleSupervisor, Perms: []auth.Permission{}, Country: "SE"},
			nil, []auth.Country{"SE"}, nil, "user:9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, p := range allPerms {
				want := false
				for _, c := range tc.can {
					want = want || c == p
				}
				if got := tc.a.Can(p); got != want {
					t.Errorf("Can(%s) = %v, want %v", p, got, want)
				}
			}
			for _, c := range tc.inScope {
				if !tc.a.InScope(c) {
					t.Errorf("InScope(%q) = false, want true", c)
				}
			}
			for _, c := range tc.outside {
				if tc.a.InScope(c) {
					t.Errorf("InScope(%q) = true, want false", c)
				}
			}
			if got := tc.a.Ref(); got != tc.ref {
				t.Errorf("Ref() = %q, want %q", got, tc.ref)
			}
		})
	}
}

// TestUsernames: the service names accounts by username, leaving out ids
// that name none, and asks nothing of the store for no ids.
func TestUsernames(t *testing.T) {
	sqlite(t, func(t *testing.T, f *fixture) {
		a, _ := f.user("a.larsson", auth.RoleOfficer, "SE")
		b, _ := f.user("b.nowak", auth.RoleNetworkAdmin, "")
		got, err := f.svc.Usernames(f.ctx, []int64{b.ID, a.ID, 0, 4242, a.ID})
		if err != nil || !maps.Equal(got, map[int64]string{a.ID: "a.larsson", b.ID: "b.nowak"}) {
			t.Errorf("Usernames = %v, %v", got, err)
		}
		if got, err := f.svc.Usernames(f.ctx, nil); err != nil || got == nil || len(got) != 0 {
			t.Errorf("Usernames(nil) = %v, %v; want an empty map", got, err)
		}
	})
}
