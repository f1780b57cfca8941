package sitehttp_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/site"
	"github.com/cbss-egcc/childcentre/internal/site/sitehttp"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// BenchmarkPages measures readers' pages served from the database with
// 1,000 published items beside the seed content, and reports the 95th
// percentile latency of each page (issue 13 asks p95 < 50 ms):
//
//	go test ./internal/site/sitehttp -run '^$' -bench Pages -benchtime 400x
func BenchmarkPages(b *testing.B) {
	for _, dialect := range []string{store.DialectSQLite, store.DialectPostgres} {
		b.Run(dialect, func(b *testing.B) {
			var db *store.DB
			if dialect == store.DialectSQLite {
				db = storetest.New(b)
			} else {
				db = storetest.Postgres(b)
			}
			ctx := context.Background()
			svc := site.New(store.NewSiteStore(db), nil)
			if _, err := svc.Seed(ctx); err != nil {
				b.Fatal(err)
			}
			for i := 0; i < 1000; i++ {
				kind := []site.Kind{site.KindNews, site.KindPublication, site.KindEvent, site.KindProject}[i%4]
				it, err := svc.Create(ctx, site.SystemEditor, site.NewItem{
					Item: site.Item{Kind: kind, Slug: fmt.Sprintf("item-%d", i), Year: 2000 + i%25, Topic: site.Topics[i%len(site.Topics)]},
					Text: site.Text{Title: fmt.Sprintf("Item %d on children at risk", i), Summary: "A summary of the item.",
						Body: "## Heading\n\nSome **text** about cooperation in the Baltic Sea Region, with a [link](https://example.org/).\n\n- one\n- two\n"}})
				if err != nil {
					b.Fatal(err)
				}
				if err := svc.Transition(ctx, site.SystemEditor, it.ID, site.StatusPublished, time.Time{}); err != nil {
					b.Fatal(err)
				}
			}
			h, err := sitehttp.New(sitehttp.Deps{Site: svc, BaseURL: "https://childcentre.test"})
			if err != nil {
				b.Fatal(err)
			}
			for _, path := range []string{"/en/", "/de/news/", "/en/publications/?year=2010", "/pl/events/item-502", "/en/projects/robert",
				"/en/search?q=children", "/sv/feeds/news.atom", "/sitemap.xml"} {
				b.Run(path, func(b *testing.B) {
					lat := make([]time.Duration, 0, b.N)
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						start := time.Now()
						rec := httptest.NewRecorder()
						h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
						lat = append(lat, time.Since(start))
						if rec.Code != http.StatusOK {
							b.Fatalf("GET %s = %d", path, rec.Code)
						}
					}
					sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
					b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
					b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
				})
			}
		})
	}
}
